#!/bin/sh
# axe-core (accessibility rules) for the browser tests, which inject it with Playwright.
# Without it the accessibility test is skipped.
here=$(cd "$(dirname "$0")/.." && pwd)
exec "$here/scripts/vendor_npm.sh" "axe-core@4.10.3" "$here/tests/web/vendor" "axe-core/axe.min.js"
