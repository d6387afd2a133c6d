# EduPlatform. The two commands that matter: `make run` and `make test` (see README).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
export UV_PROJECT_ENVIRONMENT := $(VENV)

help:
	@echo "make run      serve the demo at http://127.0.0.1:8000 (zero setup; embedded servers unless DATABASE_URL/REDIS_URL are set)"
	@echo "make test     ruff, then the whole test suite on real PostgreSQL and Redis"
	@echo "make bench    benchmarks (not part of make test)"
	@echo "make lint     ruff and migration checks   make fmt   format the code"
	@echo "make migrate  migrate the public schema, every school and the template"
	@echo "make messages collect the Chinese UI text into locale/en/LC_MESSAGES/django.po and compile django.mo (needs gettext)"

# --- Installing: redone only when the lock files change -----------------------------------

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: pyproject.toml uv.lock | $(BIN)/uv
	$(BIN)/uv sync --frozen --all-extras --quiet
	touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

deps: $(VENV)/.installed frontend/node_modules/.installed
.PHONY: deps help

# --- The two commands ----------------------------------------------------------------------

run: deps
	$(BIN)/python infra/devstack.py run

# Tests run with the development profile (DEBUG=1 picks the dev secret key and plain HTTP);
# Django's test runner turns DEBUG itself off again.
test: deps lint-ruff
	DEBUG=1 $(BIN)/python infra/devstack.py exec -- $(BIN)/pytest $(PYTEST_ARGS)

# --- The rest ------------------------------------------------------------------------------

bench: deps
	DEBUG=1 $(BIN)/python infra/devstack.py exec -- $(BIN)/pytest tests/benchmarks -m benchmark -p no:cacheprovider -s -q $(BENCH_ARGS)

lint-ruff: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lint: lint-ruff
	DEBUG=1 $(BIN)/python infra/devstack.py exec -- $(BIN)/python manage.py makemigrations --check --dry-run

fmt: deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrate: deps
	DEBUG=1 $(BIN)/python infra/devstack.py exec -- $(BIN)/python manage.py migrate_all

# English: every msgid is the Chinese UI text. Run, translate the new or fuzzy entries of
# locale/en/LC_MESSAGES/django.po, run again to compile; commit both django.po and django.mo
# (a fresh machine has no gettext tools; tests/frontend/test_translations.py checks both).
MESSAGES_IGNORE := --ignore=.venv --ignore=node_modules --ignore=.devstack --ignore=tests --ignore=test-results
messages: deps
	mkdir -p locale/en/LC_MESSAGES
	DEBUG=1 $(BIN)/python manage.py makemessages --locale=en --no-obsolete --add-location=file $(MESSAGES_IGNORE)
	DEBUG=1 $(BIN)/python manage.py compilemessages --locale=en $(MESSAGES_IGNORE)

.PHONY: run test bench lint lint-ruff fmt migrate messages
