"""SIGTERM shuts the emulator down cleanly (exit 0), however soon after start it arrives.

A parent process typically reads the "listening" lines and may stop the emulator at once; a
signal that lands on the wrong thread must neither be lost (a hang) nor kill the process.
"""

from __future__ import annotations

import requests

from support import JobsSharedKeyAuth

ROUNDS = 15


def test_sigterm_right_after_start_exits_cleanly(emulator_factory):
    emu = emulator_factory()
    for _ in range(ROUNDS):
        emu.stop_cleanly()
        emu.start()
    # And once more after real traffic on every service.
    requests.post(f"{emu.jobs_url}/get_jobs", json={}, auth=JobsSharedKeyAuth(), timeout=10)
    emu.stop_cleanly()
