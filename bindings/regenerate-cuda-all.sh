#!/usr/bin/env bash
# Regenerates (or, with --check, verifies) every CUDA binding whose header is found in INCLUDE_DIRS, and says which
# were skipped because their header is not there:
#
#   bindings/regenerate-cuda-all.sh /path/to/jextract INCLUDE_DIRS [--check]
#
# INCLUDE_DIRS: colon-separated header folders, e.g. the CUDA toolkit's include folder plus the include folders of
# NVIDIA's Python wheels (nvidia/cu13/include for cuBLAS and NVRTC, nvidia/cudnn/include, nvidia/nccl/include);
# docs/GPU.md says where to get them. A check only passes against the header versions the committed files were made
# from (CUDA 13.0, cuBLAS 13.1, NVRTC 13.0, cuDNN 9.24, NCCL 2.30).
set -euo pipefail
usage="usage: regenerate-cuda-all.sh /path/to/jextract INCLUDE_DIRS [--check]"
jextract=${1:?$usage}
include_dirs=${2:?$usage}
mode=${3:-}
here=$(cd "$(dirname "$0")" && pwd)

found() {
  local dir
  IFS=: read -r -a dirs <<< "$include_dirs"
  for dir in "${dirs[@]}"; do
    [ -n "$dir" ] && [ -f "$dir/$1" ] && return 0
  done
  return 1
}

for entry in cuda:cuda.h cudart:cuda_runtime_api.h nvrtc:nvrtc.h cublas:cublas_v2.h cublaslt:cublasLt.h \
             cudnn:cudnn.h nccl:nccl.h; do
  lib=${entry%%:*}
  header=${entry#*:}
  if found "$header"; then
    "$here/regenerate-$lib.sh" "$jextract" "$include_dirs" ${mode:+"$mode"}
  else
    echo "regenerate-$lib: skipped, $header is not in $include_dirs"
  fi
done
