package org.jdnn.benchmarks;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Adds a {@code ·gflops} secondary metric (unit GFLOP/s) to the benchmarks that have a flop count (matmul,
 * linear, convolutions; see {@link #COUNTS}), and an {@code ·images} metric (unit images/s) to the whole-model
 * benchmarks (see {@link #IMAGES}), computed per iteration from the primary score, so they land in the JSON next
 * to the time. Enable with {@code -prof org.jdnn.benchmarks.GflopsProfiler} (ci/bench.sh does).
 * An {@code @AuxCounters} counter cannot do this in AverageTime mode: JMH reports it as time per count, and
 * it also counts the untimed warm-down calls.
 */
public final class GflopsProfiler implements InternalProfiler {
    /** The floating-point operations of one call of a benchmark, from its parameters. */
    @FunctionalInterface
    interface FlopCount {
        double perCall(BenchmarkParams params);
    }

    /**
     * Flop counts by benchmark class; a class that is not here (pooling, batchnorm, element-wise: memory-bound
     * ops where GFLOP/s says little) gets no metric. All passes of a convolution count the same.
     */
    static final Map<String, FlopCount> COUNTS = Map.of(
            MatmulBenchmark.class.getName(),
            p -> MatmulBenchmark.flopPerCall(Integer.parseInt(p.getParam("n"))),
            LeNetConvBenchmark.class.getName(),
            p -> ConvLayer.lenet(p.getParam("layer")).flopPerCall(Integer.parseInt(p.getParam("batch"))),
            LeNetLinearBenchmark.class.getName(),
            p -> LeNetLinearBenchmark.flopPerCall(p.getParam("layer"), Integer.parseInt(p.getParam("batch"))),
            ResNetConvBenchmark.class.getName(),
            p -> ConvLayer.RESNET_BLOCK.flopPerCall(ResNetConvBenchmark.BATCH));

    /** Images processed by one call of a whole-model benchmark (its batch size), by benchmark class. */
    static final Map<String, ToIntFunction<BenchmarkParams>> IMAGES = Map.of(
            TrainingStepBenchmark.class.getName(), p -> TrainingStepBenchmark.batch(p.getParam("model")),
            InferenceBenchmark.class.getName(), p -> InferenceBenchmark.batch(p.getParam("model")));

    @Override
    public String getDescription() {
        return "GFLOP/s of jdnn matmul, linear and convolution benchmarks and images/s of whole-model benchmarks,"
                + " from the measured time per call";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        String benchmark = benchmarkParams.getBenchmark();
        String benchmarkClass = benchmark.substring(0, benchmark.lastIndexOf('.'));
        FlopCount count = COUNTS.get(benchmarkClass);
        ToIntFunction<BenchmarkParams> images = IMAGES.get(benchmarkClass);
        if (count == null && images == null) {
            return List.of();
        }
        double score = result.getPrimaryResult().getScore();
        double unitSeconds = benchmarkParams.getTimeUnit().toNanos(1) / 1e9;
        // Throughput scores are calls per unit; every other mode reports time per call.
        double callsPerSecond = switch (benchmarkParams.getMode()) {
            case Throughput -> score / unitSeconds;
            default -> 1 / (score * unitSeconds);
        };
        List<Result> metrics = new ArrayList<>();
        if (count != null) {
            metrics.add(new ScalarResult("gflops", count.perCall(benchmarkParams) * callsPerSecond / 1e9, "GFLOP/s",
                    AggregationPolicy.AVG));
        }
        if (images != null) {
            metrics.add(new ScalarResult("images", images.applyAsInt(benchmarkParams) * callsPerSecond, "images/s",
                    AggregationPolicy.AVG));
        }
        return metrics;
    }
}
