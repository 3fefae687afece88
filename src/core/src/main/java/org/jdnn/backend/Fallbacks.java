package org.jdnn.backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts every fallback the dispatcher takes, per backend, op, target and reason, so that a slow path is visible:
 * {@code Jdnn.info()} lists them, and tests assert the trained models take none.
 */
public final class Fallbacks {
    /** How often one declared fallback was taken. */
    public record Taken(String backend, String op, String target, String reason, long count) {
        @Override
        public String toString() {
            return backend + " " + op + " -> " + target + " (" + reason + "): " + count;
        }
    }

    private record Key(String backend, String op, String target, String reason) {
    }

    private static final Map<Key, LongAdder> COUNTS = new ConcurrentHashMap<>();

    private Fallbacks() {
    }

    static void count(String backend, String op, Fallback<?> fallback) {
        COUNTS.computeIfAbsent(new Key(backend, op, fallback.backend(), fallback.reason()), k -> new LongAdder())
                .increment();
    }

    /** The fallbacks taken since start (or the last {@link #reset()}), most frequent first. */
    public static List<Taken> taken() {
        List<Taken> list = new ArrayList<>();
        COUNTS.forEach((k, v) -> {
            long n = v.sum();
            if (n > 0) {
                list.add(new Taken(k.backend(), k.op(), k.target(), k.reason(), n));
            }
        });
        list.sort(Comparator.comparingLong(Taken::count).reversed().thenComparing(Taken::op));
        return list;
    }

    /** The total number of fallbacks taken. */
    public static long total() {
        return COUNTS.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Forgets the counts (tests measure one workload at a time). */
    public static void reset() {
        COUNTS.values().forEach(LongAdder::reset);
    }
}
