"""Every message Put the emulator acknowledged survives `kill -9` of the emulator process.

A client thread puts messages as fast as it can and records each one answered 201. The emulator
is killed with SIGKILL at an arbitrary moment, restarted on the same --location, and every
acknowledged message must still be there, exactly once.
"""

from __future__ import annotations

import random
import signal
import threading
import time

from azure.core.exceptions import AzureError
from azure.storage.queue import QueueServiceClient

from support import CLIENT_KWARGS, queue_connection_string

ROUNDS = 3


def _writer(client, acknowledged, stop):
    index = 0
    while not stop.is_set():
        index += 1
        try:
            sent = client.send_message(f"m{index:08d}")
            acknowledged[sent.id] = f"m{index:08d}"
        except (AzureError, OSError):
            return  # the emulator died under us: whatever was not acknowledged may be lost


def test_acknowledged_puts_survive_kill_9(emulator_factory):
    emu = emulator_factory()
    rng = random.Random(20261204)
    with QueueServiceClient.from_connection_string(
            queue_connection_string(emu.queue_endpoint()), **CLIENT_KWARGS) as service:
        service.create_queue("crash")

    acknowledged: dict[str, str] = {}
    for _ in range(ROUNDS):
        stop = threading.Event()
        with QueueServiceClient.from_connection_string(
                queue_connection_string(emu.queue_endpoint()), **CLIENT_KWARGS) as service:
            client = service.get_queue_client("crash")
            writer = threading.Thread(target=_writer, args=(client, acknowledged, stop), daemon=True)
            writer.start()
            time.sleep(rng.uniform(0.2, 0.8))
            emu.proc.send_signal(signal.SIGKILL)
            emu.proc.wait(timeout=10)
            stop.set()
            writer.join(timeout=30)
            assert not writer.is_alive(), "the writer did not notice the emulator died"
        emu.start()

        with QueueServiceClient.from_connection_string(
                queue_connection_string(emu.queue_endpoint()), **CLIENT_KWARGS) as service:
            client = service.get_queue_client("crash")
            stored: dict[str, str] = {}
            # Peek does not change anything, but sees at most 32; receive with a long lease to
            # walk the whole queue, then release everything for the next round.
            leased = []
            while True:
                batch = list(client.receive_messages(max_messages=32, visibility_timeout=300))
                if not batch:
                    break
                for message in batch:
                    assert message.id not in stored, f"message {message.id} delivered twice in one pass"
                    stored[message.id] = message.content
                    leased.append(message)
            missing = [key for key in acknowledged if key not in stored]
            assert not missing, f"{len(missing)} acknowledged puts lost after kill -9, e.g. {missing[:3]}"
            changed = [key for key, text in acknowledged.items() if stored[key] != text]
            assert not changed, f"message text changed across the crash: {changed[:3]}"
            for message in leased:
                client.update_message(message, visibility_timeout=0)
    assert len(acknowledged) > 20, "the test wrote too little to mean anything"
