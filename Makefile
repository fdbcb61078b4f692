# Two entry points (see README): `make serve` and `make test`. Each creates what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM := /usr/bin/chromium

.PHONY: serve test build install install-test vendor browser tracer virtuoso lint bench wheel clean

# the query editor first: the page loads it, and a wheel built from here carries it
vendor:
	sh scripts/vendor_yasgui.sh

$(BIN)/kyodo-lod: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

install: vendor $(BIN)/kyodo-lod

install-test: install virtuoso
	$(BIN)/pip install --quiet -e '.[test]'
	sh scripts/vendor_axe.sh

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
# No Chromium and no way to install it is an error: the browser tests must not be skipped.
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "error: $(CHROMIUM) missing; install it as root: apt-get install chromium fonts-noto-cjk" >&2; \
	    exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null \
	    || { echo "error: could not install chromium (apt-get failed)" >&2; exit 1; }; \
	  test -x $(CHROMIUM) || { echo "error: chromium installed, but not at $(CHROMIUM)" >&2; exit 1; }; }

# strace for the tests that watch a real build fsync its files before the switch
# (tests/build/test_durable.py); missing and not installable is an error, as for Chromium
tracer:
	@command -v strace >/dev/null || { \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "error: strace missing; install it as root: apt-get install strace" >&2; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq strace >/dev/null \
	    || { echo "error: could not install strace (apt-get failed)" >&2; exit 1; }; }

# Debian's Virtuoso (binaries only) for the tests that run the server on it as the second real
# engine; missing and not installable is an error, as for Chromium (scripts/virtuoso.py)
virtuoso: install
	$(BIN)/python scripts/virtuoso.py install

build: install
	$(BIN)/kyodo-lod build

serve: install
	$(BIN)/python server.py --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# -ra (also in pyproject's addopts) lists every skip with its reason; the 25 slowest tests print
test: install-test browser tracer lint
	$(BIN)/python -m pytest -ra --durations=25

bench: install
	$(BIN)/python bench/bench_server.py

# the wheel tests/test_install.py checks: the package with ontology/, shapes/, data/ and YASGUI
wheel: install-test
	$(BIN)/pip wheel --quiet --no-deps --no-build-isolation -w dist-wheel .

clean:
	rm -rf dist .dist.builds dist-wheel .pytest_cache test-artifacts
