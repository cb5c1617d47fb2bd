# Watchkeeper: `make run` then `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check lint typecheck bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: create .venv, install, load the bundled lists into ./var (or $WATCHKEEPER_HOME) and report
run: $(STAMP)
	$(BIN)/watchkeeper run

## test: the whole test suite (reads ../shared/data where present), then lint and types
test: $(STAMP)
	$(BIN)/pytest -n 2 -q
	$(MAKE) check

check: lint typecheck

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

## bench: import and as-of benchmarks against a plain csv.reader baseline
bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
