# Jinfanwan: `make run` serves the app with a worker, `make test` runs the whole suite.
# Both install what they need first (Debian packages, .venv, pip; axe-core from npm for the
# browser tests), and skip what is there.

SHELL := /bin/bash
PYTHON ?= python3
PORT ?= 5000
PYTEST_ARGS ?=

# Debian packages: WeasyPrint's Pango and CJK fonts for the app; servers,
# a browser and PDF tools on top for the tests.
APP_PACKAGES  := libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk
TEST_PACKAGES := $(APP_PACKAGES) postgresql redis-server chromium poppler-utils

export PYTHON

.PHONY: run test test-scale lint install install-test translations clean
# Steps rely on running in the order written (install before translations).
.NOTPARALLEL:

run: install translations
	PORT=$(PORT) scripts/run.sh

# Lint first, then both suites, bandit and pip-audit, then the scale-out test (see scripts/test.sh).
test: install-test translations lint
	scripts/test.sh $(PYTEST_ARGS)

# Only the scale-out test: two gunicorn servers, two workers, PostgreSQL, Redis.
test-scale: install-test translations
	scripts/test-scale.sh $(PYTEST_ARGS)

# ruff, mypy and import-linter as configured in pyproject.toml: findings, unformatted files and
# imports against the contracts (which feature depends on which) fail.
lint: install-test
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy
	.venv/bin/lint-imports

install:
	scripts/install-system.sh $(APP_PACKAGES)
	scripts/install-python.sh requirements.txt

install-test:
	scripts/install-system.sh $(TEST_PACKAGES)
	scripts/install-python.sh requirements-test.txt
	scripts/install-node.sh

# Compiled catalogs (*.mo) are not committed; build them from the .po files.
translations:
	@if find training/translations -name '*.po' 2>/dev/null | grep -q .; then \
		.venv/bin/pybabel compile -f -d training/translations; \
	else \
		echo "translations: no catalogs under training/translations, nothing to compile"; \
	fi

# Only the virtualenv: instance/ holds the database, secret key and demo logins.
clean:
	rm -rf .venv
