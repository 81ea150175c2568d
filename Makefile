# Enlace — the two commands of the README are `make run` and `make test`.
# Both install what they need on a fresh machine (Python 3.11 + Debian packages).

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
HOST   ?= 127.0.0.1
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
ENLACE := $(PY) -m enlace.cli

.PHONY: install install-test run test test-sqlite test-sqlite-all test-postgresql bench system-test-deps messages clean

$(VENV)/.installed-run: pyproject.toml
	@# followthemoney -> pyicu is built from source: it needs ICU headers, pkg-config and a C++ compiler.
	@if ! pkg-config --exists icu-uc 2>/dev/null || ! command -v g++ >/dev/null 2>&1; then \
	  echo "Installing Debian packages: libicu-dev pkg-config g++"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends libicu-dev pkg-config g++; \
	fi
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed-run
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed-run

install-test: $(VENV)/.installed-test system-test-deps

## make run: install, migrate, load reference + demo data, print demo accounts, serve on $(HOST):$(PORT)
run: install
	$(ENLACE) migrate --noinput
	$(ENLACE) collectstatic --noinput -v 0
	$(ENLACE) import-knowledge
	$(ENLACE) load-demo
	$(ENLACE) demo-accounts
	@# Background jobs (regional statistics report) run beside the server and stop with it.
	$(ENLACE) worker --queue-name '*' --no-reload & trap "kill $$!" EXIT; $(ENLACE) serve --host $(HOST) --port $(PORT)

# PostgreSQL server binaries (the tests start their own cluster), Chromium for browser tests,
# gettext for the translation checks: installed from Debian's packages when absent.
system-test-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

## make test: the whole suite on SQLite, then on a real PostgreSQL started by the tests
test: install-test test-sqlite test-postgresql

# The whole-application crawls (leak probe, every page in a browser, words, API fuzzing) and the browser
# suite run once, on PostgreSQL, the production database (the pages are the same on both databases);
# everything else runs on both. `make test-sqlite-all` runs them on SQLite too.
test-sqlite:
	@echo "=== Enlace test suite on SQLite (embedded default; whole-application crawls and browser suite run in the PostgreSQL pass) ==="
	$(PY) -m pytest -m "not whole_app and not browser"

test-sqlite-all:
	$(PY) -m pytest

test-postgresql:
	@echo "=== Enlace test suite on PostgreSQL (cluster started by the tests) ==="
	ENLACE_TEST_DB=postgresql $(PY) -m pytest

## make bench: performance benchmarks (figures go to the closing notes, never asserted in tests)
bench: install-test
	$(PY) bench/run_all.py

messages: install
	cd enlace && for app in */; do [ -d "$$app/locale" ] && (cd $$app && DJANGO_SETTINGS_MODULE=enlace.settings.base ../../$(VENV)/bin/django-admin makemessages -l en && ../../$(VENV)/bin/django-admin compilemessages -l en); done; true

clean:
	rm -rf $(VENV) var .pytest_cache
