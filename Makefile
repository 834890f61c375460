# Two commands set up a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP_PY := $(VENV)/.installed
STAMP_NODE := node_modules/.installed

.PHONY: run test setup lint lock bench clean i18n

setup: $(STAMP_PY) $(STAMP_NODE)

# constraints.txt pins every package, direct or indirect, at the version the suite passed with.
# setuptools too: tests/process/test_wheel.py builds the wheel offline with this one.
$(STAMP_PY): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade -c constraints.txt pip setuptools
	$(VENV)/bin/pip install --quiet -c constraints.txt --build-constraint constraints.txt -e '.[dev]'
	touch $@

$(STAMP_NODE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## Start the kiosk with the built-in workshop; KIOSK_* variables pass through.
run: setup
	$(PY) app.py $(ARGS)

## The whole suite: unit, socket and browser tests.
test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

## The load benchmark: Attune beside bare Flask-SocketIO and Node floors (docs/performance.md).
bench: setup
	$(PY) -m bench $(BENCH_ARGS)

## After changing a message in a template, a module or the code: merge it into every catalogue.
i18n: setup
	$(PY) -m tools.i18n

lint: setup
	$(VENV)/bin/ruff check .

## After changing a pin in pyproject.toml: install it, then write constraints.txt again.
lock:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	$(PY) tools/lock.py > constraints.txt.new
	mv constraints.txt.new constraints.txt
	touch $(STAMP_PY)

clean:
	rm -rf $(VENV) node_modules .pytest_cache
