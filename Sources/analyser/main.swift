// The example worker arrives with its own issue; until then this says so.
print("analyser: not yet implemented")
