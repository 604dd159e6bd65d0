package dev.runmetrics.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The durations every benchmark records: a fixed, precomputed table of realistic workflow-node
 * latencies, so that no benchmark records a constant (a constant would let a sorting reservoir or a
 * histogram bucket look cheaper than it is, and lets the JIT fold work away).
 *
 * <p>The values are log-normal with a median of 20 ms and a long tail (sigma 1.2: about 1 % above
 * 330 ms), capped at 60 s, drawn from a fixed seed so that every run and every library sees the same
 * sequence. The table is in milliseconds (runmetrics' unit) and in nanoseconds (the others').
 *
 * <p>Immutable after class initialisation; safe to read from any thread.
 */
final class Durations {
    /** The table length: a power of two, so an index wraps with a mask. */
    static final int SIZE = 4096;
    static final int MASK = SIZE - 1;

    private static final double MEDIAN_MS = 20.0;
    private static final double SIGMA = 1.2;
    private static final double MAX_MS = TimeUnit.SECONDS.toMillis(60);

    private static final double[] MILLIS = new double[SIZE];
    private static final long[] NANOS = new long[SIZE];

    static {
        SplittableRandom random = new SplittableRandom(20_240_917L);
        for (int i = 0; i < SIZE; i++) {
            double ms = Math.min(MAX_MS, MEDIAN_MS * Math.exp(SIGMA * gaussian(random)));
            // Round to whole nanoseconds so both tables hold exactly the same durations.
            long nanos = Math.max(1L, Math.round(ms * 1_000_000.0));
            NANOS[i] = nanos;
            MILLIS[i] = nanos / 1_000_000.0;
        }
    }

    private Durations() {
    }

    /** @return the duration at {@code index & MASK}, in milliseconds */
    static double millis(int index) {
        return MILLIS[index & MASK];
    }

    /** @return the duration at {@code index & MASK}, in nanoseconds */
    static long nanos(int index) {
        return NANOS[index & MASK];
    }

    /** Box-Muller: SplittableRandom has no nextGaussian on Java 17. */
    private static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble(); // (0, 1]: log never sees 0
        double u2 = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }
}
