package dev.runmetrics.core.node;

/**
 * The category a node failure is counted under.
 *
 * <p>Each category has its own counter in {@link NodeMetrics}: {@code timeoutErrors},
 * {@code validationErrors}, {@code networkErrors} and {@code otherErrors}. An
 * {@link ErrorClassifier} maps exceptions to categories.
 */
public enum ErrorCategory {
    /** The node did not finish in time: a configured node timeout, or a timeout exception it threw. */
    TIMEOUT,
    /** The input was rejected: retrying with the same input would fail again. */
    VALIDATION,
    /** An I/O or connection failure: usually transient. */
    NETWORK,
    /** Anything else. */
    OTHER
}
