package dev.runmetrics.core.node;

import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The threshold configuration of a collector and the check that fires its listeners.
 * Immutable and thread-safe; the per-node alarm state lives in {@link Alarms}.
 *
 * <p>Both thresholds are evaluated over the rolling window, so that an alarm can clear when the
 * node recovers: the failure rate is the share of failures among the window's samples, and the
 * latency is the window's nearest-rank p99. With {@link FailureRateBasis#PER_CALL} the failure
 * rate is over the node's call window instead (its last {@code windowSize} recorded calls, see
 * {@link NodeState}) and is checked after each call, with the call count in place of the
 * execution count below; a node that records no calls counts its executions as calls of one
 * attempt, so for it the execution window is the call window. It is the same window the snapshot's percentiles use:
 * with several stripes (see {@link NodeState}) the union of the stripes' windows, stale stripes left
 * out. Each alarm is edge-triggered: it fires once when the value rises above the threshold and
 * re-arms only when the value is back at or below it. The check scans the window
 * (O(windowSize × stripes), no allocation once its per-thread buffer is large enough) when the
 * node's execution count, summed over its stripes right after a record, is a multiple of
 * {@code evaluationInterval}: exactly every {@code evaluationInterval}-th record with one stripe;
 * with several, concurrent records may make a check run twice or be skipped.
 */
final class Thresholds {
    private static final System.Logger LOG = System.getLogger(NodeMetricsCollector.class.getName());

    private final double failureRate;
    private final FailureRateBasis basis;
    private final int minExecutions;
    private final FailureRateThresholdListener failureRateListener;
    private final double latencyMs;
    private final LatencyThresholdListener latencyListener;
    private final int evaluationInterval;
    private final LongAdder listenerFailures;

    Thresholds(double failureRate, FailureRateBasis basis, int minExecutions,
            FailureRateThresholdListener failureRateListener,
            double latencyMs, LatencyThresholdListener latencyListener, int evaluationInterval,
            LongAdder listenerFailures) {
        this.failureRate = failureRate;
        this.basis = basis;
        this.minExecutions = minExecutions;
        this.failureRateListener = failureRateListener;
        this.latencyMs = latencyMs;
        this.latencyListener = latencyListener;
        this.evaluationInterval = evaluationInterval;
        this.listenerFailures = listenerFailures;
    }

    /** Per-node alarm state: one flag per threshold, set while the value is above it. */
    static final class Alarms {
        final AtomicBoolean failureRateRaised = new AtomicBoolean();
        final AtomicBoolean latencyRaised = new AtomicBoolean();
    }

    /** Called after each recorded call of {@code state}; cheap unless it is this call's turn to check. */
    void afterCall(String nodeName, NodeState state) {
        if (failureRateListener == null || basis != FailureRateBasis.PER_CALL) {
            return;
        }
        if (evaluationInterval > 1 && state.recordedCalls() % evaluationInterval != 0) {
            return;
        }
        long window = state.callWindow();
        int n = (int) (window >>> 32);
        if (n > 0) {
            checkFailureRate(nodeName, state.alarms, n, (int) window);
        }
    }

    /** Called after each record of {@code state}; cheap unless it is this record's turn to check. */
    void afterRecord(String nodeName, NodeState state) {
        Alarms alarms = state.alarms;
        boolean failureRateOfExecutions = failureRateListener != null
                && (basis == FailureRateBasis.PER_ATTEMPT || !state.countsRecordedCalls());
        if (!failureRateOfExecutions && latencyListener == null) {
            return;
        }
        long executions = state.executions();
        if (evaluationInterval > 1 && executions % evaluationInterval != 0) {
            return;
        }
        long[] window = WINDOW_BUFFER.get();
        int capacity = state.windowCapacity();
        if (window.length < capacity) { // grows with the node's stripes, at most log2(stripes) times
            window = new long[capacity];
            WINDOW_BUFFER.set(window);
        }
        int n = state.copyWindow(window);
        if (n == 0) {
            return;
        }
        int failed = 0;
        int slow = 0;
        for (int i = 0; i < n; i++) {
            long bits = window[i];
            if (NodeState.isFailure(bits)) {
                failed++;
            }
            if (NodeState.durationOf(bits) > latencyMs) {
                slow++;
            }
        }
        if (failureRateOfExecutions) {
            checkFailureRate(nodeName, alarms, n, failed);
        }
        if (latencyListener != null) {
            // Nearest-rank p99 is above the threshold exactly when fewer than rank(p99) samples
            // are at or below it, i.e. when at least n - rank + 1 samples are above it.
            int rank = Percentiles.nearestRankIndex(n, 99) + 1;
            boolean above = slow >= n - rank + 1;
            if (above && alarms.latencyRaised.compareAndSet(false, true)) {
                for (int i = 0; i < n; i++) {
                    window[i] &= Long.MAX_VALUE;
                }
                Arrays.sort(window, 0, n);
                notifyLatency(nodeName, Double.longBitsToDouble(window[rank - 1]));
            } else if (!above) {
                alarms.latencyRaised.set(false);
            }
        }
    }

    private void checkFailureRate(String nodeName, Alarms alarms, int n, int failed) {
        double rate = (double) failed / n;
        boolean above = n >= minExecutions && rate > failureRate;
        if (above && alarms.failureRateRaised.compareAndSet(false, true)) {
            notifyFailureRate(nodeName, rate);
        } else if (!above && rate <= failureRate) {
            alarms.failureRateRaised.set(false);
        }
    }

    /** A per-thread scratch array, so that the check allocates nothing after the first call. */
    private static final ThreadLocal<long[]> WINDOW_BUFFER = ThreadLocal.withInitial(() -> new long[0]);

    private void notifyFailureRate(String nodeName, double rate) {
        try {
            failureRateListener.onFailureRateThreshold(nodeName, rate);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            listenerFailures.increment();
            LOG.log(Level.WARNING, "failure-rate threshold listener threw for node '" + nodeName + "'", e);
        }
    }

    private void notifyLatency(String nodeName, double p99) {
        try {
            latencyListener.onLatencyThreshold(nodeName, p99);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            listenerFailures.increment();
            LOG.log(Level.WARNING, "latency threshold listener threw for node '" + nodeName + "'", e);
        }
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        if (failureRateListener != null) {
            text.append("failureRate>").append(failureRate).append(' ').append(basis).append(" after ")
                    .append(minExecutions).append(basis == FailureRateBasis.PER_CALL ? " calls" : " executions");
        }
        if (latencyListener != null) {
            if (text.length() > 0) {
                text.append(", ");
            }
            text.append("p99>").append(latencyMs).append("ms");
        }
        return text.append(", every ").append(evaluationInterval).append(" record(s)").toString();
    }
}
