package dev.runmetrics.core.node;

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
 * <p>A snapshot taken while other threads record may mix counts from slightly different moments;
 * once recording stops, every count is exact.
 *
 * @param totalExecutions   successes plus failures
 * @param successCount      executions recorded with {@code recordSuccess}
 * @param failureCount      executions recorded with {@code recordFailure}
 * @param retryCount        retries recorded with {@code recordRetry}
 * @param lastExecutionMs   the duration of the most recently recorded execution (of the most
 *                          recently active stripe), or {@code null}
 * @param avgExecutionMs    the mean duration over all executions, or {@code null}
 * @param failureRate       {@code failureCount / totalExecutions}, from 0 to 1; 0 when there are no executions
 * @param p50               the median of the rolling window, or {@code null}
 * @param p90               the 90th percentile of the rolling window, or {@code null}
 * @param p99               the 99th percentile of the rolling window, or {@code null}
 * @param timeoutErrors     failures categorised {@link ErrorCategory#TIMEOUT}
 * @param validationErrors  failures categorised {@link ErrorCategory#VALIDATION}
 * @param networkErrors     failures categorised {@link ErrorCategory#NETWORK}
 * @param otherErrors       failures categorised {@link ErrorCategory#OTHER}
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
        long otherErrors) {

    private static final NodeMetrics EMPTY =
            new NodeMetrics(0, 0, 0, 0, null, null, 0.0, null, null, null, 0, 0, 0, 0);

    /**
     * Checks the invariants: counts are non-negative, the failure rate is within [0, 1], and the
     * durations are finite and non-negative.
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
        if (!(failureRate >= 0.0 && failureRate <= 1.0)) {
            throw new IllegalArgumentException("failureRate must be within [0, 1], was " + failureRate);
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
