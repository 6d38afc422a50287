#!/usr/bin/env bash
# Runs every test of logprobs4j: unit tests (Surefire) and the integration tests that fork the
# llama.cpp oracle, Node clients or a browser (Failsafe). Installs the Node packages they need first.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/env.sh
# tools/npm-langchain1 holds the current @langchain/openai 1.x line, which declares Node >= 22: the
# tests run it on Node 20, so the engines check is off.
for dir in tools/npm tools/npm-langchain1; do
  if [ ! -d $dir/node_modules ] || [ $dir/package-lock.json -nt $dir/node_modules ]; then
    npm ci --prefix $dir --no-audit --no-fund --loglevel=error --engine-strict=false
    touch $dir/node_modules
  fi
done
exec mvn -B -ntp verify "$@"
