# Watchkeeper: `make run` then `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: eval-baseline bench-start bench-documents bench-ais bench-scale run test test-postgres check lint typecheck imports bench bench-api soak eval browser screenshots audit clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: create .venv, install, load the bundled lists into ./var (or $WATCHKEEPER_HOME) and report
run: $(STAMP)
	$(BIN)/watchkeeper db upgrade
	$(BIN)/watchkeeper run

## test: the whole test suite (reads ../shared/data where present) on the SQLite store, every test
## that opens a store again on PostgreSQL (test-postgres), then lint and types
test: $(STAMP) browser
	$(BIN)/pytest -n 2 -q
	$(MAKE) test-postgres
	$(MAKE) check

## test-postgres: the tests that open a store, on PostgreSQL: scripts/test-postgres installs (as root)
## and starts Debian's server; without one the pass is skipped, unless WATCHKEEPER_REQUIRE_POSTGRES=1
test-postgres: $(STAMP)
	@url="$$(scripts/test-postgres)" || { \
		if [ "$${WATCHKEEPER_REQUIRE_POSTGRES:-0}" = 1 ]; then exit 1; fi; \
		echo "PostgreSQL unavailable: the PostgreSQL pass of the tests is SKIPPED" >&2; exit 0; }; \
	echo "PostgreSQL pass: $$url"; \
	WATCHKEEPER_TEST_BACKEND=postgresql WATCHKEEPER_TEST_DATABASE_URL="$$url" $(BIN)/pytest -n 2 -q

check: lint typecheck imports

## imports: the layer order and no import cycles (import-linter contracts in pyproject.toml)
imports: $(STAMP)
	$(BIN)/lint-imports

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy

## eval: accuracy on ../shared/data/eval-dev, against the lists it was built from (a store of its own);
## crosslist.csv (UN spellings of OFAC-listed people) is screened against OFAC SDN alone
eval: $(STAMP)
	WATCHKEEPER_HOME=var/eval $(BIN)/watchkeeper run --no-screen-sample > /dev/null 2>&1
	WATCHKEEPER_HOME=var/eval $(BIN)/watchkeeper eval ../shared/data/eval-dev/queries.csv \
		../shared/data/eval-dev/cross_script.csv --lists ofac-sdn,un --baseline bench/eval-baseline.json
	WATCHKEEPER_HOME=var/eval $(BIN)/watchkeeper eval ../shared/data/eval-dev/crosslist.csv \
		--lists ofac-sdn --baseline bench/eval-baseline-crosslist.json

## eval-baseline: record today's accuracy as the baseline `make eval` compares with (commit the file,
## and say in the note why the figures moved)
eval-baseline: $(STAMP)
	WATCHKEEPER_HOME=var/eval $(BIN)/watchkeeper run --no-screen-sample > /dev/null 2>&1
	WATCHKEEPER_HOME=var/eval $(BIN)/watchkeeper eval ../shared/data/eval-dev/queries.csv \
		../shared/data/eval-dev/cross_script.csv --lists ofac-sdn,un --save-baseline bench/eval-baseline.json
	WATCHKEEPER_HOME=var/eval $(BIN)/watchkeeper eval ../shared/data/eval-dev/crosslist.csv \
		--lists ofac-sdn --save-baseline bench/eval-baseline-crosslist.json

## bench: list import, time travel and screening speed, each against a baseline in the same run
bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/screening.py
	$(BIN)/python bench/api_load.py
	$(BIN)/python bench/payments.py
	$(BIN)/python bench/rescreen.py
	$(BIN)/python bench/cli_start.py

## bench-documents: party extraction on the labelled Treasury releases in ../shared (precision, recall,
## documents per second) against the spaCy model alone, and reading + verifying against the bundled lists
bench-documents: $(STAMP)
	$(BIN)/python bench/documents.py

## bench-ais: a day of AIS (8 million reports synthesised from the real extract) loaded and every
## detector run, each against a plain DuckDB read of the same data
bench-ais: $(STAMP)
	$(BIN)/python bench/ais.py

## bench-scale: a million customers on the local batch and on Dask, and the store on PostgreSQL
## against SQLite (an SDN import, the alert queue); --rows N for a smaller run
bench-scale: $(STAMP)
	$(BIN)/python bench/scale.py

## browser: Debian's Chromium for the UI tests (Playwright drives it; root installs it with apt-get)
browser:
	@test -x /usr/bin/chromium || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
		else echo "Chromium missing: run 'sudo apt-get install -y chromium'" >&2; exit 1; fi; }

## screenshots: the README's screenshots, taken by the browser test
screenshots: $(STAMP) browser
	WATCHKEEPER_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q tests/ui

## soak: analysts, a batch, list imports and /match at once against one server; exits 1 on any fault
soak: $(STAMP)
	$(BIN)/python bench/soak.py

## bench-api: the HTTP load test alone (/match at rising rates against /healthz and in-process baselines)
## bench-start: whole-process time of commands that do not screen, against a bare Python start
bench-start: $(STAMP)
	$(BIN)/python bench/cli_start.py

bench-api: $(STAMP)
	$(BIN)/python bench/api_load.py

## audit: known vulnerabilities in every installed, pinned dependency (pip-audit, PyPI's advisory data).
## --strict: a dependency that could not be checked fails the audit rather than passing unseen.
AUDIT_VENV := .venv-audit
audit: $(STAMP)
	test -x $(AUDIT_VENV)/bin/pip-audit || { $(PYTHON) -m venv $(AUDIT_VENV) && \
		$(AUDIT_VENV)/bin/pip install --quiet pip-audit==2.10.1; }
	$(BIN)/pip freeze --exclude-editable > $(AUDIT_VENV)/requirements.txt
	$(AUDIT_VENV)/bin/pip-audit --strict --no-deps --disable-pip --progress-spinner off \
		-r $(AUDIT_VENV)/requirements.txt

clean:
	rm -rf $(VENV) $(AUDIT_VENV) var .pytest_cache .mypy_cache .ruff_cache
