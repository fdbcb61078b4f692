#!/bin/sh
# axe-core (accessibility rules) for the browser tests, which inject it with Playwright.
# Without it the accessibility test is skipped (in CI, CI=true, it fails).
here=$(cd "$(dirname "$0")/.." && pwd)
exec "$here/scripts/vendor_npm.sh" "axe-core@4.10.3" "$here/tests/web/vendor" "axe-core/axe.min.js"
