package dev.runmetrics.core.views;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.store.DurationHistogram;
import dev.runmetrics.core.store.DurationKind;
import dev.runmetrics.core.store.DurationQuery;
import dev.runmetrics.core.store.DurationStatistics;
import dev.runmetrics.core.store.Page;
import dev.runmetrics.core.store.Rollup;
import dev.runmetrics.core.store.RollupDimension;
import dev.runmetrics.core.store.RollupQuery;
import dev.runmetrics.core.store.RunQuery;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.time.Clock;
import dev.runmetrics.core.views.LiveOverview.AgentPerformance;
import dev.runmetrics.core.views.LiveOverview.Compute;
import dev.runmetrics.core.views.LiveOverview.DatabaseLoad;
import dev.runmetrics.core.views.LiveOverview.ExecutionInProgress;
import dev.runmetrics.core.views.LiveOverview.HourPerformance;
import dev.runmetrics.core.views.LiveOverview.Latency;
import dev.runmetrics.core.views.LiveOverview.LatencyBucket;
import dev.runmetrics.core.views.LiveOverview.LatencySummary;
import dev.runmetrics.core.views.LiveOverview.ModelUsage;
import dev.runmetrics.core.views.LiveOverview.PatternSummary;
import dev.runmetrics.core.views.LiveOverview.Patterns;
import dev.runmetrics.core.views.LiveOverview.Performance;
import dev.runmetrics.core.views.LiveOverview.PeriodComparison;
import dev.runmetrics.core.views.LiveOverview.QueuedExecution;
import dev.runmetrics.core.views.LiveOverview.Realtime;
import dev.runmetrics.core.views.LiveOverview.Resources;
import dev.runmetrics.core.views.LiveOverview.SystemLoad;
import dev.runmetrics.core.views.LiveOverview.Throughput;
import dev.runmetrics.core.views.LiveOverview.TimedValue;
import dev.runmetrics.core.views.LiveOverview.TimelinePoint;
import dev.runmetrics.core.views.LiveOverview.Workers;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
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
 * The seed views — seed 000's execution-time statistics, seed 003's metrics summary, execution
 * list, detail and timeline, and seed 001's execution-metrics view — computed once, here, from the
 * {@link RunStore} primitives, so every store (in memory, PostgreSQL) answers them the same way.
 * Every method takes the workspace first and reads only that workspace's data.
 *
 * <p><b>Where the numbers come from, and their error.</b>
 * <ul>
 *   <li>Seed 000 over a range no longer than the {@linkplain Builder#exactCutover exact cut-over}
 *       (default {@value #DEFAULT_EXACT_CUTOVER_MINUTES} minutes): {@link RunStore#exactDurations},
 *       exact, percentiles by linear interpolation ({@code percentile_cont}) over the runs whose
 *       {@code completedAt} lies in {@code [from, to)}; {@code exact == true}.
 *   <li>Everything else that describes a period (seed 000 over longer ranges, seed 003's summary,
 *       seed 001 except its live section): the per-minute rollups ({@link RunStore#rollups}),
 *       merged at query time, so the cost grows with the minutes in the range, never with the runs.
 *       Counts are exact. A duration statistic is within {@link DurationHistogram#RELATIVE_ERROR}
 *       = 1/1024 (under 0.1%) relatively: a percentile {@code P} reported from rollups satisfies
 *       {@code v <= P < v * (1 + 1/1024)}, where {@code v} is the exact nearest-rank value (the
 *       sample at rank {@code ceil(p/100 * n)}); against {@code percentile_cont}, which
 *       interpolates between that sample and its neighbour, add the gap between the two.
 *       Values below 2,048 µs are exact (the histogram's buckets there are 1 µs wide); the
 *       minimum is reported at most 1/1024 below the true one, the maximum at most 1/1024 above,
 *       the mean within 1/2048. Durations are recorded in whole microseconds. The population is the
 *       runs that ended in the UTC minutes starting within the range, so a range edge inside a minute moves it by up to a
 *       minute. A resumed run that ends again counts again, once per attempt.
 *   <li>Seed 001's live section: {@link RunStore#liveRuns}, at most
 *       {@linkplain Builder#liveLimit the live limit} (default {@value #DEFAULT_LIVE_LIMIT}) runs,
 *       so its counts are lower bounds beyond that.
 * </ul>
 *
 * <p>Thread-safe: its configuration is immutable and its only state, a per-workspace cache of the
 * live section's estimates, is a concurrent map of immutable values; every method may be called
 * from any thread, as the store's are.
 */
public final class RunViews {
    /** Seed 003's default page size. */
    public static final int DEFAULT_LIMIT = 10;
    /** Seed 003's largest page size; larger is rejected. */
    public static final int MAX_LIMIT = 100;
    /** Default exact cut-over, in minutes. */
    public static final long DEFAULT_EXACT_CUTOVER_MINUTES = 60;
    /** Default live limit. */
    public static final int DEFAULT_LIVE_LIMIT = 1000;
    /** Default window of history that estimates completion and start times. */
    public static final Duration DEFAULT_ESTIMATION_WINDOW = Duration.ofDays(7);

    private static final System.Logger LOG = System.getLogger(RunViews.class.getName());
    private static final Set<RunStatus> FAILED = EnumSet.of(RunStatus.FAILED, RunStatus.TIMEOUT);
    private static final long[] DISTRIBUTION_EDGES_MICROS = {0, 1_000_000, 5_000_000, 10_000_000, 30_000_000,
        60_000_000};
    private static final String[] DISTRIBUTION_NAMES = {"0-1s", "1-5s", "5-10s", "10-30s", "30-60s", "60s+"};
    private static final double SECONDS_PER_DAY = 86_400;
    /** How long a workspace's completion and start estimates are reused. */
    static final Duration ESTIMATES_TTL = Duration.ofMinutes(1);

    private final RunStore store;
    private final Clock clock;
    private final int workerCapacity;
    private final ZoneId zone;
    private final Duration exactCutover;
    private final Duration estimationWindow;
    private final int liveLimit;
    private final ResourceSampler sampler;
    private final boolean samplerConfigured;
    private final Supplier<DatabaseLoad> databaseLoad;
    private final ConcurrentHashMap<String, Estimates> estimates = new ConcurrentHashMap<>();
    private final Duration resultCacheTtl;
    private final ResultCache<StatisticsKey, ExecutionTimeStatistics> statisticsCache;

    /** What a seed 000 answer depends on. */
    private record StatisticsKey(String workspaceId, String workflowId, Instant from, Instant to) {
    }

    private RunViews(Builder b) {
        this.store = b.store;
        this.clock = b.clock;
        this.workerCapacity = b.workerCapacity;
        this.zone = b.zone;
        this.exactCutover = b.exactCutover;
        this.estimationWindow = b.estimationWindow;
        this.liveLimit = b.liveLimit;
        this.samplerConfigured = b.sampler != null;
        this.sampler = b.sampler != null ? b.sampler : ResourceSampler.jvm(b.clock, 1);
        this.databaseLoad = b.databaseLoad;
        this.resultCacheTtl = b.resultCacheTtl;
        this.statisticsCache = new ResultCache<>(b.clock, b.resultCacheTtl.toNanos(), 4096);
    }

    /**
     * Returns a builder of views over {@code store}; {@link Builder#workerCapacity} must be set.
     *
     * @throws NullPointerException if store is null
     */
    public static Builder builder(RunStore store) {
        return new Builder(store);
    }

    // ---------------------------------------------------------------- seed 000

    /**
     * Seed 000: execution-time statistics (count, avg, median, min, max, p95, p99, in ms) of the runs
     * of one workflow, or of all, that ended in {@code [from, to)}; all null when there are none.
     * A range no longer than the exact cut-over is answered exactly from the raw rows
     * ({@code exact == true}); a longer one from the rollups, each value within 1/1024 (see the
     * class comment).
     *
     * @param workspaceId the tenant
     * @param workflowId one workflow, or empty for all of the workspace's
     * @param from the first instant (inclusive); the HTTP adapter passes {@link Instant#EPOCH} for
     *     an open start
     * @param to the end (exclusive); the adapter passes now for an open end
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if an id is malformed or {@code to} is before {@code from}
     */
    public ExecutionTimeStatistics executionTimeStatistics(String workspaceId, Optional<String> workflowId,
            Instant from, Instant to) {
        Checks.id("workspaceId", workspaceId);
        String workflow = Checks.optionalId("workflowId", Objects.requireNonNull(workflowId, "workflowId")
                .orElse(null));
        requireRange(from, to);
        return statisticsCache.get(new StatisticsKey(workspaceId, workflow, from, to), () -> {
            if (Duration.between(from, to).compareTo(exactCutover) <= 0) {
                return ExecutionTimeStatistics.from(
                        store.exactDurations(workspaceId, new DurationQuery(workflow, from, to)).executionTime());
            }
            Rollup total = total(workspaceId, RollupDimension.WORKFLOW, workflow, from, to);
            return ExecutionTimeStatistics.from(total.executionTime().statistics());
        });
    }

    // ---------------------------------------------------------------- seed 003

    /**
     * Seed 003: a workflow's metrics summary across all its executions that have ended (every
     * attempt), from the rollups (durations within 1/1024).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if an id is malformed
     */
    public WorkflowMetricsSummary workflowMetrics(String workspaceId, String workflowId) {
        Checks.id("workspaceId", workspaceId);
        Checks.id("workflowId", workflowId);
        Rollup r = total(workspaceId, RollupDimension.WORKFLOW, workflowId, Instant.EPOCH, endOfCurrentMinute());
        long total = r.total();
        long successful = r.count(RunStatus.COMPLETED);
        long failed = failures(r);
        DurationStatistics exec = r.executionTime().statistics();
        double totalSeconds = exec.count() == 0 ? 0 : exec.mean() * exec.count() / 1000.0;
        return new WorkflowMetricsSummary(totalSeconds, percent(successful, total), total, successful, failed,
                exec.count() == 0 ? 0 : exec.mean() / 1000.0, exec.count() == 0 ? null : exec.min() / 1000.0,
                exec.count() == 0 ? null : exec.max() / 1000.0);
    }

    /**
     * The workspace's workflows: each workflow with an execution that has ended (from the rollups,
     * all time) or one queued or running now ({@link RunStore#liveRuns}, up to the live limit), with
     * its ended executions counted by outcome; most ended executions first, then by id. Reads counts
     * only (no histograms), so it stays cheap however many runs there are. Not part of a seed: it
     * lets a client such as the dashboard offer the workflows instead of asking for their ids.
     *
     * @throws NullPointerException if the workspace id is null
     * @throws IllegalArgumentException if the workspace id is malformed
     */
    public List<WorkflowListing> workflows(String workspaceId) {
        Checks.id("workspaceId", workspaceId);
        Map<String, Rollup> ended = new HashMap<>();
        for (Rollup r : store.rollups(workspaceId, new RollupQuery(RollupDimension.WORKFLOW, null, true,
                Instant.EPOCH, endOfCurrentMinute(), null).withHistograms())) {
            ended.put(r.subject(), r);
        }
        Map<String, Long> live = new HashMap<>();
        for (Run run : store.liveRuns(workspaceId, liveLimit)) {
            live.merge(run.workflowId(), 1L, Long::sum);
        }
        Set<String> ids = new TreeSet<>(ended.keySet());
        ids.addAll(live.keySet());
        List<WorkflowListing> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            Rollup r = ended.get(id);
            out.add(new WorkflowListing(id, r == null ? 0 : r.total(), r == null ? 0 : r.count(RunStatus.COMPLETED),
                    r == null ? 0 : failures(r), live.getOrDefault(id, 0L)));
        }
        out.sort(Comparator.comparingLong(WorkflowListing::totalExecutions).reversed()
                .thenComparing(WorkflowListing::workflowId));
        return List.copyOf(out);
    }

    /**
     * Seed 003: one page of executions, newest first (by queue time), of one workflow or all, in one
     * status or any.
     *
     * @param skip how many to skip, at least 0
     * @param limit the page size, 1 to {@value #MAX_LIMIT} (seed 003's default is
     *     {@value #DEFAULT_LIMIT})
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException naming {@code skip} or {@code limit} when out of range, or if
     *     an id is malformed
     */
    public Page<RunSummary> executions(String workspaceId, Optional<String> workflowId, Optional<RunStatus> status,
            int skip, int limit) {
        Checks.id("workspaceId", workspaceId);
        Objects.requireNonNull(workflowId, "workflowId");
        Objects.requireNonNull(status, "status");
        if (skip < 0) {
            throw new IllegalArgumentException("skip must be >= 0, was " + skip);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        RunQuery query = new RunQuery(workflowId.orElse(null), status.map(Set::of).orElse(Set.of()), null, null,
                skip, limit);
        Page<Run> page = store.findRuns(workspaceId, query);
        return new Page<>(page.items().stream().map(RunSummary::of).toList(), page.total(), page.skip(),
                page.limit());
    }

    /**
     * Seed 003: an execution with the step executions of all its attempts, or empty if the
     * workspace has no run with that id.
     *
     * @throws NullPointerException if an argument is null
     */
    public Optional<RunDetail> executionDetail(String workspaceId, String runId) {
        Checks.id("workspaceId", workspaceId);
        Objects.requireNonNull(runId, "runId");
        return store.findRun(workspaceId, runId)
                .map(run -> RunDetail.of(run, store.findSteps(workspaceId, runId)));
    }

    /**
     * Seed 003: an execution's timeline (every step of every attempt, with step counts), or empty if
     * the workspace has no run with that id.
     *
     * @throws NullPointerException if an argument is null
     */
    public Optional<RunTimeline> executionTimeline(String workspaceId, String runId) {
        Checks.id("workspaceId", workspaceId);
        Objects.requireNonNull(runId, "runId");
        return store.findRun(workspaceId, runId)
                .map(run -> RunTimeline.of(run, store.findSteps(workspaceId, runId)));
    }

    // ---------------------------------------------------------------- seed 001

    /**
     * Seed 001: the execution-metrics view of a workspace over a timeframe.
     *
     * <p><b>The period</b> ends at the end of the timeline bucket holding now ({@code periodEnd}) and
     * starts one timeframe earlier, so the timeline has exactly {@code length / bucket} buckets (see
     * {@link Timeframe}), the last one in progress. Rates use the elapsed part,
     * {@code [periodStart, now)}. The previous period is the timeframe before {@code periodStart}.
     *
     * <p><b>Sources</b> — the live section from {@link RunStore#liveRuns}; everything else from the
     * rollups: the period's WORKFLOW rollups once, in buckets that each fall within one timeline
     * bucket and one local hour, fetched a day at a time and folded as they come (so memory is
     * bounded by a day of buckets); the previous period as one bucket; nodes and models grouped by
     * subject; and, when runs are live, each workflow's history over the estimation window. The
     * cost grows with the minutes in the period, not with the runs. Executions are run attempts
     * that ended (a terminal status) in the period.
     *
     * <p><b>Live estimates.</b> A running run's {@code estimatedCompletion} is its start plus its
     * workflow's median execution time over the estimation window. Queued runs are taken in order
     * (priority descending, then queued first) by the worker expected to be free first: idle
     * workers now, busy ones at their run's estimated completion (now if already past); a run then
     * holds its worker for its workflow's median (or the median of all workflows, if it has none).
     * An estimate that depends on an unknown duration is null. The medians of a workspace are reused
     * for a minute (by the clock) before they are read from the rollups again.
     *
     * <p><b>Throughput.</b> Per minute/hour/day: executions over the elapsed period. Trend: per
     * bucket, executions per minute. {@code capacityUtilization}: the execution time of the ended
     * runs over {@code maxCapacity} (the configured workers) × the elapsed period, in percent (a run
     * is counted wholly in the period it ended in).
     *
     * <p><b>Hours and days</b> are in the configured zone: {@code byHour} sums each hour of the day
     * over the period; a day's share of the period is its covered time / 24 h, so
     * {@code averageDaily}, {@code weekdayAverage} and {@code weekendAverage} are executions per
     * covered day. Hour buckets are UTC hours when the zone's offset is whole hours, else 30 or 15
     * minutes so that each falls in one local hour.
     *
     * <p><b>Pattern rules</b> — over the timeline buckets, with μ and σ the mean and population
     * standard deviation of the executions per completed bucket:
     * <ul>
     *   <li><i>burst</i>: a maximal run of consecutive buckets each with more than μ + 2σ and at
     *       least 5 executions; impact by its peak's distance from μ: high from 4σ, medium from 3σ,
     *       else low;
     *   <li><i>spike</i>: a bucket with more than μ + 3σ and at least 5 executions; severity high
     *       from 5σ, medium from 4σ, else low;
     *   <li><i>drop</i>: a completed bucket with fewer than μ − 3σ executions, when μ ≥ 5; severity
     *       by the same σ distances below μ;
     *   <li><i>failure_surge</i>: a bucket with at least 5 executions whose failure rate (failed or
     *       timed out) is above twice the period's and at least 20%; severity high from 50%, medium
     *       from 35%, else low;
     *   <li><i>peakHours</i>: up to 3 hours of day with the most executions (ties: the earlier
     *       hour), none with 0; <i>quietHours</i>: up to 3 other hours the period covers with the
     *       fewest. Both listed ascending.
     * </ul>
     * With σ = 0 (every bucket alike) there are no bursts, spikes or drops.
     *
     * <p><b>Resources.</b> CPU and memory: the {@linkplain Builder#resourceSampler sampler's}
     * samples in the period, or, when there are none, one sample taken now. Models: the MODEL
     * rollups. Database load: the configured supplier, or {@link DatabaseLoad#UNKNOWN}.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the workspace id is malformed
     */
    public LiveOverview executionMetrics(String workspaceId, Timeframe timeframe) {
        Checks.id("workspaceId", workspaceId);
        Objects.requireNonNull(timeframe, "timeframe");
        Instant now = clock.wallTime();
        Duration bucket = timeframe.bucket();
        Instant to = floor(now, bucket).plus(bucket);
        Instant from = to.minus(timeframe.length());
        Instant previousFrom = from.minus(timeframe.length());
        double elapsedSeconds = Math.max(1e-3, Duration.between(from, now).toNanos() / 1e9);

        PeriodScan scan = scan(workspaceId, from, to, bucket);
        Rollup current = scan.total(workspaceId, timeframe.length());
        Rollup previous = total(workspaceId, RollupDimension.WORKFLOW, null, previousFrom, from);

        Realtime realtime = realtime(workspaceId, now);
        List<TimelinePoint> timeline = timeline(scan);
        Throughput throughput = throughput(current, timeline, bucket, elapsedSeconds);
        Latency latency = latency(current);
        Performance performance = performance(workspaceId, current, previous, scan, from, to, elapsedSeconds,
                timeframe.length());
        Patterns patterns = patterns(timeline, scan, current.total(), from, now, bucket, elapsedSeconds);
        Resources resources = resources(workspaceId, from, to);
        return new LiveOverview(timeframe, workspaceId, now, from, to, realtime, throughput, latency, performance,
                patterns, resources);
    }

    /**
     * Seed 001's live section alone (what its {@code execution_update} stream sends): running and
     * queued runs with their estimates, queue wait, system load and workers. See
     * {@link #executionMetrics} for the estimates.
     *
     * @throws NullPointerException if workspaceId is null
     * @throws IllegalArgumentException if the workspace id is malformed
     */
    public Realtime realtime(String workspaceId) {
        Checks.id("workspaceId", workspaceId);
        return realtime(workspaceId, clock.wallTime());
    }

    private Realtime realtime(String workspaceId, Instant now) {
        List<Run> live = store.liveRuns(workspaceId, liveLimit);
        List<Run> running = live.stream().filter(r -> r.status() == RunStatus.RUNNING).toList();
        List<Run> queued = new ArrayList<>(live.stream().filter(r -> r.status() == RunStatus.QUEUED).toList());
        queued.sort(Comparator.comparingInt(RunViews::priority).reversed()
                .thenComparing(Run::queuedAt).thenComparing(Run::runId));

        Estimates estimates = live.isEmpty() ? Estimates.NONE : estimates(workspaceId, now);
        Map<String, Duration> medians = estimates.medians();
        Duration overallMedian = estimates.overall();

        List<ExecutionInProgress> inProgress = new ArrayList<>();
        List<Instant> workerFree = new ArrayList<>();
        for (Run run : running) {
            Instant started = run.startedAt() != null ? run.startedAt() : run.queuedAt();
            Duration median = medians.get(run.workflowId());
            Instant estimate = median == null ? null : started.plus(median);
            inProgress.add(new ExecutionInProgress(run.runId(), run.workflowId(), run.workflowName(), userId(run),
                    started, nonNegativeSeconds(started, now), estimate));
            workerFree.add(estimate == null ? Instant.MAX : max(estimate, now));
        }
        for (int i = running.size(); i < workerCapacity; i++) {
            workerFree.add(now);
        }
        workerFree.sort(Comparator.naturalOrder());
        PriorityQueue<Instant> free = new PriorityQueue<>(workerFree.subList(0, workerCapacity));

        List<QueuedExecution> queuedOut = new ArrayList<>();
        double waitSum = 0;
        for (Run run : queued) {
            waitSum += nonNegativeSeconds(run.queuedAt(), now);
            Instant start = free.poll();
            Duration hold = medians.getOrDefault(run.workflowId(), overallMedian);
            free.add(start.equals(Instant.MAX) || hold == null ? Instant.MAX : start.plus(hold));
            queuedOut.add(new QueuedExecution(run.runId(), run.workflowId(), priority(run), run.queuedAt(),
                    start.equals(Instant.MAX) ? null : start));
        }
        int busy = Math.min(running.size(), workerCapacity);
        ResourceSampler.Sample sample = sampler.current();
        return new Realtime(running.size(), queued.size(), queued.isEmpty() ? 0 : waitSum / queued.size(),
                inProgress, queuedOut, new SystemLoad(sample.cpu(), sample.memory(),
                        new Workers(workerCapacity, busy, workerCapacity - busy)));
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
        Instant end = endOfMinute(now);
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
        PeriodScan scan = new PeriodScan(from, to, timelineBucket, zone);
        Duration fine = Duration.ofSeconds(gcd(timelineBucket.toSeconds(), hourBucket(from, to).toSeconds()));
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

    private Throughput throughput(Rollup current, List<TimelinePoint> timeline, Duration bucket,
            double elapsedSeconds) {
        double perMinute = current.total() / (elapsedSeconds / 60.0);
        double bucketMinutes = bucket.toMinutes();
        List<TimedValue> trend = timeline.stream()
                .map(p -> new TimedValue(p.timestamp(), p.executions() / bucketMinutes)).toList();
        TimedValue peak = null;
        for (TimedValue v : trend) {
            if (v.value() > 0 && (peak == null || v.value() > peak.value())) {
                peak = v;
            }
        }
        DurationStatistics exec = current.executionTime().statistics();
        double busySeconds = exec.count() == 0 ? 0 : exec.mean() * exec.count() / 1000.0;
        double utilization = busySeconds / (workerCapacity * elapsedSeconds) * 100.0;
        return new Throughput(perMinute, perMinute * 60, perMinute * 1440, trend, peak, utilization, workerCapacity);
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
            long n = node.total();
            byAgent.add(new AgentPerformance(node.subject(), node.subject(), n,
                    percent(node.count(RunStatus.COMPLETED), n), meanSeconds(node.executionTime()),
                    percent(failures(node), n)));
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
        long weekday = scan.weekdayTotal;
        long weekend = scan.weekendTotal;
        // Which hours of day the elapsed period covers, and how many days of weekdays and weekends.
        boolean[] covered = new boolean[24];
        double weekdaySeconds = 0;
        double weekendSeconds = 0;
        for (ZonedDateTime h = from.atZone(zone).truncatedTo(ChronoUnit.HOURS); h.toInstant().isBefore(now);
                h = h.plusHours(1)) {
            Instant start = max(h.toInstant(), from);
            Instant end = min(h.plusHours(1).toInstant(), now);
            if (!end.isAfter(start)) {
                continue;
            }
            covered[h.getHour()] = true;
            double seconds = Duration.between(start, end).toNanos() / 1e9;
            if (isWeekend(h.getDayOfWeek())) {
                weekendSeconds += seconds;
            } else {
                weekdaySeconds += seconds;
            }
        }
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
            if (covered[h] && !peak.contains(h)) {
                quietCandidates.add(h);
            }
        }
        quietCandidates.sort(Comparator.comparingLong((Integer h) -> byHour[h])
                .thenComparing(Comparator.naturalOrder()));
        TreeSet<Integer> quiet = new TreeSet<>(quietCandidates.subList(0, Math.min(3, quietCandidates.size())));

        PatternSummary summary = new PatternSummary(List.copyOf(peak), List.copyOf(quiet),
                total / (elapsedSeconds / SECONDS_PER_DAY),
                weekdaySeconds == 0 ? null : weekday / (weekdaySeconds / SECONDS_PER_DAY),
                weekendSeconds == 0 ? null : weekend / (weekendSeconds / SECONDS_PER_DAY));
        return new Patterns(timeline, PatternRules.bursts(buckets), summary, PatternRules.anomalies(buckets));
    }

    private Resources resources(String workspaceId, Instant from, Instant to) {
        List<TimedValue> cpu = new ArrayList<>();
        List<TimedValue> memory = new ArrayList<>();
        List<ResourceSampler.Sample> samples = samplerConfigured ? sampler.samples() : List.of();
        samples = samples.stream().filter(s -> !s.at().isBefore(from) && s.at().isBefore(to)).toList();
        if (samples.isEmpty()) {
            samples = List.of(sampler.current());
        }
        for (ResourceSampler.Sample s : samples) {
            if (s.cpu() != null) {
                cpu.add(new TimedValue(s.at(), s.cpu()));
            }
            if (s.memory() != null) {
                memory.add(new TimedValue(s.at(), s.memory()));
            }
        }
        Map<String, ModelUsage> models = new LinkedHashMap<>();
        for (Rollup m : store.rollups(workspaceId,
                new RollupQuery(RollupDimension.MODEL, null, true, from, to, null)
                        .withHistograms(DurationKind.EXECUTION_TIME))) {
            models.put(m.subject(), new ModelUsage(m.total(), m.tokens(), meanSeconds(m.executionTime()), m.cost()));
        }
        DatabaseLoad db = DatabaseLoad.UNKNOWN;
        if (databaseLoad != null) {
            try {
                db = Objects.requireNonNullElse(databaseLoad.get(), DatabaseLoad.UNKNOWN);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "database load supplier failed; reporting it as unknown", e);
            }
        }
        return new Resources(new Compute(cpu, memory, null), models, db);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The rollups of one dimension (and subject, or all) in [from, to) merged into one, with only
     * its execution-time histogram filled (what every caller reads besides the counts).
     */
    private Rollup total(String workspaceId, RollupDimension dimension, String subject, Instant from, Instant to) {
        if (!to.isAfter(from)) {
            return Rollup.merge(workspaceId, dimension, subject, from, Rollup.MINUTE, null, List.of());
        }
        RollupQuery query = RollupQuery.total(dimension, subject, from, to).withHistograms(DurationKind.EXECUTION_TIME);
        List<Rollup> parts = store.rollups(workspaceId, query);
        return parts.size() == 1 ? parts.get(0)
                : Rollup.merge(workspaceId, dimension, subject, from, query.bucketLength(), null, parts);
    }

    /** Hour buckets that each fall within one local hour of the zone over [from, to). */
    Duration hourBucket(Instant from, Instant to) {
        ZoneRules rules = zone.getRules();
        int gcd = 3600;
        gcd = gcd(gcd, rules.getOffset(from));
        for (ZoneOffsetTransition t = rules.nextTransition(from); t != null && t.getInstant().isBefore(to);
                t = rules.nextTransition(t.getInstant())) {
            gcd = gcd(gcd, t.getOffsetAfter());
        }
        return gcd % 60 == 0 && gcd >= 900 ? Duration.ofSeconds(gcd) : Duration.ofMinutes(15);
    }

    private static int gcd(int a, ZoneOffset offset) {
        int b = Math.abs(offset.getTotalSeconds()) % 3600;
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    private static Optional<Duration> median(DurationHistogram h) {
        return h.count() == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(h.valueAtPercentileMicros(50) * 1000));
    }

    private static Double meanSeconds(DurationHistogram h) {
        DurationStatistics s = h.statistics();
        return s.count() == 0 ? null : s.mean() / 1000.0;
    }

    private static Double meanSeconds(double sumMillis, long count) {
        return count == 0 ? null : sumMillis / count / 1000.0;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    private static long failures(Rollup r) {
        long n = 0;
        for (RunStatus s : FAILED) {
            n += r.count(s);
        }
        return n;
    }

    private static double percent(long part, long whole) {
        return whole == 0 ? 0 : part * 100.0 / whole;
    }

    private static int priority(Run run) {
        return run.attributes().get(Run.PRIORITY) instanceof Number n ? n.intValue() : 0;
    }

    private static String userId(Run run) {
        Object user = run.attributes().get(Run.USER_ID);
        return user == null ? null : user.toString();
    }

    private static boolean isWeekend(DayOfWeek day) {
        return day == DayOfWeek.SATURDAY || day == DayOfWeek.SUNDAY;
    }

    private static double nonNegativeSeconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toNanos() / 1e9);
    }

    private static Instant floor(Instant t, Duration size) {
        long s = size.getSeconds();
        return Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), s) * s);
    }

    private Instant endOfCurrentMinute() {
        return endOfMinute(clock.wallTime());
    }

    private static Instant endOfMinute(Instant t) {
        return t.truncatedTo(ChronoUnit.MINUTES).plus(Rollup.MINUTE);
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static void requireRange(Instant from, Instant to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to " + to + " is before from " + from);
        }
    }

    @Override
    public String toString() {
        return "RunViews{store=" + store + ", workerCapacity=" + workerCapacity + ", zone=" + zone + ", exactCutover="
                + exactCutover + ", estimationWindow=" + estimationWindow + ", liveLimit=" + liveLimit
                + ", resultCacheTtl=" + resultCacheTtl + "}";
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
        private ResourceSampler sampler;
        private Supplier<DatabaseLoad> databaseLoad;
        private Duration resultCacheTtl = Duration.ZERO;

        private Builder(RunStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /** The clock that says what "now" is (default {@link Clock#system()}). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How many runs the host can execute at once (seed 001's workers and {@code maxCapacity});
         * required.
         *
         * @throws IllegalArgumentException if below 1
         */
        public Builder workerCapacity(int workers) {
            this.workerCapacity = Checks.atLeast("workerCapacity", workers, 1);
            return this;
        }

        /** The zone of hour-of-day and weekday patterns (default UTC). */
        public Builder zone(ZoneId zone) {
            this.zone = Objects.requireNonNull(zone, "zone");
            return this;
        }

        /**
         * The longest range seed 000's statistics answer exactly from raw rows; longer ranges use
         * the rollups (default {@value #DEFAULT_EXACT_CUTOVER_MINUTES} minutes; zero: always rollups
         * except for an empty range).
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
         * How much history estimates completion and start times (default 7 days).
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
         * The most live runs the live section reads (default {@value #DEFAULT_LIVE_LIMIT}).
         *
         * @throws IllegalArgumentException if below 1
         */
        public Builder liveLimit(int limit) {
            this.liveLimit = Checks.atLeast("liveLimit", limit, 1);
            return this;
        }

        /** The sampler whose ring feeds the resource samples (default: one JVM sample per view). */
        public Builder resourceSampler(ResourceSampler sampler) {
            this.sampler = Objects.requireNonNull(sampler, "sampler");
            return this;
        }

        /**
         * What the store reports of its database's load (default: unknown). A supplier that throws
         * is logged and reported as unknown.
         */
        public Builder databaseLoad(Supplier<DatabaseLoad> supplier) {
            this.databaseLoad = Objects.requireNonNull(supplier, "supplier");
            return this;
        }

        /**
         * Keeps each seed 000 statistics answer for {@code ttl} and answers the same question
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
    }
}
