# The index of Puente's tasks. `make run` and `make test` work on a fresh machine with only python3.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
DEV := DEBUG=true
# A throwaway key so that `check --deploy` can judge the production settings.
DEPLOY_ENV := DEBUG=false SECRET_KEY=check-deploy-$(shell date +%s)-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ ALLOWED_HOSTS=puente.example.org

.PHONY: run serve install migrate demo test lint format check pytest browser bench messages compilemessages clean screenshots

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(BIN)/.installed

migrate: install
	$(DEV) $(MANAGE) migrate --noinput

demo: migrate
	$(DEV) $(MANAGE) load_demo

run: demo  ## migrate, load the demo content (idempotent) and serve on http://127.0.0.1:8000
	$(DEV) $(MANAGE) runserver 127.0.0.1:8000

test: lint check pytest  ## every check and test

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	$(DEV) $(MANAGE) check --fail-level WARNING
	$(DEV) $(MANAGE) makemigrations --check --dry-run
	$(DEPLOY_ENV) $(MANAGE) check --deploy --fail-level WARNING

pytest: install
	$(BIN)/pytest

browser: install  ## only the browser tests
	$(BIN)/pytest -m browser

messages: install  ## extract translatable strings into the Spanish and French catalogues
	$(DEV) $(MANAGE) makemessages -l es -l fr --no-obsolete --ignore ".venv/*" --ignore "node_modules/*" \
		--ignore "*/migrations/*" --ignore "var/*" --ignore "bench/*"

compilemessages: install  ## the compiled .mo files are committed, so a fresh machine needs no gettext
	$(DEV) $(MANAGE) compilemessages --ignore ".venv/*" --ignore "node_modules/*"

bench: install  ## search benchmark (hours); quick: BENCH_SIZES=10000,100000; BENCH_ENGINES=sqlite,postgres
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var db.sqlite3
