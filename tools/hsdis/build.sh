#!/usr/bin/env bash
# Builds tools/hsdis/target/hsdis-amd64.so, a disassembler for HotSpot's assembly listings, from
# capstone (Debian: libcapstone-dev). Then, for example:
#   LD_LIBRARY_PATH=tools/hsdis/target java --add-modules jdk.incubator.vector \
#     -XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=print,dev.logprobs4j.engine.tensor.Q4_KMatrix::dot1 \
#     -Dbench.types=Q4_K -cp logprobs4j-engine/target/classes:logprobs4j-engine/target/test-classes:logprobs4j-gguf/target/classes \
#     dev.logprobs4j.engine.tensor.MatMulBench kernels
# The last "Compiled method (c2)" block of the output is the kernel C2 settled on. (perf has no
# hardware counters in this VM, so reading the code is the way to count its operations.)
set -euo pipefail
cd "$(dirname "$0")"
if ! [ -f /usr/include/capstone/capstone.h ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libcapstone-dev >/dev/null
fi
mkdir -p target
gcc -O2 -shared -fPIC -o target/hsdis-amd64.so hsdis.c -lcapstone
echo "built $(pwd)/target/hsdis-amd64.so"
