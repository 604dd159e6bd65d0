package dev.runmetrics.core.node;

import java.util.Arrays;

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
 * Each record is also handed to the collector's {@link NodeObserver}s, if any: without one that
 * costs a field read.
 */
public final class NodeMetricsHandle {
    private final String nodeName;
    private final NodeMetricsCollector collector;
    private final Thresholds thresholds;
    private final DurationBuckets buckets;
    private volatile NodeState state;
    /** The observers' receivers for this node, or null while there are none (the common case). */
    private volatile NodeObserver.Records[] observed;
    /** How many of the collector's observers have been asked for this node; guarded by {@code this}. */
    private volatile int boundObservers;

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
        double recorded = collector.checkDuration(nodeName, durationMs);
        current.recordSuccess(recorded);
        NodeObserver.Records[] observers = observed;
        if (observers != null) {
            notifySuccess(observers, recorded);
            if (!current.countsRecordedCalls()) { // the execution is also a call of one attempt
                notifyCall(observers, 1, true);
            }
        }
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
        double recorded = collector.checkDuration(nodeName, durationMs);
        current.recordFailure(recorded, category);
        NodeObserver.Records[] observers = observed;
        if (observers != null) {
            notifyFailure(observers, recorded, category);
            if (!current.countsRecordedCalls()) {
                notifyCall(observers, 1, false);
            }
        }
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
        NodeObserver.Records[] observers = observed;
        if (observers != null) {
            notifyRetry(observers, attemptNumber);
        }
    }

    /**
     * Records the end of a call: one invocation by the node's caller, which took {@code attempts}
     * attempts and failed if its last attempt failed. See {@link NodeMetricsCollector#recordCall}
     * for how calls and executions go together.
     *
     * @param attempts how many attempts the call took, at least 1
     * @param succeeded whether its last attempt succeeded
     * @throws IllegalArgumentException if {@code attempts < 1}
     */
    public void recordCall(int attempts, boolean succeeded) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
        }
        NodeState current = state;
        current.recordCall(attempts, succeeded);
        NodeObserver.Records[] observers = observed;
        if (observers != null) {
            notifyCall(observers, attempts, succeeded);
        }
        if (thresholds != null) {
            thresholds.afterCall(nodeName, current);
        }
    }

    /**
     * Says that this node's calls are recorded with {@link #recordCall}: from now on it counts
     * only those, not each execution as a call. A host that records calls by hand calls this
     * before a node's first attempt (a created node does), so that the attempts of its first call
     * are not also counted as calls of one attempt. Idempotent; costs a volatile read once set.
     */
    public void recordsCalls() {
        state.recordsCalls();
    }

    /** @return a snapshot of this node's metrics */
    public NodeMetrics metrics() {
        return state.snapshot();
    }

    /** @return a snapshot of this node's cumulative duration histogram */
    public NodeDurationHistogram durationHistogram() {
        return state.histogram();
    }

    // An observer never breaks recording: what it throws is counted and logged by the collector.

    private void notifySuccess(NodeObserver.Records[] observers, double durationMs) {
        for (NodeObserver.Records records : observers) {
            try {
                records.onSuccess(durationMs);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                collector.observerFailed(nodeName, e);
            }
        }
    }

    private void notifyFailure(NodeObserver.Records[] observers, double durationMs, ErrorCategory category) {
        for (NodeObserver.Records records : observers) {
            try {
                records.onFailure(durationMs, category);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                collector.observerFailed(nodeName, e);
            }
        }
    }

    private void notifyRetry(NodeObserver.Records[] observers, int attemptNumber) {
        for (NodeObserver.Records records : observers) {
            try {
                records.onRetry(attemptNumber);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                collector.observerFailed(nodeName, e);
            }
        }
    }

    private void notifyCall(NodeObserver.Records[] observers, int attempts, boolean succeeded) {
        for (NodeObserver.Records records : observers) {
            try {
                records.onCall(attempts, succeeded);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                collector.observerFailed(nodeName, e);
            }
        }
    }

    /** @return whether the first {@code observerCount} of the collector's observers have all been asked for this node */
    boolean boundTo(int observerCount) {
        return boundObservers >= observerCount;
    }

    /**
     * Asks each of {@code observers} that this node has not asked yet for its receiver. Observers
     * are only ever appended, so a position names the same observer in every later array.
     */
    synchronized void bindObservers(NodeObserver[] observers) {
        int from = boundObservers;
        if (from >= observers.length) {
            return;
        }
        NodeObserver.Records[] current = observed;
        NodeObserver.Records[] next = current == null ? new NodeObserver.Records[0] : current;
        for (int i = from; i < observers.length; i++) {
            NodeObserver.Records records = null;
            try {
                records = observers[i].forNode(nodeName);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                collector.observerFailed(nodeName, e); // this observer then leaves the node out
            }
            if (records != null) {
                next = Arrays.copyOf(next, next.length + 1);
                next[next.length - 1] = records;
            }
        }
        if (next.length > 0) {
            observed = next;
        }
        boundObservers = observers.length;
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
