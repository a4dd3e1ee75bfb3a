#!/usr/bin/env bash
# Exactly-once under faults: the analyser demo (scripts/demo-analyser.sh) with the emulator
# injecting latency, 503 ServerBusy, 500 InternalError, dropped answers (the write applied, the
# connection closed) and answers slower than the workers' request timeout — and one busy worker
# of each strategy killed with SIGKILL. Every round must end with every file analysed exactly
# once under every strategy, lock runs that never overlap and fences that only grow.
#
#   ROUNDS   rounds, each with its own fault seed (default 1)
#   IMAGES   images per upload batch, two batches per round (default 150)
#   FAULTS   the --faults specification (default below)
#   SEED     the first round's seed (default 1; round n uses SEED + n - 1)
#   BIN      where the storage-emulator and analyser builds are (default .build/release)
#
# Prints one line per round and totals; exits 1 if any round failed.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-1}
seed=${SEED:-1}
faults=${FAULTS:-latency=0.2:20ms,busy=0.05,internal=0.02,drop=0.05,slow=0.005:2500ms}
output=$(mktemp -t baton-chaos-XXXXXX)
trap 'rm -f "$output"' EXIT

echo "== Exactly-once under faults: $rounds round(s), faults '$faults'"
failed=0
total_files=0
total_kills=0
total_requests=0
total_injected=0
declare -A kinds=()
for round in $(seq 1 "$rounds"); do
    round_seed=$((seed + round - 1))
    started=$SECONDS
    # The request timeout (1.5 s) is below the slow answers' 2.5 s, so those time out; the lease
    # (6 s) outlives a timed-out renewal.
    if EMULATOR_ARGS="--faults $faults --faults-seed $round_seed --admin-port 0" \
        WORKER_ARGS="--request-timeout 1500ms" TTL=6s IMAGES="${IMAGES:-150}" WORK_DEADLINE=240 \
        scripts/demo-analyser.sh >"$output" 2>&1; then
        verdict=passed
    else
        verdict=FAILED
        failed=$((failed + 1))
    fi
    files=$(grep -m1 'files in store' "$output" | awk '{print $4}')
    kills=$(grep -c '^   killed ' "$output" || true)
    counters=$(sed -n 's/^   faults: //p' "$output")
    field() { echo "$counters" | grep -o "\"$1\":[0-9]*" | head -1 | cut -d: -f2; }
    requests=$(field requests)
    injected=$(field injected)
    printf '   round %d (seed %d): %s in %ds — %s files x 3 strategies, %d workers killed, %s of %s requests faulted (latency %s, busy %s, internal %s, drop %s, slow %s)\n' \
        "$round" "$round_seed" "$verdict" $((SECONDS - started)) "${files:-?}" "$kills" "${injected:-?}" \
        "${requests:-?}" "$(field latency)" "$(field busy)" "$(field internal)" "$(field drop)" "$(field slow)"
    for kind in latency busy internal drop slow; do
        kinds[$kind]=$(( ${kinds[$kind]:-0} + $(field $kind || echo 0) ))
    done
    if [ "$verdict" = FAILED ]; then
        echo "   --- output of the failed round:"
        sed 's/^/   | /' "$output"
    fi
    total_files=$((total_files + ${files:-0} * 3))
    total_kills=$((total_kills + kills))
    total_requests=$((total_requests + ${requests:-0}))
    total_injected=$((total_injected + ${injected:-0}))
done
echo "   total: $((rounds - failed)) of $rounds rounds passed; $total_files file analyses checked exactly once;" \
    "$total_kills workers killed; $total_injected faults in $total_requests requests" \
    "(latency ${kinds[latency]}, busy ${kinds[busy]}, internal ${kinds[internal]}, drop ${kinds[drop]}, slow ${kinds[slow]})"
[ "$failed" -eq 0 ]
