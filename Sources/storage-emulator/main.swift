// The Table, Queue and Jobs services arrive with their own issues; until then this says so.
print("storage-emulator: not yet implemented")
