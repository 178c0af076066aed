#!/bin/sh
# npm run bench: compiles the repository as npm test does, into its own .bench-build/ (a test run
# beside it keeps its .test-build/), and runs the compiled bench with plain node. The servers and
# children it starts then run tsc's JavaScript, as dist/ does for users, rather than the sources
# through tsx, whose esbuild output wraps closures in helpers and whose loader hooks slow start-up.
set -e
rm -rf .bench-build
tsc -p tsconfig.json --outDir .bench-build
sh scripts/copy-vendor.sh .bench-build
exec node .bench-build/test/bench/run.js "$@"
