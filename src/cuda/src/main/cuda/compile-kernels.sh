#!/usr/bin/env bash
# Compiles jdnn_kernels.cu into one fatbin: SASS for each architecture in ARCHS and PTX of the first (the lowest), which
# the driver compiles for GPUs newer than the list. Skips the work when the fatbin is newer than every source.
# Run by src/cuda's pom (profile cuda-kernels) when nvcc exists; usable by hand:
#   src/cuda/src/main/cuda/compile-kernels.sh NVCC OUTPUT.fatbin "75 80 86 89 90 100 110 120"
set -euo pipefail
nvcc=$1
out=$2
archs=($3)
src_dir=$(cd "$(dirname "$0")" && pwd)

if [[ -f $out ]]; then
  stale=$(find "$src_dir" -newer "$out" \( -name '*.cu' -o -name '*.cuh' -o -name "$(basename "$0")" \) | head -1)
  if [[ -z $stale ]]; then
    echo "CUDA kernels up to date: $out"
    exit 0
  fi
fi

gencode=()
for arch in "${archs[@]}"; do
  gencode+=(-gencode "arch=compute_${arch},code=sm_${arch}")
done
gencode+=(-gencode "arch=compute_${archs[0]},code=compute_${archs[0]}")

mkdir -p "$(dirname "$out")"
start=$(date +%s)
# --fmad=false: no contracted multiply-adds, so the double arithmetic rounds as the reference's Java does.
# --no-compress: the PTX and SASS stay readable for the build's check (the jar compresses them anyway).
"$nvcc" -fatbin -O3 --fmad=false --no-compress -std=c++17 --threads 2 "${gencode[@]}" \
  -o "$out.tmp" "$src_dir/jdnn_kernels.cu"
mv "$out.tmp" "$out"
targets="$(printf ' sm_%s' "${archs[@]}") + compute_${archs[0]} PTX"
echo "CUDA kernels compiled for$targets in $(( $(date +%s) - start )) s: $out"
