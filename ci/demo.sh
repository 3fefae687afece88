#!/usr/bin/env bash
# The demo command: builds jdnn (tests skipped) with JDK 25 and runs a program. Default: the first demo,
# org.jdnn.examples.Demo (what loaded, and one matrix product on each backend).
#   ci/demo.sh [MainClass] [args...]
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/jdk25.sh
main=org.jdnn.examples.Demo
if [ $# -gt 0 ] && [[ "$1" != -* ]]; then main=$1; shift; fi
# The build's output is shown only if it fails (Maven 3.8 prints stray terminal codes even when quiet).
log=$(mktemp)
# Ranks started together by mpirun (ci/train.sh --distributed) build one after the other, not over each other.
mkdir -p target
if command -v flock >/dev/null 2>&1; then exec 9>target/.build.lock; flock 9; fi
if ! mvn -B -ntp -q -DskipTests package -pl src/cli -am dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >"$log" 2>&1; then
  cat "$log" >&2; rm -f "$log"; exit 1
fi
rm -f "$log"
if command -v flock >/dev/null 2>&1; then flock -u 9; exec 9>&-; fi
exec java --enable-native-access=ALL-UNNAMED -cp "src/cli/target/classes:$(cat src/cli/target/classpath.txt)" "$main" "$@"
