#!/bin/sh
# Create .venv-ckan: CKAN's own DCAT parser (ckanext-dcat) in a virtualenv of its own, so CKAN's
# pins never meet ours. No database, no Solr, no CKAN site: only the libraries the RDF parser
# imports. CKAN 2.12 declares its pinned requirements as the extra "requirements"; we install
# them all except psycopg2 (the PostgreSQL driver: a C build, and the parser never touches a
# database). Idempotent: an existing, working .venv-ckan is kept.
set -eu
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${KYODO_CKAN_VENV:-$ROOT/.venv-ckan}"
CKAN_VERSION="2.12.0"
DCAT_VERSION="2.4.4"
PYTHON="${PYTHON:-python3}"

if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import ckanext.dcat.processors" 2>/dev/null; then
    exit 0
fi
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check \
    "ckan==$CKAN_VERSION" "ckanext-dcat==$DCAT_VERSION"
# CKAN's own pins for its runtime (minus psycopg2), read from the installed package metadata
"$VENV/bin/python" - > "$VENV/ckan-requirements.txt" <<'PY'
from importlib.metadata import requires
for line in requires("ckan") or []:
    spec, _, marker = line.partition(";")
    if 'extra == "requirements"' in marker and not spec.strip().lower().startswith("psycopg2"):
        print(spec.strip())
PY
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$VENV/ckan-requirements.txt"
"$VENV/bin/python" -c "import ckanext.dcat.processors"
