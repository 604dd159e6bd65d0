package dev.runmetrics.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live recording state of one node between two resets: lifetime counters and the rolling window
 * of the last {@code windowSize} durations.
 *
 * <h2>Concurrency</h2>
 * Recording is lock-free and allocation-free: a writer claims a sequence number with one atomic
 * add on {@code cursor}, writes its sample into the slot {@code sequence & mask} of a ring whose
 * capacity is the next power of two at or above {@code windowSize}, and adds to striped counters.
 * The window is the samples with the last {@code windowSize} sequence numbers; because the ring is at
 * least that large, those slots are distinct. A slot that has been claimed but not yet written
 * still holds either {@link #EMPTY} (skipped by readers) or an older real sample, so a reader only
 * ever sees real samples. The number of executions is the cursor itself, which saves a counter on
 * the hot path; {@code successCount = cursor - failures}, read failures first so it never goes
 * negative.
 *
 * <p>Each sample is stored as the raw bits of its (non-negative) duration, with the sign bit set
 * for a failure, so the failure rate of the window is available to the threshold check without a
 * second array.
 */
final class NodeState {
    /** A NaN pattern; NaN durations are rejected before they get here, so it marks "never written". */
    private static final long EMPTY = 0x7ff8_0000_0000_0000L;
    private static final long FAILURE_BIT = Long.MIN_VALUE;

    private static final VarHandle CURSOR;
    private static final VarHandle LAST_BITS;
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            CURSOR = lookup.findVarHandle(NodeState.class, "cursor", long.class);
            LAST_BITS = lookup.findVarHandle(NodeState.class, "lastBits", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int windowSize;
    private final int mask;
    private final long[] slots;

    // Written together on every record, so kept next to each other (one cache line to own).
    @SuppressWarnings("unused") // accessed through CURSOR
    private volatile long cursor;
    @SuppressWarnings("unused") // accessed through LAST_BITS
    private volatile long lastBits;

    /** The threshold alarms of this node; a reset starts with fresh ones. */
    final Thresholds.Alarms alarms = new Thresholds.Alarms();

    private final DoubleAdder durationSum = new DoubleAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder timeoutErrors = new LongAdder();
    private final LongAdder validationErrors = new LongAdder();
    private final LongAdder networkErrors = new LongAdder();
    private final LongAdder otherErrors = new LongAdder();

    NodeState(int windowSize) {
        this.windowSize = windowSize;
        int capacity = Integer.highestOneBit(Math.max(1, windowSize - 1)) << 1;
        this.mask = capacity - 1;
        this.slots = new long[capacity];
        Arrays.fill(slots, EMPTY);
        VarHandle.releaseFence(); // publish the filled ring before any reader sees this object
    }

    /** Records one execution; {@code durationMs} is already finite, non-negative and not -0.0. */
    void recordSuccess(double durationMs) {
        long sequence = (long) CURSOR.getAndAdd(this, 1L);
        long bits = Double.doubleToRawLongBits(durationMs);
        SLOTS.setRelease(slots, (int) sequence & mask, bits);
        LAST_BITS.setOpaque(this, bits);
        durationSum.add(durationMs);
    }

    /** Records one failed execution; see {@link #recordSuccess(double)}. */
    void recordFailure(double durationMs, ErrorCategory category) {
        long sequence = (long) CURSOR.getAndAdd(this, 1L);
        long bits = Double.doubleToRawLongBits(durationMs);
        SLOTS.setRelease(slots, (int) sequence & mask, bits | FAILURE_BIT);
        LAST_BITS.setOpaque(this, bits);
        durationSum.add(durationMs);
        failures.increment();
        switch (category) {
            case TIMEOUT -> timeoutErrors.increment();
            case VALIDATION -> validationErrors.increment();
            case NETWORK -> networkErrors.increment();
            case OTHER -> otherErrors.increment();
        }
    }

    void recordRetry() {
        retries.increment();
    }

    /** @return the number of executions recorded so far (successes and failures) */
    long executions() {
        return (long) CURSOR.getAcquire(this);
    }

    /**
     * Copies the window into {@code out} as raw sample bits (failure bit included) and returns how
     * many real samples were copied. {@code out} must hold at least {@code windowSize} values.
     */
    int copyWindow(long[] out) {
        long end = (long) CURSOR.getAcquire(this);
        long start = Math.max(0L, end - windowSize);
        int count = 0;
        for (long sequence = start; sequence < end; sequence++) {
            long bits = (long) SLOTS.getAcquire(slots, (int) sequence & mask);
            if (bits != EMPTY) {
                out[count++] = bits;
            }
        }
        return count;
    }

    boolean hasActivity() {
        return executions() > 0 || retries.sum() > 0;
    }

    int windowSize() {
        return windowSize;
    }

    static boolean isFailure(long sampleBits) {
        return sampleBits < 0;
    }

    static double durationOf(long sampleBits) {
        return Double.longBitsToDouble(sampleBits & ~FAILURE_BIT);
    }

    /** Builds a snapshot; see {@link NodeMetrics} for what a concurrent snapshot may mix. */
    NodeMetrics snapshot() {
        // Failures before executions: every counted failure already claimed its sequence number.
        long failureCount = failures.sum();
        long timeouts = timeoutErrors.sum();
        long validations = validationErrors.sum();
        long networks = networkErrors.sum();
        long others = otherErrors.sum();
        long retryCount = retries.sum();
        long total = Math.max(executions(), failureCount);
        if (total == 0) {
            return retryCount == 0
                    ? NodeMetrics.empty()
                    : new NodeMetrics(0, 0, 0, retryCount, null, null, 0.0, null, null, null, 0, 0, 0, 0);
        }
        long[] window = new long[windowSize];
        int n = copyWindow(window);
        for (int i = 0; i < n; i++) {
            window[i] &= ~FAILURE_BIT; // non-negative doubles sort like their raw bits
        }
        Arrays.sort(window, 0, n);
        Double p50 = n == 0 ? null : Double.longBitsToDouble(window[Percentiles.nearestRankIndex(n, 50)]);
        Double p90 = n == 0 ? null : Double.longBitsToDouble(window[Percentiles.nearestRankIndex(n, 90)]);
        Double p99 = n == 0 ? null : Double.longBitsToDouble(window[Percentiles.nearestRankIndex(n, 99)]);
        double average = Math.min(durationSum.sum() / total, NodeMetricsCollector.MAX_DURATION_MS);
        return new NodeMetrics(
                total,
                total - failureCount,
                failureCount,
                retryCount,
                Double.longBitsToDouble((long) LAST_BITS.getOpaque(this)),
                average,
                (double) failureCount / total,
                p50,
                p90,
                p99,
                timeouts,
                validations,
                networks,
                others);
    }
}
