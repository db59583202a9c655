# Two commands for a newcomer: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run test test-sqlite test-postgres install install-test lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt $(wildcard src/fcatlas/locale/*/LC_MESSAGES/django.po)
	$(BIN)/pip install --quiet --constraint constraints.txt --editable .
	cd src/fcatlas && ../../$(BIN)/fcatlas compilemessages --verbosity 0
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet --constraint constraints.txt --editable '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	$(BIN)/fcatlas migrate --no-input
	$(BIN)/fcatlas load-reference
	$(BIN)/fcatlas load-demo
	$(BIN)/fcatlas survey install
	$(BIN)/fcatlas load-support
	$(BIN)/fcatlas build-demand
	PORT=$(PORT) $(BIN)/fcatlas serve

# The two halves run side by side, one per core (each is one pytest process), each half's output printed whole
# when it ends (no pytest cache, which both would write); make fails if either fails.
test: install-test
	$(MAKE) --no-print-directory --output-sync=target -j2 test-sqlite test-postgres

# Each half starts from an empty var/ of its own (secret key, demand layer), so no state leaks between runs.
# The browser tests run in the SQLite half only: what a browser is sent does not depend on the database, and the
# server code they reach is tested on both databases by the client tests.
test-sqlite: install-test
	@echo "== test suite on SQLite"
	rm -rf var/test-sqlite
	env -u DATABASE_URL FCATLAS_VAR_DIR=var/test-sqlite $(BIN)/python -m pytest -p no:cacheprovider

test-postgres: install-test
	@if $(BIN)/python -c "import psycopg, sys; psycopg.connect('$(PG_TEST_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== test suite on PostgreSQL ($(PG_TEST_URL))"; \
		rm -rf var/test-postgres && DATABASE_URL=$(PG_TEST_URL) FCATLAS_VAR_DIR=var/test-postgres $(BIN)/python -m pytest -p no:cacheprovider -m 'not browser'; \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL is not reachable at $(PG_TEST_URL), and CI must test on it."; exit 1; \
	else \
		echo "SKIPPED: the PostgreSQL half of the suite. No PostgreSQL at $(PG_TEST_URL) (set PG_TEST_URL to another server)."; \
	fi

# Re-pin every dependency after changing pyproject.toml.
lock: $(BIN)/python
	$(BIN)/pip install --quiet --editable '.[test,bench]'
	$(BIN)/pip freeze --exclude-editable | grep -v '^fcatlas' > constraints.txt
