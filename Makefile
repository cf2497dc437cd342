# `make run` starts the bot, `make test` runs lint, the type checks and the test suite on each
# build: BOT_SDK=botbuilder (the Bot Framework SDK, the default) on Python 3.11 and
# BOT_SDK=agents (the Microsoft 365 Agents SDK) on Python 3.13 (the oldest and the newest
# supported); `make test-all` runs the suite on both builds on 3.11, 3.12 and 3.13.
# `make run` (BOT_SDK=agents make run, or make run BOT_SDK=agents, for the other build) builds
# the build's venv, .venv (botbuilder) or .venv-agents, from its lock alone (requirements.txt
# or requirements-agents.txt), as a deployment has it. The tests build one venv per build and
# Python, .venv-test-<build>-<X.Y>, from the build's test lock (requirements-dev.txt or
# requirements-dev-agents.txt: the same versions and the test tools). A new venv first gets
# the pip and setuptools of requirements/venv.txt (the interpreters' own, pip 23.2.1 and
# setuptools 65.5, carry known advisories). Every install requires the lock's hashes, and
# each venv is refreshed when its lock changes.
# The locks are made from requirements/*.in by `make lock`; `make test` first checks that
# they are what the inputs resolve to (`check-locks`). See docs/dependencies.md.
# node_modules comes from package-lock.json: `make run` installs package.json's dependencies
# alone (Web Chat, for the chat page); `make test` its devDependencies too (the storage
# stand-ins Azurite and a Cosmos DB server, the Teams manifest schema). `npm ci` empties
# node_modules first: the lean install leaves only its own marker, the full one both (it holds
# what `make run` needs), so `make run` after `make test` installs nothing more.
# `make test` also installs Chromium.
# `make teams-package` builds the Teams app package (docs/teams.md).
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
# A build's lock, its test lock, its run venv, and the test venv of a run (<build>-<X.Y>).
lock = $(if $(filter agents,$(1)),requirements-agents.txt,requirements.txt)
test_lock = $(if $(filter agents,$(1)),requirements-dev-agents.txt,requirements-dev.txt)
run_venv = $(if $(filter agents,$(1)),.venv-agents,.venv)
build_of = $(firstword $(subst -, ,$(1)))
python_of = $(lastword $(subst -, ,$(1)))
test_venv = .venv-test-$(1)

