#!/usr/bin/env bash
# What `make demo` runs once the release build is done. At this stage of Baton the demo shows
# the foundation working end to end; the analyser demo replaces it when its issue lands.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release

echo "== Baton demo: the foundation"
echo
echo "-- 1. The storage emulator executable"
"$bin/storage-emulator"
echo "   (the Table, Queue and Jobs services arrive with their issues)"
echo
echo "-- 2. The pooled libcurl transport against the in-process libmicrohttpd server"
"$bin/bench" transport --quick
echo
echo "Done: built every target in release mode, ran the emulator stub and a transport round-trip"
echo "measurement on loopback. Run 'make test' for the test suites and the SDK signing-vector check."
