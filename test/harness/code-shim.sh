#!/bin/sh
# Executable wrapper for codeShim.ts (compiled to out/), passed to runTests as vscodeExecutablePath.
here=$(dirname "$0")
exec node "$here/../../out/test/harness/codeShim.js" "$@"
