# caseledger — two commands on a fresh machine:
#   make run    set up, generate the demo agency, load it into the SQLite store, audit it, bill it
#   make test   set up (incl. PostgreSQL and Chromium from Debian packages), lint, type-check, test
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha256sum | cut -c1-16)
DEMO_DIR ?= var/demo
DB ?= sqlite:///var/caseledger.db
PORT ?= 8000

.PHONY: setup system run test lint typecheck pytest docs clean lock

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-*; touch $@

system:
	@scripts/system-deps.sh

# The demo store's access-log key and head record stay beside it (make clean removes both).
run: export CASELEDGER_SECRETS_DIR ?= $(CURDIR)/var/secrets
run: setup
	@mkdir -p var
	$(BIN)/caseledger demo generate $(DEMO_DIR) --force
	@# a store left by an earlier version is brought up to date first (a new one is created)
	$(BIN)/caseledger --db $(DB) db upgrade
	$(BIN)/caseledger --db $(DB) import $(DEMO_DIR)
	$(BIN)/caseledger --db $(DB) summary
	$(BIN)/caseledger --db $(DB) demo users
	@# The demo agency carries planted violations, so findings are expected: --fail-on none.
	@as_of=$$($(BIN)/python -c "import json,sys; print(json.load(open(sys.argv[1]))['as_of'])" \
		$(DEMO_DIR)/demo.json) && \
	$(BIN)/caseledger --db $(DB) audit --store --as-of $$as_of --fail-on none \
		--format html --output var/audit.html && \
	$(BIN)/caseledger --db $(DB) audit --store --as-of $$as_of --fail-on none --show 0 && \
	$(BIN)/caseledger --db $(DB) claims build --as-of $$as_of --out var/claims.837 --show 5
	$(BIN)/caseledger --db $(DB) access-log verify
	@echo "The full report, with charts: var/audit.html; the clean lines as an 837P: var/claims.837"
	@echo "Sign in as one of the demo users above (add its secret to an authenticator app)."
	$(BIN)/caseledger --db $(DB) serve --port $(PORT)

lint: setup
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: setup
	$(BIN)/mypy

pytest: setup system
	scripts/with-postgres.sh $(BIN)/pytest -n 2 --dist loadgroup -q

test: lint typecheck pytest

docs: setup
	$(BIN)/python -m caseledger.policy.docs > docs/rules.md
	$(BIN)/python -m caseledger.facts.docs > docs/dataset.md
	$(BIN)/python -m caseledger.security.docs > docs/permissions.md

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

# Re-pin every dependency (with hashes) after changing pyproject.toml.
lock: setup
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	@# torch's CPU build is a local wheel that pip finds through its own find-links setting; uv
	@# does not read pip's configuration, so it is handed the same folders.
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra spark --generate-hashes \
		--python-version 3.11 $(foreach d,$(shell $(BIN)/python -m pip config get global.find-links 2>/dev/null),--find-links $(d)) \
		-o requirements.lock
