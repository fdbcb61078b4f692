#!/bin/sh
# Vendor one npm package into a git-ignored folder, once: vendor_npm.sh PACKAGE@VERSION DIR FILE
# (FILE, relative to DIR/node_modules, proves it is there). Never fetched from a CDN at run time.
# Without npm it warns and exits 0 (what needs the package degrades as its caller says), except
# in CI (CI=true), where a missing tool is an error: tests must not pass by skipping.
set -eu
spec=$1 target=$2 proof=$3
if [ -f "$target/node_modules/$proof" ]; then
    exit 0  # already vendored
fi
if ! command -v npm >/dev/null 2>&1; then
    if [ "${CI:-}" = true ]; then
        echo "error: npm not found; $spec cannot be vendored (CI=true)" >&2
        exit 1
    fi
    echo "warning: npm not found; $spec not vendored" >&2
    exit 0
fi
mkdir -p "$target"
npm install --prefix "$target" --no-save --no-package-lock --no-audit --no-fund \
    --ignore-scripts "$spec"
test -f "$target/node_modules/$proof"
echo "$spec vendored in $target/node_modules"
