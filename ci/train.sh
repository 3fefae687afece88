#!/usr/bin/env bash
# The main job: train a model on Fashion-MNIST (see `ci/train.sh --help`). Defaults: LeNet-5, Adam 1e-3,
# batch 128, 5 epochs, results in runs/lenet/. Also: `ci/train.sh eval --out runs/lenet`, and every other command
# of ci/jdnn.sh (predict, info, demo). Runs in the repository root; builds only when sources changed.
set -euo pipefail
cd "$(dirname "$0")/.."
command=train
if [ $# -gt 0 ] && [[ "$1" != -* ]]; then command=$1; shift; fi
# The data set comes from Debian's package dataset-fashion-mnist. Install it when train or eval needs it, it is
# missing, no --data was given, and this user can (root with apt); otherwise the program says how to get it.
data=/usr/share/datasets/fashion-mnist
if [[ "$command" == train || "$command" == eval ]] && [[ " $* " != *" --data "* && " $* " != *" --help "* ]] \
    && [ ! -f "$data/train-images-idx3-ubyte.gz" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "jdnn: installing Fashion-MNIST (apt-get install dataset-fashion-mnist)..." >&2
  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q dataset-fashion-mnist; } >&2 \
    || echo "jdnn: could not install dataset-fashion-mnist; pass --data DIR" >&2
fi
# Under mpirun with --device cuda, each rank drives its own GPU: local rank mod the GPUs here (ci/rank-gpu.sh).
if [[ " $* " == *" --distributed "* && " $* " =~ \ --device[\ =]cuda ]]; then
  exec ci/rank-gpu.sh ci/jdnn.sh "$command" "$@"
fi
exec ci/jdnn.sh "$command" "$@"
