# Two entry points (see README): `make serve` and `make test`. Each creates what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve test build install install-test browser lint bench clean

$(BIN)/kyodo-lod: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

install: $(BIN)/kyodo-lod
	@if [ -x scripts/vendor_yasgui.sh ]; then scripts/vendor_yasgui.sh; fi

install-test: install
	$(BIN)/pip install --quiet -e '.[test]'
	@if [ -x scripts/vendor_axe.sh ]; then scripts/vendor_axe.sh; fi

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
	      || echo "warning: could not install chromium; browser tests will be skipped"; \
	  else echo "warning: chromium missing (apt-get install chromium); browser tests will be skipped"; fi; }

build: install
	$(BIN)/kyodo-lod build

serve: install
	$(BIN)/python server.py --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install-test browser lint
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/bench_server.py

clean:
	rm -rf dist .pytest_cache test-artifacts
