package dev.runmetrics.core.node;

import dev.runmetrics.core.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The configuration of a created node ({@code Nodes.createNode}'s config): its name and,
 * optionally, a metrics collector, a retry policy, a timeout, an error classifier and a clock.
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * NodeConfig config = NodeConfig.builder("fetch-user")
 *         .metricsCollector(collector)
 *         .retryPolicy(RetryPolicy.builder().maxAttempts(3).build())
 *         .timeout(Duration.ofSeconds(2))
 *         .build();
 * }</pre>
 */
public final class NodeConfig {
    private final String name;
    private final NodeMetricsCollector metricsCollector;
    private final WorkspaceNodeMetrics workspaceMetrics;
    private final RetryPolicy retryPolicy;
    private final Duration timeout;
    private final Executor timeoutExecutor;
    private final ErrorClassifier errorClassifier;
    private final Clock clock;
    private final Sleeper sleeper;

    private NodeConfig(Builder builder) {
        this.name = builder.name;
        this.metricsCollector = builder.metricsCollector;
        this.workspaceMetrics = builder.workspaceMetrics;
        this.retryPolicy = builder.retryPolicy;
        this.timeout = builder.timeout;
        this.timeoutExecutor = builder.timeoutExecutor;
        NodeMetricsCollector defaults = metricsCollector != null ? metricsCollector
                : workspaceMetrics != null ? workspaceMetrics.unscoped() : null;
        this.errorClassifier = builder.errorClassifier != null ? builder.errorClassifier
                : defaults != null ? defaults.errorClassifier() : ErrorClassifier.defaults();
        this.clock = builder.clock != null ? builder.clock
                : defaults != null ? defaults.clock() : Clock.system();
        this.sleeper = builder.sleeper;
    }

    /**
     * Returns the configuration of a node with this name and nothing else: no metrics, no retry,
     * no timeout.
     *
     * @param name the node's name
     * @return the configuration
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is empty
     */
    public static NodeConfig of(String name) {
        return builder(name).build();
    }

    /**
     * Returns a builder for a node with this name.
     *
     * @param name the node's name, as recorded in metrics
     * @return a new builder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is empty
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** @return the node's name */
    public String name() {
        return name;
    }

    /** @return the per-workspace node metrics every attempt is recorded into, if any */
    public Optional<WorkspaceNodeMetrics> workspaceMetrics() {
        return Optional.ofNullable(workspaceMetrics);
    }

    /** @return the collector every attempt is recorded into, if any */
    public Optional<NodeMetricsCollector> metricsCollector() {
        return Optional.ofNullable(metricsCollector);
    }

    /** @return the retry policy; {@link RetryPolicy#none()} unless set */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** @return the timeout of one attempt, if any */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /** @return the classifier: the one set, else the collector's, else the default */
    public ErrorClassifier errorClassifier() {
        return errorClassifier;
    }

    /** @return the clock: the one set, else the collector's, else the system clock */
    public Clock clock() {
        return clock;
    }

    /** @return what waits between retries */
    public Sleeper sleeper() {
        return sleeper;
    }

    Executor timeoutExecutor() {
        return timeoutExecutor;
    }

    @Override
    public String toString() {
        return "NodeConfig{name=" + name
                + ", metrics=" + (metricsCollector != null ? "collector" : workspaceMetrics != null ? "per workspace"
                        : "none")
                + ", retryPolicy=" + retryPolicy
                + ", timeout=" + (timeout == null ? "none" : timeout)
                + ", errorClassifier=" + errorClassifier + ", clock=" + clock + "}";
    }

    /** Builds a {@link NodeConfig}. Each setter checks its argument at once. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private NodeMetricsCollector metricsCollector;
        private WorkspaceNodeMetrics workspaceMetrics;
        private RetryPolicy retryPolicy = RetryPolicy.none();
        private Duration timeout;
        private Executor timeoutExecutor;
        private ErrorClassifier errorClassifier;
        private Clock clock;
        private Sleeper sleeper = Sleeper.system();

        private Builder(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("name must not be empty");
            }
            this.name = name;
        }

        /**
         * Records every attempt into {@code collector}: its success or failure with its duration,
         * and each retry. Without a collector the node behaves the same, unrecorded.
         *
         * @param collector the collector
         * @return this builder
         * @throws NullPointerException if null
         * @throws IllegalStateException if per-workspace metrics are set
         */
        public Builder metricsCollector(NodeMetricsCollector collector) {
            Objects.requireNonNull(collector, "collector");
            if (workspaceMetrics != null) {
                throw new IllegalStateException("per-workspace metrics are set; a node records into one or the other");
            }
            this.metricsCollector = collector;
            return this;
        }

        /**
         * Records every attempt into the collector of the workspace the calling thread is in
         * ({@link WorkspaceScope}), so that each workspace sees only its own calls; outside any
         * workspace, into {@link WorkspaceNodeMetrics#unscoped()}.
         *
         * @param metrics the per-workspace collectors
         * @return this builder
         * @throws NullPointerException if null
         * @throws IllegalStateException if a single collector is set
         */
        public Builder metrics(WorkspaceNodeMetrics metrics) {
            Objects.requireNonNull(metrics, "metrics");
            if (metricsCollector != null) {
                throw new IllegalStateException("a collector is set; a node records into one or the other");
            }
            this.workspaceMetrics = metrics;
            return this;
        }

        /**
         * @param retryPolicy how failed attempts are retried; default {@link RetryPolicy#none()}
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /**
         * Bounds each attempt: one that runs longer is interrupted and fails with
         * {@link NodeTimeoutException} (category {@link ErrorCategory#TIMEOUT}). With a timeout the
         * node function runs on another thread (see {@link #timeoutExecutor(Executor)}), so it does
         * not see the caller's thread-locals.
         *
         * @param timeout positive
         * @return this builder
         * @throws IllegalArgumentException if zero or negative
         * @throws NullPointerException if null
         */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Sets where attempts run when a timeout is set. Default: a shared pool of daemon threads
         * that grows with demand and lets idle threads go after 60 s.
         *
         * @param executor the executor
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder timeoutExecutor(Executor executor) {
            this.timeoutExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * @param classifier maps failures to categories; default: the collector's, else
         *        {@link ErrorClassifier#defaults()}
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder errorClassifier(ErrorClassifier classifier) {
            this.errorClassifier = Objects.requireNonNull(classifier, "classifier");
            return this;
        }

        /**
         * @param clock times attempts; default: the collector's clock, else {@link Clock#system()}
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param sleeper waits between retries; default {@link Sleeper#system()}
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** @return the configuration */
        public NodeConfig build() {
            return new NodeConfig(this);
        }
    }
}
