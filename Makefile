# `make run` starts the bot, `make test` runs lint and the test suite.
# `make run` builds .venv with requirements.txt alone, as a deployment has it; `make test`
# builds .venv-test with the test tools too (Selenium brings trio, which msrest imports when it
# is there: a tenth of the bot's start). Each is refreshed when its requirements change.
# node_modules comes from package-lock.json: `make run` installs package.json's dependencies
# alone (Web Chat, for the chat page); `make test` its devDependencies too (the storage
# stand-ins Azurite and a Cosmos DB server, the Teams manifest schema). `npm ci` empties
# node_modules first: the lean install leaves only its own marker, the full one both (it holds
# what `make run` needs), so `make run` after `make test` installs nothing more.
# `make test` also installs Chromium.
# `make teams-package` builds the Teams app package (README, "Microsoft Teams").
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
TEST_VENV := .venv-test
TEST_BIN := $(TEST_VENV)/bin

.PHONY: run test lint browser teams-package clean

run: $(VENV)/.installed node_modules/.installed-run
	$(BIN)/python app.py

test: $(TEST_VENV)/.installed node_modules/.installed-test browser
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

node_modules/.installed-run: package.json package-lock.json
	npm ci --omit=dev --no-audit --no-fund --ignore-scripts
	touch $@

node_modules/.installed-test: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch node_modules/.installed-run $@

# The zip to upload to Teams, with the bot's app id (MicrosoftAppId, from the environment or
# .env) filled in. The standard library is enough: no virtualenv needed.
TEAMS_PACKAGE ?= appPackage/build/corebot-teams.zip
teams-package:
	$(PYTHON) appPackage/make_package.py --out $(TEAMS_PACKAGE)

# The end-to-end test drives Debian's Chromium through its WebDriver.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver; }

clean:
	rm -rf $(VENV) $(TEST_VENV) node_modules .pytest_cache .ruff_cache test-artifacts appPackage/build
