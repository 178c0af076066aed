#!/bin/sh
# npm test: format and lint; type-check and compile the whole repository once into .test-build/ (the
# type check is the compile); run the compiled tests with plain node. Without tsx's loader hooks a test
# process starts in about half the CPU, and npm test starts ~300 of them (docs/testing.md).
set -e
biome ci .
rm -rf .test-build
tsc -p tsconfig.json --outDir .test-build
sh scripts/copy-vendor.sh .test-build
exec node --enable-source-maps --test --test-concurrency=2 $(find .test-build/test -name '*.test.js' | sort)
