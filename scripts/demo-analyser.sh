#!/usr/bin/env bash
# The analyser demo: the storage emulator on free ports, ~300 generated images, three worker
# processes per strategy (lock, queue, jobs) while uploads continue, one worker of each
# strategy killed with SIGKILL in the middle of its work, and the three reports side by side.
# Exits 0 only if every file was analysed exactly once under every strategy.
# Needs release builds of `storage-emulator` and `analyser` (see the Makefile's demo target).
#
# scripts/chaos-analyser.sh runs this same demo with faults injected; these variables are how:
#   EMULATOR_ARGS  extra storage-emulator flags, such as --faults SPEC --faults-seed N --admin-port 0
#                  (with --admin-port, the fault counters are printed at the end)
#   WORKER_ARGS    extra flags for every analyser command, such as --request-timeout 2s
#   IMAGES         images per upload batch (default 150; two batches)
#   TTL            the lease, message lock and job lock (default 4s)
#   WORK_DEADLINE  seconds the survivors get to finish (default 100)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-.build/release}
location=$(mktemp -d -t baton-analyser-XXXXXX)
store="$location/store"
log="$location/emulator.out"
worker_pids=()
images=${IMAGES:-150}
ttl=${TTL:-4s}
read -r -a emulator_args <<<"${EMULATOR_ARGS:-}"
read -r -a worker_args <<<"${WORKER_ARGS:-}"
expected_lines=3
case " ${EMULATOR_ARGS:-} " in *" --admin-port "*) expected_lines=4 ;; esac

cleanup() {
    for pid in "${worker_pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    if [ -n "${emulator_pid:-}" ] && kill -0 "$emulator_pid" 2>/dev/null; then
        kill -TERM "$emulator_pid"
        wait "$emulator_pid" 2>/dev/null || true
    fi
    if [ -n "${KEEP_DEMO_LOGS:-}" ]; then cp "$location"/*.out "$KEEP_DEMO_LOGS"/ 2>/dev/null || true; fi
    rm -rf "$location"
}
trap cleanup EXIT

echo "== Baton analyser demo"
echo
echo "-- 1. The storage emulator (Table, Queue and Jobs services on free ports, data under $location)"
"$bin/storage-emulator" --table-port 0 --queue-port 0 --jobs-port 0 --location "$location/data" \
    ${emulator_args[@]+"${emulator_args[@]}"} >"$log" &
emulator_pid=$!
for _ in $(seq 1 100); do
    [ "$(grep -c 'service listening on' "$log" 2>/dev/null)" = "$expected_lines" ] && break
    sleep 0.1
done
cat "$log"
table=$(sed -n 's/^Table service listening on //p' "$log")
queue=$(sed -n 's/^Queue service listening on //p' "$log")
jobs=$(sed -n 's/^Jobs service listening on //p' "$log")
admin=$(sed -n 's/^Admin service listening on //p' "$log")
[ -n "$table" ] && [ -n "$queue" ] && [ -n "$jobs" ] || { echo "the emulator did not start"; exit 1; }
key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
export AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;TableEndpoint=$table;QueueEndpoint=$queue"

echo
echo "-- 2. Upload $images images (each: a file in the store, a message on 'newfiles', a job 'AnalysisOfNewFiles')"
"$bin/analyser" upload --store "$store" --jobs-url "$jobs" --generate "$images" ${worker_args[@]+"${worker_args[@]}"}

echo
echo "-- 3. Three workers per strategy; $images more images arrive while they work"
declare -A timing=([lock]="--interval 500ms" [queue]="--interval 1s" [jobs]="--interval 50ms")
for strategy in lock queue jobs; do
    for worker in 1 2 3; do
        # shellcheck disable=SC2086
        "$bin/analyser" work --strategy "$strategy" --store "$store" --worker-id "$strategy-$worker" \
            --jobs-url "$jobs" ${timing[$strategy]} --ttl "$ttl" --exit-when-idle 3s \
            ${worker_args[@]+"${worker_args[@]}"} \
            >"$location/$strategy-$worker.out" 2>&1 &
        worker_pids+=($!)
        eval "pid_${strategy}_${worker}=$!"
    done
done
"$bin/analyser" upload --store "$store" --jobs-url "$jobs" --generate "$images" \
    ${worker_args[@]+"${worker_args[@]}"} >"$location/upload-2.out" 2>&1 &
upload_pid=$!

echo
echo "-- 4. Kill one busy worker of each strategy with SIGKILL"
analysed() { grep -c -E '\] (analysed|failed) ' "$location/$1.out" 2>/dev/null || true; }
# Files a lock worker analysed since its last finished run: more than zero means it is mid-run.
in_run() { awk '/\] run /{n=0} /\] (analysed|failed) /{n++} END{print n+0}' "$location/$1.out" 2>/dev/null || echo 0; }
busy() {
    if [ "${1%%-*}" = lock ]; then [ "$(in_run "$1")" -ge 5 ]; else [ "$(analysed "$1")" -ge 10 ]; fi
}
declare -A killed=()
deadline=$((SECONDS + 60))
while [ ${#killed[@]} -lt 3 ] && [ $SECONDS -lt $deadline ]; do
    for strategy in lock queue jobs; do
        [ -n "${killed[$strategy]:-}" ] && continue
        for worker in 1 2 3; do
            if busy "$strategy-$worker"; then
                pid_variable="pid_${strategy}_${worker}"
                { kill -KILL "${!pid_variable}" && wait "${!pid_variable}"; } 2>/dev/null || true
                killed[$strategy]="$strategy-$worker"
                echo "   killed $strategy-$worker after $(analysed "$strategy-$worker") files$([ "$strategy" = lock ] && echo ", $(in_run "$strategy-$worker") of them in its unfinished run")"
                break
            fi
        done
    done
    sleep 0.02
done
wait "$upload_pid" || { cat "$location/upload-2.out"; echo "the second upload failed"; exit 1; }

echo
echo "-- 5. Wait until the surviving workers are idle (each exits once no work remains)"
demo_deadline=$((SECONDS + ${WORK_DEADLINE:-100}))
for pid in "${worker_pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null; do
        if [ $SECONDS -ge $demo_deadline ]; then
            echo "   workers still busy after the time limit"
            exit 1
        fi
        sleep 0.2
    done
done
for strategy in lock queue jobs; do
    printf '   %-6s' "$strategy"
    for worker in 1 2 3; do
        printf ' %s: %3s files' "$strategy-$worker" "$(analysed "$strategy-$worker")"
    done
    echo
done

echo
echo "-- 6. Reports"
status=0
for strategy in lock queue jobs; do
    "$bin/analyser" report --store "$store" --strategy "$strategy" ${worker_args[@]+"${worker_args[@]}"} \
        >"$location/report-$strategy.txt" || status=1
done
pr -m -t -w 120 "$location/report-lock.txt" "$location/report-queue.txt" "$location/report-jobs.txt" | expand
echo "   'duplicates refused': a message or job redelivered after its worker was killed between"
echo "   recording the result and acknowledging; the insert-only results table refused the second write."

if [ -n "$admin" ]; then
    echo
    echo "-- 7. Faults injected (GET $admin)"
    echo "   faults: $(curl -s "$admin")"
fi

echo
if [ $status -eq 0 ]; then
    echo "Done: every file was analysed exactly once under every strategy, despite a killed worker each."
else
    echo "FAILED: some file was missed or analysed twice (see the reports above)."
fi
exit $status
