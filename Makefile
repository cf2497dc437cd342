# `make run` starts the bot, `make test` runs lint, the type check and the test suite on Python
# 3.11 and 3.13 (the oldest and the newest supported), `make test-all` on 3.11, 3.12 and 3.13.
# `make run` builds .venv (Python 3.11) with requirements.txt alone, as a deployment has it;
# the tests build one venv per Python, .venv-test (3.11) and .venv-test-3.12, .venv-test-3.13,
# with the test tools too (Selenium brings trio, which msrest imports when it is there: a tenth
# of the bot's start). A new venv first gets the pip and setuptools of VENV_TOOLS (the
# interpreters' own, pip 23.2.1 and setuptools 65.5, carry known advisories). Each venv is
# refreshed when its requirements change.
# node_modules comes from package-lock.json: `make run` installs package.json's dependencies
# alone (Web Chat, for the chat page); `make test` its devDependencies too (the storage
# stand-ins Azurite and a Cosmos DB server, the Teams manifest schema). `npm ci` empties
# node_modules first: the lean install leaves only its own marker, the full one both (it holds
# what `make run` needs), so `make run` after `make test` installs nothing more.
# `make test` also installs Chromium.
# `make teams-package` builds the Teams app package (README, "Microsoft Teams").
VENV_TOOLS := pip==26.3 setuptools==84.2.1
RUN_PYTHON := 3.11
TEST_PYTHONS := 3.11 3.13
ALL_PYTHONS := 3.11 3.12 3.13
VENV := .venv
BIN := $(VENV)/bin
TEST_VENV := .venv-test
TEST_BIN := $(TEST_VENV)/bin

# Python $(1) (X.Y): pythonX.Y from PATH if it runs (pyenv's shim runs only the versions
# pyenv has selected), else pyenv's newest X.Y. Only a rule that needs it looks for it.
python = $(or \
	$(shell python$(1) -c '' >/dev/null 2>&1 && echo python$(1)), \
	$(shell pyenv prefix $(1) 2>/dev/null | sed 's|$$|/bin/python|'), \
	$(error Python $(1) not found: put python$(1) on PATH, or install it with pyenv (pyenv install $(1))))
# The test venv of Python $(1).
test_venv = $(TEST_VENV)$(if $(filter-out 3.11,$(1)),-$(1))

.PHONY: run test test-all lint typecheck browser teams-package clean $(ALL_PYTHONS:%=pytest-%)

run: $(VENV)/.installed node_modules/.installed-run
	$(BIN)/python app.py

test: lint typecheck $(TEST_PYTHONS:%=pytest-%)

test-all: lint typecheck $(ALL_PYTHONS:%=pytest-%)

lint: $(TEST_VENV)/.installed
	$(TEST_BIN)/ruff check .
	$(TEST_BIN)/ruff format --check .

# mypy over the code and the tests, with the settings and the stubs/ folder of pyproject.toml.
typecheck: $(TEST_VENV)/.installed
	$(TEST_BIN)/mypy

# A venv in $(2) for Python $(1) with requirements file $(3).
define VENV_RULES
$(2)/bin/python:
	$$(call python,$(1)) -m venv $(2)
	$(2)/bin/python -m pip install --quiet $(VENV_TOOLS)

$(2)/.installed: requirements.txt $(3) | $(2)/bin/python
	$(2)/bin/python -m pip install --quiet -r $(3)
	touch $$@
endef

# The whole test suite on Python $(1).
define PYTEST_RULE
pytest-$(1): $(call test_venv,$(1))/.installed node_modules/.installed-test browser
	$(call test_venv,$(1))/bin/python -m pytest
endef

$(eval $(call VENV_RULES,$(RUN_PYTHON),$(VENV),requirements.txt))
$(foreach version,$(ALL_PYTHONS),$(eval $(call VENV_RULES,$(version),$(call test_venv,$(version)),requirements-dev.txt)))
$(foreach version,$(ALL_PYTHONS),$(eval $(call PYTEST_RULE,$(version))))

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
	$(call python,$(RUN_PYTHON)) appPackage/make_package.py --out $(TEAMS_PACKAGE)

# The end-to-end test drives Debian's Chromium through its WebDriver.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver; }

clean:
	rm -rf $(VENV) $(foreach version,$(ALL_PYTHONS),$(call test_venv,$(version))) node_modules .pytest_cache .ruff_cache .mypy_cache test-artifacts appPackage/build
