package dev.runmetrics.core.node;

/**
 * Decides whether a failed attempt may be retried. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface RetryCondition {

    /**
     * @param error the attempt's failure
     * @param category its category, from the node's {@link ErrorClassifier}
     * @return {@code true} to retry (if attempts remain)
     */
    boolean shouldRetry(Throwable error, ErrorCategory category);
}
