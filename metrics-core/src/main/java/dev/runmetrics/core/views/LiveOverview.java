package dev.runmetrics.core.views;

import dev.runmetrics.core.store.DurationStatistics;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Seed 001's {@code LiveOverview} view of a workspace over a {@link Timeframe}, with the seed's
 * camelCase names. Computed by {@link RunViews#executionMetrics}; see there for how every number is
 * derived and which rule each pattern and anomaly follows.
 *
 * <p>The sections are nested records because they exist only as parts of this view: one file
 * mirrors the seed's one interface, so the HTTP adapter's mapping can be checked against it at a
 * glance.
 *
 * <p>Units, as in the seed: durations and latencies in <b>seconds</b>, rates and utilisations in
 * <b>percent</b> (0-100), instants in UTC. Numbers are not rounded (presentation rounds). A
 * statistic of no samples is null, never 0; rates of no executions are 0 (as in
 * {@link WorkflowMetricsSummary}).
 *
 * <p>Immutable and thread-safe, like every nested record.
 *
 * @param timeframe the timeframe asked for
 * @param workspaceId the workspace
 * @param generatedAt when the view was computed
 * @param periodStart the first instant of the period (inclusive)
 * @param periodEnd the end of the period (exclusive): the end of the timeline bucket holding
 *     {@code generatedAt}, so the last bucket is still in progress
 * @param realtime the live section
 * @param throughput throughput over the period
 * @param latency latency statistics over the period
 * @param performance outcome counts and rates over the period
 * @param patterns timeline, bursts, hour and day patterns, anomalies
 * @param resources compute samples, model usage, database load
 */
public record LiveOverview(Timeframe timeframe, String workspaceId, Instant generatedAt, Instant periodStart,
        Instant periodEnd, Realtime realtime, Throughput throughput, Latency latency, Performance performance,
        Patterns patterns, Resources resources) {

    /** @throws NullPointerException if a component is null */
    public LiveOverview {
        Objects.requireNonNull(timeframe, "timeframe");
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(generatedAt, "generatedAt");
        Objects.requireNonNull(periodStart, "periodStart");
        Objects.requireNonNull(periodEnd, "periodEnd");
        Objects.requireNonNull(realtime, "realtime");
        Objects.requireNonNull(throughput, "throughput");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(performance, "performance");
        Objects.requireNonNull(patterns, "patterns");
        Objects.requireNonNull(resources, "resources");
    }

    /** A level of seed 001: a burst's {@code impact} or an anomaly's {@code severity}. */
    public enum Level {
        /** {@code "low"} */ LOW,
        /** {@code "medium"} */ MEDIUM,
        /** {@code "high"} */ HIGH;

        /** Returns the seed's lowercase name. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** An anomaly's {@code type} in seed 001. */
    public enum AnomalyType {
        /** {@code "spike"}: far more executions than usual in one bucket. */ SPIKE,
        /** {@code "drop"}: far fewer executions than usual in one completed bucket. */ DROP,
        /** {@code "failure_surge"}: a much higher failure rate than usual in one bucket. */ FAILURE_SURGE;

        /** Returns the seed's lowercase name ({@code "failure_surge"}). */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A value at an instant (trend points, samples). */
    public record TimedValue(Instant timestamp, double value) {
        /** @throws NullPointerException if timestamp is null */
        public TimedValue {
            Objects.requireNonNull(timestamp, "timestamp");
        }
    }

    /**
     * The live section, from the store's live set (queued and running runs).
     *
     * @param currentlyRunning runs in status RUNNING
     * @param queueDepth runs in status QUEUED
     * @param avgQueueWaitTime mean time the queued runs have waited so far, seconds (0 when none)
     * @param executionsInProgress the running runs, oldest queued first
     * @param queuedExecutions the queued runs in start order (priority descending, then queued first)
     * @param systemLoad CPU, memory and workers
     */
    public record Realtime(int currentlyRunning, int queueDepth, double avgQueueWaitTime,
            List<ExecutionInProgress> executionsInProgress, List<QueuedExecution> queuedExecutions,
            SystemLoad systemLoad) {
        /** Copies the lists. */
        public Realtime {
            executionsInProgress = List.copyOf(executionsInProgress);
            queuedExecutions = List.copyOf(queuedExecutions);
            Objects.requireNonNull(systemLoad, "systemLoad");
        }
    }

    /**
     * A running run.
     *
     * @param runId the run
     * @param agentId the workflow id (seed 001's agent is what runs: here, the workflow)
     * @param agentName the workflow's name
     * @param userId the run's {@code user_id} attribute, or null
     * @param startedAt when it started
     * @param elapsedTime seconds since it started
     * @param estimatedCompletion {@code startedAt} plus the workflow's median execution time over the
     *     estimation window, or null without history; in the past when the run is slower than usual
     */
    public record ExecutionInProgress(String runId, String agentId, String agentName, String userId,
            Instant startedAt, double elapsedTime, Instant estimatedCompletion) {
    }

    /**
     * A queued run.
     *
     * @param queueId the run id
     * @param agentId the workflow id
     * @param priority the run's {@code priority} attribute, 0 when absent
     * @param queuedAt when it was queued
     * @param estimatedStartTime when a worker is expected to take it (see
     *     {@link RunViews#executionMetrics}), or null when an earlier duration is unknown
     */
    public record QueuedExecution(String queueId, String agentId, int priority, Instant queuedAt,
            Instant estimatedStartTime) {
    }

    /**
     * Load of the host.
     *
     * @param cpu CPU load in percent, or null when the JVM cannot tell
     * @param memory memory use in percent, or null when unknown
     * @param workers the configured workers
     */
    public record SystemLoad(Double cpu, Double memory, Workers workers) {
    }

    /**
     * Workers: the configured capacity and how many run now.
     *
     * @param total the configured worker capacity
     * @param busy running runs, at most {@code total}
     * @param idle {@code total - busy}
     */
    public record Workers(int total, int busy, int idle) {
    }

    /**
     * Throughput over the period.
     *
     * @param executionsPerMinute ended executions per minute of the elapsed period
     * @param executionsPerHour the same per hour
     * @param executionsPerDay the same per day
     * @param throughputTrend one point per timeline bucket: executions per minute in that bucket
     * @param peakThroughput the highest trend point, or null when nothing ended
     * @param capacityUtilization execution time of the ended runs as a percentage of
     *     {@code maxCapacity} workers over the elapsed period
     * @param maxCapacity the configured worker capacity (runs that can execute at once)
     */
    public record Throughput(double executionsPerMinute, double executionsPerHour, double executionsPerDay,
            List<TimedValue> throughputTrend, TimedValue peakThroughput, double capacityUtilization,
            int maxCapacity) {
        /** Copies the trend. */
        public Throughput {
            throughputTrend = List.copyOf(throughputTrend);
        }
    }

    /**
     * Latency over the period, from the merged rollup histograms (within
     * {@link DurationHistogram#RELATIVE_ERROR}).
     *
     * @param queueLatency queued → started
     * @param executionLatency started → ended
     * @param endToEndLatency queued → ended
     * @param latencyDistribution execution latency in the seed's six buckets
     */
    public record Latency(LatencySummary queueLatency, LatencySummary executionLatency,
            LatencySummary endToEndLatency, List<LatencyBucket> latencyDistribution) {
        /** Copies the distribution. */
        public Latency {
            latencyDistribution = List.copyOf(latencyDistribution);
        }
    }

    /**
     * Statistics of one latency, in seconds; all null when there were no samples.
     *
     * @param avg mean
     * @param median the 50th percentile
     * @param p50 the 50th percentile
     * @param p75 the 75th percentile
     * @param p90 the 90th percentile
     * @param p95 the 95th percentile
     * @param p99 the 99th percentile
     */
    public record LatencySummary(Double avg, Double median, Double p50, Double p75, Double p90, Double p95,
            Double p99) {

        /** Converts statistics in milliseconds to a summary in seconds. */
        public static LatencySummary ofMillis(DurationStatistics s) {
            return new LatencySummary(sec(s.mean()), sec(s.p50()), sec(s.p50()), sec(s.p75()), sec(s.p90()),
                    sec(s.p95()), sec(s.p99()));
        }

        private static Double sec(Double millis) {
            return millis == null ? null : millis / 1000.0;
        }
    }

    /**
     * One bucket of the latency distribution.
     *
     * @param bucket {@code "0-1s"}, {@code "1-5s"}, {@code "5-10s"}, {@code "10-30s"}, {@code "30-60s"}
     *     or {@code "60s+"}: lower bound inclusive, upper exclusive
     * @param count executions whose execution latency falls in it
     * @param percentage {@code count} as a percentage of all in the distribution (0 when empty)
     */
    public record LatencyBucket(String bucket, long count, double percentage) {
    }

    /**
     * Outcomes over the period. Successful means COMPLETED; failed means FAILED or TIMEOUT;
     * cancelled means CANCELLED; the total counts every ended execution (attempt).
     *
     * @param totalExecutions ended executions
     * @param successfulExecutions completed ones
     * @param failedExecutions failed or timed-out ones
     * @param cancelledExecutions cancelled ones
     * @param successRate percent of the total (0 when none)
     * @param failureRate percent of the total (0 when none)
     * @param cancellationRate percent of the total (0 when none)
     * @param byAgent per node (seed 001's agent: the node that executes steps), most executions first
     * @param byHour per hour of day 0-23 in the configured zone
     * @param vsLastPeriod against the previous period of equal length
     */
    public record Performance(long totalExecutions, long successfulExecutions, long failedExecutions,
            long cancelledExecutions, double successRate, double failureRate, double cancellationRate,
            List<AgentPerformance> byAgent, List<HourPerformance> byHour, PeriodComparison vsLastPeriod) {
        /** Copies the lists. */
        public Performance {
            byAgent = List.copyOf(byAgent);
            byHour = List.copyOf(byHour);
            Objects.requireNonNull(vsLastPeriod, "vsLastPeriod");
        }
    }

    /**
     * One node's step executions over the period.
     *
     * @param agentId the node name
     * @param agentName the node name
     * @param executions ended step executions
     * @param successRate percent completed
     * @param avgRuntime mean execution time in seconds, or null when none started
     * @param errorRate percent failed or timed out
     */
    public record AgentPerformance(String agentId, String agentName, long executions, double successRate,
            Double avgRuntime, double errorRate) {
    }

    /**
     * One hour of the day, summed over every day of the period.
     *
     * @param hour 0-23 in the configured zone
     * @param executions executions that ended in that hour
     * @param successRate percent completed (0 when none)
     * @param avgLatency mean execution latency in seconds, or null when none
     */
    public record HourPerformance(int hour, long executions, double successRate, Double avgLatency) {
    }

    /**
     * The period against the previous one of equal length; a component is null when either period
     * has nothing to compare.
     *
     * @param executionsChange percent change of executions per minute (rates, so the current,
     *     still running period compares fairly)
     * @param successRateChange difference of success rates, in percentage points
     * @param latencyChange percent change of the mean execution latency
     */
    public record PeriodComparison(Double executionsChange, Double successRateChange, Double latencyChange) {
    }

    /**
     * Patterns over the period.
     *
     * @param timeline one point per timeline bucket
     * @param bursts runs of consecutive busy buckets
     * @param patterns hour and day patterns
     * @param anomalies spikes, drops and failure surges, in time order
     */
    public record Patterns(List<TimelinePoint> timeline, List<Burst> bursts, PatternSummary patterns,
            List<Anomaly> anomalies) {
        /** Copies the lists. */
        public Patterns {
            timeline = List.copyOf(timeline);
            bursts = List.copyOf(bursts);
            Objects.requireNonNull(patterns, "patterns");
            anomalies = List.copyOf(anomalies);
        }
    }

    /**
     * One timeline bucket.
     *
     * @param timestamp the bucket's start
     * @param executions executions that ended in it
     * @param successRate percent completed (0 when none)
     * @param avgDuration mean execution time in seconds, or null when none
     */
    public record TimelinePoint(Instant timestamp, long executions, double successRate, Double avgDuration) {
    }

    /**
     * A burst: consecutive timeline buckets that were all busy.
     *
     * @param startTime the first bucket's start
     * @param endTime the last bucket's end
     * @param peakExecutions the most executions in one of its buckets
     * @param totalExecutions executions in all its buckets
     * @param impact how far its peak stands out
     */
    public record Burst(Instant startTime, Instant endTime, long peakExecutions, long totalExecutions,
            Level impact) {
    }

    /**
     * Hour and day patterns.
     *
     * @param peakHours up to 3 hours of day with the most executions (none with 0), ascending
     * @param quietHours up to 3 hours of day the period covers with the fewest executions, not peak
     *     hours, ascending
     * @param averageDaily executions per day of the elapsed period
     * @param weekdayAverage executions per covered Monday-Friday day, or null when none covered
     * @param weekendAverage executions per covered Saturday-Sunday day, or null when none covered
     */
    public record PatternSummary(List<Integer> peakHours, List<Integer> quietHours, double averageDaily,
            Double weekdayAverage, Double weekendAverage) {
        /** Copies the lists. */
        public PatternSummary {
            peakHours = List.copyOf(peakHours);
            quietHours = List.copyOf(quietHours);
        }
    }

    /**
     * An anomaly.
     *
     * @param timestamp the start of the bucket it was found in
     * @param type spike, drop or failure surge
     * @param severity how strong
     * @param description what was seen, in a sentence, with the numbers that triggered it
     */
    public record Anomaly(Instant timestamp, AnomalyType type, Level severity, String description) {
    }

    /**
     * Resource use.
     *
     * @param compute CPU and memory samples
     * @param modelUsage per model (step attribute {@code model}), from the MODEL rollups, by name
     * @param databaseLoad the store's database load, or all-null when the store reports none
     */
    public record Resources(Compute compute, Map<String, ModelUsage> modelUsage, DatabaseLoad databaseLoad) {
        /** Copies the map. */
        public Resources {
            Objects.requireNonNull(compute, "compute");
            modelUsage = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(modelUsage));
            Objects.requireNonNull(databaseLoad, "databaseLoad");
        }
    }

    /**
     * Compute samples in percent.
     *
     * @param cpuUsage CPU samples in the period (or the current one)
     * @param memoryUsage memory samples in the period (or the current one)
     * @param gpuUsage always null: the JVM cannot see GPUs
     */
    public record Compute(List<TimedValue> cpuUsage, List<TimedValue> memoryUsage, List<TimedValue> gpuUsage) {
        /** Copies the lists. */
        public Compute {
            cpuUsage = List.copyOf(cpuUsage);
            memoryUsage = List.copyOf(memoryUsage);
            gpuUsage = gpuUsage == null ? null : List.copyOf(gpuUsage);
        }
    }

    /**
     * One model's use over the period.
     *
     * @param calls step executions that called it
     * @param tokens the sum of their {@code tokens} attributes
     * @param avgLatency their mean execution time in seconds, or null
     * @param cost the sum of their {@code cost} attributes
     */
    public record ModelUsage(long calls, long tokens, Double avgLatency, double cost) {
    }

    /**
     * The database's load, as the store reports it; null components are unknown.
     *
     * @param connections open connections
     * @param queryRate queries per second
     * @param avgQueryTime mean query time in seconds
     */
    public record DatabaseLoad(Integer connections, Double queryRate, Double avgQueryTime) {
        /** Nothing known: what a store without a database (or without the numbers) reports. */
        public static final DatabaseLoad UNKNOWN = new DatabaseLoad(null, null, null);
    }
}
