# `make run` starts the bot, `make test` runs lint, the type checks and the test suite on each
# build: BOT_SDK=botbuilder (the Bot Framework SDK, the default) on Python 3.11 and
# BOT_SDK=agents (the Microsoft 365 Agents SDK) on Python 3.13 (the oldest and the newest
# supported); `make test-all` runs the suite on both builds on 3.11, 3.12 and 3.13.
# `make run` (BOT_SDK=agents make run, or make run BOT_SDK=agents, for the other build) builds
# the build's venv, .venv (botbuilder) or .venv-agents, with its requirements alone
# (requirements.txt or requirements-agents.txt, each with requirements-common.txt), as a
# deployment has it. The tests build one venv per build and Python, .venv-test-<build>-<X.Y>,
# with the test tools too (requirements-dev.txt; the agents build's test adapter,
# requirements-dev-agents.txt). A new venv first gets the pip and setuptools of VENV_TOOLS
# (the interpreters' own, pip 23.2.1 and setuptools 65.5, carry known advisories). Each venv
# is refreshed when its requirements change.
# node_modules comes from package-lock.json: `make run` installs package.json's dependencies
# alone (Web Chat, for the chat page); `make test` its devDependencies too (the storage
# stand-ins Azurite and a Cosmos DB server, the Teams manifest schema). `npm ci` empties
# node_modules first: the lean install leaves only its own marker, the full one both (it holds
# what `make run` needs), so `make run` after `make test` installs nothing more.
# `make test` also installs Chromium.
# `make teams-package` builds the Teams app package (README, "Microsoft Teams").
VENV_TOOLS := pip==26.3 setuptools==84.2.1
BUILDS := botbuilder agents
BOT_SDK ?= botbuilder
ifeq ($(filter $(BOT_SDK),$(BUILDS)),)
$(error BOT_SDK must be botbuilder or agents, got '$(BOT_SDK)')
endif
RUN_PYTHON := 3.11
ALL_PYTHONS := 3.11 3.12 3.13
# Each build once, on the oldest and the newest Python.
TEST_RUNS := botbuilder-3.11 agents-3.13
ALL_RUNS := $(foreach build,$(BUILDS),$(foreach version,$(ALL_PYTHONS),$(build)-$(version)))
LINT_RUN := botbuilder-3.11
# The venv of each build that `typecheck` uses (and the cross-build tests: tests/conftest.py).
BUILD_VENVS := .venv-test-botbuilder-3.11/.installed .venv-test-agents-3.13/.installed

# Python $(1) (X.Y): pythonX.Y from PATH if it runs (pyenv's shim runs only the versions
# pyenv has selected), else pyenv's newest X.Y. Only a rule that needs it looks for it.
python = $(or \
	$(shell python$(1) -c '' >/dev/null 2>&1 && echo python$(1)), \
	$(shell pyenv prefix $(1) 2>/dev/null | sed 's|$$|/bin/python|'), \
	$(error Python $(1) not found: put python$(1) on PATH, or install it with pyenv (pyenv install $(1))))
# A build's requirements, its run venv, and the test venv of a run (<build>-<X.Y>).
requirements = $(if $(filter agents,$(1)),requirements-agents.txt,requirements.txt)
dev_requirements = requirements-dev.txt $(if $(filter agents,$(1)),requirements-dev-agents.txt)
run_venv = $(if $(filter agents,$(1)),.venv-agents,.venv)
build_of = $(firstword $(subst -, ,$(1)))
python_of = $(lastword $(subst -, ,$(1)))
test_venv = .venv-test-$(1)

.PHONY: run test test-all lint typecheck browser teams-package clean \
	$(ALL_RUNS:%=pytest-%)

run: $(call run_venv,$(BOT_SDK))/.installed node_modules/.installed-run
	BOT_SDK=$(BOT_SDK) $(call run_venv,$(BOT_SDK))/bin/python app.py

test: lint typecheck $(TEST_RUNS:%=pytest-%)

test-all: lint typecheck $(ALL_RUNS:%=pytest-%)

lint: $(call test_venv,$(LINT_RUN))/.installed
	$(call test_venv,$(LINT_RUN))/bin/ruff check .
	$(call test_venv,$(LINT_RUN))/bin/ruff format --check .

# mypy over the code and the tests of each build: pyproject.toml's [tool.mypy] (and the
# stubs/ folder) for botbuilder, mypy-agents.ini for agents.
typecheck: $(BUILD_VENVS)
	$(call test_venv,botbuilder-3.11)/bin/mypy
	$(call test_venv,agents-3.13)/bin/mypy --config-file mypy-agents.ini

# A venv in $(2) for Python $(1) with requirements files $(3).
define VENV_RULES
$(2)/bin/python:
	$$(call python,$(1)) -m venv $(2)
	$(2)/bin/python -m pip install --quiet $(VENV_TOOLS)

$(2)/.installed: requirements-common.txt $(3) | $(2)/bin/python
	$(2)/bin/python -m pip install --quiet $(addprefix -r ,$(3))
	touch $$@
endef

# The whole test suite of run $(1) (<build>-<X.Y>). It also needs the other build's venv (the
# one `typecheck` uses): a booking is begun on one build and goes on on the other.
define PYTEST_RULE
pytest-$(1): $(call test_venv,$(1))/.installed $(BUILD_VENVS) node_modules/.installed-test browser
	BOT_SDK=$(call build_of,$(1)) $(call test_venv,$(1))/bin/python -m pytest
endef

$(foreach build,$(BUILDS),$(eval $(call VENV_RULES,$(RUN_PYTHON),$(call run_venv,$(build)),$(call requirements,$(build)))))
$(foreach run,$(ALL_RUNS),$(eval $(call VENV_RULES,$(call python_of,$(run)),$(call test_venv,$(run)),$(call requirements,$(call build_of,$(run))) $(call dev_requirements,$(call build_of,$(run))))))
$(foreach run,$(ALL_RUNS),$(eval $(call PYTEST_RULE,$(run))))

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
	rm -rf .venv .venv-agents .venv-test-* node_modules .pytest_cache .ruff_cache .mypy_cache test-artifacts appPackage/build
