# Two commands for a fresh machine: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test serve worker reminders install dev-install migrate seed lint typecheck coverage format migrations-check deploy-check bench ci e2e clean screenshots

$(BIN)/activate: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(BIN)/activate

install: $(BIN)/activate

# A local, git-ignored settings file for trying the product: debug on, a fresh random key.
.env:
	@$(PYTHON) -c "import secrets; open('.env', 'w').write('# Local settings for trying the clinic; see .env.example. Never use in production.\nDEBUG=on\nSECRET_KEY=' + secrets.token_urlsafe(50) + '\n')"
	@echo "Wrote .env (debug on, a new random SECRET_KEY)."

migrate: install .env
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# PORT is passed on so that, with no SITE_URL set, links in e-mails and the calendar-feed
# address use it; in debug, tasks (e-mails) run straight away, with no worker.
run: seed
	PORT=$(PORT) $(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite; on PostgreSQL when DATABASE_URL points at one, else on SQLite.
test: install .env
	$(BIN)/pytest $(PYTEST_ARGS)

# The suite under coverage (branches too), then the report; fails below the total in
# pyproject.toml ([tool.coverage.report] fail_under). The every-page checks (axe-core in
# the browser, the Nu HTML checker) are left out: `make test` runs them, and the URL walk
# already covers the same views.
coverage: install .env
	$(BIN)/coverage run -m pytest -m "not every_page" $(PYTEST_ARGS)
	$(BIN)/coverage report

serve: install
	$(PY) manage.py collectstatic --noinput
	$(PY) manage.py migrate --noinput
	$(BIN)/gunicorn clinic.wsgi --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-3} --access-logfile -

# Sends e-mails and reminders queued in the database; run one or more anywhere.
worker: install .env
	$(PY) manage.py db_worker

# Catches up on reminders that fell due while no worker ran (or run it from cron).
reminders: install .env
	$(PY) manage.py send_reminders --every 300

# Style, and the layers (pyproject.toml [tool.importlinter]): an import that runs back up fails.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(MAKE) typecheck

# mypy with django-stubs on the modules listed in pyproject.toml ([tool.mypy] files).
typecheck: install .env
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: install .env
	$(PY) manage.py makemigrations --check --dry-run

bench: install .env
	$(PY) manage.py bench

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# The main pages per role, phone and desktop, from a throwaway demo clinic (tools/screenshots.py).
screenshots: install
	$(PY) tools/screenshots.py
