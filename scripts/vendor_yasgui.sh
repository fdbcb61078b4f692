#!/bin/sh
# The YASGUI query editor, served at /vendor/ so the query UI works offline. Without it the
# /sparql page falls back to a plain form with a results table.
here=$(cd "$(dirname "$0")/.." && pwd)
exec "$here/scripts/vendor_npm.sh" "@zazuko/yasgui@4.6.2" "$here/kyodo_lod/web/vendor" \
    "@zazuko/yasgui/build/yasgui.min.js"
