# Everyday verbs. `make run` sets up and serves the portal on SQLite with the reference data;
# `make test` sets up and runs the whole test suite (DATABASE_URL picks PostgreSQL when set).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: setup setup-dev setup-data run serve worker import cluster test test-fast lint bench bench-scale messages

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

setup: $(VENV)/.runtime

setup-dev: $(VENV)/.dev

# Everything `run` does before serving; safe to repeat (load_reference_data keeps staff edits).
setup-data: setup
	@test -f .env || { cp .env.example .env; echo ".env を .env.example から作成しました（ローカル開発用: DEBUG=true）。"; }
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(PY) manage.py load_reference_data
	DEBUG=$${DEBUG:-true} $(PY) manage.py ensure_admin

run: setup-data
	@echo "ポータル: http://$(HOST)/ja/   管理画面: http://$(HOST)/admin/"
	DEBUG=$${DEBUG:-true} $(PY) manage.py runserver $(HOST)

# Production-like (README: 本番運用): DEBUG off unless set, so SECRET_KEY must be a real one; the settings come
# from the environment or .env. Migrates, collects static files and runs gunicorn with kumamoto_portal/gunicorn.conf.py.
serve: setup
	DEBUG=$${DEBUG:-false} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-false} $(PY) manage.py collectstatic --noinput --verbosity 0
	DEBUG=$${DEBUG:-false} exec $(VENV)/bin/gunicorn -c kumamoto_portal/gunicorn.conf.py

# A background-job worker on REDIS_URL (without it, jobs run inline and no worker is needed).
worker: setup
	DEBUG=$${DEBUG:-false} $(PY) manage.py run_worker

# Series values from a CSV or XLSX file, as the admin's bulk import does: `make import FILE=path [DRY_RUN=1] [AREA=slug]`.
# DRY_RUN=1 checks the file and lists every change or every error, writing nothing.
import: setup
	@test -n "$(FILE)" || { echo "取り込むファイルを FILE=… で指定してください（確認だけなら DRY_RUN=1）。" >&2; exit 2; }
	DEBUG=$${DEBUG:-true} $(PY) manage.py import_observations "$(FILE)"$(if $(DRY_RUN), --dry-run)$(if $(AREA), --area "$(AREA)")

# Two gunicorn instances behind HAProxy on one PostgreSQL and one Redis (bench/cluster.sh; Debian: haproxy, wrk):
# a dry run on one confirmed on the other, a publish seen at once, one server killed under load without a failure
# (HAProxy configured by deploy/haproxy.cfg).
cluster: setup
	bench/cluster.sh

# The migration check reads the settings like any command: on a fresh clone there is no .env and no SECRET_KEY
# yet (pytest gets its test defaults from pyproject.toml), so it runs with DEBUG's development key like setup-data.
test: setup-dev
	DEBUG=$${DEBUG:-true} $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: setup-dev
	$(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

messages: setup-dev
	DEBUG=true $(PY) manage.py makemessages -l en --no-obsolete --no-wrap -i ".venv/*" -i "staticfiles/*" -i "tests/*" -i "artifacts/*"
	DEBUG=true $(PY) manage.py compilemessages -l en -l ja -i .venv

bench: setup-dev
	$(PY) bench/figure_build.py
	$(PY) bench/page_weight.py
	$(PY) bench/import_speed.py
	$(PY) bench/import_memory.py

# Issue 15's benchmarks at national scale (PostgreSQL from DATABASE_URL, wrk; minutes, not in CI): bench/scale.sh.
bench-scale: setup-dev
	bench/scale.sh
