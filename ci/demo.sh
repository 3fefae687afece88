#!/usr/bin/env bash
# The demo command: runs a jdnn program with JDK 25, building jdnn first when its sources changed (see
# ci/classpath.sh). Default: the first demo, org.jdnn.examples.Demo (what loaded, and one matrix product on each
# backend).
#   ci/demo.sh [MainClass] [args...]
set -euo pipefail
source "$(dirname "$0")/classpath.sh"
main=org.jdnn.examples.Demo
if [ $# -gt 0 ] && [[ "$1" != -* ]]; then main=$1; shift; fi
jdnn_exec "$main" "$@"
