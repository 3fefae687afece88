package org.jdnn.benchmarks;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.util.Collection;
import java.util.List;

/**
 * Adds a {@code ·gflops} secondary metric (unit GFLOP/s) to {@link MatmulBenchmark}, computed per iteration
 * from the primary score, so it lands in the JSON next to the time. Enable with
 * {@code -prof org.jdnn.benchmarks.GflopsProfiler} (ci/bench.sh does). An {@code @AuxCounters} counter cannot
 * do this in AverageTime mode: JMH reports it as time per count, and it also counts the untimed
 * warm-down calls.
 */
public final class GflopsProfiler implements InternalProfiler {
    @Override
    public String getDescription() {
        return "GFLOP/s of jdnn matmul benchmarks, from the measured time per call";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        if (!benchmarkParams.getBenchmark().startsWith(MatmulBenchmark.class.getName() + ".")) {
            return List.of();
        }
        double flopPerCall = MatmulBenchmark.flopPerCall(Integer.parseInt(benchmarkParams.getParam("n")));
        double score = result.getPrimaryResult().getScore();
        double unitSeconds = benchmarkParams.getTimeUnit().toNanos(1) / 1e9;
        // Throughput scores are calls per unit; every other mode reports time per call.
        double callsPerSecond = switch (benchmarkParams.getMode()) {
            case Throughput -> score / unitSeconds;
            default -> 1 / (score * unitSeconds);
        };
        return List.of(new ScalarResult("gflops", flopPerCall * callsPerSecond / 1e9, "GFLOP/s", AggregationPolicy.AVG));
    }
}
