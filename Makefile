# Teamfit: `make run` to try it, `make test` to prove it.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
PYTEST_ARGS ?= -n auto

.PHONY: run test faults lint format bench messages chromium clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Teamfit on http://127.0.0.1:8000 with a Celery worker and beat. Ctrl-C stops both."
	@$(VENV)/bin/celery -A hiring worker --beat --loglevel=INFO --concurrency=2 & worker=$$!; \
	$(PY) manage.py runserver 127.0.0.1:8000 & web=$$!; \
	trap 'pkill -TERM -P $$web; kill -TERM $$web $$worker 2>/dev/null; wait' INT TERM; \
	wait

test: $(VENV)/.installed
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# The app under faults (worker and Redis killed, database connections cut, races), counted:
# needs PostgreSQL, Redis and redis-server; see tests/faults/__main__.py.
faults: $(VENV)/.installed
	$(PY) -m tests.faults

bench: $(VENV)/.installed
	$(PY) manage.py bench

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The catalogues after strings changed: translate the new entries of hiring/locale/*/django.po,
# then run it again to compile them (needs GNU gettext; the compiled files are committed).
messages: $(VENV)/.installed
	$(PY) manage.py makemessages --all --add-location=file --ignore='var/*' --ignore='tests/*'
	$(PY) manage.py compilemessages --ignore='.venv/*'

# Debian's Chromium for the browser tests (Playwright cannot download its own here).
chromium:
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

clean:
	rm -rf var/broker var/test-teamfit-*
