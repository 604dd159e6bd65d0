package dev.runmetrics.core.node;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An immutable snapshot of one node's metrics.
 *
 * <p>Counts are since the collector was created or the node was last reset. Durations are in
 * milliseconds. The duration statistics that need at least one sample ({@code lastExecutionMs},
 * {@code avgExecutionMs} and the percentiles) are {@code null} when the node has none, never 0.
 *
 * <p>Percentiles are computed over the rolling window (the last {@code windowSize} executions,
 * successes and failures alike) with the <em>nearest-rank</em> definition: the p-th percentile is
 * the smallest sample such that at least p% of the window is less than or equal to it, that is the
 * sample at 1-based rank {@code ceil(p/100 * n)} of the sorted window. Every percentile is therefore
 * one of the recorded samples, and a single sample gives p50 = p90 = p99 = that sample.
 *
 * <p>A node that several threads record at the same moment spreads its recording over stripes,
 * each with its own window of the last {@code windowSize} samples recorded into it; the window is
 * then the union of the stripes' windows (up to {@code windowSize × stripes} samples), leaving out a
 * stripe once more than {@code windowSize} records went to other stripes since its last one. A node
 * recorded by one thread at a time has one stripe, and exactly the last {@code windowSize}
 * executions. {@code lastExecutionMs} is then exact; with several stripes it is the last sample of
 * the most recently active stripe. See {@link NodeMetricsCollector} for the details.
 *
 * <h2>Attempts and calls</h2>
 * An <em>execution</em> is one attempt: {@code totalExecutions}, {@code failureCount},
 * {@code failureRate}, the durations and the error categories count attempts, so a call that
 * failed twice and succeeded on its third attempt adds three executions, two of them failures.
 * A <em>call</em> is one invocation by the node's caller, with all its attempts; it fails only when
 * its last attempt fails. That call adds one to {@code callCount}, none to {@code failedCallCount},
 * and one to {@code callsByAttempts.get(2)}. Created nodes ({@link Nodes#createNode}) record each
 * call when it ends; for recording by hand see {@link NodeMetricsCollector#recordCall}. A node
 * that has never recorded a call counts each execution as a call of one attempt.
 *
 * <p>A snapshot taken while other threads record may mix counts from slightly different moments;
 * once recording stops, every count is exact. A call is counted when it ends, so its attempts
 * may already be counted while the call is not yet.
 *
 * @param totalExecutions   successes plus failures
 * @param successCount      executions recorded with {@code recordSuccess}
 * @param failureCount      executions recorded with {@code recordFailure}
 * @param retryCount        retries recorded with {@code recordRetry}
 * @param lastExecutionMs   the duration of the most recently recorded execution (of the most
 *                          recently active stripe), or {@code null}
 * @param avgExecutionMs    the mean duration over all executions, or {@code null}
 * @param failureRate       per attempt: {@code failureCount / totalExecutions}, from 0 to 1; 0 when
 *                          there are no executions
 * @param p50               the median of the rolling window, or {@code null}
 * @param p90               the 90th percentile of the rolling window, or {@code null}
 * @param p99               the 99th percentile of the rolling window, or {@code null}
 * @param timeoutErrors     failures categorised {@link ErrorCategory#TIMEOUT}
 * @param validationErrors  failures categorised {@link ErrorCategory#VALIDATION}
 * @param networkErrors     failures categorised {@link ErrorCategory#NETWORK}
 * @param otherErrors       failures categorised {@link ErrorCategory#OTHER}
 * @param callCount         calls that ended: the sum of {@code callsByAttempts}
 * @param failedCallCount   calls whose last attempt failed
 * @param callFailureRate   per call: {@code failedCallCount / callCount}, from 0 to 1; 0 when there
 *                          are no calls
 * @param callsByAttempts   calls by how many attempts they took: index 0 holds calls of one attempt,
 *                          index {@code k} calls of {@code k + 1} attempts, up to
 *                          {@value #TRACKED_ATTEMPTS}; the last index ({@value #TRACKED_ATTEMPTS})
 *                          holds calls of more than {@value #TRACKED_ATTEMPTS} attempts. Always
 *                          {@value #TRACKED_ATTEMPTS} + 1 entries, unmodifiable.
 */
public record NodeMetrics(
        long totalExecutions,
        long successCount,
        long failureCount,
        long retryCount,
        Double lastExecutionMs,
        Double avgExecutionMs,
        double failureRate,
        Double p50,
        Double p90,
        Double p99,
        long timeoutErrors,
        long validationErrors,
        long networkErrors,
        long otherErrors,
        long callCount,
        long failedCallCount,
        double callFailureRate,
        List<Long> callsByAttempts) {

    /** The attempt counts that {@code callsByAttempts} tells apart; longer calls share its last entry. */
    public static final int TRACKED_ATTEMPTS = 10;

    private static final List<Long> NO_CALLS = Collections.nCopies(TRACKED_ATTEMPTS + 1, 0L);

    private static final NodeMetrics EMPTY =
            new NodeMetrics(0, 0, 0, 0, null, null, 0.0, null, null, null, 0, 0, 0, 0, 0, 0, 0.0, NO_CALLS);

    /**
     * Checks the invariants: counts are non-negative, the failure rates are within [0, 1], the
     * durations are finite and non-negative, {@code callsByAttempts} has
     * {@value #TRACKED_ATTEMPTS} + 1 non-negative entries summing to {@code callCount}, and no more
     * calls failed than ended.
     */
    public NodeMetrics {
        requireNonNegative(totalExecutions, "totalExecutions");
        requireNonNegative(successCount, "successCount");
        requireNonNegative(failureCount, "failureCount");
        requireNonNegative(retryCount, "retryCount");
        requireNonNegative(timeoutErrors, "timeoutErrors");
        requireNonNegative(validationErrors, "validationErrors");
        requireNonNegative(networkErrors, "networkErrors");
        requireNonNegative(otherErrors, "otherErrors");
        requireNonNegative(callCount, "callCount");
        requireNonNegative(failedCallCount, "failedCallCount");
        requireRate(failureRate, "failureRate");
        requireRate(callFailureRate, "callFailureRate");
        if (failedCallCount > callCount) {
            throw new IllegalArgumentException(
                    "failedCallCount must not exceed callCount, was " + failedCallCount + " > " + callCount);
        }
        callsByAttempts = List.copyOf(callsByAttempts);
        if (callsByAttempts.size() != TRACKED_ATTEMPTS + 1) {
            throw new IllegalArgumentException("callsByAttempts must have " + (TRACKED_ATTEMPTS + 1)
                    + " entries, had " + callsByAttempts.size());
        }
        long calls = 0;
        for (long c : callsByAttempts) {
            requireNonNegative(c, "callsByAttempts");
            calls += c;
        }
        if (calls != callCount) {
            throw new IllegalArgumentException(
                    "callsByAttempts must sum to callCount " + callCount + ", summed to " + calls);
        }
        requireDuration(lastExecutionMs, "lastExecutionMs");
        requireDuration(avgExecutionMs, "avgExecutionMs");
        requireDuration(p50, "p50");
        requireDuration(p90, "p90");
        requireDuration(p99, "p99");
    }

    /**
     * Returns the metrics of a node that has recorded nothing: zero counts, no durations.
     *
     * @return the shared empty snapshot
     */
    public static NodeMetrics empty() {
        return EMPTY;
    }

    /** @return the count for {@code category} */
    public long errors(ErrorCategory category) {
        return switch (category) {
            case TIMEOUT -> timeoutErrors;
            case VALIDATION -> validationErrors;
            case NETWORK -> networkErrors;
            case OTHER -> otherErrors;
        };
    }

    /**
     * Returns the calls that took {@code attempts} attempts; for more than
     * {@value #TRACKED_ATTEMPTS}, the calls of more than {@value #TRACKED_ATTEMPTS} attempts.
     *
     * @param attempts at least 1
     * @return the count
     * @throws IllegalArgumentException if {@code attempts < 1}
     */
    public long callsWithAttempts(int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
        }
        return callsByAttempts.get(Math.min(attempts, TRACKED_ATTEMPTS + 1) - 1);
    }

    /** @return {@code callsByAttempts} built from counts indexed like it; for the snapshot */
    static List<Long> callsByAttempts(long[] counts) {
        List<Long> list = new ArrayList<>(counts.length);
        for (long c : counts) {
            list.add(c);
        }
        return Collections.unmodifiableList(list);
    }

    private static void requireRate(double value, String name) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(name + " must be within [0, 1], was " + value);
        }
    }

    private static void requireNonNegative(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
    }

    private static void requireDuration(Double value, String name) {
        if (value != null && !(value >= 0.0 && value <= Double.MAX_VALUE)) {
            throw new IllegalArgumentException(name + " must be finite and non-negative, was " + value);
        }
    }
}
