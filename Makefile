# SCP Studio: `make run` to use it, `make test` to check it. Both set everything up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export DJANGO_DEBUG ?= 1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-postgres check lint bench setup setup-dev chromium screenshot clean

$(VENV)/.stamp-base: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.stamp-dev: pyproject.toml $(VENV)/.stamp-base
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.stamp-base
	$(PY) manage.py migrate --noinput
	$(PY) manage.py ensure_admin
	$(PY) manage.py clearsessions

setup-dev: $(VENV)/.stamp-dev

run: setup
	$(PY) manage.py runserver $(HOST):$(PORT)

chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; \
	else \
		echo "The browser tests need /usr/bin/chromium: run 'sudo apt-get install -y chromium'."; \
		exit 1; \
	fi

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

check: lint

test: setup-dev chromium lint
	$(PY) -m pytest -p no:cacheprovider; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$status

# Every test that touches the database, on PostgreSQL: the server DATABASE_URL names, or a
# throwaway local one (.ci/postgres). The engine's tests need no database, and the browser
# journeys and the fuzz suite run once, on SQLite, in `make test`.
test-postgres: setup-dev
	.ci/postgres $(PY) -m pytest -p no:cacheprovider --ignore=tests/e2e --ignore=tests/fuzz \
		--ignore=tests/engine; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$status

bench: setup-dev
	$(PY) tests/bench/bench_engine.py
	$(PY) tests/bench/bench_hostile.py
	$(PY) tests/bench/bench_http.py
	$(PY) tests/bench/bench_library.py
	$(PY) tests/bench/bench_accounts.py
	.ci/postgres $(PY) tests/bench/bench_load.py
	$(PY) tests/bench/bench_diff.py
	$(PY) tests/bench/bench_catalog.py
	$(MAKE) --no-print-directory bench-answers

# -- property and fuzz tests: the same examples in `make test`, a random hunt in `make fuzz` ----
# `make test` runs every hypothesis test derandomized (profile "ci", tests/conftest.py): the
# examples derived from the test itself and its pinned @examples, so a run fails only when the
# code changed. `make fuzz` hunts with new random examples (profile "fuzz", FUZZ_SCALE times the
# fuzz suite's counts); run it before an issue is resolved, and pin every failure it prints as
# an @example of its test. `make bench-answers` (part of `make bench`) times the fuzz suite's
# requests, which the tests no longer judge.
.PHONY: fuzz bench-answers
FUZZ_SCALE ?= 5
HYPOTHESIS_TESTS = $(shell grep -rlE --include='test_*.py' '^(from|import) hypothesis' tests \
	| grep -v '^tests/e2e/' | sort)

fuzz: setup-dev
	HYPOTHESIS_PROFILE=fuzz FUZZ_SCALE=$(FUZZ_SCALE) $(PY) -m pytest -p no:cacheprovider -q \
		$(HYPOTHESIS_TESTS)

bench-answers: setup-dev
	FUZZ_TIMINGS=1 $(PY) -m pytest -p no:cacheprovider -q tests/fuzz

screenshot: setup-dev chromium
	$(PY) tests/e2e/make_screenshot.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache
