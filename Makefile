# Baton — the two commands a newcomer needs are `make demo` and `make test`.
# Both install what is missing (Debian packages, the Python venv for conformance), then build.

SWIFT ?= swift
PYTHON ?= python3
VENV := .venv
VENV_STAMP := $(VENV)/.installed
SWIFT_SOURCES := Sources Tests Package.swift
SIGNING_VECTORS := Tests/StorageCoreTests/Fixtures/signing-vectors.json

.PHONY: all deps venv build release test swift-test lint format vectors vectors-check demo bench clean

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

## test: everything CI runs — lint, the Swift test suites, and the SDK signing-vector check
test: deps venv lint swift-test vectors-check

swift-test:
	$(SWIFT) test

lint:
	$(SWIFT) format lint --strict --recursive $(SWIFT_SOURCES)

format:
	$(SWIFT) format format --in-place --recursive $(SWIFT_SOURCES)

## vectors: regenerate the signing vectors with the official Azure SDK for Python
vectors: venv
	$(VENV)/bin/python emulator/conformance/make_signing_vectors.py --output $(SIGNING_VECTORS)

## vectors-check: the committed vectors are exactly what the pinned SDK produces today
vectors-check: venv
	@$(VENV)/bin/python emulator/conformance/make_signing_vectors.py --output $(VENV)/signing-vectors.json
	@diff -q $(SIGNING_VECTORS) $(VENV)/signing-vectors.json >/dev/null \
		|| { echo "$(SIGNING_VECTORS) differs from what the SDK generates; run 'make vectors'"; exit 1; }
	@echo "signing vectors: the committed fixture matches the SDK's output"

## demo: build and run the main job on the embedded emulator
demo: deps
	$(SWIFT) build -c release
	scripts/demo.sh

## bench: measure, in release mode
bench: deps
	$(SWIFT) run -c release bench

clean:
	rm -rf .build $(VENV)
