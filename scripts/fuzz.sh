#!/usr/bin/env bash
# What `make fuzz` runs: builds each libFuzzer target in fuzz/Targets with AddressSanitizer and
# runs it for FUZZ_SECONDS (default 60), starting from the seeds in fuzz/corpus/<target>.
#
# Usage: scripts/fuzz.sh [target…]       (default: every target)
#        scripts/fuzz.sh --build-only [target…]
#
# The targets are compiled with swiftc directly, not through Package.swift: an entry point
# `LLVMFuzzerTestOneInput` without `main` only links with -sanitize=fuzzer, which would break a
# plain `swift build`. StorageCore (and, for the batch target, Emulator) are compiled from the
# same sources as the package, with coverage instrumentation, into .build/fuzz.
#
# What the fuzzer adds to the corpus goes to .build/fuzz/corpus/<target> (kept between runs);
# a crashing, leaking or slow input goes to .build/fuzz/artifacts/<target>/. Each run prints
# libFuzzer's executions and the artifacts it wrote, and the script exits non-zero when any
# target found one. A crash becomes a regression test (see Docs/RELIABILITY.md) and its input
# a seed in fuzz/corpus/<target>.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
build=.build/fuzz
swiftc=${SWIFTC:-swiftc}

declare -A sources=(
    [filter]=Filter.swift
    [entity-json]=EntityJSON.swift
    [queue-xml]=QueueXML.swift
    [batch]=Batch.swift
    [authorization]=Authorization.swift
    [sas]=SAS.swift
    [connection-string]=ConnectionString.swift
)
all_targets=(filter entity-json queue-xml batch authorization sas connection-string)

build_only=false
if [ "${1:-}" = "--build-only" ]; then
    build_only=true
    shift
fi
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
    [ -n "${sources[$target]:-}" ] || { echo "fuzz: unknown target '$target' (known: ${all_targets[*]})" >&2; exit 2; }
done

# The package's settings (Swift 6 mode, the same upcoming features), plus instrumentation.
# -O keeps Swift's bounds and overflow checks, which are what turns most bugs into crashes.
flags=(
    -sanitize=fuzzer,address -O -g -parse-as-library -swift-version 6 -package-name baton
    -enable-upcoming-feature ExistentialAny -enable-upcoming-feature MemberImportVisibility
    -enable-upcoming-feature InternalImportsByDefault
    -I "$build" -I Sources/COpenSSL -I Sources/CSQLite -I Sources/CMicroHTTPD
)
mkdir -p "$build/bin"

# Compiles one package module into an object file and module, unless it is newer than every
# source it is made of and every module it imports (given after the name).
build_module() {
    local module=$1
    shift
    local object="$build/$module.o"
    local dependencies=()
    for dependency in "$@"; do dependencies+=("$build/$dependency.o"); done
    if [ -f "$object" ] && [ -z "$(find "Sources/$module" "${dependencies[@]}" -type f -newer "$object" | head -1)" ]; then
        return
    fi
    echo "fuzz: compiling $module with coverage and AddressSanitizer"
    local files
    mapfile -t files < <(find "Sources/$module" -name '*.swift' | sort)
    "$swiftc" "${flags[@]}" -enable-testing -wmo -module-name "$module" -emit-module \
        -emit-module-path "$build/$module.swiftmodule" -emit-object -o "$object" "${files[@]}"
    touch "$object"  # the compiler leaves an unchanged object's time alone
}

build_module StorageCore
for target in "${targets[@]}"; do
    if [ "$target" = batch ]; then
        build_module Emulator StorageCore
        break
    fi
done

for target in "${targets[@]}"; do
    binary="$build/bin/fuzz-$target"
    source="fuzz/Targets/${sources[$target]}"
    objects=("$build/StorageCore.o")
    libraries=(-lssl -lcrypto)
    if [ "$target" = batch ]; then
        objects+=("$build/Emulator.o")
        libraries+=(-lsqlite3 -lmicrohttpd)
    fi
    if [ -f "$binary" ] && [ -z "$(find "$source" "${objects[@]}" -newer "$binary")" ]; then
        continue
    fi
    echo "fuzz: linking $target"
    # gold warns about every ASan helper symbol it cannot export; those lines are noise.
    "$swiftc" "${flags[@]}" -module-name "Fuzz$(echo "$target" | tr -d -)" "$source" "${objects[@]}" \
        "${libraries[@]}" -o "$binary" 2>&1 | { grep -v 'Cannot export local symbol' || true; }
done
$build_only && exit 0

# Swift's own crash backtracer would take the signal before libFuzzer, which then neither
# writes the crashing input nor exits; libFuzzer's handler and ASan's report are enough.
export SWIFT_BACKTRACE=enable=no

summary="$build/summary.txt"
printf '%-18s %8s %12s %8s\n' target seconds executions crashes | tee "$summary"
found=0
for target in "${targets[@]}"; do
    corpus="$build/corpus/$target"
    artifacts="$build/artifacts/$target"
    log="$build/$target.log"
    mkdir -p "$corpus" "$artifacts" "fuzz/corpus/$target"
    before=$(find "$artifacts" -type f | wc -l)
    # -timeout: an input taking over 10 s is a hang; -rss_limit_mb: one over 2 GB is a memory
    # blow-up. Both count as crashes, like a trap or an ASan report.
    status=0
    "$build/bin/fuzz-$target" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$artifacts/" "$corpus" "fuzz/corpus/$target" >"$log" 2>&1 || status=$?
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    crashes=$(( $(find "$artifacts" -type f | wc -l) - before ))
    if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then
        crashes=1  # libFuzzer failed without writing an artifact: see the log
    fi
    printf '%-18s %8s %12s %8s\n' "$target" "$seconds" "${executions:-?}" "$crashes" | tee -a "$summary"
    if [ "$crashes" -ne 0 ]; then
        found=1
        echo "  see $log and $artifacts/" | tee -a "$summary"
    fi
done
exit $found
