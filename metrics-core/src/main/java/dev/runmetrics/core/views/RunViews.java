package dev.runmetrics.core.views;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.store.ResourceSampleStore;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.time.Clock;
import dev.runmetrics.core.views.overview.DatabaseLoad;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The views over a {@link RunStore}, built once and shared: the one object a host configures
 * ({@link #builder}) and hands to whatever answers questions about its runs, such as the HTTP
 * adapter. Each question has its own view:
 * <ul>
 *   <li>{@link #statistics()} — how long runs take: execution-time statistics over a range, a
 *       workflow's summary, the workspace's workflows;
 *   <li>{@link #durationTrend()} — how execution times change: per hour or day of a range;
 *   <li>{@link #stepStatistics()} — how each step of a workflow behaves across its runs;
 *   <li>{@link #runs()} — what ran: the run list, a run's detail, a run's step timeline;
 *   <li>{@link #overview()} — what is happening now and lately: the live overview and its live
 *       section;
 *   <li>{@link #resources()} — how CPU, memory, workers, queue and database were used over a
 *       timeframe, from the kept per-minute resource samples.
 * </ul>
 * The views are computed here, in core, from the store's primitives (runs and steps by id or page,
 * rollups for a time range, the live set), so every store answers them the same way.
 *
 * <p>Thread-safe: immutable, and each view is thread-safe.
 */
public final class RunViews {
    /** Default exact cut-over of the execution-time statistics, in minutes. */
    public static final long DEFAULT_EXACT_CUTOVER_MINUTES = 60;
    /** Default live limit: the most live runs a view reads. */
    public static final int DEFAULT_LIVE_LIMIT = 1000;
    /** Default live list limit: the most running, and the most queued, runs the live section lists. */
    public static final int DEFAULT_LIVE_LIST_LIMIT = 50;
    /** Default window of history that estimates completion and start times. */
    public static final Duration DEFAULT_ESTIMATION_WINDOW = Duration.ofDays(7);

    private final ExecutionTimeStatisticsView statistics;
    private final RunHistoryView runs;
    private final DurationTrendView durationTrend;
    private final StepStatisticsView stepStatistics;
    private final LiveOverviewView overview;
    private final ResourceHistoryView resources;
    private final String configuration;

    private RunViews(Builder b) {
        PeriodCalendar calendar = new PeriodCalendar(b.clock, b.zone);
        RollupTotals rollups = new RollupTotals(b.store);
        this.statistics = new ExecutionTimeStatisticsView(b.store, rollups, calendar, b.clock, b.exactCutover,
                b.liveLimit, b.resultCacheTtl);
        this.runs = new RunHistoryView(b.store);
        this.durationTrend = new DurationTrendView(b.store);
        this.stepStatistics = new StepStatisticsView(b.store);
        this.resources = new ResourceHistoryView(b.resourceSamples, calendar);
        this.overview = new LiveOverviewView(b.store, rollups, calendar, b.clock, b.workerCapacity,
                b.estimationWindow, b.liveLimit, b.liveListLimit, b.sampler, b.databaseLoad, resources);
        this.configuration = b.settings();
    }

    /**
     * Returns a builder of views over {@code store}; {@link Builder#workerCapacity} must be set.
     *
     * @throws NullPointerException if store is null
     */
    public static Builder builder(RunStore store) {
        return new Builder(store);
    }

    /** How long runs take: execution-time statistics, workflow summaries, the workflows. */
    public ExecutionTimeStatisticsView statistics() {
        return statistics;
    }

    /** How execution times change over time: count, median and p95 per hour or day. */
    public DurationTrendView durationTrend() {
        return durationTrend;
    }

    /** How each step of a workflow behaves across its runs: counts, failure rate, durations. */
    public StepStatisticsView stepStatistics() {
        return stepStatistics;
    }

    /** What ran: the run list, a run's detail and its timeline. */
    public RunHistoryView runs() {
        return runs;
    }

    /** What is happening now and lately: the live overview and its live section. */
    public LiveOverviewView overview() {
        return overview;
    }

    /**
     * How resources were used over a timeframe: the kept per-minute samples of every instance, in
     * buckets (empty without a {@linkplain Builder#resourceSamples sample store}).
     */
    public ResourceHistoryView resources() {
        return resources;
    }

    @Override
    public String toString() {
        return "RunViews{" + configuration + "}";
    }

    /**
     * Configures {@link RunViews}. Each setter checks its argument at once. Not thread-safe; the
     * views it builds are.
     */
    public static final class Builder {
        private final RunStore store;
        private Clock clock = Clock.system();
        private int workerCapacity;
        private ZoneId zone = ZoneOffset.UTC;
        private Duration exactCutover = Duration.ofMinutes(DEFAULT_EXACT_CUTOVER_MINUTES);
        private Duration estimationWindow = DEFAULT_ESTIMATION_WINDOW;
        private int liveLimit = DEFAULT_LIVE_LIMIT;
        private int liveListLimit = DEFAULT_LIVE_LIST_LIMIT;
        private ResourceSampler sampler;
        private Supplier<DatabaseLoad> databaseLoad;
        private ResourceSampleStore resourceSamples;
        private Duration resultCacheTtl = Duration.ZERO;

        private Builder(RunStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /**
         * The clock that says what "now" is (default {@link Clock#system()}).
         *
         * @throws NullPointerException if clock is null
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How many runs the host can execute at once (the live overview's workers and
         * {@code maxCapacity}); required.
         *
         * @throws IllegalArgumentException if below 1
         */
        public Builder workerCapacity(int workers) {
            this.workerCapacity = Checks.atLeast("workerCapacity", workers, 1);
            return this;
        }

        /**
         * The zone of the live overview's hour-of-day and weekday patterns (default UTC).
         *
         * @throws NullPointerException if zone is null
         */
        public Builder zone(ZoneId zone) {
            this.zone = Objects.requireNonNull(zone, "zone");
            return this;
        }

        /**
         * The longest range the execution-time statistics answer exactly from raw rows; longer
         * ranges use the rollups (default {@value #DEFAULT_EXACT_CUTOVER_MINUTES} minutes; zero:
         * always rollups except for an empty range).
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder exactCutover(Duration cutover) {
            if (Objects.requireNonNull(cutover, "cutover").isNegative()) {
                throw new IllegalArgumentException("exactCutover must not be negative, was " + cutover);
            }
            this.exactCutover = cutover;
            return this;
        }

        /**
         * How much history estimates the live overview's completion and start times (default 7
         * days).
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder estimationWindow(Duration window) {
            if (Objects.requireNonNull(window, "window").isNegative() || window.isZero()) {
                throw new IllegalArgumentException("estimationWindow must be positive, was " + window);
            }
            this.estimationWindow = window;
            return this;
        }

        /**
         * The most live (queued or running) runs a view reads (default
         * {@value #DEFAULT_LIVE_LIMIT}); the live overview's estimates and average queue wait are
         * over these, and the execution-time statistics' live counts are lower bounds beyond it
         * (the live overview's {@code currentlyRunning} and {@code queueDepth} are counted apart and
         * stay exact).
         *
         * @throws IllegalArgumentException if below 1
         */
        public Builder liveLimit(int limit) {
            this.liveLimit = Checks.atLeast("liveLimit", limit, 1);
            return this;
        }

        /**
         * The most running runs, and the most queued runs, that the live overview's realtime section
         * lists ({@code executionsInProgress}, {@code queuedExecutions}): the longest running and the
         * next to start. Its counts ({@code currentlyRunning}, {@code queueDepth}) stay the true
         * totals, so the size of the overview and of each {@code execution_update} is bounded however
         * many runs are in flight. Default {@value #DEFAULT_LIVE_LIST_LIMIT}; 0 lists none (counts
         * only).
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder liveListLimit(int limit) {
            this.liveListLimit = Checks.atLeast("liveListLimit", limit, 0);
            return this;
        }

        /**
         * The sampler whose ring feeds the live overview's resource samples when no
         * {@link #resourceSamples sample store} is configured, and whose current sample is the live
         * section's system load (default: one JVM sample per overview).
         *
         * @throws NullPointerException if sampler is null
         */
        public Builder resourceSampler(ResourceSampler sampler) {
            this.sampler = Objects.requireNonNull(sampler, "sampler");
            return this;
        }

        /**
         * What the store reports of its database's load (default: unknown). A supplier that throws
         * is logged and reported as unknown.
         *
         * @throws NullPointerException if supplier is null
         */
        public Builder databaseLoad(Supplier<DatabaseLoad> supplier) {
            this.databaseLoad = Objects.requireNonNull(supplier, "supplier");
            return this;
        }

        /**
         * Where the per-minute resource samples are kept (a {@code ResourceRecorder} writes them):
         * the live overview's CPU and memory history and, without a {@link #databaseLoad} supplier,
         * its database load then come from them, and {@link RunViews#resources()} reads them
         * (default: none kept).
         *
         * @throws NullPointerException if store is null
         */
        public Builder resourceSamples(ResourceSampleStore store) {
            this.resourceSamples = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Keeps each execution-time statistics answer for {@code ttl} and answers the same question
         * (workspace, workflow, range) from it meanwhile: a dashboard or an API client polling a
         * 30-day range then costs one rollup merge per {@code ttl}, not one per request. One caller
         * computes a question at a time: others asking meanwhile wait for the first answer, or, once
         * an answer has expired, keep getting it until the next one is ready; so answers may be up
         * to {@code ttl} plus one computation old. Default zero: no caching, every answer fresh.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder resultCacheTtl(Duration ttl) {
            if (Objects.requireNonNull(ttl, "ttl").isNegative()) {
                throw new IllegalArgumentException("resultCacheTtl must not be negative, was " + ttl);
            }
            this.resultCacheTtl = ttl;
            return this;
        }

        /**
         * Builds the views.
         *
         * @throws IllegalStateException if the worker capacity was not set
         */
        public RunViews build() {
            if (workerCapacity == 0) {
                throw new IllegalStateException("workerCapacity must be set");
            }
            return new RunViews(this);
        }

        private String settings() {
            return "store=" + store + ", workerCapacity=" + workerCapacity + ", zone=" + zone + ", exactCutover="
                    + exactCutover + ", estimationWindow=" + estimationWindow + ", liveLimit=" + liveLimit
                    + ", liveListLimit=" + liveListLimit + ", resultCacheTtl=" + resultCacheTtl
                    + (resourceSamples == null ? "" : ", resourceSamples=" + resourceSamples);
        }

        @Override
        public String toString() {
            return "RunViews.Builder{" + settings() + "}";
        }
    }
}
