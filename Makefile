# Every target installs what it needs first, and is quick when nothing changed.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MODULE_REQUIREMENTS := $(sort $(wildcard modules/*/requirements.txt modules/*/*/requirements.txt))
MODULE_DIRS := $(patsubst %/deployspec.yaml,%,$(sort $(wildcard modules/*/deployspec.yaml modules/*/*/deployspec.yaml)))
LIBRARY_SOURCES := $(shell find mlops_platform -name '*.py' -not -path '*/__pycache__/*')

export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

.PHONY: help install library library-current test lint typecheck pytest rehearse e2e bench docs clean

help:
	@echo "make rehearse   rehearse manifests/deployment.yaml offline, in an embedded AWS emulator"
	@echo "make e2e        the real seedfarmer apply, re-apply, update and destroy against the emulator"
	@echo "make test       lint, type-check and run every test (installs what it needs first)"
	@echo "make bench      benchmarks, recorded in docs/benchmarks.md"
	@echo "make docs       regenerate docs/security.md, docs/seedfarmer-iam.md and the README's diagram"
	@echo "make install    only set up .venv and the CDK CLI"
	@echo "make library    copy mlops_platform/ (the platform library) into every module folder"
	@echo "make clean      remove the environment and every generated file"

install: library-current $(VENV)/.installed node_modules/.installed $(BIN)/rehearse

# Seed-Farmer bundles a module folder alone, so each module carries a generated copy of the platform library
# (mlops_platform/ at the root, the one to edit; tools/library_copies.py). `make library` writes the copies.
# Every target that installs rewrites them after the source changed or a module was added, and stops, naming
# the file, at a copy edited by hand.
library:
	@$(PYTHON) tools/library_copies.py
	@touch .library.stamp

library-current: .library.stamp
	@$(PYTHON) tools/library_copies.py --check

.library.stamp: $(LIBRARY_SOURCES) tools/library_copies.py $(addsuffix /deployspec.yaml,$(MODULE_DIRS))
	@$(PYTHON) tools/library_copies.py
	@touch $@

# Bytecode is compiled once, at install: the CDK's Python bindings are large, and a machine that sets
# PYTHONDONTWRITEBYTECODE would otherwise compile them again in every process (seconds per synthesis).
$(VENV)/.installed: requirements-dev.txt requirements-image-data.txt $(MODULE_REQUIREMENTS)
	@test -x $(BIN)/python || $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	@echo "Installing the Python environment in $(VENV): aws-cdk-lib, cdk-nag, Seed-Farmer, moto, cfn-lint and the"
	@echo "  test tools, pinned in requirements-dev.txt and $(MODULE_REQUIREMENTS)."
	@echo "  The first run takes under a minute on a fast network; later runs reinstall only when a requirements file changes."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements-dev.txt $(addprefix -r ,$(MODULE_REQUIREMENTS))
	@# The SageMaker SDK only for its image URI data (tests/monitoring_images.py): without its dependencies.
	$(BIN)/uv pip install --quiet --no-deps --python $(BIN)/python -r requirements-image-data.txt
	@echo "  Unpacking the CDK's JavaScript packages into jsii's cache, once: every synthesis after this reuses them."
	@$(BIN)/python -c 'import aws_cdk, cdk_nag, cdklabs.cdk_validator_cfnguard'
	@touch $@

# `rehearse [MANIFEST] [--check] [--json] [--step NAME] ...` from any folder (say, a company deployment repository).
$(BIN)/rehearse: $(VENV)/.installed
	@printf '#!/bin/sh\nREHEARSAL_COMMAND="$$0" PYTHONPATH="%s$${PYTHONPATH:+:$$PYTHONPATH}" exec "%s" -m rehearsal "$$@"\n' "$(CURDIR)" "$(abspath $(BIN))/python" > $@
	@chmod +x $@

node_modules/.installed: package.json package-lock.json
	@echo "Installing the AWS CDK CLI and the tests' IAM simulator (locked in package-lock.json) in node_modules."
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# One mypy run covers every module's package and entry point and the whole-repository code (mypy_path in
# pyproject.toml). Each module's tests/ is a folder of the same name as the others' (Seed-Farmer's layout),
# as is each app.py, so mypy reads those one module at a time.
typecheck: install
	$(BIN)/mypy .
	@for module in $(MODULE_DIRS); do $(BIN)/mypy $$module/app.py $$module/tests/*.py || exit 1; done

# Every test, the end-to-end run of the real Seed-Farmer included (tests/test_e2e.py, marker e2e: one `python -m e2e`
# of about three minutes, started first on one xdist worker while the other runs the rest: conftest.py). To leave it out while developing:
# `make test PYTEST_ARGS='-m "not e2e"'`.
PYTEST_ARGS ?=
pytest: install
	$(BIN)/pytest $(PYTEST_ARGS)

# Lint first (a second), then mypy beside pytest: mypy is one process (about 20 s on a cold cache) and
# pytest's workers leave a core idle now and then, so the two together take about as long as pytest alone.
test: lint
	@$(MAKE) --no-print-directory -j2 typecheck pytest

rehearse: install
	$(BIN)/python -m rehearsal manifests/deployment.yaml

# Seed-Farmer's own `seedfarmer apply --local` and `destroy`, with a stand-in for CodeBuild's local agent.
e2e: install
	$(BIN)/python -m e2e

bench: install
	$(BIN)/python -m benchmarks

# docs/security.md and docs/seedfarmer-iam.md come from the parameter matrix, the README's diagram from a
# rehearsal of manifests/deployment.yaml, the monitoring module's image table from the pinned SageMaker SDK;
# a test fails when one is stale.
docs: install
	$(BIN)/python -m tests.generate_docs
	$(BIN)/python -m tests.monitoring_images
	$(BIN)/python -m rehearsal.diagram

clean:
	rm -rf $(VENV) node_modules .library.stamp .rehearsal .e2e .bench .seedfarmer.out .seedfarmerlocal-* .mypy_cache .ruff_cache .pytest_cache
	find . -name cdk.out -type d -prune -exec rm -rf {} +
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
