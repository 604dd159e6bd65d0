package dev.runmetrics.micrometer;

import dev.runmetrics.core.node.ErrorCategory;
import dev.runmetrics.core.node.NodeMetrics;
import dev.runmetrics.core.node.NodeMetricsCollector;
import dev.runmetrics.core.node.NodeObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The node half of the bridge: a {@link NodeObserver} that gives each admitted node its meters once
 * and then records straight into them. A success costs one {@link Timer#record} and one
 * {@link Counter#increment}, and the end of a call one more increment (on a node that records no
 * calls, each execution is also a call of one attempt); the failure meters of a node are
 * registered at its first failure of that category, and a call counter at the first call of its
 * outcome and attempts, so a node that never fails has no failure series. Thread-safe.
 */
final class NodeMeters implements NodeObserver {
    private static final ErrorCategory[] CATEGORIES = ErrorCategory.values();
    /** The attempts tag's values: 1 to {@link NodeMetrics#TRACKED_ATTEMPTS}, and more. */
    private static final int ATTEMPTS_BUCKETS = NodeMetrics.TRACKED_ATTEMPTS + 1;

    private final MeterRegistry registry;
    private final Tags commonTags;
    private final boolean histograms;
    private final SeriesBudget budget;
    private final ConcurrentHashMap<String, Meters> nodes = new ConcurrentHashMap<>();
    private final Records dropped;
    private final List<NodeMetricsCollector> collectors = new CopyOnWriteArrayList<>();

    NodeMeters(MeterRegistry registry, String workspace, boolean histograms, int maxNodes) {
        this.registry = registry;
        this.commonTags = workspace == null ? Tags.empty() : Tags.of(MeterNames.WORKSPACE, workspace);
        this.histograms = histograms;
        this.budget = new SeriesBudget(registry, "node", maxNodes);
        this.dropped = new Dropped(budget);
    }

    @Override
    public Records forNode(String nodeName) {
        return forNode(null, nodeName);
    }

    /** A node of one workspace; its meters carry that workspace's tag (none for null). */
    private Records forNode(String workspace, String nodeName) {
        // Two collectors bound to one bridge share a node's meters, as the registry would anyway.
        String key = workspace == null ? nodeName : workspace + '\u0000' + nodeName;
        Meters meters = nodes.computeIfAbsent(key, k -> budget.tryAdmit() ? new Meters(workspace, nodeName) : null);
        return meters == null ? dropped : meters;
    }

    /** Observes {@code collector} as the node metrics of {@code workspace}, once however often it is bound. */
    void bindTo(NodeMetricsCollector collector, String workspace) {
        synchronized (collectors) {
            for (NodeMetricsCollector bound : collectors) {
                if (bound == collector) {
                    return;
                }
            }
            collectors.add(collector);
        }
        collector.addObserver(workspace == null ? this : name -> forNode(workspace, name));
    }

    /** Observes {@code collector}, once however often it is bound. */
    void bindTo(NodeMetricsCollector collector) {
        synchronized (collectors) {
            for (NodeMetricsCollector bound : collectors) {
                if (bound == collector) {
                    return;
                }
            }
            collectors.add(collector);
        }
        collector.addObserver(this);
    }

    /** @return the observer failures of every bound collector, summed */
    double observerFailures() {
        long sum = 0;
        for (NodeMetricsCollector collector : collectors) {
            sum += collector.observerFailures();
        }
        return sum;
    }

    int admitted() {
        return budget.admitted();
    }

    private static long nanos(double durationMs) {
        return (long) (durationMs * 1_000_000.0); // saturates at Long.MAX_VALUE, the collector's own cap
    }

    /** One admitted node's meters. */
    private final class Meters implements Records {
        private final Tags tags;
        private final Timer successDuration;
        private final Counter successes;
        private volatile Timer failureDuration;
        private final AtomicReferenceArray<Counter> failures = new AtomicReferenceArray<>(CATEGORIES.length);
        private volatile Counter retries;
        /** Call counters by outcome (succeeded first) and attempts bucket, registered when first used. */
        private final AtomicReferenceArray<Counter> calls = new AtomicReferenceArray<>(2 * ATTEMPTS_BUCKETS);

        Meters(String workspace, String nodeName) {
            Tags base = workspace == null ? commonTags : commonTags.and(MeterNames.WORKSPACE, workspace);
            this.tags = base.and(MeterNames.NODE, nodeName);
            this.successDuration = duration("success");
            this.successes = executions("success", "none");
        }

        @Override
        public void onSuccess(double durationMs) {
            successDuration.record(nanos(durationMs), TimeUnit.NANOSECONDS);
            successes.increment();
        }

        @Override
        public void onFailure(double durationMs, ErrorCategory category) {
            Timer timer = failureDuration;
            if (timer == null) {
                // A race registers twice and gets the same meter back: the registry keys meters by id.
                failureDuration = timer = duration("failure");
            }
            timer.record(nanos(durationMs), TimeUnit.NANOSECONDS);
            int i = category.ordinal();
            Counter counter = failures.get(i);
            if (counter == null) {
                counter = executions("failure", category.name().toLowerCase(Locale.ROOT));
                failures.set(i, counter);
            }
            counter.increment();
        }

        @Override
        public void onRetry(int attemptNumber) {
            Counter counter = retries;
            if (counter == null) {
                retries = counter = Counter.builder(MeterNames.NODE_RETRIES)
                        .description("Retries of the node (each retry is also an execution)")
                        .tags(tags).register(registry);
            }
            counter.increment();
        }

        @Override
        public void onCall(int attempts, boolean succeeded) {
            int bucket = Math.min(attempts, NodeMetrics.TRACKED_ATTEMPTS + 1) - 1;
            int i = (succeeded ? 0 : ATTEMPTS_BUCKETS) + bucket;
            Counter counter = calls.get(i);
            if (counter == null) {
                counter = Counter.builder(MeterNames.NODE_CALLS)
                        .description("Calls of the node that ended, by outcome (a call fails only when its last "
                                + "attempt fails) and by the attempts they took")
                        .tags(tags).tag(MeterNames.OUTCOME, succeeded ? "success" : "failure")
                        .tag(MeterNames.ATTEMPTS, bucket < NodeMetrics.TRACKED_ATTEMPTS ? Integer.toString(bucket + 1)
                                : "more")
                        .register(registry);
                calls.set(i, counter);
            }
            counter.increment();
        }

        private Timer duration(String outcome) {
            return Timer.builder(MeterNames.NODE_DURATION)
                    .description("How long each execution (attempt) of the node took")
                    .tags(tags).tag(MeterNames.OUTCOME, outcome)
                    .publishPercentileHistogram(histograms)
                    .register(registry);
        }

        private Counter executions(String outcome, String category) {
            return Counter.builder(MeterNames.NODE_EXECUTIONS)
                    .description("Executions (attempts) of the node, by outcome and error category")
                    .tags(tags).tag(MeterNames.OUTCOME, outcome).tag(MeterNames.ERROR_CATEGORY, category)
                    .register(registry);
        }
    }

    /** What a node over the cap gets: every record is counted as dropped, nothing else. */
    private static final class Dropped implements Records {
        private final SeriesBudget budget;

        Dropped(SeriesBudget budget) {
            this.budget = budget;
        }

        @Override
        public void onSuccess(double durationMs) {
            budget.drop();
        }

        @Override
        public void onFailure(double durationMs, ErrorCategory category) {
            budget.drop();
        }

        @Override
        public void onRetry(int attemptNumber) {
            budget.drop();
        }

        // onCall: a call ends with its last attempt, whose record was counted as dropped already.
    }
}
