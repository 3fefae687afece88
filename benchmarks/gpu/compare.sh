#!/usr/bin/env bash
# jdnn's cuda backend beside PyTorch eager on the same GPU: the training step of LeNet-5, the CNN and ResNet-18
# (CIFAR stem, 32x32), batch 128, Adam 1e-3 (DeviceTrainingStepBenchmark and benchmarks/gpu/pytorch_steps.py).
#   benchmarks/gpu/compare.sh [--models lenet,cnn,resnet18] [--device cuda]
# Needs the benchmarks jar (built on any machine: `mvn -B -pl benchmarks -am package -DskipTests`, the CUDA kernels
# compiled in where nvcc exists), a JDK 25 (JAVA, else ci/jdk25.sh, else the one unpacked by ci/gpu-test.sh) and
# python3 with torch. Prints one line per model: jdnn ms, PyTorch ms, ratio (> 1: jdnn faster); target >= 1.
set -euo pipefail
cd "$(dirname "$0")/../.."
models=lenet,cnn,resnet18
device=cuda
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || { echo "compare.sh: $1 needs a value" >&2; exit 2; }
  case $1 in
    --models) models=$2 ;;
    --device) device=$2 ;;
    *) echo "compare.sh: unknown option '$1' (expected --models, --device)" >&2; exit 2 ;;
  esac
  shift 2
done
jar=benchmarks/target/benchmarks.jar
[ -f "$jar" ] || { echo "compare.sh: $jar not found: build it with mvn -B -pl benchmarks -am package -DskipTests" >&2; exit 1; }
java=${JAVA:-}
if [ -z "$java" ]; then
  java=$(source ci/jdk25.sh >/dev/null 2>&1 && command -v java || true)
fi
[ -n "$java" ] || { echo "compare.sh: no JDK 25: set JAVA=/path/to/bin/java" >&2; exit 1; }
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
"$java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -jar "$jar" \
  DeviceTrainingStepBenchmark -p model="$models" -p device="$device" -rf csv -rff "$results/jdnn.csv" >&2
python3 benchmarks/gpu/pytorch_steps.py --device "$device" --models "$models" > "$results/pytorch.txt"
printf '%-10s %12s %12s %8s\n' model "jdnn ms" "PyTorch ms" ratio
for model in ${models//,/ }; do
  # JMH's CSV: quoted benchmark, mode, threads, samples, score, error, unit, then the params (device, model) unquoted
  jdnn=$(awk -F, -v m="$model" '$NF == m {print $5}' "$results/jdnn.csv")
  torch=$(awk -v m="$model" '$2 == m {print $4}' "$results/pytorch.txt")
  awk -v m="$model" -v j="$jdnn" -v t="$torch" 'BEGIN {printf "%-10s %12.3f %12.3f %8.2f\n", m, j, t, t / j}'
done
