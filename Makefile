# Set-up and test commands of the portal. `make help` lists them.
#
#   make demo   create .venv, migrate, load the real Nghệ An data, create the demo accounts and
#               serve on http://127.0.0.1:$(PORT) with the embedded defaults (SQLite, tasks
#               in-process, database search)
#   make test   the whole suite on the production column: PostgreSQL, Redis, a Celery worker,
#               an OpenSearch node and Chromium

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

# The production column used by `make test`; values already in the environment win (CI).
DATABASE_URL ?= postgres://portal:portal@127.0.0.1:5432/portal
REDIS_URL ?= redis://127.0.0.1:6379/0
PYTEST_ARGS ?=
TEST_ENV = env -u DJANGO_SETTINGS_MODULE DATABASE_URL='$(DATABASE_URL)' REDIS_URL='$(REDIS_URL)'

# The demo runs on the embedded defaults even when the shell has the test column's variables.
DEMO_ENV = env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL -u CELERY_RESULT_BACKEND \
	-u PORTAL_SEARCH_ENGINE -u PORTAL_SEARCH_URL DJANGO_SETTINGS_MODULE=portal.settings.dev \
	PORTAL_BASE_URL=http://127.0.0.1:$(PORT)

.PHONY: help demo serve test test-quick test-e2e services search-node messages check-python clean-demo

help:
	@echo "make demo        set up and serve the portal with real data and demo accounts on port $(PORT)"
	@echo "make test        run the whole test suite on PostgreSQL, Redis, OpenSearch and Chromium"
	@echo "make test-quick  run the suite on SQLite without the external servers (editing loop)"
	@echo "make test-e2e    run only the browser tests (on PostgreSQL)"
	@echo "make messages    compile every .po catalogue to .mo"
	@echo "make clean-demo  delete the demo database and uploaded files"

check-python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 not found: install the Debian package python3 (3.11) or set PYTHON=/path/to/python3.11." >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
		|| { echo "$(PYTHON) is not Python 3.11; set PYTHON=/path/to/python3.11." >&2; exit 1; }

# Each stamp records that the virtual environment holds the pinned packages of its file.
$(VENV)/.runtime-installed: requirements.txt | check-python
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | check-python
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

# Pango and a Vietnamese font draw the PDF checklists and slips; without them the rest of the demo runs.
DEMO_PACKAGES = libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu

demo: $(VENV)/.runtime-installed
	tools/system-packages.sh $(DEMO_PACKAGES) || echo "Without these packages the portal runs, but PDF checklists and slips fail." >&2
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py import_province_data
	$(DEMO_ENV) $(PY) manage.py create_demo_accounts
	$(MAKE) --no-print-directory serve

serve: $(VENV)/.runtime-installed
	@echo "Serving the portal on http://127.0.0.1:$(PORT)/ (staff: http://127.0.0.1:$(PORT)/quan-tri/). Stop with Ctrl+C."
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

clean-demo:
	rm -f db.sqlite3 db.sqlite3-journal db.sqlite3-wal db.sqlite3-shm
	rm -rf var/media

services:
	DATABASE_URL='$(DATABASE_URL)' REDIS_URL='$(REDIS_URL)' tools/services.sh

search-node:
	if [ -x tools/search-node/build.sh ]; then tools/search-node/build.sh; fi

test: $(VENV)/.dev-installed
	tools/system-packages.sh
	$(MAKE) --no-print-directory services search-node
	$(TEST_ENV) PORTAL_REQUIRE_OPENSEARCH=1 PORTAL_REQUIRE_BROWSER=1 $(PY) -m pytest $(PYTEST_ARGS)

test-quick: $(VENV)/.dev-installed
	env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL -u CELERY_RESULT_BACKEND -u DJANGO_SETTINGS_MODULE \
		-u PORTAL_REQUIRE_OPENSEARCH -u PORTAL_REQUIRE_BROWSER \
		$(PY) -m pytest -m "not e2e and not opensearch and not celery_worker" $(PYTEST_ARGS)

test-e2e: $(VENV)/.dev-installed
	$(MAKE) --no-print-directory services
	$(TEST_ENV) PORTAL_REQUIRE_BROWSER=1 $(PY) -m pytest -m e2e $(PYTEST_ARGS)

messages:
	for po in $$(find . -path ./$(VENV) -prune -o -name '*.po' -path '*/LC_MESSAGES/*' -print); do \
		msgfmt --check -o "$${po%.po}.mo" "$$po"; \
	done
