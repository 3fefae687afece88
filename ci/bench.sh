#!/usr/bin/env bash
# The benchmark command: installs jdnn (tests skipped) with JDK 25, builds the JMH jar in benchmarks/ and runs it.
# The JSON results land in benchmarks/results/jmh-<UTC timestamp>.json (or $JDNN_BENCH_RESULT if set).
# Arguments go to JMH unchanged, e.g.:
#   ci/bench.sh                                   # everything (a few minutes on 2 cores)
#   ci/bench.sh MatmulBenchmark -p n=256          # a regex and a parameter
#   ci/bench.sh ExecuteOverhead -prof gc          # with allocation per call
#   ci/bench.sh -f 1 -wi 1 -i 2                   # a quick smoke run
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/jdk25.sh
mvn -B -ntp -q -DskipTests package -pl benchmarks -am >&2
mkdir -p benchmarks/results
result=${JDNN_BENCH_RESULT:-benchmarks/results/jmh-$(date -u +%Y%m%dT%H%M%SZ).json}
# The jar's manifest grants native access; the flag quiets JMH's own sun.misc.Unsafe use on JDK 25.
# GflopsProfiler adds GFLOP/s to the matmul results (it ignores the other benchmarks).
java --sun-misc-unsafe-memory-access=allow -jar benchmarks/target/benchmarks.jar \
    -prof org.jdnn.benchmarks.GflopsProfiler -rf json -rff "$result" "$@"
echo "JMH results: $result"
