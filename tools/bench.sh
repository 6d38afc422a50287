#!/usr/bin/env bash
# Benchmark commands: tools/bench.sh <engine|bandwidth|logprobs|constrained|startup|client|server|templates|chunks|all> [--runs N] [--quick]
# Builds the bench module (and what it needs) when missing, then runs dev.logprobs4j.bench.Bench.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. tools/env.sh
cp_file=logprobs4j-bench/target/runtime-classpath.txt
if [ ! -f "$cp_file" ] || [ ! -f logprobs4j-bench/target/classes/dev/logprobs4j/bench/Bench.class ] || [ -n "${BENCH_REBUILD:-}" ]; then
  echo "building logprobs4j-bench ..." >&2
  mvn -q -B -ntp -Dstyle.color=never -pl logprobs4j-bench -am install -DskipTests >&2
fi
cp="logprobs4j-bench/target/classes:$(cat "$cp_file")"
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx4g \
  ${BENCH_JAVA_OPTS:-} -cp "$cp" dev.logprobs4j.bench.Bench "$@"
