package dev.runmetrics.core.node;

import dev.runmetrics.core.internal.JsonText;
import dev.runmetrics.core.time.Clock;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Collects per-node execution metrics: counts of successes, failures by {@link ErrorCategory} and
 * retries, the last and mean duration, and p50/p90/p99 over a rolling window of the last
 * {@code windowSize} executions; and, per call, how many calls ended, failed, and took how many
 * attempts.
 *
 * <pre>{@code
 * NodeMetricsCollector collector = NodeMetricsCollector.create();
 * collector.recordSuccess("fetch", 12.5);
 * collector.recordFailure("fetch", 30_000, ErrorCategory.TIMEOUT);
 * NodeMetrics fetch = collector.getNodeMetrics("fetch");
 * String json = collector.toJSON();
 * }</pre>
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>Percentiles use the nearest-rank definition over the window; see {@link NodeMetrics}.
 *   <li>A negative duration is clamped to 0 and a warning is logged (through {@link System.Logger});
 *       a duration above {@link #MAX_DURATION_MS} (2<sup>63</sup> ns, about 292 years) is clamped to
 *       it, so sums and averages never overflow. A NaN or infinite duration is a bug at the call
 *       site and is rejected with {@link IllegalArgumentException}; a {@code null} or empty node name
 *       likewise ({@link NullPointerException}, {@link IllegalArgumentException}). Created nodes
 *       ({@link Nodes#createNode}) never pass such values.
 *   <li>Thresholds, when configured, fire their listener once when crossed and re-arm when the value
 *       falls back; see {@link Builder#failureRateThreshold} and {@link Builder#latencyThreshold}.
 *       A listener that throws is logged and counted ({@link #listenerFailures()}); recording goes on.
 *   <li>{@link NodeObserver}s ({@link #addObserver}) see every record as it happens, to feed another
 *       metrics system; one that throws is logged and counted ({@link #observerFailures()}).
 *   <li>Executions are attempts; a call is one invocation by the caller with all its attempts, and
 *       fails only when its last attempt fails. {@link NodeMetrics#failureRate()} is per attempt,
 *       {@link NodeMetrics#callFailureRate()} per call; the failure-rate threshold watches calls
 *       unless {@link Builder#failureRateBasis} says otherwise. How calls are recorded: see
 *       {@link #recordCall}.
 * </ul>
 *
 * <h2>Thread-safety</h2>
 * Every method is thread-safe. Recording is lock-free and allocates nothing once a node is known
 * (and its stripes have grown to what its contention needs): no update is lost however many threads
 * record into the same node ({@link NodeObserver}s, if any, run inside the call and add their own
 * cost). Snapshots ({@link #getNodeMetrics}, {@link #toJSON}) never block
 * recording; see {@link NodeMetrics} for what a snapshot taken during recording may mix. A node
 * keeps an ascending copy of its window between snapshots, so a snapshot costs about what changed
 * since the previous one (a compare of the window when nothing did); readers never wait for each
 * other either: one that comes while another has that copy selects over a copy of its own.
 *
 * <h2>Recording under contention: stripes</h2>
 * Each node records into stripes, like {@link java.util.concurrent.atomic.LongAdder}'s cells, so
 * that threads recording the same node at the same moment do not write to the same cache lines:
 * <ul>
 *   <li>A node starts with one stripe. A thread claims the next slot of its stripe with one
 *       compare-and-set; if another thread won it (or left its mark on the stripe this thread used
 *       last, which catches two threads sharing a stripe without colliding), the thread moves to
 *       another stripe (a per-thread probe) and the node's stripe table doubles, up to the next power of two at or above the
 *       number of processors (at most 64, and at most 2<sup>22</sup> window slots per node).
 *       Stripes stay until the node is reset.
 *   <li>Each stripe keeps its own last {@code windowSize} samples. The window that percentiles and
 *       thresholds use is the union of the stripes' windows, so up to {@code windowSize × stripes}
 *       samples. Only real samples are ever in it.
 *   <li>A stripe is left out of the window when it is stale: counted in records, not in time,
 *       through an epoch that each stripe advances every 64 of its records and stamps on every
 *       record. With {@code S} stripes, a stripe is stale once its stamp is more than
 *       {@code ceil(windowSize / 64) + S} epochs behind the newest. So a stripe is left out only
 *       after more than {@code windowSize} records went into other stripes since its last record, and
 *       its next record brings it back.
 *   <li>After contention ends, a thread that records alone keeps its stripe; once it has recorded
 *       {@code (ceil(windowSize / 64) + S + 1) × 64} samples (320 for the default window and two
 *       stripes), every other stripe is stale, and the percentiles are again exactly those of its
 *       last {@code windowSize} samples.
 *   <li>Counts, the average and the failure rate are lifetime totals over all stripes and stay
 *       exact. {@code lastExecutionMs} is the last sample of the stripe with the newest stamp (of
 *       those, the one with the most samples): exact with one stripe.
 * </ul>
 */
public final class NodeMetricsCollector {
    /** The largest duration recorded, in milliseconds: 2<sup>63</sup>-1 nanoseconds. */
    public static final double MAX_DURATION_MS = Long.MAX_VALUE / 1_000_000.0;

    /** The default number of executions per node that percentiles are computed over. */
    public static final int DEFAULT_WINDOW_SIZE = 100;

    /**
     * The largest window size accepted, to keep one node's memory bounded: 8 MiB per stripe, and a
     * node's stripes hold at most 2<sup>22</sup> samples (32 MiB) together.
     */
    public static final int MAX_WINDOW_SIZE = 1 << 20;

    /** The default number of executions a node needs before its failure-rate threshold can fire. */
    public static final int DEFAULT_FAILURE_RATE_MIN_EXECUTIONS = 10;

    private static final System.Logger LOG = System.getLogger(NodeMetricsCollector.class.getName());

    private final int windowSize;
    private final DurationBuckets durationBuckets;
    private final Thresholds thresholds;
    private final ErrorClassifier classifier;
    private final Clock clock;
    private final String description;
    private final LongAdder listenerFailures;
    private final AtomicLong clampedDurations = new AtomicLong();
    private final ConcurrentHashMap<String, NodeMetricsHandle> nodes = new ConcurrentHashMap<>();
    private final Object observerLock = new Object();
    /** Append-only (copy on write, under {@code observerLock}): a position always names the same observer. */
    private volatile NodeObserver[] observers = new NodeObserver[0];
    /** {@code observers.length}, written after it: one field read tells {@link #node} there is nothing to bind. */
    private volatile int observerCount;
    private final AtomicLong observerFailures = new AtomicLong();

    private NodeMetricsCollector(Builder builder, LongAdder listenerFailures) {
        this.windowSize = builder.windowSize;
        this.durationBuckets = builder.durationBuckets;
        this.classifier = builder.classifier;
        this.clock = builder.clock;
        this.listenerFailures = listenerFailures;
        this.thresholds = builder.failureRateListener == null && builder.latencyListener == null
                ? null
                : new Thresholds(builder.failureRate, builder.failureRateBasis, builder.failureRateMinExecutions,
                        builder.failureRateListener, builder.latencyMs, builder.latencyListener,
                        builder.thresholdEvaluationInterval, listenerFailures);
        this.description = "NodeMetricsCollector{windowSize=" + windowSize + ", " + durationBuckets
                + ", thresholds=" + (thresholds == null ? "none" : thresholds)
                + ", classifier=" + classifier + ", clock=" + clock + "}";
    }

    /**
     * Returns a collector with the defaults: a window of {@value #DEFAULT_WINDOW_SIZE}, no
     * thresholds, the default classifier and the system clock.
     *
     * @return a new collector
     */
    public static NodeMetricsCollector create() {
        return builder().build();
    }

    /**
     * Returns a builder for a collector with non-default settings.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the pre-bound handle of a node, creating the node if it is new. Recording through the
     * handle skips the look-up by name.
     *
     * @param nodeName the node's name
     * @return the node's handle; the same instance for the same name
     * @throws NullPointerException if {@code nodeName} is null
     * @throws IllegalArgumentException if {@code nodeName} is empty
     */
    public NodeMetricsHandle node(String nodeName) {
        NodeMetricsHandle handle = nodes.get(checkName(nodeName));
        if (handle == null) {
            handle = nodes.computeIfAbsent(nodeName,
                    name -> new NodeMetricsHandle(name, this, thresholds, windowSize, durationBuckets));
        }
        int count = observerCount;
        if (count != 0 && !handle.boundTo(count)) {
            // A new node (or one that an addObserver running right now has not reached yet). The
            // count is read after the node is in the map and addObserver publishes its observer
            // before it walks the map, so one of the two binds it.
            handle.bindObservers(observers);
        }
        return handle;
    }

    /**
     * Adds an observer that sees every record of every node from now on: it is asked at once for
     * the receivers of the nodes that exist, and for each node created later when the node is
     * created. Observers cannot be removed; they are called in the order added. A collector
     * without observers pays one field read per record for this hook.
     *
     * @param observer the observer
     * @throws NullPointerException if {@code observer} is null
     */
    public void addObserver(NodeObserver observer) {
        Objects.requireNonNull(observer, "observer");
        NodeObserver[] all;
        synchronized (observerLock) {
            NodeObserver[] current = observers;
            all = Arrays.copyOf(current, current.length + 1);
            all[current.length] = observer;
            observers = all;
            observerCount = all.length;
        }
        for (NodeMetricsHandle handle : nodes.values()) {
            handle.bindObservers(all);
        }
    }

    /**
     * Records a successful execution of a node.
     *
     * @param nodeName the node's name
     * @param durationMs how long it took, in milliseconds; negative is clamped to 0 with a warning
     * @throws NullPointerException if {@code nodeName} is null
     * @throws IllegalArgumentException if {@code nodeName} is empty or {@code durationMs} is NaN or infinite
     */
    public void recordSuccess(String nodeName, double durationMs) {
        node(nodeName).recordSuccess(durationMs);
    }

    /**
     * Records a failed execution of a node.
     *
     * @param nodeName the node's name
     * @param durationMs how long it took, in milliseconds; negative is clamped to 0 with a warning
     * @param category the failure's category
     * @throws NullPointerException if {@code nodeName} or {@code category} is null
     * @throws IllegalArgumentException if {@code nodeName} is empty or {@code durationMs} is NaN or infinite
     */
    public void recordFailure(String nodeName, double durationMs, ErrorCategory category) {
        node(nodeName).recordFailure(durationMs, category);
    }

    /**
     * Records a failed execution of a node, categorised by this collector's {@link ErrorClassifier}.
     *
     * @param nodeName the node's name
     * @param durationMs how long it took, in milliseconds; negative is clamped to 0 with a warning
     * @param error the failure
     * @throws NullPointerException if {@code nodeName} or {@code error} is null
     * @throws IllegalArgumentException if {@code nodeName} is empty or {@code durationMs} is NaN or infinite
     */
    public void recordFailure(String nodeName, double durationMs, Throwable error) {
        node(nodeName).recordFailure(durationMs, error);
    }

    /**
     * Records that a node is about to be retried.
     *
     * @param nodeName the node's name
     * @param attemptNumber the number of the attempt about to start (2 for the first retry)
     * @throws NullPointerException if {@code nodeName} is null
     * @throws IllegalArgumentException if {@code nodeName} is empty or {@code attemptNumber < 1}
     */
    public void recordRetry(String nodeName, int attemptNumber) {
        node(nodeName).recordRetry(attemptNumber);
    }

    /**
     * Records the end of a call: one invocation by the node's caller, which took {@code attempts}
     * attempts and failed if its last attempt failed. It records no execution: record each attempt
     * as usual ({@link #recordSuccess}, {@link #recordFailure}, and {@link #recordRetry} between
     * them), then the call.
     *
     * <p>The rule: until a node records its first call (since it was created or reset), each of its
     * executions also counts as a call of one attempt, so a node recorded by hand without calls has
     * per-call numbers equal to its per-attempt ones. From its first call on, only recorded calls
     * count; the executions before it stay counted as calls of one attempt (counts never go down),
     * so the attempts of that first call, recorded before it, count as such calls too, unless the
     * host said so first with {@link NodeMetricsHandle#recordsCalls()} (on {@link #node}). Nodes
     * made by {@link Nodes#createNode} record each call at its end and switch before their first
     * attempt, so none of their executions count as calls of their own. Record calls on a node for
     * every call or for none.
     *
     * @param nodeName the node's name
     * @param attempts how many attempts the call took, at least 1; more than
     *     {@value NodeMetrics#TRACKED_ATTEMPTS} are counted together
     * @param succeeded whether its last attempt succeeded
     * @throws NullPointerException if {@code nodeName} is null
     * @throws IllegalArgumentException if {@code nodeName} is empty or {@code attempts < 1}
     */
    public void recordCall(String nodeName, int attempts, boolean succeeded) {
        node(nodeName).recordCall(attempts, succeeded);
    }

    /**
     * Returns a snapshot of a node's metrics. An unknown node gives {@link NodeMetrics#empty()}:
     * zero counts and no durations. Looking a node up does not create it.
     *
     * @param nodeName the node's name
     * @return the node's metrics
     * @throws NullPointerException if {@code nodeName} is null
     */
    public NodeMetrics getNodeMetrics(String nodeName) {
        NodeMetricsHandle handle = nodes.get(Objects.requireNonNull(nodeName, "nodeName"));
        return handle == null ? NodeMetrics.empty() : handle.metrics();
    }

    /**
     * Returns a snapshot of every node that has recorded something since it was created or last
     * reset, sorted by name.
     *
     * @return an unmodifiable map from node name to metrics
     */
    public Map<String, NodeMetrics> getAllNodeMetrics() {
        TreeMap<String, NodeMetrics> all = new TreeMap<>();
        nodes.forEach((name, handle) -> {
            if (handle.hasActivity()) {
                all.put(name, handle.metrics());
            }
        });
        return Collections.unmodifiableMap(all);
    }

    /**
     * Returns a snapshot of a node's cumulative duration histogram (every execution since creation or
     * the last reset, over {@link #durationBuckets()}). An unknown node gives empty buckets. Looking a
     * node up does not create it.
     *
     * @param nodeName the node's name
     * @return the node's histogram
     * @throws NullPointerException if {@code nodeName} is null
     */
    public NodeDurationHistogram getDurationHistogram(String nodeName) {
        NodeMetricsHandle handle = nodes.get(Objects.requireNonNull(nodeName, "nodeName"));
        return handle == null ? new NodeState(1, 1, durationBuckets).histogram() : handle.durationHistogram();
    }

    /** @return the bounds of every node's cumulative duration histogram */
    public DurationBuckets durationBuckets() {
        return durationBuckets;
    }

    /**
     * Clears one node's metrics and threshold alarms. An unknown node is a no-op. Handles of the node
     * stay valid.
     *
     * @param nodeName the node's name
     * @throws NullPointerException if {@code nodeName} is null
     */
    public void resetNodeMetrics(String nodeName) {
        NodeMetricsHandle handle = nodes.get(Objects.requireNonNull(nodeName, "nodeName"));
        if (handle != null) {
            handle.reset(windowSize);
        }
    }

    /** Clears every node's metrics and threshold alarms. Handles stay valid. */
    public void resetNodeMetrics() {
        nodes.values().forEach(handle -> handle.reset(windowSize));
    }

    /**
     * Returns a JSON object keyed by node name (sorted), holding for each node that has recorded
     * something the keys {@code totalExecutions, successCount, failureCount, retryCount,
     * lastExecutionMs, avgExecutionMs, failureRate, p50, p90, p99, timeoutErrors, validationErrors,
     * networkErrors, otherErrors, callCount, failedCallCount, callFailureRate, callsByAttempts}
     * (see {@link NodeMetrics}; {@code callsByAttempts} is an array of
     * {@value NodeMetrics#TRACKED_ATTEMPTS} + 1 counts). Durations without samples are {@code null}.
     *
     * @return the snapshot as JSON text
     */
    public String toJSON() {
        Map<String, NodeMetrics> all = getAllNodeMetrics();
        StringBuilder json = new StringBuilder(64 + all.size() * 320).append('{');
        boolean first = true;
        for (Map.Entry<String, NodeMetrics> entry : all.entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            JsonText.appendString(json, entry.getKey());
            json.append(':');
            appendMetrics(json, entry.getValue());
        }
        return json.append('}').toString();
    }

    private static void appendMetrics(StringBuilder json, NodeMetrics m) {
        json.append("{\"totalExecutions\":").append(m.totalExecutions())
                .append(",\"successCount\":").append(m.successCount())
                .append(",\"failureCount\":").append(m.failureCount())
                .append(",\"retryCount\":").append(m.retryCount())
                .append(",\"lastExecutionMs\":");
        JsonText.appendNumber(json, m.lastExecutionMs());
        json.append(",\"avgExecutionMs\":");
        JsonText.appendNumber(json, m.avgExecutionMs());
        json.append(",\"failureRate\":");
        JsonText.appendNumber(json, m.failureRate());
        json.append(",\"p50\":");
        JsonText.appendNumber(json, m.p50());
        json.append(",\"p90\":");
        JsonText.appendNumber(json, m.p90());
        json.append(",\"p99\":");
        JsonText.appendNumber(json, m.p99());
        json.append(",\"timeoutErrors\":").append(m.timeoutErrors())
                .append(",\"validationErrors\":").append(m.validationErrors())
                .append(",\"networkErrors\":").append(m.networkErrors())
                .append(",\"otherErrors\":").append(m.otherErrors())
                .append(",\"callCount\":").append(m.callCount())
                .append(",\"failedCallCount\":").append(m.failedCallCount())
                .append(",\"callFailureRate\":");
        JsonText.appendNumber(json, m.callFailureRate());
        json.append(",\"callsByAttempts\":[");
        for (int i = 0; i < m.callsByAttempts().size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(m.callsByAttempts().get(i).longValue());
        }
        json.append("]}");
    }

    /** @return the number of executions each node's percentiles are computed over */
    public int windowSize() {
        return windowSize;
    }

    /** @return the clock this collector was built with; created nodes time with it by default */
    public Clock clock() {
        return clock;
    }

    /** @return the classifier used by {@link #recordFailure(String, double, Throwable)} */
    public ErrorClassifier errorClassifier() {
        return classifier;
    }

    /** @return how many times a threshold listener has thrown */
    public long listenerFailures() {
        return listenerFailures.sum();
    }

    /** @return how many times a {@link NodeObserver} (or its per-node receiver) has thrown */
    public long observerFailures() {
        return observerFailures.get();
    }

    /** @return how many durations were clamped (negative, or above {@link #MAX_DURATION_MS}) */
    public long clampedDurations() {
        return clampedDurations.get();
    }

    @Override
    public String toString() {
        return description;
    }

    ErrorCategory classify(Throwable error) {
        try {
            ErrorCategory category = classifier.classify(error);
            return category == null ? ErrorCategory.OTHER : category;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "error classifier threw; counting the failure as OTHER", e);
            return ErrorCategory.OTHER;
        }
    }

    void observerFailed(String nodeName, Throwable e) {
        long failures = observerFailures.incrementAndGet();
        // The first few and then one in a thousand: a broken observer on a hot node must not flood the log.
        if (failures <= 10 || failures % 1000 == 0) {
            LOG.log(Level.WARNING, "a NodeObserver threw for node '" + nodeName + "' (" + failures
                    + " observer failures so far); recording goes on", e);
        }
    }

    /** Returns {@code durationMs} as it is recorded: clamped into range, never -0.0. */
    double checkDuration(String nodeName, double durationMs) {
        if (durationMs >= 0.0 && durationMs <= MAX_DURATION_MS) {
            return durationMs + 0.0; // turns -0.0 into 0.0, whose sign bit is free for the failure flag
        }
        if (Double.isNaN(durationMs) || Double.isInfinite(durationMs)) {
            throw new IllegalArgumentException(
                    "durationMs must be a finite number, was " + durationMs + " for node '" + nodeName + "'");
        }
        long clamped = clampedDurations.incrementAndGet();
        // The first few and then one in a thousand: a caller with a broken clock must not flood the log.
        if (clamped <= 10 || clamped % 1000 == 0) {
            LOG.log(Level.WARNING, "duration " + durationMs + " ms of node '" + nodeName + "' is out of range; clamped to "
                    + (durationMs < 0 ? "0" : MAX_DURATION_MS + " ms") + " (" + clamped + " clamped so far)");
        }
        return durationMs < 0 ? 0.0 : MAX_DURATION_MS;
    }

    private static String checkName(String nodeName) {
        if (nodeName == null) {
            throw new NullPointerException("nodeName");
        }
        if (nodeName.isEmpty()) {
            throw new IllegalArgumentException("nodeName must not be empty");
        }
        return nodeName;
    }

    /**
     * Builds a {@link NodeMetricsCollector}. Each setter checks its argument at once. Not
     * thread-safe; a builder may build any number of collectors.
     */
    public static final class Builder {
        private int windowSize = DEFAULT_WINDOW_SIZE;
        private DurationBuckets durationBuckets = DurationBuckets.defaults();
        private double failureRate = Double.NaN;
        private FailureRateBasis failureRateBasis = FailureRateBasis.PER_CALL;
        private int failureRateMinExecutions = DEFAULT_FAILURE_RATE_MIN_EXECUTIONS;
        private FailureRateThresholdListener failureRateListener;
        private double latencyMs = Double.POSITIVE_INFINITY;
        private LatencyThresholdListener latencyListener;
        private int thresholdEvaluationInterval = 1;
        private ErrorClassifier classifier = ErrorClassifier.defaults();
        private Clock clock = Clock.system();

        private Builder() {
        }

        /**
         * Sets how many of a node's most recent executions its percentiles (and thresholds) are
         * computed over; per stripe when threads contend (see the class comment). Default
         * {@value NodeMetricsCollector#DEFAULT_WINDOW_SIZE}.
         *
         * @param windowSize from 1 to {@value NodeMetricsCollector#MAX_WINDOW_SIZE}
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder windowSize(int windowSize) {
            if (windowSize < 1 || windowSize > MAX_WINDOW_SIZE) {
                throw new IllegalArgumentException(
                        "windowSize must be from 1 to " + MAX_WINDOW_SIZE + ", was " + windowSize);
            }
            this.windowSize = windowSize;
            return this;
        }

        /**
         * Sets the bounds of each node's cumulative duration histogram
         * ({@link NodeMetricsCollector#getDurationHistogram}), which exporters publish as a histogram
         * that aggregates across instances. Default {@link DurationBuckets#defaults()}. Each record
         * costs one more atomic increment, whatever the bounds.
         *
         * @param buckets the bounds
         * @return this builder
         * @throws NullPointerException if {@code buckets} is null
         */
        public Builder durationBuckets(DurationBuckets buckets) {
            this.durationBuckets = Objects.requireNonNull(buckets, "buckets");
            return this;
        }

        /**
         * Calls {@code listener} when a node's failure rate over its window rises above
         * {@code rate}, once per crossing; it can fire again after the rate is back at or below
         * {@code rate}. The rate is per call (failed calls among the node's last {@code windowSize}
         * calls) by default, or per attempt (failed executions among its last {@code windowSize}
         * executions): see {@link #failureRateBasis}. It waits until the window holds at least
         * {@link #failureRateMinExecutions(int) failureRateMinExecutions} calls or executions, so
         * that one early failure is not a 100% failure rate.
         *
         * @param rate the threshold, from 0 (any failure) to 1 exclusive
         * @param listener told of each crossing
         * @return this builder
         * @throws IllegalArgumentException if {@code rate} is not within [0, 1)
         * @throws NullPointerException if {@code listener} is null
         * @throws IllegalStateException if a failure-rate threshold is already set
         */
        public Builder failureRateThreshold(double rate, FailureRateThresholdListener listener) {
            if (!(rate >= 0.0 && rate < 1.0)) {
                throw new IllegalArgumentException("failure-rate threshold must be within [0, 1), was " + rate);
            }
            Objects.requireNonNull(listener, "listener");
            if (failureRateListener != null) {
                throw new IllegalStateException("a failure-rate threshold is already set");
            }
            this.failureRate = rate;
            this.failureRateListener = listener;
            return this;
        }

        /**
         * Sets what the failure-rate threshold watches: {@link FailureRateBasis#PER_CALL} (the
         * default), the share of failed calls, so a node whose retries succeed does not alarm; or
         * {@link FailureRateBasis#PER_ATTEMPT}, the share of failed executions, retried ones included.
         *
         * @param basis the basis
         * @return this builder
         * @throws NullPointerException if {@code basis} is null
         */
        public Builder failureRateBasis(FailureRateBasis basis) {
            this.failureRateBasis = Objects.requireNonNull(basis, "basis");
            return this;
        }

        /**
         * Sets how many executions (calls, with {@link FailureRateBasis#PER_CALL}) a node's window
         * must hold before its failure-rate threshold can fire. Default {@value NodeMetricsCollector#DEFAULT_FAILURE_RATE_MIN_EXECUTIONS}, or the
         * window size if that is smaller.
         *
         * @param minExecutions at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code minExecutions < 1}
         */
        public Builder failureRateMinExecutions(int minExecutions) {
            if (minExecutions < 1) {
                throw new IllegalArgumentException("failureRateMinExecutions must be at least 1, was " + minExecutions);
            }
            this.failureRateMinExecutions = minExecutions;
            return this;
        }

        /**
         * Calls {@code listener} when a node's p99 over its window rises above {@code p99Ms}, once
         * per crossing; it can fire again after the p99 is back at or below {@code p99Ms}.
         *
         * @param p99Ms the threshold in milliseconds, finite and non-negative
         * @param listener told of each crossing
         * @return this builder
         * @throws IllegalArgumentException if {@code p99Ms} is negative, NaN or infinite
         * @throws NullPointerException if {@code listener} is null
         * @throws IllegalStateException if a latency threshold is already set
         */
        public Builder latencyThreshold(double p99Ms, LatencyThresholdListener listener) {
            if (!(p99Ms >= 0.0 && p99Ms <= Double.MAX_VALUE)) {
                throw new IllegalArgumentException("latency threshold must be finite and non-negative, was " + p99Ms);
            }
            Objects.requireNonNull(listener, "listener");
            if (latencyListener != null) {
                throw new IllegalStateException("a latency threshold is already set");
            }
            this.latencyMs = p99Ms;
            this.latencyListener = listener;
            return this;
        }

        /**
         * Sets how often thresholds are checked: after every {@code records}-th execution of a node.
         * Each check scans the node's window, so with large windows and very hot nodes a larger
         * interval trades detection delay for less work. Default 1 (after every execution).
         *
         * @param records at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code records < 1}
         */
        public Builder thresholdEvaluationInterval(int records) {
            if (records < 1) {
                throw new IllegalArgumentException("thresholdEvaluationInterval must be at least 1, was " + records);
            }
            this.thresholdEvaluationInterval = records;
            return this;
        }

        /**
         * Sets the classifier used by {@link #recordFailure(String, double, Throwable)}. Default
         * {@link ErrorClassifier#defaults()}.
         *
         * @param classifier the classifier
         * @return this builder
         * @throws NullPointerException if {@code classifier} is null
         */
        public Builder errorClassifier(ErrorClassifier classifier) {
            this.classifier = Objects.requireNonNull(classifier, "classifier");
            return this;
        }

        /**
         * Sets the clock that nodes created with this collector time their attempts with (unless
         * their {@link NodeConfig} names another). Tests inject a manual clock. Default
         * {@link Clock#system()}.
         *
         * @param clock the clock
         * @return this builder
         * @throws NullPointerException if {@code clock} is null
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the collector.
         *
         * @return a new collector with this builder's settings
         */
        public NodeMetricsCollector build() {
            Builder copy = copy();
            copy.failureRateMinExecutions = Math.min(failureRateMinExecutions, windowSize);
            return new NodeMetricsCollector(copy, new LongAdder());
        }

        private Builder copy() {
            Builder copy = new Builder();
            copy.windowSize = windowSize;
            copy.durationBuckets = durationBuckets;
            copy.failureRate = failureRate;
            copy.failureRateBasis = failureRateBasis;
            copy.failureRateMinExecutions = failureRateMinExecutions;
            copy.failureRateListener = failureRateListener;
            copy.latencyMs = latencyMs;
            copy.latencyListener = latencyListener;
            copy.thresholdEvaluationInterval = thresholdEvaluationInterval;
            copy.classifier = classifier;
            copy.clock = clock;
            return copy;
        }

        @Override
        public String toString() {
            return "NodeMetricsCollector.Builder{windowSize=" + windowSize
                    + (failureRateListener == null ? ""
                            : ", failureRate>" + failureRate + " " + failureRateBasis + " after " + failureRateMinExecutions)
                    + (latencyListener == null ? "" : ", p99>" + latencyMs + "ms")
                    + ", thresholdEvaluationInterval=" + thresholdEvaluationInterval + "}";
        }
    }
}
