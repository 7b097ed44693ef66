# Radiology Guide: the README's commands. `make run` and `make test` set
# everything up themselves on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# PostgreSQL and Redis for the production-path suite (kind machines run both on 127.0.0.1).
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_URL ?= redis://127.0.0.1:6379/15
# Test processes run side by side (pytest-xdist): one per core here, 2 on CI.
PYTEST_WORKERS ?= auto

.PHONY: install run dev notify-server test test-fast test-services lint format check messages bench bench-load audit clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py sync_content
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) -m radiology_guide.serve

# For editing templates and code: Django's own server with DEBUG on (no page
# cache, templates read afresh) and the Tasks worker beside it.
dev: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py sync_content
	DEBUG=true $(PY) manage.py db_worker & worker=$$!; trap "kill $$worker" EXIT INT TERM; \
		DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

# Our local stand-in for GOV.UK Notify (docs/configuration.md): start it, then
# `make dev` with the settings it prints, to see text messages arrive and be delivered.
notify-server: install
	$(PY) -m radiology_guide.enquiries.notify_stub --port 6011

# The whole suite on SQLite with a local-memory cache (browser tests included).
test: install
	$(PY) -m pytest -n $(PYTEST_WORKERS)

# The same suite against PostgreSQL and Redis, but for the tests in Chromium,
# which make test runs: every request, query and publish they make is also
# made through Django's test client here. BROWSER_ON_SERVICES=1 adds the
# browser journeys (not the layout checks: no database changes what axe,
# print or the page weight see), nor the tests marked standalone, whose
# processes use their own SQLite database and file cache whatever is set.
test-services: install
	DATABASE_URL=$(PG_URL) CACHE_URL=$(REDIS_URL) $(PY) -m pytest -n $(PYTEST_WORKERS) \
		-m "$(if $(BROWSER_ON_SERVICES),not layout,not browser) and not standalone"

# The interface's translations (docs/translations.md): extract every string
# into locale/, then compile the .mo files that are committed beside them.
# Needs GNU gettext (Debian: gettext); running the site does not.
messages: install
	$(PY) manage.py makemessages -l pl -l ro -l ur --no-obsolete \
		--ignore=.venv --ignore=tests --ignore=staticfiles --ignore=bench --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# Page speed next to nginx (wrk and nginx are Debian packages, installed here if missing).
bench: install
	@command -v wrk >/dev/null && { command -v nginx || test -x /usr/sbin/nginx; } >/dev/null || \
		{ apt-get update && apt-get install -y --no-install-recommends wrk nginx; }
	$(PY) bench/pages

# 60 s each of mixed reads and enquiries on SQLite, on PostgreSQL with Redis, and both with a worker killed.
bench-load: install
	$(PY) bench/load
	$(PY) bench/load --db postgres --cache redis
	$(PY) bench/load --kill-worker
	$(PY) bench/load --db postgres --cache redis --kill-worker

audit: install
	bash bench/audit

clean:
	rm -rf $(VENV) staticfiles db.sqlite3* test-db.sqlite3*
