#!/usr/bin/env bash
# Runs every test of logprobs4j: unit tests (Surefire) and the integration tests that fork the
# llama.cpp oracle, Node clients or a browser (Failsafe). Installs the Node packages they need first.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/env.sh
if [ ! -d tools/npm/node_modules ] || [ tools/npm/package-lock.json -nt tools/npm/node_modules ]; then
  npm ci --prefix tools/npm --no-audit --no-fund --loglevel=error
  touch tools/npm/node_modules
fi
exec mvn -B -ntp verify "$@"
