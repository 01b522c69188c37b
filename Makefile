# Two commands on a fresh clone (see README):
#   make demo   set up, then run the quick-start notebook on the embedded server
#   make test   set up, then run the whole test suite (what .ci/run runs)

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: setup demo lab test test-js test-py browser-deps notebooks bench bench-browser bench-instructions bench-quick bench-threads fixtures clean

setup: $(STAMP)

$(STAMP): pyproject.toml js/package.json js/package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	cd js && npm ci --no-audit --no-fund
	cd js && npm run build
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# Build the front end again after editing js/src.
js: setup
	cd js && npm run build

demo: setup
	$(PY) scripts/run_demo.py notebooks/01_quickstart.ipynb

lab: setup
	$(VENV)/bin/jupyter lab notebooks/01_quickstart.ipynb

browser-deps:
	sh scripts/install_chromium.sh

test-js: setup
	cd js && npm test

test-py: setup browser-deps
	$(PY) -m pytest --nbval notebooks tests --nbval-sanitize-with notebooks/sanitize.cfg -p no:cacheprovider

test: test-js test-py bench-quick

# Re-execute every notebook and save its outputs (after a change to a demo graph or the widget).
notebooks: setup
	$(PY) scripts/execute_notebooks.py notebooks

bench: setup
	$(PY) -m benchmarks

bench-browser: setup browser-deps
	$(PY) -m benchmarks.browser

# Instruction counts (valgrind's callgrind): the same every run, however busy the machine.
bench-instructions: setup
	$(PY) -m benchmarks.instructions

# The thread protocol's clients (SSE, WebSocket) against raw httpx-sse + json.loads.
bench-threads: setup
	$(PY) -m benchmarks.threads

bench-quick: setup
	$(PY) -m benchmarks --quick
	$(PY) -m benchmarks.instructions --check --events 500
	$(PY) -m benchmarks.threads --quick

fixtures: setup
	$(PY) scripts/record_fixtures.py
	$(PY) scripts/record_thread_fixtures.py

clean:
	rm -rf $(VENV) js/node_modules lg_widgets/static test-artifacts
