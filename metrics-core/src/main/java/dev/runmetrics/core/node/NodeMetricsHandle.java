package dev.runmetrics.core.node;

/**
 * A node's metrics, pre-bound by {@link NodeMetricsCollector#node(String)} so that recording skips
 * the look-up by name: the hot path for code that records the same node over and over.
 *
 * <pre>{@code
 * NodeMetricsHandle fetch = collector.node("fetch");
 * fetch.recordSuccess(12.5);
 * }</pre>
 *
 * <p>Thread-safe and lock-free: any number of threads may record through the same handle. The
 * handle stays valid across {@link NodeMetricsCollector#resetNodeMetrics(String) resets}: it then
 * records into the node's fresh state. Argument rules are those of the collector's methods.
 */
public final class NodeMetricsHandle {
    private final String nodeName;
    private final NodeMetricsCollector collector;
    private final Thresholds thresholds;
    private final DurationBuckets buckets;
    private volatile NodeState state;

    NodeMetricsHandle(String nodeName, NodeMetricsCollector collector, Thresholds thresholds, int windowSize,
            DurationBuckets buckets) {
        this.nodeName = nodeName;
        this.collector = collector;
        this.thresholds = thresholds;
        this.buckets = buckets;
        this.state = new NodeState(windowSize, buckets);
    }

    /** @return the node's name */
    public String name() {
        return nodeName;
    }

    /**
     * Records a successful execution.
     *
     * @param durationMs how long it took, in milliseconds; see {@link NodeMetricsCollector#recordSuccess}
     * @throws IllegalArgumentException if {@code durationMs} is NaN or infinite
     */
    public void recordSuccess(double durationMs) {
        NodeState current = state;
        current.recordSuccess(collector.checkDuration(nodeName, durationMs));
        if (thresholds != null) {
            thresholds.afterRecord(nodeName, current);
        }
    }

    /**
     * Records a failed execution.
     *
     * @param durationMs how long it took, in milliseconds
     * @param category the failure's category
     * @throws IllegalArgumentException if {@code durationMs} is NaN or infinite
     * @throws NullPointerException if {@code category} is null
     */
    public void recordFailure(double durationMs, ErrorCategory category) {
        if (category == null) {
            throw new NullPointerException("category");
        }
        NodeState current = state;
        current.recordFailure(collector.checkDuration(nodeName, durationMs), category);
        if (thresholds != null) {
            thresholds.afterRecord(nodeName, current);
        }
    }

    /**
     * Records a failed execution, categorised by the collector's {@link ErrorClassifier}.
     *
     * @param durationMs how long it took, in milliseconds
     * @param error the failure
     * @throws IllegalArgumentException if {@code durationMs} is NaN or infinite
     * @throws NullPointerException if {@code error} is null
     */
    public void recordFailure(double durationMs, Throwable error) {
        if (error == null) {
            throw new NullPointerException("error");
        }
        recordFailure(durationMs, collector.classify(error));
    }

    /**
     * Records that the node is about to be retried.
     *
     * @param attemptNumber the number of the attempt about to start (2 for the first retry)
     * @throws IllegalArgumentException if {@code attemptNumber < 1}
     */
    public void recordRetry(int attemptNumber) {
        if (attemptNumber < 1) {
            throw new IllegalArgumentException("attemptNumber must be at least 1, was " + attemptNumber);
        }
        state.recordRetry();
    }

    /** @return a snapshot of this node's metrics */
    public NodeMetrics metrics() {
        return state.snapshot();
    }

    /** @return a snapshot of this node's cumulative duration histogram */
    public NodeDurationHistogram durationHistogram() {
        return state.histogram();
    }

    /** Clears this node's metrics and threshold alarms. */
    void reset(int windowSize) {
        state = new NodeState(windowSize, buckets);
    }

    /** @return the node's current state; for tests */
    NodeState state() {
        return state;
    }

    boolean hasActivity() {
        return state.hasActivity();
    }

    @Override
    public String toString() {
        return "NodeMetricsHandle[" + nodeName + "]";
    }
}
