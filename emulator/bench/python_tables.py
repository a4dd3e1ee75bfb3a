"""The client-side anchor of ``bench``: the official ``azure-data-tables`` SDK against the emulator.

``bench`` runs this script with the venv's Python and parses the one JSON document it prints.
It performs the same Table operations as ``bench``'s own Table rows, at the same
concurrencies (one thread per concurrent caller, each with its own ``TableClient``, as a
threaded Python service would), over the same wall-clock windows:

- insert: Insert Entity of a fresh entity (two properties);
- point read: Get Entity of one of the caller's own entities;
- If-Match replace: Update Entity (replace) with the ETag of the caller's previous write;
- query, 100-entity page: the first page of a partition query, 100 entities.

Usage: python_tables.py --endpoint URL --seconds S --warmup S --concurrency 1,16
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import uuid

from azure.core import MatchConditions
from azure.data.tables import TableClient, TableServiceClient, UpdateMode

ACCOUNT = "devstoreaccount1"
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def connection_string(endpoint: str) -> str:
    return (f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};"
            f"TableEndpoint={endpoint};")


def percentile(sorted_samples: list[float], fraction: float) -> float:
    """Nearest rank, as bench's LatencySummary computes it."""
    import math
    rank = min(len(sorted_samples) - 1, max(0, math.ceil(fraction * len(sorted_samples)) - 1))
    return sorted_samples[rank]


def measure(name: str, concurrency: int, warmup: float, seconds: float, make_worker) -> dict:
    """Runs ``concurrency`` threads, each calling its operation until the window closes."""
    workers = [make_worker(index) for index in range(concurrency)]
    samples: list[list[float]] = [[] for _ in range(concurrency)]
    barrier = threading.Barrier(concurrency + 1)
    window = {}

    def run(index: int) -> None:
        operation = workers[index]
        barrier.wait()
        while time.perf_counter() < window["warm_end"]:
            operation()
        own = samples[index]
        while True:
            begin = time.perf_counter()
            if begin >= window["end"]:
                break
            operation()
            own.append(time.perf_counter() - begin)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(concurrency)]
    for thread in threads:
        thread.start()
    now = time.perf_counter()
    window["warm_end"] = now + warmup
    window["end"] = now + warmup + seconds
    measured_start = window["warm_end"]
    barrier.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - measured_start
    all_samples = sorted(sample for own in samples for sample in own)
    if not all_samples:
        raise RuntimeError(f"{name}: no samples")
    return {
        "operation": name,
        "concurrency": concurrency,
        "operations": len(all_samples),
        "operationsPerSecond": len(all_samples) / elapsed,
        "p50Microseconds": percentile(all_samples, 0.50) * 1e6,
        "p99Microseconds": percentile(all_samples, 0.99) * 1e6,
    }


def run_concurrency(endpoint: str, table: str, concurrency: int, warmup: float, seconds: float) -> list[dict]:
    partition = f"python-c{concurrency}"
    clients = [TableClient.from_connection_string(connection_string(endpoint), table, retry_total=0)
               for _ in range(concurrency)]
    inserted: list[list[str]] = [[] for _ in range(concurrency)]

    def inserter(index: int):
        client = clients[index]

        def insert() -> None:
            row_key = f"{index:03d}-{uuid.uuid4().hex}"
            client.create_entity({"PartitionKey": partition, "RowKey": row_key,
                                  "Name": f"entity {row_key}", "Count": len(inserted[index])})
            inserted[index].append(row_key)
        return insert

    results = [measure("insert", concurrency, warmup, seconds, inserter)]
    # The query reads a full page of 100 entities; top up a slow run (not measured).
    while sum(len(keys) for keys in inserted) < 100:
        inserter(0)()

    def reader(index: int):
        client, keys, position = clients[index], inserted[index], [0]

        def read() -> None:
            client.get_entity(partition, keys[position[0] % len(keys)])
            position[0] += 1
        return read

    results.append(measure("point read", concurrency, warmup, seconds, reader))

    def replacer(index: int):
        client, row_key = clients[index], inserted[index][0]
        state = {"etag": client.get_entity(partition, row_key).metadata["etag"], "count": 0}

        def replace() -> None:
            state["count"] += 1
            metadata = client.update_entity(
                {"PartitionKey": partition, "RowKey": row_key, "Name": "replaced", "Count": state["count"]},
                mode=UpdateMode.REPLACE, etag=state["etag"], match_condition=MatchConditions.IfNotModified)
            state["etag"] = metadata["etag"]
        return replace

    results.append(measure("If-Match replace", concurrency, warmup, seconds, replacer))

    def querier(index: int):
        client = clients[index]

        def query() -> None:
            pages = client.query_entities(f"PartitionKey eq '{partition}'", results_per_page=100).by_page()
            page = list(next(pages))
            if len(page) != 100:
                raise RuntimeError(f"query page had {len(page)} entities, not 100")
        return query

    results.append(measure("query, 100-entity page", concurrency, warmup, seconds, querier))
    for client in clients:
        client.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True, help="the Table endpoint, http://127.0.0.1:PORT/devstoreaccount1")
    parser.add_argument("--seconds", type=float, default=2.0, help="measured window per row")
    parser.add_argument("--warmup", type=float, default=0.5, help="unmeasured window before each row")
    parser.add_argument("--concurrency", default="1,16", help="comma-separated thread counts")
    arguments = parser.parse_args()

    table = f"pythonbench{uuid.uuid4().hex[:8]}"
    with TableServiceClient.from_connection_string(connection_string(arguments.endpoint), retry_total=0) as service:
        service.create_table(table)
    results = []
    for concurrency in (int(text) for text in arguments.concurrency.split(",")):
        results += run_concurrency(arguments.endpoint, table, concurrency, arguments.warmup, arguments.seconds)
    import azure.data.tables
    json.dump({"sdk": f"azure-data-tables {azure.data.tables.__version__}",
               "python": sys.version.split()[0], "results": results}, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
