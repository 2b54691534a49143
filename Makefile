# Two commands matter: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(PATH)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: demo test lint unit reliability bench clean

$(BIN)/funnel: requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11 or run make PYTHON=/path/to/python3.11" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

## demo: install, generate ~50k demo leads, build, publish, export, report
demo: $(BIN)/funnel
	$(BIN)/funnel demo

## test: everything CI checks
test: lint unit

lint: $(BIN)/funnel
	$(BIN)/ruff check scripts tests
	$(BIN)/sqlfluff lint models tests --processes 2

unit: $(BIN)/funnel
	$(BIN)/pytest -q

clean:
	rm -rf target dbt_packages logs warehouse/build warehouse/*.duckdb* exports report
