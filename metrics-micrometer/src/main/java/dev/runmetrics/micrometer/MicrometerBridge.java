package dev.runmetrics.micrometer;

import dev.runmetrics.core.node.NodeMetricsCollector;
import dev.runmetrics.core.node.WorkspaceNodeMetrics;
import dev.runmetrics.core.record.RunListener;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * Publishes what runmetrics records into a Micrometer {@link MeterRegistry} (Prometheus, OTLP, or
 * whatever registry the host already has): node executions from a {@link NodeMetricsCollector},
 * and runs and steps from a {@code RunRecorder}, under the names in {@link MeterNames}.
 *
 * <pre>{@code
 * MicrometerBridge bridge = MicrometerBridge.create(registry).bindTo(collector);  // node metrics
 * RunRecorder recorder = RunRecorder.builder(store).listener(bridge.runListener()).build();  // runs, steps
 * }</pre>
 *
 * <p><b>Opt-in and cheap.</b> Nothing is published until {@link #bindTo} or {@link #runListener()}
 * is used. A bound collector hands each record to this bridge on the recording thread
 * ({@link dev.runmetrics.core.node.NodeObserver}): a success costs one Micrometer
 * {@code Timer.record} and one {@code Counter.increment} on meters looked up once per node, a
 * failure a timer, a counter and an array read. A collector with no bridge pays nothing for it but
 * one field read per record.
 *
 * <p><b>Bounded cardinality.</b> Tags are workspace, node, outcome, error category, workflow, step
 * and status: ids the host defines and fixed values, never a run id, an error message or input.
 * At most {@link Builder#maxNodes maxNodes} distinct nodes, {@link Builder#maxWorkflows
 * maxWorkflows} distinct (workspace, workflow) pairs and {@link Builder#maxSteps maxSteps}
 * distinct (workspace, workflow, step) triples get meters, first come first served; what the others
 * would have published is counted in {@link MeterNames#DROPPED} (tag {@code kind}).
 *
 * <p><b>Failures are contained.</b> If a meter throws during a node record, the collector catches
 * it, logs it and counts it ({@link MeterNames#NODE_OBSERVER_FAILURES}); the recorder does the same
 * for the run listener ({@code RecorderCounters.listenerFailures}). The caller never sees it.
 *
 * <p>Thread-safe: one bridge may serve any number of threads, collectors and recorders.
 */
public final class MicrometerBridge {
    /** Default cap on distinct nodes. */
    public static final int DEFAULT_MAX_NODES = 100;
    /** Default cap on distinct (workspace, workflow) pairs. */
    public static final int DEFAULT_MAX_WORKFLOWS = 50;
    /** Default cap on distinct (workspace, workflow, step) triples. */
    public static final int DEFAULT_MAX_STEPS = 200;

    private final MeterRegistry registry;
    private final NodeMeters nodeMeters;
    private final RunMeters runMeters;
    private final String description;

    private MicrometerBridge(Builder b) {
        this.registry = b.registry;
        this.nodeMeters = new NodeMeters(b.registry, b.nodeWorkspace, b.percentileHistograms, b.maxNodes);
        this.runMeters = new RunMeters(b.registry, b.percentileHistograms, b.stepPercentileHistograms, b.maxWorkflows,
                b.maxSteps);
        // Over the node meters, which every bound collector holds: the counter lives as long as they do
        // (Micrometer keeps only a weak reference), even if the host drops this bridge.
        FunctionCounter.builder(MeterNames.NODE_OBSERVER_FAILURES, nodeMeters, NodeMeters::observerFailures)
                .description("Times a bound collector's observers (this bridge among them) threw while recording")
                .register(b.registry);
        this.description = "MicrometerBridge{registry=" + b.registry.getClass().getSimpleName()
                + (b.nodeWorkspace == null ? "" : ", nodeWorkspace=" + b.nodeWorkspace)
                + ", maxNodes=" + b.maxNodes + ", maxWorkflows=" + b.maxWorkflows + ", maxSteps=" + b.maxSteps
                + ", percentileHistograms=" + b.percentileHistograms
                + ", stepPercentileHistograms=" + b.stepPercentileHistograms + "}";
    }

    /**
     * Returns a bridge into {@code registry} with the defaults.
     *
     * @param registry where the meters go
     * @return a new bridge
     * @throws NullPointerException if {@code registry} is null
     */
    public static MicrometerBridge create(MeterRegistry registry) {
        return builder(registry).build();
    }

    /**
     * Returns a builder for a bridge with non-default settings.
     *
     * @param registry where the meters go
     * @return a new builder
     * @throws NullPointerException if {@code registry} is null
     */
    public static Builder builder(MeterRegistry registry) {
        return new Builder(registry);
    }

    /**
     * Publishes every record of {@code collector}'s nodes from now on, existing nodes and new ones.
     * Binding the same collector again does nothing.
     *
     * @param collector the collector
     * @return this bridge
     * @throws NullPointerException if {@code collector} is null
     */
    public MicrometerBridge bindTo(NodeMetricsCollector collector) {
        nodeMeters.bindTo(Objects.requireNonNull(collector, "collector"));
        return this;
    }

    /**
     * Publishes every record of every workspace's collector in {@code nodes}, existing and future
     * ones, each node's meters tagged with its workspace (the unscoped collector's without one).
     *
     * @param nodes the per-workspace collectors
     * @return this bridge
     * @throws NullPointerException if {@code nodes} is null
     */
    public MicrometerBridge bindTo(WorkspaceNodeMetrics nodes) {
        Objects.requireNonNull(nodes, "nodes").forEachCollector((ws, c) -> nodeMeters.bindTo(c, ws));
        return this;
    }

    /**
     * Returns the listener to add to a {@code RunRecorder} ({@code RunRecorder.Builder.listener}) so
     * that its runs and steps are published. Always the same instance; one listener may serve
     * several recorders.
     *
     * @return the run listener
     */
    public RunListener runListener() {
        return runMeters;
    }

    /** @return the registry this bridge publishes into */
    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public String toString() {
        return description;
    }

    /**
     * Builds a {@link MicrometerBridge}. Each setter checks its argument at once. Not thread-safe;
     * a builder may build any number of bridges (each registers into the same registry, so two
     * bridges share their meters there).
     */
    public static final class Builder {
        private final MeterRegistry registry;
        private String nodeWorkspace;
        private int maxNodes = DEFAULT_MAX_NODES;
        private int maxWorkflows = DEFAULT_MAX_WORKFLOWS;
        private int maxSteps = DEFAULT_MAX_STEPS;
        private boolean percentileHistograms = true;
        private boolean stepPercentileHistograms;

        private Builder(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /**
         * Tags every node meter with {@code workspace=id}. A collector knows no workspaces, so use
         * this when a collector serves one workspace; without it node meters have no workspace tag.
         * Run and step meters always carry the run's workspace.
         *
         * @param workspaceId the workspace id
         * @return this builder
         * @throws NullPointerException if {@code workspaceId} is null
         * @throws IllegalArgumentException if it is blank
         */
        public Builder nodeWorkspace(String workspaceId) {
            Objects.requireNonNull(workspaceId, "workspaceId");
            if (workspaceId.isBlank()) {
                throw new IllegalArgumentException("workspaceId must not be blank");
            }
            this.nodeWorkspace = workspaceId;
            return this;
        }

        /**
         * Sets how many distinct nodes get meters. Default {@value MicrometerBridge#DEFAULT_MAX_NODES}.
         *
         * @param max at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code max < 1}
         */
        public Builder maxNodes(int max) {
            this.maxNodes = atLeastOne("maxNodes", max);
            return this;
        }

        /**
         * Sets how many distinct (workspace, workflow) pairs get run meters. Default
         * {@value MicrometerBridge#DEFAULT_MAX_WORKFLOWS}.
         *
         * @param max at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code max < 1}
         */
        public Builder maxWorkflows(int max) {
            this.maxWorkflows = atLeastOne("maxWorkflows", max);
            return this;
        }

        /**
         * Sets how many distinct (workspace, workflow, step) triples get step meters. Default
         * {@value MicrometerBridge#DEFAULT_MAX_STEPS}.
         *
         * @param max at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code max < 1}
         */
        public Builder maxSteps(int max) {
            this.maxSteps = atLeastOne("maxSteps", max);
            return this;
        }

        /**
         * Sets whether the node and run timers publish a percentile histogram (buckets that
         * aggregate across instances; Prometheus {@code _bucket} series, OTLP histogram buckets).
         * Default true. A {@code MeterFilter} on the registry can still change it per meter.
         *
         * @param publish whether to publish them
         * @return this builder
         */
        public Builder percentileHistograms(boolean publish) {
            this.percentileHistograms = publish;
            return this;
        }

        /**
         * Sets whether the step timers publish a percentile histogram too. Default false: a step
         * has three timers per status, each histogram is about a hundred series, and a step's work
         * is already a node whose duration histogram is published; without it a step timer is a
         * count, a sum and a max.
         *
         * @param publish whether to publish them
         * @return this builder
         */
        public Builder stepPercentileHistograms(boolean publish) {
            this.stepPercentileHistograms = publish;
            return this;
        }

        /**
         * Builds the bridge and registers its own meters ({@link MeterNames#DROPPED},
         * {@link MeterNames#NODE_OBSERVER_FAILURES}) in the registry.
         *
         * @return a new bridge
         */
        public MicrometerBridge build() {
            return new MicrometerBridge(this);
        }

        private static int atLeastOne(String name, int max) {
            if (max < 1) {
                throw new IllegalArgumentException(name + " must be at least 1, was " + max);
            }
            return max;
        }

        @Override
        public String toString() {
            return "MicrometerBridge.Builder{nodeWorkspace=" + nodeWorkspace + ", maxNodes=" + maxNodes
                    + ", maxWorkflows=" + maxWorkflows + ", maxSteps=" + maxSteps
                    + ", percentileHistograms=" + percentileHistograms
                    + ", stepPercentileHistograms=" + stepPercentileHistograms + "}";
        }
    }
}
