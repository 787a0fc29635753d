# KetaClinic. `make run` serves the synthetic demo; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
AUDIT_SERVICE ?= pypi
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: run test coverage lint audit bench demo migrate clean help

help:              ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip 'setuptools>=78.1.1'

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)  ## set up, migrate SQLite, seed the demo once, serve on http://127.0.0.1:$(PORT)
	$(BIN)/ketaclinic migrate
	$(BIN)/ketaclinic demo
	$(BIN)/ketaclinic serve --port $(PORT)

demo: $(RUN_STAMP)  ## migrate and load the synthetic demo data (idempotent)
	$(BIN)/ketaclinic migrate
	$(BIN)/ketaclinic demo

migrate: $(RUN_STAMP)  ## apply database migrations
	$(BIN)/ketaclinic migrate

lint: $(TEST_STAMP)  ## ruff (lint and format), mypy, and the layers of docs/architecture.md
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test: $(TEST_STAMP) lint  ## lint, then the whole suite on SQLite and on PostgreSQL
	$(BIN)/python scripts/run_tests.py

# Line and branch coverage of the whole package on SQLite (`make test` gates only the clinical
# core's, measured by its own tests); the report is in htmlcov/.
coverage: $(TEST_STAMP)  ## the whole suite on SQLite under coverage of every package (htmlcov/)
	KETACLINIC_ENV=test $(BIN)/python -m pytest -p no:cacheprovider -q -n auto --dist loadscope \
		--cov=ketaclinic --cov-branch --cov-report=term:skip-covered --cov-report=html

# The installed packages against PyPI's vulnerability data (AUDIT_SERVICE=osv for OSV's). Needs
# the network, so `make test` leaves it out. --strict: a package the service cannot look up
# fails the audit instead of being skipped, so an audit that could not run never reads "clean".
audit: $(TEST_STAMP)  ## pip-audit the installed packages; fails loudly if it cannot audit them all
	@$(BIN)/pip-audit --strict --local --skip-editable --progress-spinner off \
		--vulnerability-service $(AUDIT_SERVICE) || { \
		echo "make audit: FAILED: a known vulnerability above, or pip-audit could not audit every" \
		"package ($(AUDIT_SERVICE) unreachable, or it does not know these versions): not clean." >&2; \
		exit 1; }

$(BENCH_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@ $(TEST_STAMP) $(RUN_STAMP)

bench: $(BENCH_STAMP)  ## run every benchmark in benchmarks/ (prints project vs baseline figures)
	@status=0; for script in benchmarks/*.py; do echo "== $$script"; \
		$(BIN)/python $$script || { echo "== $$script: a target was missed or it failed"; status=1; }; \
	done; exit $$status

clean:  ## remove the virtualenv, caches and local data
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov
