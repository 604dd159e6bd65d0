package dev.runmetrics.core.node;

/**
 * Told when a node's p99 latency over its rolling window rises above the configured threshold
 * See {@link NodeMetricsCollector.Builder#latencyThreshold}.
 *
 * <p>Called on the recording thread, once per crossing; keep it short, or hand off to an executor.
 * An exception it throws is logged and counted and never reaches the code that recorded.
 */
@FunctionalInterface
public interface LatencyThresholdListener {

    /**
     * @param nodeName the node whose p99 crossed the threshold
     * @param p99Ms the p99 over the rolling window at the crossing, in milliseconds
     */
    void onLatencyThreshold(String nodeName, double p99Ms);
}
