# `make run` starts the bot, `make test` runs lint and the test suite.
# Both build .venv on first use and refresh it when a requirements file changes, and install
# node_modules from package-lock.json: Web Chat for the chat page, and the local storage
# stand-ins (Azurite, a Cosmos DB server) the tests start. `make test` also installs Chromium.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint browser clean

run: $(VENV)/.installed node_modules/.installed
	$(BIN)/python app.py

test: $(VENV)/.installed-dev node_modules/.installed browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# The end-to-end test drives Debian's Chromium through its WebDriver.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver; }

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache test-artifacts
