"""Crash durability: acknowledged writes survive ``kill -9`` of the emulator, round after round.

Concurrent writers — single table inserts, ten-entity ``$batch`` transactions and queue puts —
run against a ``storage-emulator`` child process, which is killed with SIGKILL at a random
moment, restarted on the same ``--location``, and checked:

* every insert, batch and put the emulator acknowledged is there, unchanged (inserts keep their
  ETag, messages their text) — also those acknowledged in earlier rounds;
* no batch is partly applied: every batch partition has all ten rows or none;
* nothing is duplicated: each put's text appears once at most, acknowledged or not (the SDK's
  retries are off, so every put is sent exactly once).

Run ``python emulator/chaos/crash_durability.py --rounds 20`` with the venv's Python
(``make chaos``; ``make test`` runs three rounds). It reuses the conformance suite's
``EmulatorProcess`` and client settings. Prints one line per round and the totals; exits 1 on
the first violation.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "conformance"))

from azure.core.exceptions import AzureError  # noqa: E402
from azure.data.tables import TableServiceClient  # noqa: E402
from azure.storage.queue import QueueServiceClient  # noqa: E402

from support import (  # noqa: E402
    CLIENT_KWARGS,
    EmulatorProcess,
    connection_string,
    emulator_binary,
    new_location,
    queue_connection_string,
    remove_location,
)

BATCH_SIZE = 10
# A killed emulator can leave a request hanging until the client's timeout; keep it short.
KWARGS = dict(CLIENT_KWARGS, connection_timeout=5, read_timeout=10)


class Ledger:
    """What the writers sent and what the emulator acknowledged, shared by all threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.inserts: dict[str, str] = {}  # RowKey -> ETag, acknowledged
        self.batches: set[str] = set()  # partitions of acknowledged batches
        self.puts: dict[str, str] = {}  # text -> queue, acknowledged
        self.sent_puts = 0
        self.counter = 0

    def next_id(self) -> int:
        with self.lock:
            self.counter += 1
            return self.counter


def insert_writer(table, ledger: Ledger, stop: threading.Event) -> None:
    while not stop.is_set():
        key = f"{ledger.next_id():09d}"
        try:
            meta = table.create_entity({"PartitionKey": "single", "RowKey": key, "n": int(key)})
        except (AzureError, OSError):
            return  # the emulator died: whatever was not acknowledged may be lost
        with ledger.lock:
            ledger.inserts[key] = meta["etag"]


def batch_writer(table, ledger: Ledger, stop: threading.Event) -> None:
    while not stop.is_set():
        partition = f"batch{ledger.next_id():09d}"
        operations = [("create", {"PartitionKey": partition, "RowKey": f"r{n}", "n": n}) for n in range(BATCH_SIZE)]
        try:
            table.submit_transaction(operations)
        except (AzureError, OSError):
            return
        with ledger.lock:
            ledger.batches.add(partition)


def put_writer(queue, ledger: Ledger, stop: threading.Event) -> None:
    while not stop.is_set():
        text = f"m{ledger.next_id():09d}"
        with ledger.lock:
            ledger.sent_puts += 1
        try:
            queue.send_message(text)
        except (AzureError, OSError):
            return
        with ledger.lock:
            ledger.puts[text] = queue.queue_name


def fail(message: str) -> None:
    print(f"FAILED: {message}", flush=True)
    sys.exit(1)


def check_table(emu: EmulatorProcess, ledger: Ledger) -> tuple[int, int]:
    """Checks inserts and batches; returns (inserts checked, batch partitions checked)."""
    with TableServiceClient.from_connection_string(connection_string(emu.endpoint()), **KWARGS) as service:
        table = service.get_table_client("crash")
        stored = {e["RowKey"]: e.metadata["etag"] for e in table.query_entities("PartitionKey eq 'single'")}
        missing = [key for key in ledger.inserts if key not in stored]
        if missing:
            fail(f"{len(missing)} acknowledged inserts lost after kill -9, e.g. {missing[:3]}")
        changed = [key for key, etag in ledger.inserts.items() if stored[key] != etag]
        if changed:
            fail(f"acknowledged inserts changed across the crash: {changed[:3]}")
        rows_per_batch: dict[str, int] = {}
        for entity in table.query_entities("PartitionKey ge 'batch' and PartitionKey lt 'batci'",
                                           select=["PartitionKey"]):
            rows_per_batch[entity["PartitionKey"]] = rows_per_batch.get(entity["PartitionKey"], 0) + 1
        partial = {p: n for p, n in rows_per_batch.items() if n != BATCH_SIZE}
        if partial:
            fail(f"batches partly applied: {dict(list(partial.items())[:3])}")
        lost = [p for p in ledger.batches if p not in rows_per_batch]
        if lost:
            fail(f"{len(lost)} acknowledged batches lost, e.g. {lost[:3]}")
        return len(ledger.inserts), len(rows_per_batch)


