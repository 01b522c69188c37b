# Two commands on a fresh clone (see README):
#   make demo   set up, then run the quick-start notebook on the embedded server
#   make test   set up, then run the whole test suite (what .ci/run runs)
# While working:
#   make check  JS units, mypy and every unmarked test: no server, no browser, no apt-get (~1 min)
# The tiers of `make test` one by one (markers: tests/conftest.py):
#   make test-server     the tests against a real langgraph dev, five workers with their own servers
#   make test-notebooks  the course notebooks, strict nbval, two at a time
#   make test-browser    Chromium + JupyterLab, two workers, the long tests first
#   make test-bench      the tests that bound a time, alone
#   make test-deploy     the runs-stream tests against a deployment: langgraph-api on Postgres + Redis, two replicas,
#                        two workers with a deployment each
# Not in make test (minutes):
#   make soak            500 runs of mixed fates in one process (scripts/soak.py), 200 exits, 10,000 fuzz examples

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DOCS_OUT ?= build/docs

# The deployment's own venv: langgraph-runtime-pg pins an older langgraph-api than `langgraph dev` uses.
DEPLOY_VENV ?= .venv-deploy
DEPLOY_STAMP := $(DEPLOY_VENV)/.installed-stamp
# Run against the deployment: every stream mode vs the SDK, threads, interrupts and resume, history
# and fork, cancel, the widget end to end; then tests/deploy kills the replica that streams a run.
DEPLOY_TESTS := tests/test_fold_vs_sdk.py tests/test_interactive.py tests/test_widget.py \
	tests/test_modes_and_filters.py tests/deploy

# Some machines set PYTHONDONTWRITEBYTECODE=1: then every pytest worker, kernel and server compiles the
# project's modules again, and pytest rewrites every test module's asserts again (about a fifth of the
# server tier's CPU). The bytecode goes to the __pycache__ folders that .gitignore keeps out of git.
unexport PYTHONDONTWRITEBYTECODE

# pytest for every tier: its cache stays out of the tree. PYTEST_ARGS adds options (-x, -k ..., -p randomly).
PYTEST := $(PY) -m pytest -p no:cacheprovider $(PYTEST_ARGS)
# The unmarked tests (a tier's marker is given to each of its tests: see pyproject's `markers`).
UNIT_TESTS := not (server or browser or notebooks or deploy or bench or soak)
# Workers for the server tier: each starts its own langgraph dev servers (tests/conftest.py). The
# tests mostly wait on the servers' runs: five on two cores took 120 s where three took 157 s.
SERVER_WORKERS ?= 5
BROWSER_WORKERS ?= 2

.PHONY: soak setup demo lab check test system-deps test-js test-unit test-py test-server test-notebooks test-browser test-bench typecheck browser-deps deploy-deps test-deploy notebooks bench bench-browser bench-timeline bench-instructions bench-quick bench-threads fixtures wheel-check docs clean

setup: $(STAMP)

$(STAMP): pyproject.toml js/package.json js/package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	cd js && npm ci --no-audit --no-fund
	cd js && npm run build
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# Build the front end again after editing js/src, with the field table as lg_widgets/fields.py says.
js: setup
	$(PY) scripts/export_fields.py
	cd js && npm run build

demo: setup
	$(PY) scripts/run_demo.py notebooks/01_quickstart.ipynb

lab: setup
	$(VENV)/bin/jupyter lab notebooks/01_quickstart.ipynb

browser-deps:
	sh scripts/install_chromium.sh

test-js: setup
	cd js && npm test

test-unit: setup
	$(PYTEST) -m "$(UNIT_TESTS)" -n 2 tests

test-server: setup
	$(PYTEST) -m "server and not (browser or deploy or bench or soak)" -n $(SERVER_WORKERS) tests \
		--ignore=tests/browser --ignore=tests/deploy

# One notebook per worker (its cells in order, on one kernel); each kernel starts its own server.
test-notebooks: setup
	$(PYTEST) -p nbval --nbval notebooks --nbval-sanitize-with notebooks/sanitize.cfg -n 2 --dist loadfile --timeout 180

# Two workers, each with its own JupyterLab, servers and Chromium: 299 s where one took 394 s (57
# tests; one worker left a core idle while a page or a kernel started). The tests take turns on one
# JupyterLab page (tests/browser/conftest.py: LabPage): 200 s. The `long` tests start first and the
# workers steal the rest from each other, so that they end together (a file at a time, one ended
# about 25 s before the other).
test-browser: setup browser-deps
	$(PYTEST) -m browser tests/browser -n $(BROWSER_WORKERS) --dist worksteal

test-bench: setup
	$(PYTEST) -m "bench and not deploy" tests

# Hours in one kernel, in minutes: the soak script's 500 runs, then the soak tier (repeated exits,
# the fuzzers' long profile).
soak: setup
	$(PY) scripts/soak.py --runs 500
	LGW_HYPOTHESIS_PROFILE=soak $(PYTEST) --timeout 1800 tests/test_fuzz.py
	$(PYTEST) -m soak tests

