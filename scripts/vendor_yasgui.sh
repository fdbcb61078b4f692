#!/bin/sh
# Vendor the YASGUI query editor from the npm registry so the query UI works offline (no CDN).
# The files land in kyodo_lod/web/vendor/node_modules (git-ignored) and are served at /vendor/.
# Without them the /sparql page falls back to a plain form with a results table.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
target="$here/kyodo_lod/web/vendor"
if [ -f "$target/node_modules/@zazuko/yasgui/build/yasgui.min.js" ]; then
    exit 0  # already vendored
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "warning: npm not found; the query UI falls back to a plain form" >&2
    exit 0
fi
mkdir -p "$target"
npm install --prefix "$target" --no-save --no-package-lock --no-audit --no-fund \
    --ignore-scripts "@zazuko/yasgui@4.6.2"
test -f "$target/node_modules/@zazuko/yasgui/build/yasgui.min.js"
echo "YASGUI vendored in $target/node_modules/@zazuko/yasgui/build"
