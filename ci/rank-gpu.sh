#!/usr/bin/env bash
# Runs COMMAND with CUDA_VISIBLE_DEVICES set to this rank's GPU when started by mpirun: the GPU of index
# (local rank mod the number of GPUs this host shows), so rank r drives cuda:(local rank mod device count) and
# sees it as cuda:0 (one GPU per process; docs/DISTRIBUTED.md, "GPUs: NCCL"). The GPUs are those of an
# already set CUDA_VISIBLE_DEVICES, else those nvidia-smi lists. Without mpirun, or without GPUs, it changes nothing.
#
#   mpirun -np 4 ci/rank-gpu.sh java ... MyTraining        (ci/train.sh does this for --distributed --device cuda)
set -euo pipefail
local_rank=${OMPI_COMM_WORLD_LOCAL_RANK:-${PMIX_LOCAL_RANK:-}}
if [ -n "$local_rank" ]; then
  gpus=()
  if [ -n "${CUDA_VISIBLE_DEVICES:-}" ]; then
    IFS=, read -ra gpus <<< "$CUDA_VISIBLE_DEVICES"
  elif command -v nvidia-smi >/dev/null; then
    mapfile -t gpus < <(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null || true)
  fi
  if [ ${#gpus[@]} -gt 0 ]; then
    export CUDA_VISIBLE_DEVICES=${gpus[$((local_rank % ${#gpus[@]}))]// /}
  fi
fi
exec "$@"
