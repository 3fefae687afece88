#!/usr/bin/env bash
# The test command: builds jdnn with JDK 25 and runs the CPU test suite (GPU-tagged tests are reported as skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/jdk25.sh
exec mvn -B -ntp verify "$@"
