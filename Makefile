# The README's commands. Each target works on a fresh machine: it creates the virtualenv
# and installs redline into it first.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_HOME ?= $(CURDIR)/.redline-demo
DATA ?= ../shared/data

.PHONY: install demo test lint typecheck unit bench clean

$(STAMP): pyproject.toml setup.py src/redline/matching/_kernel.c
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,postgres]"
	touch $(STAMP)

install: $(STAMP)

## demo: load the bundled OFAC sample offline, look up a party and screen a few names
demo: $(STAMP)
	@echo "== redline demo (data in $(DEMO_HOME); the bundled list is a SAMPLE, not for compliance use)"
	REDLINE_HOME=$(DEMO_HOME) $(BIN)/redline lists load us-ofac-sdn --sample
	REDLINE_HOME=$(DEMO_HOME) $(BIN)/redline lists status
	REDLINE_HOME=$(DEMO_HOME) $(BIN)/redline entities search "qods aviation"
	REDLINE_HOME=$(DEMO_HOME) $(BIN)/redline entities show ofac-16418
	@echo "== screening: other spellings, other scripts, explained"
	REDLINE_HOME=$(DEMO_HOME) $(BIN)/redline match "Quds Aviation Industries" --schema Company
	REDLINE_HOME=$(DEMO_HOME) $(BIN)/redline match "قاسم دماوندیان" --schema Person
	REDLINE_HOME=$(DEMO_HOME) $(BIN)/redline match "Abdollah Merhabi" --schema Person --birth-date 1961-12-22
	REDLINE_HOME=$(DEMO_HOME) $(BIN)/redline match "Kahraba" --schema Company
	@echo "== screening a counterparty file: hits, and a report to open in a browser"
	rm -f $(DEMO_HOME)/hits.csv $(DEMO_HOME)/report.html
	REDLINE_HOME=$(DEMO_HOME) $(BIN)/redline screen tests/fixtures/screening/counterparties.csv -o $(DEMO_HOME)/hits.csv --report $(DEMO_HOME)/report.html --workers 1
	head -5 $(DEMO_HOME)/hits.csv

## test: lint, type-check and run the whole test suite
test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

## bench: list-loading benchmark over the shared data folder (DATA=...)
bench: $(STAMP)
	$(BIN)/python benchmarks/load_lists.py $(DATA)

clean:
	rm -rf $(VENV) $(DEMO_HOME) .pytest_cache .mypy_cache .ruff_cache
