#!/usr/bin/env bash
# Installs the system packages the test suite uses beyond the JDK and Maven: Open MPI (mpirun and libmpi.so.40,
# for the distributed-training tests). Idempotent: does nothing when mpirun is already on the PATH. Needs root
# (or sudo) only when it has something to install; without either it says so and the MPI tests are skipped.
set -euo pipefail

if command -v mpirun >/dev/null 2>&1; then
  exit 0
fi
packages=(openmpi-bin libopenmpi-dev)
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "ci/setup.sh: mpirun not found and not root: install ${packages[*]} to run the MPI tests (they are skipped)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "ci/setup.sh: installed ${packages[*]} ($(mpirun --version | head -1))"
