# Baton — the two commands a newcomer needs are `make demo` and `make test`.
# Both install what is missing (Debian packages, the Python venv for conformance), then build.

SWIFT ?= swift
PYTHON ?= python3
VENV := .venv
VENV_STAMP := $(VENV)/.installed
SWIFT_SOURCES := Sources Tests fuzz/Targets Package.swift
SIGNING_VECTORS := Tests/StorageCoreTests/Fixtures/signing-vectors.json
SAS_VECTORS := Tests/StorageCoreTests/Fixtures/sas-vectors.json

.PHONY: all deps venv build release test swift-test conformance lint format vectors vectors-check demo demo-locks bench clean \
	load load-quick chaos chaos-short fuzz asan tsan

all: build

## deps: install missing Debian packages (apt-get; sudo only when not root)
deps:
	@scripts/install-system-packages.sh

## venv: the Python environment for the conformance suite, from pinned requirements
venv: $(VENV_STAMP)

$(VENV_STAMP): emulator/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r emulator/requirements.txt
	touch $@

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## test: everything CI runs — lint, the Swift test suites, the SDK conformance suite, the short
## fault-injection harnesses, a short load run, the vector checks
test: deps venv lint swift-test conformance chaos-short load-quick vectors-check

# Serially: several tests block on sockets, pipes and child processes, and the lock tests
# measure leases in wall-clock time; run side by side on a 2-core machine, the blocking ones
# starve Swift's cooperative pool and the timing ones see leases expire that should not.
swift-test:
	$(SWIFT) test --no-parallel

## conformance: the official Azure SDKs for Python against a freshly started emulator
conformance: venv
	$(SWIFT) build --product storage-emulator
	BATON_EMULATOR=$(CURDIR)/.build/debug/storage-emulator $(VENV)/bin/pytest emulator/conformance -q -p no:cacheprovider

LOAD_TEST = .build/debug/load-test --emulator $(CURDIR)/.build/debug/storage-emulator

## load-quick: 64 workers of mixed Table/Queue/Jobs operations for 8 s, then 4 s of overload
load-quick:
	$(SWIFT) build --product storage-emulator
	$(SWIFT) build --product load-test
	$(LOAD_TEST) --seconds 8 --overload-seconds 4

## load: the same for 60 s, then 10 s of overload; figures in Docs/RELIABILITY.md
load: deps
	$(SWIFT) build --product storage-emulator
	$(SWIFT) build --product load-test
	$(LOAD_TEST) --seconds 60 --overload-seconds 10

lint:
	$(SWIFT) format lint --strict --recursive $(SWIFT_SOURCES)

format:
	$(SWIFT) format format --in-place --recursive $(SWIFT_SOURCES)

## vectors: regenerate the signing and SAS vectors with the official Azure SDKs for Python
vectors: venv
	$(VENV)/bin/python emulator/conformance/make_signing_vectors.py --output $(SIGNING_VECTORS)
	$(VENV)/bin/python emulator/conformance/make_sas_vectors.py --output $(SAS_VECTORS)

## vectors-check: the committed vectors are exactly what the pinned SDKs produce today
vectors-check: venv
	@$(VENV)/bin/python emulator/conformance/make_signing_vectors.py --output $(VENV)/signing-vectors.json
	@$(VENV)/bin/python emulator/conformance/make_sas_vectors.py --output $(VENV)/sas-vectors.json
	@diff -q $(SIGNING_VECTORS) $(VENV)/signing-vectors.json >/dev/null \
		|| { echo "$(SIGNING_VECTORS) differs from what the SDK generates; run 'make vectors'"; exit 1; }
	@diff -q $(SAS_VECTORS) $(VENV)/sas-vectors.json >/dev/null \
		|| { echo "$(SAS_VECTORS) differs from what the SDKs generate; run 'make vectors'"; exit 1; }
	@echo "vectors: the committed signing and SAS fixtures match the SDKs' output"

## demo: the main job — the analyser on all three strategies against the embedded emulator
demo: deps
	$(SWIFT) build -c release --product storage-emulator
	$(SWIFT) build -c release --product analyser
	scripts/demo-analyser.sh

## demo-locks: three lock-worker processes taking turns on one TableLock, and the transport's speed
demo-locks: deps
	$(SWIFT) build -c release --product storage-emulator
	$(SWIFT) build -c release --product bench
	$(SWIFT) build -c release --product lock-contender
	scripts/demo-locks.sh

## bench: Baton beside its anchors (nginx, Redis, URLSession, the Python SDK) in one release-mode
## run; writes Docs/BENCHMARKS.md and Docs/benchmarks.svg. BENCH_FLAGS=--quick for a short run.
BENCH_FLAGS ?=
bench: deps venv
	@scripts/install-system-packages.sh --bench
	$(SWIFT) build -c release --product storage-emulator
	$(SWIFT) build -c release --product bench
	.build/release/bench --python $(VENV)/bin/python --json .build/benchmarks.json \
		--markdown Docs/BENCHMARKS.md $(BENCH_FLAGS)

## chaos: the long reliability harnesses (Docs/RELIABILITY.md) — 20 kill -9 rounds of the emulator
## under concurrent writes, and 3 rounds of the analyser demo under injected faults; release builds
chaos: deps venv
	$(SWIFT) build -c release --product storage-emulator
	$(SWIFT) build -c release --product analyser
	BATON_EMULATOR=$(CURDIR)/.build/release/storage-emulator $(VENV)/bin/python emulator/chaos/crash_durability.py --rounds 20
	ROUNDS=3 scripts/chaos-analyser.sh
	$(MAKE) load

## chaos-short: the same harnesses, short (3 kill rounds, one analyser round of 2×30 images), debug builds
chaos-short: venv
	$(SWIFT) build --product storage-emulator
	$(SWIFT) build --product analyser
	BATON_EMULATOR=$(CURDIR)/.build/debug/storage-emulator $(VENV)/bin/python emulator/chaos/crash_durability.py --rounds 3
	BIN=.build/debug IMAGES=30 scripts/chaos-analyser.sh

## fuzz: every libFuzzer target with AddressSanitizer, FUZZ_SECONDS each (FUZZ_TARGETS to pick some)
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh $(FUZZ_TARGETS)

# The sanitizer builds live in their own scratch paths, so they never invalidate the normal build.
## asan: the Swift test suites under AddressSanitizer (leak checking off: see Docs/RELIABILITY.md)
asan: deps
	ASAN_OPTIONS="detect_leaks=0 $(ASAN_OPTIONS)" \
		$(SWIFT) test --no-parallel --sanitize=address --scratch-path .build/asan

## tsan: the Swift test suites under ThreadSanitizer, with the documented Mutex false positives suppressed
tsan: deps
	TSAN_OPTIONS="suppressions=$(CURDIR)/scripts/tsan-suppressions.txt $(TSAN_OPTIONS)" \
		$(SWIFT) test --no-parallel --sanitize=thread --scratch-path .build/tsan

clean:
	rm -rf .build $(VENV)
