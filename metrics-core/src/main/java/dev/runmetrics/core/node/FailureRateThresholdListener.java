package dev.runmetrics.core.node;

/**
 * Told when a node's failure rate over its rolling window rises above the configured threshold:
 * by default the share of failed calls among its last calls, or of failed attempts among its last
 * executions, as {@link NodeMetricsCollector.Builder#failureRateBasis} chose. See
 * {@link NodeMetricsCollector.Builder#failureRateThreshold}.
 *
 * <p>Called on the recording thread, once per crossing; keep it short, or hand off to an executor.
 * An exception it throws is logged and counted and never reaches the code that recorded.
 */
@FunctionalInterface
public interface FailureRateThresholdListener {

    /**
     * @param nodeName the node whose failure rate crossed the threshold
     * @param rate the failure rate over the rolling window at the crossing, from 0 to 1: per call or
     *     per attempt, as the collector's {@link FailureRateBasis} says
     */
    void onFailureRateThreshold(String nodeName, double rate);
}
