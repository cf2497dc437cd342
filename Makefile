# `make run` starts the bot, `make test` runs lint and the test suite.
# `make run` builds .venv with requirements.txt alone, as a deployment has it; `make test`
# builds .venv-test with the test tools too (Selenium brings trio, which msrest imports when it
# is there: a tenth of the bot's start). Each is refreshed when its requirements change. Both
# install node_modules from package-lock.json: Web Chat for the chat page, and the local
# storage stand-ins (Azurite, a Cosmos DB server) the tests start. `make test` also installs
# Chromium.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
TEST_VENV := .venv-test
TEST_BIN := $(TEST_VENV)/bin

.PHONY: run test lint browser clean

run: $(VENV)/.installed node_modules/.installed
	$(BIN)/python app.py

test: $(TEST_VENV)/.installed node_modules/.installed browser
	$(TEST_BIN)/ruff check .
	$(TEST_BIN)/ruff format --check .
	$(TEST_BIN)/python -m pytest

lint: $(TEST_VENV)/.installed
	$(TEST_BIN)/ruff check .
	$(TEST_BIN)/ruff format --check .

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(TEST_BIN)/python:
	$(PYTHON) -m venv $(TEST_VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(TEST_VENV)/.installed: requirements.txt requirements-dev.txt | $(TEST_BIN)/python
	$(TEST_BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# The end-to-end test drives Debian's Chromium through its WebDriver.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver; }

clean:
	rm -rf $(VENV) $(TEST_VENV) node_modules .pytest_cache .ruff_cache test-artifacts
