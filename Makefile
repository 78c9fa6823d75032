# Every target installs what it needs first, and is quick when nothing changed.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MODULE_REQUIREMENTS := $(sort $(wildcard modules/*/requirements.txt modules/*/*/requirements.txt))
MODULE_DIRS := $(patsubst %/app.py,%,$(sort $(wildcard modules/*/app.py modules/*/*/app.py)))

export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

.PHONY: help install test lint typecheck pytest rehearse e2e bench docs clean

help:
	@echo "make rehearse   rehearse manifests/deployment.yaml offline, in an embedded AWS emulator"
	@echo "make e2e        the real seedfarmer apply, re-apply, update and destroy against the emulator"
	@echo "make test       lint, type-check and run every test (installs what it needs first)"
	@echo "make bench      benchmarks, recorded in docs/benchmarks.md"
	@echo "make docs       regenerate docs/security.md from the parameter matrix"
	@echo "make install    only set up .venv and the CDK CLI"
	@echo "make clean      remove the environment and every generated file"

install: $(VENV)/.installed node_modules/.installed

# Bytecode is compiled once, at install: the CDK's Python bindings are large, and a machine that sets
# PYTHONDONTWRITEBYTECODE would otherwise compile them again in every process (seconds per synthesis).
$(VENV)/.installed: requirements-dev.txt $(MODULE_REQUIREMENTS)
	@test -x $(BIN)/python || $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements-dev.txt $(addprefix -r ,$(MODULE_REQUIREMENTS))
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy sees each module on its own, as Seed-Farmer ships it (each has its own app.py, settings.py, stack.py).
typecheck: install
	@for module in $(MODULE_DIRS); do \
		echo "mypy $$module"; \
		(cd $$module && $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml --cache-dir $(CURDIR)/.mypy_cache .) || exit 1; \
	done
	$(BIN)/mypy tests $(wildcard rehearsal benchmarks e2e)

pytest: install
	$(BIN)/pytest

test: lint typecheck pytest

rehearse: install
	$(BIN)/python -m rehearsal manifests/deployment.yaml

# Seed-Farmer's own `seedfarmer apply --local` and `destroy`, with a stand-in for CodeBuild's local agent.
e2e: install
	$(BIN)/python -m e2e

bench: install
	$(BIN)/python -m benchmarks

# docs/security.md is generated from the parameter matrix; a test fails when it is out of date.
docs: install
	$(BIN)/python -m tests.security_doc

clean:
	rm -rf $(VENV) node_modules .rehearsal .e2e .seedfarmer.out .seedfarmerlocal-* .mypy_cache .ruff_cache .pytest_cache
	find . -name cdk.out -type d -prune -exec rm -rf {} +
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
