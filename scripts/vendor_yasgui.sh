#!/bin/sh
# Vendor the YASGUI query editor from the npm registry so the query UI works offline (no CDN).
# The files land in kyodo_lod/web/vendor/node_modules (git-ignored) and are served at /vendor/.
# Without them the /sparql page falls back to a plain form with a results table.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
target="$here/kyodo_lod/web/vendor"
mkdir -p "$target"
npm install --prefix "$target" --no-save --no-package-lock --no-audit --no-fund \
    --ignore-scripts "@zazuko/yasgui@4.6.2"
test -f "$target/node_modules/@zazuko/yasgui/build/yasgui.min.js"
echo "YASGUI vendored in $target/node_modules/@zazuko/yasgui/build"
