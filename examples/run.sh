#!/usr/bin/env bash
# Runs one example program from source: builds jdnn (tests skipped) with JDK 25, then `java examples/NAME.java`.
#   examples/run.sh TwoTwoOneNetwork | SingleNeuron | Perceptron | AdamFirstStep | AdamWVersusL2 | PyTorchPort
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ] || [ ! -f "examples/$1.java" ]; then
  echo "usage: examples/run.sh NAME, one of: $(cd examples && ls [A-Z]*.java | grep -v '^Check' | sed 's/\.java$//' | tr '\n' ' ')" >&2
  exit 2
fi
source ci/jdk25.sh
log=$(mktemp)
if ! mvn -B -ntp -q -DskipTests -Dmaven.javadoc.skip -Dmaven.source.skip package -pl src/cli -am dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile=target/classpath.txt >"$log" 2>&1; then
  cat "$log" >&2; rm -f "$log"; exit 1
fi
rm -f "$log"
exec java --enable-native-access=ALL-UNNAMED -cp "src/cli/target/classes:$(cat src/cli/target/classpath.txt)" "examples/$1.java" "${@:2}"
