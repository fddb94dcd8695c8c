# Two commands on a fresh machine: `make run` brings the whole system up, `make test` runs every test.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint fmt clean-data

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m hotline.launch

# Bytecode first, written even where PYTHONDONTWRITEBYTECODE is set: the suite starts dozens of
# processes (workers, APIs, the command line) that would each compile the sources again.
SOURCES := activities api bench hotline tests web workflows worker.py

test: $(STAMP)
	$(PY) -m compileall -q $(SOURCES) > /dev/null
	$(PY) -m tests.suite $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean-data:
	rm -rf data

# Read model at scale (issue 7): a million cases in a scratch PostgreSQL database (DATABASE_URL names the
# server; default the local test server), then timings. A benchmark, not a test: CI does not run it.
.PHONY: bench-readmodel
bench-readmodel: $(STAMP)
	$(PY) bench/readmodel_scale.py $(BENCH_ARGS)

# Lifecycle throughput and latency, and open cases at scale (issue 8), each on a fresh embedded stack
# in a temporary directory (dev server on free ports). Figures in BENCHMARKS.md and bench/results/.
.PHONY: bench bench-open-cases
bench: $(STAMP)
	$(PY) -m bench.lifecycle $(BENCH_ARGS)

bench-open-cases: $(STAMP)
	$(PY) -m bench.open_cases $(BENCH_ARGS)
