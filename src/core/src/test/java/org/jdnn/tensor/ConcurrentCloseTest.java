package org.jdnn.tensor;

import org.jdnn.autograd.F;
import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.natives.HostMemory;
import org.jdnn.nn.Linear;
import org.jdnn.nn.ReLU;
import org.jdnn.nn.Sequential;
import org.jdnn.ops.AdamParams;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.SgdParams;
import org.jdnn.optim.Adam;
import org.jdnn.optim.Optimizer;
import org.jdnn.optim.SGD;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Closing a tensor, a module or an optimizer on one thread while a kernel runs on it on another: the JVM never
 * crashes, a kernel that returns normally computed the right value (the same as an undisturbed run), and the only
 * failure is an IllegalStateException saying an operand is closed. Right after closing, the closing thread
 * allocates blocks of the same size filled with NaN: a block freed under a running kernel would be handed out again
 * and show up in its result. Runs with the host allocator's cache on (freed blocks come straight back), off (they go
 * back to the C library) and full (each release first frees a cached block of another size), on every available
 * backend (oneDNN includes its held-layout path).
 */
class ConcurrentCloseTest {
    private static final int ROUNDS = 120;
    private static final Conv2dParams CONV = Conv2dParams.of(1, 1);

    private static ExecutorService closer;
    private static HostMemory.Limits saved;
    private static long savedBudget;

    @BeforeAll
    static void start() {
        closer = Executors.newSingleThreadExecutor();
        saved = HostMemory.limits();
        savedBudget = saved.budgetBytes();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        closer.shutdown();
        assertTrue(closer.awaitTermination(10, TimeUnit.SECONDS));
        HostMemory.configure(saved);
    }

    enum Cache { ON, OFF, FULL }

    static Stream<Arguments> configurations() {
        List<Arguments> all = new ArrayList<>();
        for (String backend : List.of(Backends.ONEDNN, Backends.REFERENCE)) {
            if (Backends.unavailableReason(backend).isPresent()) {
                continue;
            }
            for (Cache cache : Cache.values()) {
                all.add(Arguments.of(backend, cache));
            }
        }
        return all.stream();
    }

    /** One race: the kernel to run, what to close meanwhile, and the result to check when the kernel returns. */
    private interface Race extends AutoCloseable {
        float[] kernel();

        void closeConcurrently();

        /** The right result, or null when the race closed what holds it (then there is nothing to read). */
        float[] expected();

        @Override
        void close();
    }

    @ParameterizedTest(name = "{0}, cache {1}")
    @MethodSource("configurations")
    void closingDuringAKernelNeverCrashesAndNeverGivesAWrongValue(String backendName, Cache cache) throws Exception {
        Backend backend = Backends.get(backendName);
        configureCache(cache);
        try {
            Backends.with(backend, () -> {
                List<Supplier<Race>> races = races();
                SplittableRandom random = new SplittableRandom(backendName.hashCode() * 31L + cache.ordinal());
                for (int round = 0; round < ROUNDS; round++) {
                    for (Supplier<Race> make : races) {
                        runRace(make.get(), random);
                    }
                }
            });
        } finally {
            HostMemory.configure(saved);
        }
    }

    private static void configureCache(Cache cache) {
        switch (cache) {
            case ON -> HostMemory.configure(1L << 30, savedBudget);
            case OFF -> HostMemory.configure(0, savedBudget);
            case FULL -> {
                // Fill the cache to its cap with blocks of a size no race uses, so every later release evicts one.
                long cap = 1 << 20;
                HostMemory.configure(cap, savedBudget);
                List<MemorySegment> blocks = new ArrayList<>();
                while (blocks.size() * 8192L < 2 * cap) {
                    blocks.add(HostMemory.allocate(8000));
                }
                blocks.forEach(HostMemory::release);
                assertTrue(HostMemory.stats().cachedBytes() + 8192 > cap, "the cache is full");
            }
        }
    }

