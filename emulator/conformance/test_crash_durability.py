"""Every insert the emulator acknowledged survives `kill -9` of the emulator process.

A client thread inserts entities as fast as it can and records each one the emulator answered
201 for. The emulator is then killed with SIGKILL at an arbitrary moment — mid-request, between
requests, during a batch — restarted on the same --location, and every acknowledged entity must
be there with the same ETag. Batches must be all there or not at all.
"""

from __future__ import annotations

import random
import signal
import threading
import time

from azure.core.exceptions import AzureError
from azure.data.tables import TableServiceClient

from support import CLIENT_KWARGS, connection_string

ROUNDS = 3


def _writer(client, acknowledged, batches, stop):
    index = 0
    while not stop.is_set():
        index += 1
        try:
            if index % 5 == 0:
                partition = f"batch{index}"
                operations = [("create", {"PartitionKey": partition, "RowKey": f"r{n}", "n": n}) for n in range(10)]
                client.submit_transaction(operations)
                batches.append(partition)
            else:
                meta = client.create_entity({"PartitionKey": "single", "RowKey": f"{index:08d}", "n": index})
                acknowledged[f"{index:08d}"] = meta["etag"]
        except (AzureError, OSError):
            return  # the emulator died under us: whatever was not acknowledged may be lost


def test_acknowledged_writes_survive_kill_9(emulator_factory):
    emu = emulator_factory()
    rng = random.Random(20261204)
    with TableServiceClient.from_connection_string(connection_string(emu.endpoint()), **CLIENT_KWARGS) as service:
        service.create_table("crash")

    acknowledged: dict[str, str] = {}
    batches: list[str] = []
    for _ in range(ROUNDS):
        stop = threading.Event()
        with TableServiceClient.from_connection_string(connection_string(emu.endpoint()), **CLIENT_KWARGS) as service:
            client = service.get_table_client("crash")
            writer = threading.Thread(target=_writer, args=(client, acknowledged, batches, stop), daemon=True)
            writer.start()
            time.sleep(rng.uniform(0.2, 0.8))
            emu.proc.send_signal(signal.SIGKILL)
            emu.proc.wait(timeout=10)
            stop.set()
            writer.join(timeout=30)
            assert not writer.is_alive(), "the writer did not notice the emulator died"
        emu.start()

        with TableServiceClient.from_connection_string(connection_string(emu.endpoint()), **CLIENT_KWARGS) as service:
            client = service.get_table_client("crash")
            stored = {e["RowKey"]: e.metadata["etag"] for e in client.query_entities("PartitionKey eq 'single'")}
            missing = [key for key in acknowledged if key not in stored]
            assert not missing, f"{len(missing)} acknowledged inserts lost after kill -9, e.g. {missing[:3]}"
            changed = [key for key, etag in acknowledged.items() if stored[key] != etag]
            assert not changed, f"ETags changed across the crash: {changed[:3]}"
            for partition in batches:
                rows = list(client.query_entities(f"PartitionKey eq '{partition}'"))
                assert len(rows) == 10, f"acknowledged batch {partition} has {len(rows)} of 10 rows"
            # A batch that was cut off by the crash is all or nothing.
            partitions = {e["PartitionKey"] for e in client.list_entities() if e["PartitionKey"].startswith("batch")}
            for partition in partitions:
                rows = list(client.query_entities(f"PartitionKey eq '{partition}'"))
                assert len(rows) in (0, 10), f"batch {partition} partly applied: {len(rows)} rows"
    assert len(acknowledged) > 20, "the test wrote too little to mean anything"
