#!/usr/bin/env bash
# Uses logprobs4j from another project, as a new user would: installs the artifacts examples/
# needs into the local Maven repository, then builds examples/ against them and runs the README's
# local example with the Vector API flag (Surefire argLine, exec:java, plain java) and without it,
# where the engine must fail with one message naming the flag. CI runs it after tools/test.sh.
# MVN_ARGS passes extra Maven options to every call (e.g. -Dmaven.repo.local=/tmp/m2).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/env.sh
mvn=(mvn -B -ntp -q ${MVN_ARGS:-})
"${mvn[@]}" install -DskipTests -pl logprobs4j-bom,logprobs4j-local -am
cd examples
model="$(cd ../.. && pwd)/shared/models/stories260K.gguf"
"${mvn[@]}" verify -Dmodel="$model"                                  # Surefire, flag in argLine
out=$("${mvn[@]}" exec:java -Dmodel="$model")                         # flag in .mvn/jvm.config
grep -q '^first token: , ' <<<"$out" || { echo "exec:java gave: $out" >&2; exit 1; }
"${mvn[@]}" dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
cp="target/classes:$(cat target/classpath.txt)"
out=$(java --add-modules jdk.incubator.vector -cp "$cp" example.LocalExample "$model" 2>&1)
grep -q '^first token: , ' <<<"$out" || { echo "java with the flag gave: $out" >&2; exit 1; }
set +e
out=$(java -cp "$cp" example.LocalExample "$model" 2>&1)
status=$?
set -e
if [ "$status" = 0 ] || [ "$(grep -c -- '--add-modules jdk.incubator.vector' <<<"$out")" != 1 ]; then
  echo "without the flag the example should fail with one message naming it; it exited $status with: $out" >&2
  exit 1
fi
echo "examples: README local example ran with the flag (Surefire, exec:java, java) and failed clearly without it:"
head -1 <<<"$out"
