# The two commands of the README: `make run` and `make test`. Everything else here serves them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_MEMBERS ?= 3000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/patronage

.PHONY: run test lint typecheck test-sqlite test-postgres test-deps system-deps messages clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Patronage needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# With the text method's tokenisers (decision 0026), so that the demo's surveys show their themes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[text]'
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[text,test]'
	@touch $@

## make run: install, migrate, load the demo business once, serve with background jobs.
# The demo's till listens on 127.0.0.1: webhooks to private addresses are allowed, for the demo only.
run: export WEBHOOKS_ALLOW_PRIVATE ?= true
run: $(VENV)/.installed
	$(BIN)/patronage migrate --noinput
	$(BIN)/patronage collectstatic --noinput --verbosity 0
	$(BIN)/patronage demo --if-empty --members $(DEMO_MEMBERS)
	$(BIN)/patronage serve

## make test: install what tests need, then lint, type-check and run every test on SQLite and PostgreSQL.
test: test-deps lint typecheck test-sqlite test-postgres

test-deps: $(VENV)/.installed-test system-deps

# Chromium drives the browser tests, with CJK fonts so Korean, Japanese and Chinese render in the
# screenshots; gettext checks the translations. Installed only when missing.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$$missing fonts-noto-cjk"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing system packages:$$missing (run as root, or: sudo apt-get install$$missing)"; \
	  fi; \
	fi

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy .

test-sqlite: $(VENV)/.installed-test
	@echo "== tests on SQLite =="
	env -u DATABASE_URL $(BIN)/pytest -n 2 -q

test-postgres: $(VENV)/.installed-test
	@if $(BIN)/python -c "import psycopg, sys, urllib.parse as u; url = u.urlparse('$(PG_TEST_URL)'); psycopg.connect(host=url.hostname, port=url.port or 5432, user=url.username, dbname='postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "== tests on PostgreSQL ($(PG_TEST_URL)) =="; \
	  DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -n 2 -q; \
	else \
	  echo "== PostgreSQL at $(PG_TEST_URL) is not reachable: SKIPPED the PostgreSQL test run =="; \
	fi

## make messages: refresh the translation catalogues after changing strings.
messages: $(VENV)/.installed
	cd patronage && ../$(BIN)/patronage makemessages --locale ko --locale ja --locale zh_Hans --no-obsolete --ignore 'tests/*'
	cd patronage && ../$(BIN)/patronage compilemessages

clean:
	rm -rf $(VENV) var
