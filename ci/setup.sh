#!/usr/bin/env bash
# Installs the system packages the test suite uses beyond the JDK and Maven:
#   Open MPI (mpirun and libmpi.so.40)      for the distributed-training tests;
#   Chromium and its WebDriver              for the playground's browser test (PlaygroundBrowserTest).
# Idempotent: each set is installed only when its command is missing. Needs root (or sudo) only when it has
# something to install; without either it says so, and those tests are skipped (the browser test fails instead
# where CI is set, so that CI cannot skip it silently).
set -euo pipefail

missing=()
if ! command -v mpirun >/dev/null 2>&1; then
  missing+=(openmpi-bin libopenmpi-dev)
fi
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  missing+=(chromium chromium-driver)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "ci/setup.sh: not root: install ${missing[*]} to run the MPI and browser tests (they are skipped)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "ci/setup.sh: installed ${missing[*]}"
