package dev.runmetrics.core.views;

import static dev.runmetrics.core.views.PeriodCalendar.max;
import static dev.runmetrics.core.views.PeriodCalendar.min;
import static dev.runmetrics.core.views.PeriodCalendar.nonNegativeSeconds;
import static dev.runmetrics.core.views.RollupTotals.failures;
import static dev.runmetrics.core.views.RollupTotals.meanSeconds;
import static dev.runmetrics.core.views.RollupTotals.percent;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.store.DurationHistogram;
import dev.runmetrics.core.store.DurationKind;
import dev.runmetrics.core.store.DurationStatistics;
import dev.runmetrics.core.store.ResourceSample;
import dev.runmetrics.core.store.Rollup;
import dev.runmetrics.core.store.RollupDimension;
import dev.runmetrics.core.store.RollupQuery;
import dev.runmetrics.core.store.RunQuery;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.time.Clock;
import dev.runmetrics.core.views.overview.AgentPerformance;
import dev.runmetrics.core.views.overview.Compute;
import dev.runmetrics.core.views.overview.DatabaseLoad;
import dev.runmetrics.core.views.overview.HourPerformance;
import dev.runmetrics.core.views.overview.Latency;
import dev.runmetrics.core.views.overview.LatencyBucket;
import dev.runmetrics.core.views.overview.LatencySummary;
import dev.runmetrics.core.views.overview.LiveOverview;
import dev.runmetrics.core.views.overview.ModelUsage;
import dev.runmetrics.core.views.overview.PatternSummary;
import dev.runmetrics.core.views.overview.Patterns;
import dev.runmetrics.core.views.overview.Performance;
import dev.runmetrics.core.views.overview.PeriodComparison;
import dev.runmetrics.core.views.overview.QueuedRun;
import dev.runmetrics.core.views.overview.Realtime;
import dev.runmetrics.core.views.overview.ResourceBucket;
import dev.runmetrics.core.views.overview.Resources;
import dev.runmetrics.core.views.overview.RunInProgress;
import dev.runmetrics.core.views.overview.SystemLoad;
import dev.runmetrics.core.views.overview.Throughput;
import dev.runmetrics.core.views.overview.ThroughputPoint;
import dev.runmetrics.core.views.overview.TimedValue;
import dev.runmetrics.core.views.overview.Timeframe;
import dev.runmetrics.core.views.overview.TimelinePoint;
import dev.runmetrics.core.views.overview.Workers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What is happening now and lately: the {@link LiveOverview} of a workspace over a
 * {@link Timeframe} ({@link #of}) — live runs with their estimates, throughput, latency splits and
 * distribution, outcomes by node and by hour, the previous period, patterns and anomalies,
 * resources — and its live section alone ({@link #realtime}). Obtained from
 * {@link RunViews#overview()}; every method takes the workspace first and reads only that
 * workspace's data. Units and conventions of the result are in the
 * {@linkplain dev.runmetrics.core.views.overview overview package}.
 *
 * <p><b>The period</b> ends at the end of the timeline bucket holding now ({@code periodEnd}) and
 * starts one timeframe earlier, so the timeline has exactly {@code length / bucket} buckets (see
 * {@link Timeframe}), the last one in progress. Rates use the elapsed part,
 * {@code [periodStart, now)}. The previous period is the timeframe before {@code periodStart}.
 *
 * <p><b>Sources</b> — the live section from {@link RunStore#liveRuns}, at most
 * {@linkplain RunViews.Builder#liveLimit the live limit} (default
 * {@value RunViews#DEFAULT_LIVE_LIMIT}) runs, of which it lists at most
 * {@linkplain RunViews.Builder#liveListLimit the live list limit} (default
 * {@value RunViews#DEFAULT_LIVE_LIST_LIMIT}) running and as many queued ones; when the live limit
 * is reached its counts come from {@link RunStore#findRuns} totals (one query per status), so
 * they are exact however many runs are in flight, and if running runs filled the read, the oldest
 * queued runs (up to the list limit) are fetched the same way, so the queue is listed too; the
 * estimates and the average queue wait are over the runs read (the oldest live ones); everything else from the rollups: the period's WORKFLOW rollups once, in buckets that each fall
 * within one timeline bucket and one local hour, fetched a day at a time and folded as they come
 * (so memory is bounded by a day of buckets); the previous period as one bucket; nodes and models
 * grouped by subject; and, when runs are live, each workflow's history over the estimation window.
 * The cost grows with the minutes in the period, not with the runs. Executions are run attempts
 * that ended (a terminal status) in the period. Durations from rollups are within
 * {@link DurationHistogram#RELATIVE_ERROR} (see {@link ExecutionTimeStatisticsView}).
 *
 * <p><b>Live estimates.</b> A running run's {@code estimatedCompletion} is its start plus its
 * workflow's median execution time over the
 * {@linkplain RunViews.Builder#estimationWindow estimation window}. Queued runs are taken in order
 * (priority descending, then queued first: the order {@code WorkflowRunner} starts them in) by the
 * worker expected to be free first: idle workers
 * now, busy ones at their run's estimated completion (now if already past); a run then holds its
 * worker for its workflow's median (or the median of all workflows, if it has none). An estimate
 * that depends on an unknown duration is null. The medians of a workspace are reused for a minute
 * (by the clock) before they are read from the rollups again.
 *
 * <p><b>Throughput.</b> Two kinds of figure (see {@link Throughput}). Period averages — per
 * minute/hour/day: executions over the elapsed period; {@code capacityUtilization}: the execution
 * time of the ended runs over {@code maxCapacity} (the configured workers) × the elapsed period, in
 * percent (a run is counted wholly in the period it ended in). Current rates — the same over the
 * last complete minute and the last five complete minutes, read from one-minute WORKFLOW rollups
 * ending at the start of the minute holding now (one more small rollup query). Trend: per bucket,
 * executions per minute, the last bucket marked incomplete; the peak is the highest complete one.
 *
 * <p><b>Hours and days</b> are in the configured zone: {@code byHour} sums each hour of the day
 * over the period; a day's share of the period is its covered time / 24 h, so
 * {@code averageDaily}, {@code weekdayAverage} and {@code weekendAverage} are executions per
 * covered day. Hour buckets are UTC hours when the zone's offset is whole hours, else 30 or 15
 * minutes so that each falls in one local hour.
 *
 * <p><b>Pattern rules</b> — over the timeline buckets, with μ and σ the mean and population
 * standard deviation of the executions per bucket of the <i>history</i>: the complete buckets
 * (never the one in progress) from the workload's start. When the period begins with empty buckets,
 * the workload started inside it: those empty buckets and the first non-empty one (which it
 * started partway through) are not history and are never judged, so a workload's first minutes
 * are not a spike against the silence before it. With fewer than
 * {@value PatternRules#MIN_HISTORY_BUCKETS} history buckets there are no bursts, spikes or drops.
 * Besides its σ distance, each needs an effect a person would call one (so that steady load, whose
 * buckets differ by a few percent, never trips a rule however small its σ):
 * <ul>
 *   <li><i>burst</i>: a maximal run of consecutive buckets each with more than μ + 2σ, at least
 *       25% above μ and at least 5 executions; impact by its peak's distance from μ: high from
 *       4σ, medium from 3σ, else low;
 *   <li><i>spike</i>: a bucket with more than μ + 3σ, at least 50% above μ and at least 5
 *       executions; severity high from 5σ, medium from 4σ, else low;
 *   <li><i>drop</i>: a complete bucket with fewer than μ − 3σ executions and at most half of μ,
 *       when μ ≥ 5; severity by the same σ distances below μ;
 *   <li><i>failure_surge</i>: a bucket with at least 5 executions whose failure rate (failed or
 *       timed out) is above twice the period's and at least 20%; severity high from 50%, medium
 *       from 35%, else low;
 *   <li><i>peakHours</i>: up to 3 hours of day with the most executions (ties: the earlier hour),
 *       none with 0; <i>quietHours</i>: up to 3 other hours the period covers with the fewest. Both
 *       listed ascending.
 * </ul>
 * With σ = 0 (every bucket alike) there are no bursts, spikes or drops. An anomaly's description
 * names the bucket by its length only; its instant is the {@code timestamp} field, so that a page
 * shows every time in one convention.
 *
 * <p><b>Resources.</b> CPU and memory: with a {@linkplain RunViews.Builder#resourceSamples sample
 * store}, the kept per-minute samples of every instance in the timeline's buckets, each point the
 * bucket's mean (as {@link ResourceHistoryView} computes it; that view also gives the maximum and
 * the workers, queue and database figures); else the {@linkplain RunViews.Builder#resourceSampler
 * sampler's} in-memory samples in the period; when there are none, one sample taken now. Models:
 * the MODEL rollups. Database load: the {@linkplain RunViews.Builder#databaseLoad configured
 * supplier}; without one, the latest kept minute's, combined across instances (connections and
 * query rate summed, query time weighted by the rate, in seconds); else {@link DatabaseLoad#UNKNOWN}.
 *
 * <p>Thread-safe: its configuration is immutable and its only state, a per-workspace cache of the
 * live section's estimates, is a concurrent map of immutable values; every method may be called
 * from any thread, as the store's are.
 */
public final class LiveOverviewView {
    /** How long a workspace's completion and start estimates are reused. */
    static final Duration ESTIMATES_TTL = Duration.ofMinutes(1);
    /** The longer of the two windows of the current rates (the other is the last minute). */
    static final Duration RECENT_WINDOW = Duration.ofMinutes(5);

    private static final System.Logger LOG = System.getLogger(LiveOverviewView.class.getName());
    private static final long[] DISTRIBUTION_EDGES_MICROS = {0, 1_000_000, 5_000_000, 10_000_000, 30_000_000,
        60_000_000};
    private static final String[] DISTRIBUTION_NAMES = {"0-1s", "1-5s", "5-10s", "10-30s", "30-60s", "60s+"};
    private static final double SECONDS_PER_DAY = 86_400;

    private final RunStore store;
    private final RollupTotals rollups;
    private final PeriodCalendar calendar;
    private final int workerCapacity;
    private final Duration estimationWindow;
    private final int liveLimit;
    private final int liveListLimit;
    private final ResourceSampler sampler;
    private final boolean samplerConfigured;
    private final Supplier<DatabaseLoad> databaseLoad;
    private final ResourceHistoryView history;
    private final ConcurrentHashMap<String, Estimates> estimates = new ConcurrentHashMap<>();

    /**
     * @param clock timestamps the JVM sample taken when no sampler is configured
     * @param sampler the host's sampler, or null: then one JVM sample is taken per computation
     * @param databaseLoad the host's database load, or null: then the latest kept sample's, or unknown
     * @param history the kept per-minute samples (which may be none)
     */
    LiveOverviewView(RunStore store, RollupTotals rollups, PeriodCalendar calendar, Clock clock, int workerCapacity,
            Duration estimationWindow, int liveLimit, int liveListLimit, ResourceSampler sampler,
            Supplier<DatabaseLoad> databaseLoad, ResourceHistoryView history) {
        this.store = store;
        this.rollups = rollups;
        this.calendar = calendar;
        this.workerCapacity = workerCapacity;
        this.estimationWindow = estimationWindow;
        this.liveLimit = liveLimit;
        this.liveListLimit = liveListLimit;
        this.samplerConfigured = sampler != null;
        this.sampler = sampler != null ? sampler : ResourceSampler.jvm(clock, 1);
        this.databaseLoad = databaseLoad;
        this.history = history;
    }

    /**
     * The live overview of a workspace over a timeframe, as of now (see the class comment for every
     * number).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the workspace id is malformed
     */
    public LiveOverview of(String workspaceId, Timeframe timeframe) {
        Checks.id("workspaceId", workspaceId);
        Objects.requireNonNull(timeframe, "timeframe");
        Instant now = calendar.now();
        Duration bucket = timeframe.bucket();
        Instant to = PeriodCalendar.floor(now, bucket).plus(bucket);
        Instant from = to.minus(timeframe.length());
        Instant previousFrom = from.minus(timeframe.length());
        double elapsedSeconds = Math.max(1e-3, Duration.between(from, now).toNanos() / 1e9);

        PeriodScan scan = scan(workspaceId, from, to, bucket);
        Rollup current = scan.total(workspaceId, timeframe.length());
        Rollup previous = rollups.total(workspaceId, RollupDimension.WORKFLOW, null, previousFrom, from);

        Realtime realtime = realtime(workspaceId, now);
        List<TimelinePoint> timeline = timeline(scan);
        Throughput throughput = throughput(workspaceId, current, timeline, bucket, now, elapsedSeconds);
        Latency latency = latency(current);
        Performance performance = performance(workspaceId, current, previous, scan, from, to, elapsedSeconds,
                timeframe.length());
        Patterns patterns = patterns(timeline, scan, current.total(), from, now, bucket, elapsedSeconds);
        Resources resources = resources(workspaceId, from, to, bucket);
        return new LiveOverview(timeframe, workspaceId, now, from, to, realtime, throughput, latency, performance,
                patterns, resources);
    }

    /**
     * The live section alone (what the {@code execution_update} stream sends): running and queued
     * runs with their estimates (at most the live list limit of each), their counts, queue wait,
     * system load and workers; equal to the
     * {@link LiveOverview#realtime()} of {@link #of} at the same instant.
     *
     * @throws NullPointerException if workspaceId is null
     * @throws IllegalArgumentException if the workspace id is malformed
     */
    public Realtime realtime(String workspaceId) {
        Checks.id("workspaceId", workspaceId);
        return realtime(workspaceId, calendar.now());
    }

    private Realtime realtime(String workspaceId, Instant now) {
        List<Run> live = store.liveRuns(workspaceId, liveLimit);
        List<Run> running = live.stream().filter(r -> r.status() == RunStatus.RUNNING).toList();
        List<Run> queued = new ArrayList<>(live.stream().filter(r -> r.status() == RunStatus.QUEUED).toList());
        int runningCount = running.size();
        int queuedCount = queued.size();
        if (live.size() >= liveLimit) {
            // The read stopped at the live limit: count apart (never below what was seen live), and
            // when running runs filled the read, list the oldest queued runs all the same.
            runningCount = Math.max(runningCount, count(workspaceId, RunStatus.RUNNING));
            queuedCount = Math.max(queuedCount, count(workspaceId, RunStatus.QUEUED));
            if (queued.size() < Math.min(liveListLimit, queuedCount)) {
                Set<String> seen = new HashSet<>();
                queued.forEach(r -> seen.add(r.runId()));
                for (Run r : oldestQueued(workspaceId, queuedCount)) {
                    if (r.status() == RunStatus.QUEUED && seen.add(r.runId())) {
                        queued.add(r);
                    }
                }
            }
        }
        queued.sort(Comparator.comparingInt(LiveOverviewView::priority).reversed()
                .thenComparing(Run::queuedAt).thenComparing(Run::runId));

        Estimates estimates = live.isEmpty() && queued.isEmpty() ? Estimates.NONE : estimates(workspaceId, now);
        Map<String, Duration> medians = estimates.medians();
        Duration overallMedian = estimates.overall();

        List<RunInProgress> inProgress = new ArrayList<>();
        List<Instant> workerFree = new ArrayList<>();
        for (Run run : running) {
            Instant started = run.startedAt() != null ? run.startedAt() : run.queuedAt();
            Duration median = medians.get(run.workflowId());
            Instant estimate = median == null ? null : started.plus(median);
            if (inProgress.size() < liveListLimit) {
                inProgress.add(new RunInProgress(run.runId(), run.workflowId(), run.workflowName(), userId(run),
                        started, nonNegativeSeconds(started, now), estimate));
            }
            workerFree.add(estimate == null ? Instant.MAX : max(estimate, now));
        }
        for (int i = running.size(); i < workerCapacity; i++) {
            workerFree.add(now);
        }
        workerFree.sort(Comparator.naturalOrder());
        PriorityQueue<Instant> free = new PriorityQueue<>(workerFree.subList(0, workerCapacity));

        List<QueuedRun> queuedOut = new ArrayList<>();
        double waitSum = 0;
        for (Run run : queued) {
            waitSum += nonNegativeSeconds(run.queuedAt(), now);
            if (queuedOut.size() == liveListLimit) {
                continue; // later runs' start estimates are not listed: only their wait counts
            }
            Instant start = free.poll();
            Duration hold = medians.getOrDefault(run.workflowId(), overallMedian);
            free.add(start.equals(Instant.MAX) || hold == null ? Instant.MAX : start.plus(hold));
            queuedOut.add(new QueuedRun(run.runId(), run.workflowId(), priority(run), run.queuedAt(),
                    start.equals(Instant.MAX) ? null : start));
        }
        int busy = Math.min(runningCount, workerCapacity);
        ResourceSampler.Sample sample = sampler.current();
        return new Realtime(runningCount, queuedCount, queued.isEmpty() ? 0 : waitSum / queued.size(),
                inProgress, queuedOut,
                new SystemLoad(sample.cpu(), sample.memory(), new Workers(workerCapacity, busy, workerCapacity - busy)),
                liveListLimit);
    }

    /**
     * The oldest {@code liveListLimit} queued runs (at most a page), from the end of the store's
     * newest-first list of {@code total} queued runs.
     */
    private List<Run> oldestQueued(String workspaceId, int total) {
        int n = Math.min(liveListLimit, Math.min(total, RunQuery.MAX_LIMIT));
        if (n == 0) {
            return List.of();
        }
        return store.findRuns(workspaceId, new RunQuery(null, Set.of(RunStatus.QUEUED), null, null, total - n, n))
                .items();
    }

    /** How many of the workspace's runs are in a status, from the store's page total. */
    private int count(String workspaceId, RunStatus status) {
        long total = store.findRuns(workspaceId, new RunQuery(null, Set.of(status), null, null, 0, 1)).total();
        return (int) Math.min(Integer.MAX_VALUE, total);
    }

    /** Each workflow's median execution time over the estimation window, and all workflows' median. */
    private record Estimates(Instant computedAt, Map<String, Duration> medians, Duration overall) {
        static final Estimates NONE = new Estimates(Instant.MIN, Map.of(), null);
    }

    /**
     * Returns the workspace's estimates, recomputed when older than {@link #ESTIMATES_TTL}: the live
     * section may be polled every few seconds, and a week of history barely moves in a minute.
     */
    private Estimates estimates(String workspaceId, Instant now) {
        Estimates cached = estimates.get(workspaceId);
        if (cached != null && !now.isBefore(cached.computedAt())
                && now.isBefore(cached.computedAt().plus(ESTIMATES_TTL))) {
            return cached;
        }
        Instant end = PeriodCalendar.endOfMinute(now);
        Map<String, Duration> medians = new HashMap<>();
        DurationHistogram.Builder all = DurationHistogram.builder();
        for (Rollup r : store.rollups(workspaceId, new RollupQuery(RollupDimension.WORKFLOW, null, true,
                end.minus(estimationWindow), end, null).withHistograms(DurationKind.EXECUTION_TIME))) {
            median(r.executionTime()).ifPresent(m -> medians.put(r.subject(), m));
            all.add(r.executionTime());
        }
        Estimates fresh = new Estimates(now, Map.copyOf(medians), median(all.build()).orElse(null));
        estimates.values().removeIf(e -> !now.isBefore(e.computedAt().plus(ESTIMATES_TTL)));
        estimates.put(workspaceId, fresh);
        return fresh;
    }

    /**
     * Feeds the period's WORKFLOW rollups to a scan in buckets that each fall within one timeline
     * bucket and one local hour, a day at a time, so that memory stays bounded by a day of buckets
     * while the store's work stays one pass over the period's minutes.
     */
    private PeriodScan scan(String workspaceId, Instant from, Instant to, Duration timelineBucket) {
        PeriodScan scan = new PeriodScan(from, to, timelineBucket, calendar.zone());
        Duration fine = calendar.fineBucket(timelineBucket, from, to);
        Duration chunk = Duration.ofDays(1);
        for (Instant start = from; start.isBefore(to); start = start.plus(chunk)) {
            Instant end = min(start.plus(chunk), to);
            for (Rollup r : store.rollups(workspaceId,
                    new RollupQuery(RollupDimension.WORKFLOW, null, false, start, end, fine))) {
                scan.add(r);
            }
        }
        return scan;
    }

    private static List<TimelinePoint> timeline(PeriodScan scan) {
        List<TimelinePoint> points = new ArrayList<>(scan.timelineSize());
        for (int i = 0; i < scan.timelineSize(); i++) {
            long n = scan.timelineTotal[i];
            points.add(new TimelinePoint(scan.timelineStart(i), n, percent(scan.timelineCompleted[i], n),
                    meanSeconds(scan.timelineExecSumMs[i], scan.timelineExecCount[i])));
        }
        return points;
    }

    private Throughput throughput(String workspaceId, Rollup current, List<TimelinePoint> timeline, Duration bucket,
            Instant now, double elapsedSeconds) {
        double perMinute = current.total() / (elapsedSeconds / 60.0);
        double bucketMinutes = bucket.toMinutes();
        List<ThroughputPoint> trend = new ArrayList<>(timeline.size());
        TimedValue peak = null;
        for (int i = 0; i < timeline.size(); i++) {
            TimelinePoint p = timeline.get(i);
            boolean complete = i < timeline.size() - 1;
            double value = p.executions() / bucketMinutes;
            trend.add(new ThroughputPoint(p.timestamp(), value, complete));
            if (complete && value > 0 && (peak == null || value > peak.value())) {
                peak = new TimedValue(p.timestamp(), value);
            }
        }
        double utilization = busySeconds(current) / (workerCapacity * elapsedSeconds) * 100.0;

        // The current rates: the last complete minutes, one rollup row a minute merged across workflows.
        Instant recentEnd = PeriodCalendar.floor(now, Rollup.MINUTE);
        Instant lastMinute = recentEnd.minus(Rollup.MINUTE);
        Instant recentStart = recentEnd.minus(RECENT_WINDOW);
        long lastMinuteCount = 0;
        double lastMinuteBusy = 0;
        long recentCount = 0;
        double recentBusy = 0;
        for (Rollup r : store.rollups(workspaceId, new RollupQuery(RollupDimension.WORKFLOW, null, false,
                recentStart, recentEnd, Rollup.MINUTE).withHistograms(DurationKind.EXECUTION_TIME))) {
            recentCount += r.total();
            recentBusy += busySeconds(r);
            if (r.bucketStart().equals(lastMinute)) {
                lastMinuteCount += r.total();
                lastMinuteBusy += busySeconds(r);
            }
        }
        double recentMinutes = RECENT_WINDOW.toMinutes();
        return new Throughput(perMinute, perMinute * 60, perMinute * 1440, trend, peak, utilization, workerCapacity,
                recentEnd, lastMinuteCount, recentCount / recentMinutes,
                lastMinuteBusy / (workerCapacity * 60.0) * 100.0,
                recentBusy / (workerCapacity * 60.0 * recentMinutes) * 100.0);
    }

    /** The execution time of a rollup's runs, in seconds. */
    private static double busySeconds(Rollup r) {
        DurationStatistics exec = r.executionTime().statistics();
        return exec.count() == 0 ? 0 : exec.mean() * exec.count() / 1000.0;
    }

    private static Latency latency(Rollup current) {
        DurationHistogram exec = current.executionTime();
        long n = exec.count();
        List<LatencyBucket> distribution = new ArrayList<>();
        long below = 0;
        for (int i = 0; i < DISTRIBUTION_NAMES.length; i++) {
            long count = i + 1 < DISTRIBUTION_EDGES_MICROS.length
                    ? exec.countBetweenMicros(DISTRIBUTION_EDGES_MICROS[i], DISTRIBUTION_EDGES_MICROS[i + 1])
                    : n - below;
            below += count;
            distribution.add(new LatencyBucket(DISTRIBUTION_NAMES[i], count, n == 0 ? 0 : count * 100.0 / n));
        }
        return new Latency(LatencySummary.ofMillis(current.queueWait().statistics()),
                LatencySummary.ofMillis(exec.statistics()), LatencySummary.ofMillis(current.endToEnd().statistics()),
                distribution);
    }

    private Performance performance(String workspaceId, Rollup current, Rollup previous, PeriodScan scan,
            Instant from, Instant to, double elapsedSeconds, Duration length) {
        long total = current.total();
        long ok = current.count(RunStatus.COMPLETED);
        long failed = failures(current);
        long cancelled = current.count(RunStatus.CANCELLED);

        List<AgentPerformance> byAgent = new ArrayList<>();
        for (Rollup node : store.rollups(workspaceId,
                new RollupQuery(RollupDimension.NODE, null, true, from, to, null)
                        .withHistograms(DurationKind.EXECUTION_TIME))) {
            long skipped = node.count(RunStatus.SKIPPED);
            long n = node.total() - skipped;
            long nodeFailures = failures(node);
            byAgent.add(new AgentPerformance(node.subject(), node.subject(), n,
                    percent(node.count(RunStatus.COMPLETED), n), meanSeconds(node.executionTime()),
                    percent(nodeFailures, n), nodeFailures, skipped));
        }
        byAgent.sort(Comparator.comparingLong(AgentPerformance::executions).reversed()
                .thenComparing(AgentPerformance::agentId));

        List<HourPerformance> byHour = new ArrayList<>();
        for (int h = 0; h < 24; h++) {
            byHour.add(new HourPerformance(h, scan.hourTotal[h], percent(scan.hourCompleted[h], scan.hourTotal[h]),
                    meanSeconds(scan.hourExecSumMs[h], scan.hourExecCount[h])));
        }

        double rateNow = total / elapsedSeconds;
        double ratePrevious = previous.total() / (double) length.toSeconds();
        Double executionsChange = ratePrevious == 0 ? null : (rateNow - ratePrevious) / ratePrevious * 100;
        Double successChange = total == 0 || previous.total() == 0 ? null
                : percent(ok, total) - percent(previous.count(RunStatus.COMPLETED), previous.total());
        Double meanNow = meanSeconds(current.executionTime());
        Double meanPrevious = meanSeconds(previous.executionTime());
        Double latencyChange = meanNow == null || meanPrevious == null || meanPrevious == 0 ? null
                : (meanNow - meanPrevious) / meanPrevious * 100;
        return new Performance(total, ok, failed, cancelled, percent(ok, total), percent(failed, total),
                percent(cancelled, total), byAgent, byHour,
                new PeriodComparison(executionsChange, successChange, latencyChange));
    }

    private Patterns patterns(List<TimelinePoint> timeline, PeriodScan scan, long total, Instant from, Instant now,
            Duration bucket, double elapsedSeconds) {
        List<Instant> starts = timeline.stream().map(TimelinePoint::timestamp).toList();
        PatternRules.Buckets buckets = new PatternRules.Buckets(starts, bucket, scan.timelineTotal.clone(),
                scan.timelineFailed.clone());
        long[] byHour = scan.hourTotal;
        PeriodCalendar.Coverage covered = calendar.coverage(from, now);
        List<Integer> byCountDesc = new ArrayList<>();
        for (int h = 0; h < 24; h++) {
            if (byHour[h] > 0) {
                byCountDesc.add(h);
            }
        }
        byCountDesc.sort(Comparator.comparingLong((Integer h) -> byHour[h]).reversed()
                .thenComparing(Comparator.naturalOrder()));
        TreeSet<Integer> peak = new TreeSet<>(byCountDesc.subList(0, Math.min(3, byCountDesc.size())));
        List<Integer> quietCandidates = new ArrayList<>();
        for (int h = 0; h < 24; h++) {
            if (covered.hoursOfDay()[h] && !peak.contains(h)) {
                quietCandidates.add(h);
            }
        }
        quietCandidates.sort(Comparator.comparingLong((Integer h) -> byHour[h])
                .thenComparing(Comparator.naturalOrder()));
        TreeSet<Integer> quiet = new TreeSet<>(quietCandidates.subList(0, Math.min(3, quietCandidates.size())));

        double weekdaySeconds = covered.weekdaySeconds();
        double weekendSeconds = covered.weekendSeconds();
        PatternSummary summary = new PatternSummary(List.copyOf(peak), List.copyOf(quiet),
                total / (elapsedSeconds / SECONDS_PER_DAY),
                weekdaySeconds == 0 ? null : scan.weekdayTotal / (weekdaySeconds / SECONDS_PER_DAY),
                weekendSeconds == 0 ? null : scan.weekendTotal / (weekendSeconds / SECONDS_PER_DAY));
        return new Patterns(timeline, PatternRules.bursts(buckets), summary, PatternRules.anomalies(buckets));
    }

    private Resources resources(String workspaceId, Instant from, Instant to, Duration bucket) {
        List<TimedValue> cpu = new ArrayList<>();
        List<TimedValue> memory = new ArrayList<>();
        List<ResourceSample> kept = List.of();
        if (history.keepsSamples()) {
            // The kept samples of every instance, as the timeline's buckets (ResourceHistoryView).
            kept = history.samples(workspaceId, from, to);
            for (ResourceBucket b : ResourceHistoryView.buckets(kept, from, to, bucket)) {
                if (b.cpuPercent() != null) {
                    cpu.add(new TimedValue(b.timestamp(), b.cpuPercent().mean()));
                }
                if (b.heapPercent() != null) {
                    memory.add(new TimedValue(b.timestamp(), b.heapPercent().mean()));
                }
            }
        } else {
            List<ResourceSampler.Sample> samples = samplerConfigured ? sampler.samples() : List.of();
            for (ResourceSampler.Sample s : samples) {
                if (!s.at().isBefore(from) && s.at().isBefore(to)) {
                    addSample(s, cpu, memory);
                }
            }
        }
        if (cpu.isEmpty() && memory.isEmpty()) {
            addSample(sampler.current(), cpu, memory);
        }
        Map<String, ModelUsage> models = new LinkedHashMap<>();
        for (Rollup m : store.rollups(workspaceId,
                new RollupQuery(RollupDimension.MODEL, null, true, from, to, null)
                        .withHistograms(DurationKind.EXECUTION_TIME))) {
            models.put(m.subject(), new ModelUsage(m.total(), m.tokens(), meanSeconds(m.executionTime()), m.cost()));
        }
        DatabaseLoad db = ResourceHistoryView.latestDatabaseLoad(kept);
        if (databaseLoad != null) {
            try {
                db = Objects.requireNonNullElse(databaseLoad.get(), DatabaseLoad.UNKNOWN);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "database load supplier failed; reporting it as unknown", e);
            }
        }
        return new Resources(new Compute(cpu, memory, null), models, db);
    }

    private static void addSample(ResourceSampler.Sample s, List<TimedValue> cpu, List<TimedValue> memory) {
        if (s.cpu() != null) {
            cpu.add(new TimedValue(s.at(), s.cpu()));
        }
        if (s.memory() != null) {
            memory.add(new TimedValue(s.at(), s.memory()));
        }
    }

    private static Optional<Duration> median(DurationHistogram h) {
        return h.count() == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(h.valueAtPercentileMicros(50) * 1000));
    }

    private static int priority(Run run) {
        return run.attributes().get(Run.PRIORITY) instanceof Number n ? n.intValue() : 0;
    }

    private static String userId(Run run) {
        Object user = run.attributes().get(Run.USER_ID);
        return user == null ? null : user.toString();
    }

    @Override
    public String toString() {
        return "LiveOverviewView{workerCapacity=" + workerCapacity + ", zone=" + calendar.zone()
                + ", estimationWindow=" + estimationWindow + ", liveLimit=" + liveLimit + ", liveListLimit="
                + liveListLimit + "}";
    }
}
