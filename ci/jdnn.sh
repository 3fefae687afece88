#!/usr/bin/env bash
# The jdnn command line: ci/jdnn.sh COMMAND [options], COMMAND one of train, search, eval, predict, info, demo,
# playground;
# `ci/jdnn.sh --help` and `ci/jdnn.sh COMMAND --help` list the options (docs/CLI.md has examples).
# It builds only when sources changed since the last build (see ci/classpath.sh), then runs java directly.
# Paths are taken relative to the current directory. Exit codes: 0 done, 1 failed while running, 2 bad usage.
set -euo pipefail
source "$(dirname "$0")/classpath.sh"
jdnn_exec org.jdnn.cli.Main "$@"
