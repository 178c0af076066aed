#!/bin/sh
# Copies server/vendor's CommonJS wrappers and their types into a compiled tree (tsc emits only what it
# compiles): `sh scripts/copy-vendor.sh dist` for the build, `.test-build` for npm test, `.bench-build` for npm run bench.
set -e
mkdir -p "$1/server/vendor"
cp server/vendor/*.cjs server/vendor/*.d.cts "$1/server/vendor/"
