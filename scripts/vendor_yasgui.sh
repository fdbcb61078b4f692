#!/bin/sh
# The YASGUI query editor, served at /vendor/ so the query UI works offline, and the licences of
# what its bundle contains (kyodo_lod/web/vendor/LICENSES.txt); the wheel carries both. Without
# it the /sparql page falls back to a plain form with a results table.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
vendor="$here/kyodo_lod/web/vendor"
"$here/scripts/vendor_npm.sh" "@zazuko/yasgui@4.6.2" "$vendor" "@zazuko/yasgui/build/yasgui.min.js"
if [ -f "$vendor/node_modules/@zazuko/yasgui/build/yasgui.min.js" ] && [ ! -f "$vendor/LICENSES.txt" ]; then
    "${PYTHON:-python3}" "$here/scripts/vendor_licenses.py" "$vendor/node_modules" "$vendor/LICENSES.txt"
fi
