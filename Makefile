# Two commands matter: `make run` (set up and start the bot) and `make test` (set up and test).
# `make run` installs what the bot needs to run; `make test` adds the test tools. Both rebuild
# .venv when it was made with a Python older than 3.11 or its interpreter no longer works.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-installed
TESTING := $(VENV)/.test-installed
SUPPORTED := import sys; sys.exit(sys.version_info < (3, 11))
WORKING_VENV := import pip; $(SUPPORTED)

# Decided while the Makefile is read, before any rule looks at the stamps inside the venv: a venv
# whose interpreter is too old or broken goes, and the rules below build a new one.
ifneq ($(wildcard $(VENV)),)
ifneq ($(shell $(BIN)/python -c '$(WORKING_VENV)' >/dev/null 2>&1 && echo ok),ok)
$(info $(VENV) was made with an unsupported or broken Python: removing it to build it again)
$(shell rm -rf $(VENV))
endif
endif

.PHONY: run test venv runtime lint typecheck pytest bench console clean

$(BIN)/python:
	@$(PYTHON) -c '$(SUPPORTED)' 2>/dev/null || { \
	  echo "acr-chatops needs Python 3.11 or newer; '$(PYTHON)' is" \
	    "$$($(PYTHON) --version 2>/dev/null || echo 'not found')." \
	    "Install one (README, first lines), then: make PYTHON=python3.12 $(MAKECMDGOALS)" >&2; \
	  exit 1; }
	@echo "$(PYTHON) -m venv $(VENV)"
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "'$(PYTHON) -m venv' failed: on Debian/Ubuntu install python3-venv (README)." >&2; \
	  exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

venv: $(BIN)/python

$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TESTING): pyproject.toml $(RUNTIME)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

runtime: $(RUNTIME)

run: $(RUNTIME)
	$(BIN)/acrbot serve

console: $(RUNTIME)
	$(BIN)/acrbot console

lint: $(TESTING)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check bot handlers tests bench

typecheck: $(TESTING)
	$(BIN)/mypy

pytest: $(TESTING)
	$(BIN)/pytest

test: lint typecheck pytest

bench: $(TESTING)
	$(BIN)/python bench/match.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
