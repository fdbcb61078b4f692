#!/bin/sh
# Vendor axe-core (accessibility rules) from the npm registry for the browser tests, which inject
# it into pages with Playwright: never loaded from a CDN. Lands in tests/web/vendor/node_modules
# (git-ignored). Without it the accessibility test is skipped.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
target="$here/tests/web/vendor"
if [ -f "$target/node_modules/axe-core/axe.min.js" ]; then
    exit 0  # already vendored
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "warning: npm not found; the accessibility test will be skipped" >&2
    exit 0
fi
mkdir -p "$target"
npm install --prefix "$target" --no-save --no-package-lock --no-audit --no-fund \
    --ignore-scripts "axe-core@4.10.3"
test -f "$target/node_modules/axe-core/axe.min.js"
echo "axe-core vendored in $target/node_modules/axe-core"
