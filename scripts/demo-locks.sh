#!/usr/bin/env bash
# What `make demo` runs once the release build is done. Until the analyser lands, the demo
# shows what exists end to end: the storage emulator serving the Table API, three separate
# worker processes taking turns on one TableLock with growing fencing tokens, and the
# transport's round-trip time.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release
location=$(mktemp -d -t baton-demo-XXXXXX)
log="$location/emulator.out"

cleanup() {
    if [ -n "${emulator_pid:-}" ] && kill -0 "$emulator_pid" 2>/dev/null; then
        kill -TERM "$emulator_pid"
        wait "$emulator_pid" 2>/dev/null || true
    fi
    rm -rf "$location"
}
trap cleanup EXIT

echo "== Baton demo"
echo
echo "-- 1. The storage emulator (Table, Queue and Jobs services on free ports, data under $location)"
"$bin/storage-emulator" --table-port 0 --queue-port 0 --jobs-port 0 --location "$location/data" >"$log" &
emulator_pid=$!
for _ in $(seq 1 100); do
    [ "$(grep -c 'service listening on' "$log" 2>/dev/null)" = 3 ] && break
    sleep 0.1
done
cat "$log"
endpoint=$(sed -n 's/^Table service listening on //p' "$log")
[ -n "$endpoint" ] || { echo "the emulator did not start"; exit 1; }
key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
connection="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;TableEndpoint=$endpoint"

echo
echo "-- 2. Three worker processes contend for one TableLock, 5 turns each"
for worker in 1 2 3; do
    "$bin/lock-contender" --connection-string "$connection" --key AnalysisOfNewFiles --cycles 5 --hold-ms 20 \
        | sed "s/^/worker $worker: /" >"$location/worker$worker.out" &
done
wait $(jobs -p | grep -v "^$emulator_pid$") 2>/dev/null || true
# Lines are "worker N: HELD <fence> <start ns> <end ns>": list the holdings in time order.
sort -k5 -n "$location"/worker*.out | awk '
    NR == 1 { origin = $5 }
    { printf "   %s %s fence %3s   held %7.1f ms .. %7.1f ms\n", $1, $2, $4, ($5 - origin) / 1e6, ($6 - origin) / 1e6 }'
echo "   In time order, every holding ends before the next begins and fences only grow."

echo
echo "-- 3. The pooled libcurl transport beside URLSession against nginx (skipped without nginx: make bench installs it)"
"$bin/bench" --quick --filter transport

echo
echo "Done: started the emulator, ran three lock workers against it, measured the transport."
echo "Next: 'make test' runs the Swift suites, the Azure SDK conformance suite and the vector checks."