def check_queue(emu: EmulatorProcess, ledger: Ledger, round_queue: str, earlier: dict[str, int]) -> int:
    """Checks this round's queue message by message and earlier rounds' queues by count."""
    with QueueServiceClient.from_connection_string(queue_connection_string(emu.queue_endpoint()), **KWARGS) as service:
        queue = service.get_queue_client(round_queue)
        texts: list[str] = []
        while True:
            batch = list(queue.receive_messages(max_messages=32, visibility_timeout=3600))
            if not batch:
                break
            texts.extend(m.content for m in batch)
        duplicated = {t for t in texts if texts.count(t) > 1} if len(texts) != len(set(texts)) else set()
        if duplicated:
            fail(f"puts duplicated: {sorted(duplicated)[:3]}")
        expected = [t for t, q in ledger.puts.items() if q == round_queue]
        missing = [t for t in expected if t not in set(texts)]
        if missing:
            fail(f"{len(missing)} acknowledged puts lost after kill -9, e.g. {missing[:3]}")
        earlier[round_queue] = len(texts)
        for name, count in earlier.items():
            stored = service.get_queue_client(name).get_queue_properties().approximate_message_count
            if stored != count:
                fail(f"queue {name} had {count} messages after its round and has {stored} now")
        return len(expected)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=int(os.environ.get("CHAOS_SEED", "20261204")))
    parser.add_argument("--min-run", type=float, default=0.3, help="shortest time before the kill, seconds")
    parser.add_argument("--max-run", type=float, default=1.5, help="longest time before the kill, seconds")
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)

    location = new_location("baton-crash-chaos-")
    emu = EmulatorProcess(emulator_binary(), location, "")
    ledger = Ledger()
    earlier_queues: dict[str, int] = {}
    started = time.monotonic()
    print(f"== Crash durability: {arguments.rounds} kill -9 rounds (seed {arguments.seed}), "
          f"emulator {emu.binary}", flush=True)
    try:
        emu.start()
        with TableServiceClient.from_connection_string(connection_string(emu.endpoint()), **KWARGS) as service:
            service.create_table("crash")
        for round_number in range(1, arguments.rounds + 1):
            round_queue = f"crash{round_number}"
            with QueueServiceClient.from_connection_string(
                    queue_connection_string(emu.queue_endpoint()), **KWARGS) as queues:
                queues.create_queue(round_queue)
            stop = threading.Event()
            with TableServiceClient.from_connection_string(connection_string(emu.endpoint()), **KWARGS) as tables, \
                    QueueServiceClient.from_connection_string(
                        queue_connection_string(emu.queue_endpoint()), **KWARGS) as queues:
                table = tables.get_table_client("crash")
                queue = queues.get_queue_client(round_queue)
                writers = [threading.Thread(target=insert_writer, args=(table, ledger, stop), daemon=True)
                           for _ in range(2)]
                writers += [threading.Thread(target=batch_writer, args=(table, ledger, stop), daemon=True)]
                writers += [threading.Thread(target=put_writer, args=(queue, ledger, stop), daemon=True)
                            for _ in range(2)]
                for writer in writers:
                    writer.start()
                time.sleep(rng.uniform(arguments.min_run, arguments.max_run))
                emu.proc.send_signal(signal.SIGKILL)
                emu.proc.wait(timeout=10)
                stop.set()
                for writer in writers:
                    writer.join(timeout=30)
                    if writer.is_alive():
                        fail("a writer did not notice that the emulator died")
            emu.start()
            inserts, batches = check_table(emu, ledger)
            puts = check_queue(emu, ledger, round_queue, earlier_queues)
            print(f"   round {round_number}: killed; {inserts} acknowledged inserts, {len(ledger.batches)} "
                  f"acknowledged batches ({batches} batch partitions whole), {len(ledger.puts)} acknowledged "
                  f"puts ({puts} this round) all present, nothing partial or duplicated", flush=True)
        emu.stop_cleanly()
    finally:
        if emu.proc is not None:
            emu.stop()
        remove_location(location)
    if len(ledger.inserts) < 20 or len(ledger.batches) < 3 or len(ledger.puts) < 20:
        fail("the writers wrote too little to mean anything")
    print(f"   total: {arguments.rounds} kill -9 rounds survived in {time.monotonic() - started:.0f}s; "
          f"checked {len(ledger.inserts)} acknowledged inserts, {len(ledger.batches)} acknowledged batches "
          f"({len(ledger.batches) * BATCH_SIZE} rows), {len(ledger.puts)} acknowledged puts of {ledger.sent_puts} "
          f"sent; lost 0, partial batches 0, duplicates 0", flush=True)


if __name__ == "__main__":
    main()
