// Swift Testing suites go here.
