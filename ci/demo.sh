#!/usr/bin/env bash
# The demo command: builds jdnn (tests skipped) with JDK 25 and runs a program. Default: the first demo,
# org.jdnn.examples.Demo (what loaded, and one matrix product on each backend).
#   ci/demo.sh [MainClass] [args...]
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/jdk25.sh
main=org.jdnn.examples.Demo
if [ $# -gt 0 ] && [[ "$1" != -* ]]; then main=$1; shift; fi
mvn -B -ntp -q -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2
exec java --enable-native-access=ALL-UNNAMED -cp "target/classes:$(cat target/classpath.txt)" "$main" "$@"