# Node.js 22 or newer (package.json's engines; .nvmrc names the release line the tests run
# on). Where the machine's is older, on Linux, Node.js 24 comes from the npm registry
# (tools/node, locked with its integrity) and goes first on PATH for every recipe; the
# Makefile says so. Where there is none, or on another system, it asks for one.
NODE_OWN := $(shell node --version 2>/dev/null)
NODE_PLATFORM := $(shell uname -s | tr A-Z a-z)-$(patsubst x86_64,x64,$(patsubst aarch64,arm64,$(shell uname -m)))
ifeq ($(shell v='$(NODE_OWN)'; v=$${v#v}; [ "$${v%%.*}" -ge 22 ] 2>/dev/null && echo new),new)
NODE :=
else
NODE_HOME := tools/node/node_modules/node-$(NODE_PLATFORM)
NODE := $(NODE_HOME)/bin/node
export PATH := $(CURDIR)/$(NODE_HOME)/bin:$(PATH)
endif

.PHONY: run test test-all lint typecheck lock check-locks browser teams-package clean \
	$(ALL_RUNS:%=pytest-%)

run: $(call run_venv,$(BOT_SDK))/.installed node_modules/.installed-run
	BOT_SDK=$(BOT_SDK) $(call run_venv,$(BOT_SDK))/bin/python app.py

test: check-locks lint typecheck $(TEST_RUNS:%=pytest-%)

test-all: check-locks lint typecheck $(ALL_RUNS:%=pytest-%)

lint: $(call test_venv,$(LINT_RUN))/.installed
	$(call test_venv,$(LINT_RUN))/bin/ruff check .
	$(call test_venv,$(LINT_RUN))/bin/ruff format --check .

# mypy over the code and the tests of each build: pyproject.toml's [tool.mypy] (and the
# stubs/ folder) for botbuilder, mypy-agents.ini for agents.
typecheck: $(BUILD_VENVS)
	$(call test_venv,botbuilder-3.11)/bin/mypy
	$(call test_venv,agents-3.13)/bin/mypy --config-file mypy-agents.ini

# A venv in $(2) for Python $(1) with lock $(3). Three locked packages come only as source
# (aiounittest, emoji, grapheme); they are built with the venv's own setuptools, from the
# hashed requirements/venv.txt, so no unhashed build tool is fetched.
define VENV_RULES
$(2)/bin/python:
	$$(call python,$(1)) -m venv $(2)

$(2)/.installed: requirements/venv.txt $(3) | $(2)/bin/python
	$(2)/bin/python -m pip install --quiet --require-hashes -r requirements/venv.txt
	$(2)/bin/python -m pip install --quiet --require-hashes --no-build-isolation -r $(3)
	touch $$@
endef

# The locks, for Python 3.11 to 3.13 on any platform, with the hash of every file of each
# release, made in folder $(1) from the inputs there. A test lock is constrained by its
# build's lock, so the tests run the versions a deployment installs.
UV := $(CURDIR)/$(call test_venv,$(LINT_RUN))/bin/uv
UV_COMPILE := $(UV) pip compile --quiet --universal --python-version 3.11 --generate-hashes
define LOCKS
	cd $(1) && $(UV_COMPILE) requirements/venv.in -o requirements/venv.txt
	cd $(1) && $(UV_COMPILE) requirements/botbuilder.in -o requirements.txt
	cd $(1) && $(UV_COMPILE) requirements/agents.in -o requirements-agents.txt
	cd $(1) && $(UV_COMPILE) requirements/botbuilder.in requirements/dev.in \
		-c requirements.txt -o requirements-dev.txt
	cd $(1) && $(UV_COMPILE) requirements/agents.in requirements/dev.in \
		requirements/dev-agents.in -c requirements-agents.txt -o requirements-dev-agents.txt
endef
LOCK_FILES := requirements/venv.txt requirements.txt requirements-agents.txt \
	requirements-dev.txt requirements-dev-agents.txt

# After a change to requirements/*.in. A version already locked stays unless an input
# needs another; `rm` a lock first to take the newest of everything.
lock: $(call test_venv,$(LINT_RUN))/.installed
	$(call LOCKS,.)

# Resolves the inputs again, starting from the locks, in a scratch copy, and fails if a
# version differs. The hashes are left out of the comparison: a file added upstream to a
# locked release would change them without making the lock stale.
check-locks: $(call test_venv,$(LINT_RUN))/.installed
	rm -rf .locks-check && mkdir -p .locks-check/requirements
	cp requirements/*.in .locks-check/requirements/
	for lock in $(LOCK_FILES); do cp $$lock .locks-check/$$lock; done
	$(call LOCKS,.locks-check)
	for lock in $(LOCK_FILES); do \
		sed '/--hash=/d; s/ \\$$//' $$lock > .locks-check/$$lock.made; \
		sed '/--hash=/d; s/ \\$$//' .locks-check/$$lock > .locks-check/$$lock.again; \
		diff -u .locks-check/$$lock.made .locks-check/$$lock.again || \
			{ echo "$$lock is not what requirements/*.in resolve to: run make lock"; exit 1; }; \
	done
	rm -rf .locks-check

# The whole test suite of run $(1) (<build>-<X.Y>). It also needs the other build's venv (the
# one `typecheck` uses): a booking is begun on one build and goes on on the other.
define PYTEST_RULE
pytest-$(1): $(call test_venv,$(1))/.installed $(BUILD_VENVS) node_modules/.installed-test browser
	BOT_SDK=$(call build_of,$(1)) $(call test_venv,$(1))/bin/python -m pytest
endef

$(foreach build,$(BUILDS),$(eval $(call VENV_RULES,$(RUN_PYTHON),$(call run_venv,$(build)),$(call lock,$(build)))))
$(foreach run,$(ALL_RUNS),$(eval $(call VENV_RULES,$(call python_of,$(run)),$(call test_venv,$(run)),$(call test_lock,$(call build_of,$(run))))))
$(foreach run,$(ALL_RUNS),$(eval $(call PYTEST_RULE,$(run))))

ifneq ($(NODE),)
$(NODE): tools/node/package.json tools/node/package-lock.json
ifeq ($(and $(NODE_OWN),$(filter linux-x64 linux-arm64,$(NODE_PLATFORM))),)
	@echo "Node.js 22 or newer is needed (package.json engines; here: $(or $(NODE_OWN),none)):" \
		"install it, e.g. with nvm: nvm install (.nvmrc)"
	@exit 1
else
	@echo "Node.js $(NODE_OWN) is older than 22 (package.json engines):" \
		"using Node.js 24 from the npm registry, in $(NODE_HOME)"
	npm ci --prefix tools/node --no-audit --no-fund --ignore-scripts
	touch $@
endif
endif

node_modules/.installed-run: package.json package-lock.json $(NODE)
	npm ci --omit=dev --no-audit --no-fund --ignore-scripts
	touch $@

node_modules/.installed-test: package.json package-lock.json $(NODE)
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
	rm -rf .venv .venv-agents .venv-test-* .locks-check node_modules tools/node/node_modules .pytest_cache .ruff_cache .mypy_cache test-artifacts appPackage/build
