#!/usr/bin/env bash
# Side-by-side benchmark of jdnn (oneDNN) and PyTorch (libtorch through DJL) on the same models, data, batch size
# and optimizer, with the same thread count (benchmarks/README.md, "jdnn against PyTorch"):
#   benchmarks/compare.sh [--threads N] [--models mlp,lenet,resnet18,unet] [--steps S] [--repeat R]
#                         [--precision fp32,bf16]
# --threads: native threads on both sides (default: the cores, nproc); --models: which, comma-separated (default
# all four); --steps: timed steps per model (default per model: mlp 100, lenet 50, unet 20, resnet18 5);
# --repeat: run every model R times on each side; each time in the table is the best of the R runs (default 1).
# --precision: jdnn's precisions, comma-separated (default fp32; bf16 runs under bf16 autocast, a row "model (bf16)"
# beside the same PyTorch float32 run: DJL's PyTorch engine offers no autocast).
# Builds benchmarks/ with the Maven profile `compare` (DJL and libtorch from Maven Central, downloaded on the first
# build), then for each model runs a jdnn JVM and a PyTorch JVM one after the other. Results: the table on stdout,
# the raw lines in benchmarks/results/compare-<UTC timestamp>.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/jdk25.sh

threads=$(nproc)
models=mlp,lenet,resnet18,unet
steps=0
repeat=1
precisions=fp32
positive() {
  [[ "$2" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: $1 expects a positive integer, got '$2'" >&2; exit 2; }
}
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || { echo "compare.sh: $1 needs a value" >&2; exit 2; }
  case $1 in
    --threads) positive "$1" "$2"; threads=$2 ;;
    --models) models=$2 ;;
    --steps) positive "$1" "$2"; steps=$2 ;;
    --repeat) positive "$1" "$2"; repeat=$2 ;;
    --precision) precisions=$2 ;;
    *) echo "compare.sh: unknown option '$1' (expected --threads, --models, --steps, --repeat, --precision)" >&2; exit 2 ;;
  esac
  shift 2
done
for model in ${models//,/ }; do
  case $model in
    mlp|lenet|resnet18|unet) ;;
    *) echo "compare.sh: --models: unknown model '$model', expected some of mlp,lenet,resnet18,unet" >&2; exit 2 ;;
  esac
done
[ -n "${precisions//,/}" ] || { echo "compare.sh: --precision needs fp32 and/or bf16" >&2; exit 2; }
for precision in ${precisions//,/ }; do
  case $precision in
    fp32|bf16) ;;
    *) echo "compare.sh: --precision: unknown precision '$precision', expected fp32 and/or bf16" >&2; exit 2 ;;
  esac
done

out=benchmarks/target/compare
mkdir -p "$out" benchmarks/results
echo "building (Maven profile compare)..." >&2
mvn -B -ntp -q -P compare -DskipTests -Dmaven.javadoc.skip -Dmaven.source.skip package -pl benchmarks -am \
  dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile="$PWD/$out/classpath.txt" >&2
classpath=benchmarks/target/classes:$(cat "$out/classpath.txt")
results=benchmarks/results/compare-$(date -u +%Y%m%dT%H%M%SZ).tsv

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores;" \
  "flags: $(grep -o -w -E 'avx2|avx512f|avx512_bf16|avx512_vnni|amx_tile|amx_bf16' /proc/cpuinfo | sort -u | tr '\n' ' ')"
echo "JDK: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); threads: $threads; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# Both sides see the same thread settings; each reads its own (jdnn: JDNN_NUM_THREADS, libtorch: the DJL
# properties TorchSide sets and OMP_NUM_THREADS). ai.djl.offline: libtorch comes from the Maven jar, no download.
run_side() {
  OMP_NUM_THREADS=$threads JDNN_NUM_THREADS=$threads "$JAVA_HOME/bin/java" -Xmx2g \
    --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -cp "$classpath" "$1" \
    --model "$2" --threads "$threads" --steps "$steps" --out "$results" "${@:3}"
}
for ((r = 1; r <= repeat; r++)); do
  for model in ${models//,/ }; do
    for precision in ${precisions//,/ }; do
      run_side org.jdnn.benchmarks.compare.JdnnSide "$model" --precision "$precision"
    done
    run_side org.jdnn.benchmarks.compare.TorchSide "$model"
  done
done

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); results: $results"
echo
"$JAVA_HOME/bin/java" -cp "$classpath" org.jdnn.benchmarks.compare.CompareTable "$results"
