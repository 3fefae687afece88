#!/usr/bin/env bash
# The test command: builds every module with JDK 25, runs the CPU test suite (GPU tests are reported as skipped, with
# the reason), installs the artifacts, then builds and runs the consumer project (examples/consumer) against them and
# runs the jdnn command on the module path (ci/jdnn.sh info).
# Extra arguments go to Maven; a run narrowed with -Dtest=... skips the consumer.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/jdk25.sh
mvn -B -ntp install "$@"
if [[ " $* " != *" -Dtest="* ]]; then
  offline=
  if [[ " $* " == *" -o "* ]]; then offline=-o; fi
  examples/consumer/run.sh $offline
  ci/jdnn.sh info
fi