    private static void runRace(Race race, SplittableRandom random) {
        int kernelDelay = random.nextInt(200);
        int closeDelay = random.nextInt(3000);
        CountDownLatch go = new CountDownLatch(1);
        Future<?> closing = closer.submit(() -> {
            go.await();
            spin(closeDelay);
            race.closeConcurrently();
            return null;
        });
        float[] result = null;
        try {
            go.countDown();
            spin(kernelDelay);
            result = race.kernel();
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage().contains("closed"), () -> "unexpected failure: " + e);
        } finally {
            try {
                closing.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                fail("closing failed", e);
            }
        }
        try (race) {
            float[] expected = race.expected();
            if (result != null && expected != null) {
                assertArrayEquals(expected, result, 1e-5f, "a kernel that returned normally computed a wrong value");
            }
        }
    }

    private static void spin(int iterations) {
        for (int i = 0; i < iterations; i++) {
            Thread.onSpinWait();
        }
    }

    /** NaN-filled tensors of the freed tensors' shapes, to catch a freed block being read or written. */
    private static List<Tensor> poison(Tensor... freed) {
        List<Tensor> poison = new ArrayList<>();
        for (Tensor t : freed) {
            poison.add(Tensor.full(Float.NaN, t.dims()));
        }
        return poison;
    }

    private static float[] read(Supplier<Tensor> kernel) {
        try (Tensor out = kernel.get()) {
            return out.toFloatArray();
        }
    }

    private static List<Supplier<Race>> races() {
        float[] matmulExpected;
        try (Tensor a = Tensor.randn(1, 48, 64); Tensor b = Tensor.randn(2, 64, 40)) {
            matmulExpected = read(() -> F.matmul(a, b));
        }
        float[] convExpected;
        try (Tensor x = Tensor.randn(3, 2, 3, 12, 12); Tensor w = Tensor.randn(4, 8, 3, 3, 3);
             Tensor c = F.conv2d(x, w, null, CONV)) {
            convExpected = read(() -> F.relu(c));
        }
        float[] mlpExpected;
        try (Sequential mlp = mlp(); Tensor x = Tensor.randn(5, 16, 32)) {
            mlpExpected = read(() -> mlp.forward(x));
        }
        float[] adamExpected = afterTwoSteps(params -> new Adam(params, AdamParams.adam(0.1)));
        float[] sgdExpected = afterTwoSteps(params -> new SGD(params, SgdParams.of(0.1).withMomentum(0.9, false)));
        return List.of(
                () -> matmulRace(matmulExpected),
                () -> heldLayoutRace(convExpected),
                () -> moduleRace(mlpExpected),
                () -> optimizerRace(params -> new Adam(params, AdamParams.adam(0.1)), adamExpected),
                () -> optimizerRace(params -> new SGD(params, SgdParams.of(0.1).withMomentum(0.9, false)), sgdExpected));
    }

    private static Race matmulRace(float[] expected) {
        Tensor a = Tensor.randn(1, 48, 64), b = Tensor.randn(2, 64, 40);
        List<Tensor> poison = new ArrayList<>();
        return new Race() {
            public float[] kernel() {
                return read(() -> F.matmul(a, b));
            }

            public void closeConcurrently() {
                a.close();
                b.close();
                poison.addAll(poison(a, b));
            }

            public float[] expected() {
                return expected;
            }

            public void close() {
                poison.forEach(Tensor::close);
            }
        };
    }

    /** A convolution's output, held in oneDNN's blocked layout, closed while ReLU reads it. */
    private static Race heldLayoutRace(float[] expected) {
        Tensor x = Tensor.randn(3, 2, 3, 12, 12), w = Tensor.randn(4, 8, 3, 3, 3);
        Tensor c = F.conv2d(x, w, null, CONV);
        List<Tensor> poison = new ArrayList<>();
        return new Race() {
            public float[] kernel() {
                return read(() -> F.relu(c));
            }

            public void closeConcurrently() {
                c.close();
                poison.addAll(poison(c));
            }

            public float[] expected() {
                return expected;
            }

            public void close() {
                x.close();
                w.close();
                poison.forEach(Tensor::close);
            }
        };
    }

    private static Sequential mlp() {
        return new Sequential(new Linear(32, 64, true, 7), new ReLU(), new Linear(64, 10, true, 8));
    }

    private static Race moduleRace(float[] expected) {
        Sequential mlp = mlp();
        Tensor x = Tensor.randn(5, 16, 32);
        List<Tensor> poison = new ArrayList<>();
        return new Race() {
            public float[] kernel() {
                return read(() -> mlp.forward(x));
            }

            public void closeConcurrently() {
                List<Tensor> params = mlp.parameters();
                mlp.close();
                poison.addAll(poison(params.toArray(Tensor[]::new)));
            }

            public float[] expected() {
                return expected;
            }

            public void close() {
                x.close();
                poison.forEach(Tensor::close);
            }
        };
    }

    private interface OptimizerFactory {
        Optimizer create(List<Tensor> params);
    }

    /** A parameter with a known gradient; two steps ran before, so the optimizer's state exists. */
    private static Tensor parameter() {
        Tensor p = Tensor.randn(9, 64, 64).requiresGrad(true);
        AutogradSupport.setGrad(p, Tensor.randn(10, 64, 64));
        return p;
    }

    /** The parameter after two undisturbed steps ({@code closeAt} < 0). */
    private static float[] afterTwoSteps(OptimizerFactory factory) {
        try (Tensor p = parameter(); Optimizer optimizer = factory.create(List.of(p))) {
            optimizer.step();
            optimizer.step();
            return p.toFloatArray();
        }
    }

    /** The second step races with closing the optimizer (then the parameter is checked) or the parameter. */
    private static Race optimizerRace(OptimizerFactory factory, float[] expected) {
        Tensor p = parameter();
        Optimizer optimizer = factory.create(List.of(p));
        optimizer.step();
        boolean closeParameter = Math.floorMod(System.nanoTime(), 2) == 0;
        List<Tensor> poison = new ArrayList<>();
        return new Race() {
            public float[] kernel() {
                optimizer.step();
                return p.toFloatArray();
            }

            public void closeConcurrently() {
                if (closeParameter) {
                    Tensor grad = p.grad();
                    p.close();
                    poison.addAll(poison(p, grad));
                } else {
                    optimizer.close();
                    poison.addAll(poison(p, p));
                }
            }

            public float[] expected() {
                return p.isClosed() ? null : expected;
            }

            public void close() {
                optimizer.close();
                p.close();
                poison.forEach(Tensor::close);
            }
        };
    }
}