test-py: test-unit test-server test-notebooks test-browser test-bench

# The public data is typed (lg_widgets/types.py, py.typed): mypy keeps it honest.
typecheck: setup
	$(VENV)/bin/mypy

# What to run while working: no server, no browser, no apt-get. The three run side by side (two
# cores: the JS units and mypy fit beside the pytest run); each one's output comes out whole.
check: setup
	$(MAKE) --no-print-directory -j3 --output-sync=target test-js typecheck test-unit

# Two cores, and the suite needs about 16 minutes of CPU (the browser tier about 8, most of it
# Chromium's): it is scheduled to keep both busy. First every install side by side, with `make check`
# beside the two that wait on the network (apt's lock takes its two steps one after the other) and the
# wheel check (its own venv: its pip fills the core that the project venv's single pip leaves idle).
# Then the tiers that mostly wait on their servers, side by side: 210 s where one after the other they
# take about 375 s. The quick benchmarks run there to keep their harnesses working (`make bench` alone
# gives the figures). Then the browser tier alone (it samples the page, and keeps both cores busy by
# itself), and the tests that bound a time.
test:
	$(MAKE) --no-print-directory -j5 --output-sync=target check system-deps $(DEPLOY_STAMP) wheel-check
	$(MAKE) --no-print-directory -j4 --output-sync=target test-server test-notebooks test-deploy bench-quick
	$(MAKE) --no-print-directory test-browser test-bench

system-deps:
	sh scripts/install_chromium.sh
	sh scripts/install_deploy_deps.sh

deploy-deps:
	sh scripts/install_deploy_deps.sh

# --no-compile: the replicas import about half of this venv and write the bytecode of what they
# import on their first start (36 s of pip's CPU, 26 s without compiling).
$(DEPLOY_STAMP): scripts/deploy-requirements.txt
	$(PYTHON) -m venv $(DEPLOY_VENV)
	$(DEPLOY_VENV)/bin/pip install --quiet --upgrade pip
	$(DEPLOY_VENV)/bin/pip install --quiet --no-compile -r scripts/deploy-requirements.txt
	touch $(DEPLOY_STAMP)

# Two workers, each with a deployment of its own: alone 59 s where one took 87 s; in make test one
# worker took 150-200 s and was the last of its step, where the server tier and the notebooks took 165 s.
test-deploy: setup deploy-deps $(DEPLOY_STAMP)
	LGW_TEST_DEPLOYMENT=$(abspath $(DEPLOY_VENV)) $(PYTEST) -n 2 $(DEPLOY_TESTS)

# Re-execute every notebook and save its outputs (after a change to a demo graph or the widget).
notebooks: setup
	$(PY) scripts/execute_notebooks.py notebooks

bench: setup
	$(PY) -m benchmarks

# A 10,000-token run, then one size up beside the plain langgraph_sdk print loop (several minutes).
bench-browser: setup browser-deps
	$(PY) -m benchmarks.browser
	$(PY) -m benchmarks.browser --scale --tokens 200000 --state-mb 20

# The Timeline pane of a 2,000-task run against a 20-task one: to_html pages in Chromium, then live
# in JupyterLab. BASELINE=dir (another build's lg_widgets/static) measures its pages in the same run.
bench-timeline: setup browser-deps
	$(PY) -m benchmarks.timeline $(if $(BASELINE),--baseline $(BASELINE))
	$(PY) -m benchmarks.timeline --live --rounds 2 $(if $(BASELINE),--baseline $(BASELINE))

# Instruction counts (valgrind's callgrind): the same every run, however busy the machine.
bench-instructions: setup
	$(PY) -m benchmarks.instructions

# The thread protocol's clients (SSE, WebSocket) against raw httpx-sse + json.loads.
bench-threads: setup
	$(PY) -m benchmarks.threads
	$(PY) -m benchmarks.protocols

bench-quick: setup
	$(PY) -m benchmarks --quick
	$(PY) -m benchmarks.instructions --check --events 500
	$(PY) -m benchmarks.threads --quick
	$(PY) -m benchmarks.protocols --quick

# The course as a static site in $(DOCS_OUT): one page per notebook, views rendered from their
# saved state, nothing fetched (scripts/build_docs.py).
docs: setup
	$(PY) scripts/build_docs.py notebooks $(DOCS_OUT)

# Build the wheel from a clean copy, check its contents, install it with [server] in a fresh
# venv and run a demo graph from outside the repo (scripts/check_wheel.py). It needs none of the
# project's venv, so `make test` runs it while that venv is being installed.
wheel-check:
	$(PYTHON) scripts/check_wheel.py

fixtures: setup
	$(PY) scripts/record_fixtures.py
	$(PY) scripts/record_thread_fixtures.py

clean:
	rm -rf $(VENV) $(DEPLOY_VENV) js/node_modules lg_widgets/static test-artifacts
