# GCM Review Portal: `make demo` serves the portal, `make test` runs the suite.
# Set DATABASE_URL=postgres://… to run against PostgreSQL instead of the SQLite default.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help

# $(call apt_install,<test>,<Debian package>,<otherwise>): when the test fails, install the
# package (as root, with apt-get), or else run the fallback command.
define apt_install
	@$(1) || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
		else \
			$(3); \
		fi; }
endef
.PHONY: help python-check venv chromium demo demo-totp test lint fmt migrations-check clean \
	prod-local prod-local-status prod-local-stop soak soak-short bench wrk gettext messages \
	compilemessages geo

help: ## List the targets
	@echo "GCM Review Portal — make targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  \1\t\2/' | expand -t 20

python-check:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found; install Python 3.12 or newer." >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || { \
		echo "error: the portal needs Python 3.12 or newer (Django 6.1); $(PYTHON) is $$($(PYTHON) -V 2>&1)." >&2; \
		echo "       Run with PYTHON=/path/to/python3.12 make …" >&2; exit 1; }

$(VENV)/.installed: requirements.txt requirements-dev.txt | python-check
	@[ -x $(PY) ] && $(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed ## Create .venv and install the pinned dependencies

# The interface in the six UN languages (locale/<language>/LC_MESSAGES/django.po, djangojs.po):
# `make messages` extracts the strings into every catalogue; the compiled .mo files are built
# from them (never committed) by every target that serves or tests the portal.
LANGUAGES := en fr es ar ru zh_Hans
MESSAGE_SOURCES := -i ".venv/*" -i "bench/*" -i "tests/*" -i "staticfiles/*" -i "deploy/*" \
	-i "node_modules/*" -i "media/*" -i "backups/*"
CATALOGUES := $(wildcard locale/*/LC_MESSAGES/*.po)

gettext: ## Install GNU gettext, which building the translation catalogues needs (Debian, as root)
	$(call apt_install,command -v msgfmt >/dev/null 2>&1,gettext,echo "error: the translation catalogues need GNU gettext (apt-get install gettext)." >&2; exit 1)

messages: venv gettext ## Extract every marked string into the six catalogues (then translate them)
	$(PY) manage.py makemessages $(addprefix -l ,$(LANGUAGES)) --no-obsolete --no-wrap --add-location=file \
		$(MESSAGE_SOURCES)
	$(PY) manage.py makemessages -d djangojs $(addprefix -l ,$(LANGUAGES)) --no-obsolete \
		--no-wrap --add-location=file $(MESSAGE_SOURCES) -i "*.min.js" -i "static/vendor/*"
	@# English is the source language: its catalogue says each message as it is written (every
	@# translation emptied, fuzzy guesses dropped, then each msgid copied).
	@for po in locale/en/LC_MESSAGES/*.po; do \
		msgattrib --clear-fuzzy --clear-previous --no-wrap -o $$po $$po && \
		msgfilter --keep-header --no-wrap -i $$po -o $$po sed -e d && \
		msgen --no-wrap -o $$po $$po; done

locale/.compiled: $(CATALOGUES) | venv gettext
	$(PY) manage.py compilemessages --ignore=".venv" --ignore="node_modules" --ignore="staticfiles" -v0
	@touch $@

compilemessages: locale/.compiled ## Compile the translation catalogues (.po → .mo)

demo: venv compilemessages ## Set up everything with demo data and serve on http://127.0.0.1:8000
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_reference
	$(PY) manage.py seed_demo
	$(PY) manage.py collectstatic --no-input -v0
	@echo "Serving on http://$(HOST):$(PORT)/ with a task worker and the scheduler — demo accounts are in README.md"
	@$(PY) manage.py db_worker --no-reload & worker=$$!; \
		$(PY) manage.py crontask --no-heartbeat & scheduler=$$!; \
		trap 'kill $$worker $$scheduler 2>/dev/null; wait $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
		$(PY) manage.py runserver $(HOST):$(PORT)

demo-totp: venv ## Print the current two-factor code of the demo accounts
	@$(PY) manage.py demo_totp

chromium: ## Install the system Chromium the browser tests drive (Debian, as root)
	$(call apt_install,[ -x /usr/bin/chromium ],chromium,echo "error: the browser tests need Chromium at /usr/bin/chromium (apt-get install chromium)." >&2; exit 1)

test: venv chromium compilemessages ## Run the whole test suite (SQLite; DATABASE_URL=postgres://… for PostgreSQL)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv ## Check code style, imports and template indentation
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djhtml --check templates

fmt: venv ## Format code and templates in place
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djhtml templates

migrations-check: venv ## Fail when a model change has no migration
	$(PY) manage.py makemigrations --check --dry-run

# Backups (deploy/backup.py): pg_dump -Fc of DATABASE_URL and the media files, in one archive.
.PHONY: backup restore
backup: venv ## Back up DATABASE_URL and the media into backups/<UTC time>/ (BACKUP_DIR=…)
	$(PY) deploy/backup.py backup $(if $(BACKUP_DIR),--dest $(BACKUP_DIR))

restore: venv ## Restore BACKUP=backups/<time> into DATABASE_URL (or TARGET_DATABASE_URL) and check it
	@[ -n "$(BACKUP)" ] || { echo "error: say which backup: make restore BACKUP=backups/<time>" >&2; exit 2; }
	$(PY) deploy/backup.py restore $(BACKUP) $(if $(TARGET_DATABASE_URL),--database-url $(TARGET_DATABASE_URL))

# Benchmark (issue 11): a report of ratios against targets, not a test; see README "Benchmark".
wrk: ## Install the wrk load generator the benchmark prefers (Debian, as root; else it uses Python)
	$(call apt_install,[ -x /usr/bin/wrk ],wrk,echo "note: no /usr/bin/wrk; the benchmark uses its Python load generator." >&2)

bench: venv wrk ## Seed or reuse two PostgreSQL sizes and print every performance ratio
	$(PY) -m bench

# The world map's country outlines (tools/geo/README.md): rebuilt from the pinned npm packages,
# then committed; nothing is fetched at run time.
geo: ## Rebuild reviews/data/world-110m.json, the world map's country outlines (Node 20, npm)
	cd tools/geo && npm ci && node build.mjs

clean: ## Remove the virtualenv and the local SQLite database
	rm -rf $(VENV) db.sqlite3 db.sqlite3-shm db.sqlite3-wal staticfiles

# --- The production topology on this machine (deploy/README.md); as root, with PostgreSQL 15 ---
prod-local: venv compilemessages ## Run a streaming replica, two gunicorn instances, a worker and the scheduler
	PY=$(abspath $(PY)) deploy/prod_local.sh up

prod-local-status: ## Show what prod-local runs
	PY=$(abspath $(PY)) deploy/prod_local.sh status

prod-local-stop: ## Stop what prod-local runs
	PY=$(abspath $(PY)) deploy/prod_local.sh stop

soak: venv ## 50 people for 60 s against prod-local, through a primary restart and three kills
	PY=$(abspath $(PY)) $(PY) deploy/soak.py $(SOAK_ARGS)

soak-short: venv ## The soak in ~15 s with a few people and one kill (for CI)
	PY=$(abspath $(PY)) $(PY) deploy/soak.py --short $(SOAK_ARGS)
