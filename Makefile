# Two commands for a newcomer: `make demo` and `make test`. Both need only Python 3.11+, make and PyPI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: demo test install install-dev lint check-migrations test-postgres bench-smoke docs clean

# Debian/Ubuntu without python3-venv lack ensurepip: make the venv without pip, then bootstrap pip from PyPI.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV) 2>/dev/null || { rm -rf $(VENV) && $(PYTHON) -m venv --without-pip $(VENV) && \
		$(PYTHON) tools/bootstrap_pip.py $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml tools/a11y/package-lock.json | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@# axe-core for the accessibility tests, where npm is (they are skipped without it, except in CI)
	if command -v npm >/dev/null 2>&1; then npm ci --prefix tools/a11y --no-audit --no-fund --silent; fi
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Install, migrate a SQLite database, load the demo data, run web server and worker.
demo: install
	$(BIN)/zerovisit demo --port $(PORT)

## Install dev dependencies and run the whole suite (SQLite unless ZV_DATABASE_URL is set).
test: install-dev
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: install-dev
	$(BIN)/ruff check src bench tools
	$(BIN)/ruff format --check src bench tools

check-migrations: install-dev
	$(BIN)/zerovisit makemigrations --check --dry-run

test-postgres: install-dev
	ZV_DATABASE_URL=$${ZV_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/python -m pytest -n 2 --dist loadfile

## Every benchmark at a small size, to prove it still runs (needs wrk): on SQLite, and in a fresh database on the
## PostgreSQL server of ZV_DATABASE_URL when it is set.
bench-smoke: install-dev
	$(BIN)/python bench/smoke.py

## Write the documents generated from the code (a test fails while they differ).
docs: install
	$(BIN)/zerovisit lifecycle_doc > docs/lifecycle.md

clean:
	rm -rf $(VENV) var
