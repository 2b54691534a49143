# Two commands matter: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(PATH)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: demo test lint semantic unit test-spark reliability bench clean

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
test: lint semantic unit test-spark

lint: $(BIN)/funnel
	$(BIN)/ruff check scripts tests
	$(BIN)/sqlfluff lint models tests --processes 2

## semantic: validate the MetricFlow semantic layer (models/semantic) without a warehouse
# dbt parse (no connection) writes target/semantic_manifest.json, which mf reads;
# it names the `dev` warehouse, so `mf query` works after it. --skip-dw: no
# warehouse is built at this step, so mf connects to the in-memory `lint` target;
# the warehouse validations run in tests/python/test_semantic_layer.py.
semantic: $(BIN)/funnel
	$(BIN)/dbt parse --quiet --project-dir . --profiles-dir .
	FUNNEL_TARGET=lint DBT_PROFILES_DIR=. $(BIN)/mf validate-configs --skip-dw

unit: $(BIN)/funnel
	$(BIN)/pytest -q -m "not spark"

## test-spark: the demo (2,000 leads) built on DuckDB and on Spark (local session,
## Java 17), every mart compared row for row (funnel spark-check); about 5 minutes.
## -rP prints the per-mart table of the passing test.
test-spark: $(BIN)/funnel
	$(BIN)/pytest -q -m spark -rP tests/python/test_spark_parity.py

## reliability: bad input, kills, concurrent readers, reruns, PII and secrets (also part of
## `make unit`, which runs every test); prints the table of README, Reliability
reliability: $(BIN)/funnel
	$(BIN)/pytest -q tests/python/test_reliability_*.py
	$(BIN)/python -m funnel.reliability

## bench: time and measure generate, preflight, build, publish, export and a 1% refresh at
## 100k and 1M leads, 3 runs each (docs/BENCHMARKS.md, docs/benchmarks.json); takes ~1 hour.
## Other sizes: make bench BENCH_ARGS="--sizes 100k,1m,10m --runs 1"
BENCH_ARGS ?=
bench: $(BIN)/funnel
	$(BIN)/funnel bench $(BENCH_ARGS)

clean:
	rm -rf target dbt_packages logs warehouse/build warehouse/*.duckdb* exports report
