package dev.runmetrics.core.views;

import static dev.runmetrics.core.views.RollupTotals.failures;
import static dev.runmetrics.core.views.RollupTotals.percent;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.store.DurationHistogram;
import dev.runmetrics.core.store.DurationQuery;
import dev.runmetrics.core.store.DurationKind;
import dev.runmetrics.core.store.DurationStatistics;
import dev.runmetrics.core.store.Rollup;
import dev.runmetrics.core.store.RollupDimension;
import dev.runmetrics.core.store.RollupQuery;
import dev.runmetrics.core.store.RunQuery;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How long runs take, per workflow: the execution-time statistics of the runs that ended in a
 * range ({@link #executionTimes}, and per workflow in one call {@link #executionTimesByWorkflow}),
 * whether a workflow is known at all ({@link #knowsWorkflow}), a workflow's summary over all its ended runs
 * ({@link #workflowSummary}), and the workspace's workflows with their outcome counts
 * ({@link #workflows}). Obtained from {@link RunViews#statistics()}; every method takes the
 * workspace first and reads only that workspace's data.
 *
 * <p><b>What is counted: one definition for every range.</b> The population is every attempt of a
 * run that ended (completed, failed, cancelled, timed out or skipped) with its {@code completedAt}
 * in {@code [from, to)}, once each: a run that failed, was resumed and then completed counts twice,
 * once failed and once completed, and a paused run counts when it ends. Each attempt's execution
 * time is the run's {@linkplain dev.runmetrics.core.model.Run#executionTime() execution time} as
 * of that end: the time it spent executing, all its attempts so far, without the time it waited
 * between them (failed or paused until an operator resumed it; that wait is the run's
 * {@code waitedBetweenAttempts}, and its end-to-end latency still includes it). Percentiles are
 * nearest rank ({@link dev.runmetrics.core.store.DurationStatistics#rank}: the sample at rank
 * {@code ceil(p/100 * n)}, never an interpolation).
 *
 * <p><b>Where the numbers come from, and their error.</b>
 * <ul>
 *   <li>{@link #executionTimes} over a range no longer than the
 *       {@linkplain RunViews.Builder#exactCutover exact cut-over} (default
 *       {@value RunViews#DEFAULT_EXACT_CUTOVER_MINUTES} minutes): {@link RunStore#exactDurations},
 *       exact; {@code exact == true}.
 *   <li>Everything else: the per-minute rollups ({@link RunStore#rollups}) of the whole minutes
 *       inside the range, merged at query time, plus the raw attempts of the partial minutes at
 *       its two edges ({@link RunStore#exactExecutionTimes}), so the cost grows with the minutes
 *       in the range, never with the runs, and the population is exactly the exact path's: the
 *       same attempts give the same {@code count}. A duration statistic is within
 *       {@link DurationHistogram#RELATIVE_ERROR} = 1/1024 (under 0.1%) relatively: a percentile
 *       {@code P} reported from rollups satisfies {@code v <= P < v * (1 + 1/1024)}, where
 *       {@code v} is the exact path's value for the same attempts. Values below 2,048 µs are exact
 *       (the histogram's buckets there are 1 µs wide); the minimum is reported at most 1/1024 below
 *       the true one, the maximum at most 1/1024 above, the mean within 1/2048. Durations are
 *       recorded in whole microseconds.
 * </ul>
 *
 * <p>Thread-safe: its configuration is immutable and its only state, the optional
 * {@linkplain RunViews.Builder#resultCacheTtl result caches} of {@link #executionTimes} and
 * {@link #executionTimesByWorkflow}, are concurrent caches of immutable values; every method may be called from any thread, as the
 * store's are.
 */
public final class ExecutionTimeStatisticsView {
    /** The entries the result cache holds at most. */
    private static final int CACHE_ENTRIES = 4096;

    private final RunStore store;
    private final RollupTotals rollups;
    private final PeriodCalendar calendar;
    private final Duration exactCutover;
    private final int liveLimit;
    private final ResultCache<StatisticsKey, ExecutionTimeStatistics> cache;
    private final ResultCache<StatisticsKey, List<WorkflowExecutionTimes>> groupCache;

    /** What an {@link #executionTimes} or {@link #executionTimesByWorkflow} answer depends on. */
    private record StatisticsKey(String workspaceId, String workflowId, RunStatus status, Instant from, Instant to) {
    }

    ExecutionTimeStatisticsView(RunStore store, RollupTotals rollups, PeriodCalendar calendar, Clock clock,
            Duration exactCutover, int liveLimit, Duration resultCacheTtl) {
        this.store = store;
        this.rollups = rollups;
        this.calendar = calendar;
        this.exactCutover = exactCutover;
        this.liveLimit = liveLimit;
        this.cache = new ResultCache<>(clock, resultCacheTtl.toNanos(), CACHE_ENTRIES);
        this.groupCache = new ResultCache<>(clock, resultCacheTtl.toNanos(), CACHE_ENTRIES);
    }

    /**
     * The execution-time statistics of one workflow's attempts, or of all, that ended in
     * {@code [from, to)} in any status; see {@link #executionTimes(String, Optional, Optional, Instant, Instant)}.
     */
    public ExecutionTimeStatistics executionTimes(String workspaceId, Optional<String> workflowId, Instant from,
            Instant to) {
        return executionTimes(workspaceId, workflowId, Optional.empty(), from, to);
    }

    /**
     * The execution-time statistics (count, avg, median, min, max, p95, p99, in ms) of the
     * attempts of one workflow, or of all, that ended in {@code [from, to)} (in one status, or
     * any); all null when there are none. A range no longer than the exact cut-over is answered
     * exactly from the raw rows ({@code exact == true}); a longer one from the rollups plus the
     * raw rows of its partial edge minutes, each value within 1/1024 (see the class comment).
     *
     * @param workspaceId the tenant
     * @param workflowId one workflow, or empty for all of the workspace's
     * @param status only attempts that ended in this status (one that ends an attempt), or empty
     *     for any
     * @param from the first instant (inclusive); the HTTP adapter passes {@link Instant#EPOCH} for
     *     an open start
     * @param to the end (exclusive); the adapter passes now for an open end
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if an id is malformed, the status does not end an attempt
     *     or {@code to} is before {@code from}
     */
    public ExecutionTimeStatistics executionTimes(String workspaceId, Optional<String> workflowId,
            Optional<RunStatus> status, Instant from, Instant to) {
        Checks.id("workspaceId", workspaceId);
        String workflow = Checks.optionalId("workflowId", Objects.requireNonNull(workflowId, "workflowId")
                .orElse(null));
        RunStatus ended = endedStatus(status);
        PeriodCalendar.requireRange(from, to);
        return cache.get(new StatisticsKey(workspaceId, workflow, ended, from, to), () -> {
            if (isExact(from, to)) {
                return ExecutionTimeStatistics.from(store.exactDurations(workspaceId,
                        new DurationQuery(workflow, ended, from, to)).executionTime());
            }
            return ExecutionTimeStatistics.from(merged(
                    executionTimeHistograms(workspaceId, workflow, ended, from, to, false).values()).statistics());
        });
    }

    /**
     * The execution-time statistics of each workflow with at least one attempt that ended in
     * {@code [from, to)} (in one status, or any) and had an execution time, ordered by workflow
     * id: the same figures {@link #executionTimes} gives for each workflow, in one call, so that a
     * per-workflow table costs one request (and one rollup read), not one per workflow.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException as {@link #executionTimes(String, Optional, Optional, Instant, Instant)}
     */
    public List<WorkflowExecutionTimes> executionTimesByWorkflow(String workspaceId, Optional<RunStatus> status,
            Instant from, Instant to) {
        Checks.id("workspaceId", workspaceId);
        RunStatus ended = endedStatus(status);
        PeriodCalendar.requireRange(from, to);
        return groupCache.get(new StatisticsKey(workspaceId, null, ended, from, to), () -> {
            List<WorkflowExecutionTimes> out = new ArrayList<>();
            if (isExact(from, to)) {
                for (String workflow : store.exactExecutionTimes(workspaceId,
                        new DurationQuery(null, ended, from, to)).keySet()) {
                    out.add(new WorkflowExecutionTimes(workflow, ExecutionTimeStatistics.from(store.exactDurations(
                            workspaceId, new DurationQuery(workflow, ended, from, to)).executionTime())));
                }
            } else {
                executionTimeHistograms(workspaceId, null, ended, from, to, true).forEach((workflow, h) ->
                        out.add(new WorkflowExecutionTimes(workflow, ExecutionTimeStatistics.from(h.statistics()))));
            }
            return List.copyOf(out);
        });
    }

    /**
     * Whether the workspace knows a workflow: it has a run of it, queued, running, paused or
     * ended, or rollups of one (the runs themselves may have been pruned). Reads the all-time
     * counts of its rollups and, only when those are empty, looks for one run of it; so an
     * unknown id costs two index probes. For telling an unknown workflow id (HTTP 404) apart
     * from one with no runs in a range (count 0).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if an id is malformed
     */
    public boolean knowsWorkflow(String workspaceId, String workflowId) {
        Checks.id("workspaceId", workspaceId);
        Checks.id("workflowId", workflowId);
        for (Rollup r : store.rollups(workspaceId, RollupQuery.total(RollupDimension.WORKFLOW, workflowId,
                Instant.EPOCH, calendar.endOfCurrentMinute()))) {
            if (r.total() > 0) {
                return true;
            }
        }
        return !store.findRuns(workspaceId, RunQuery.latest(workflowId, 1)).items().isEmpty();
    }

    private boolean isExact(Instant from, Instant to) {
        return Duration.between(from, to).compareTo(exactCutover) <= 0;
    }

    private static RunStatus endedStatus(Optional<RunStatus> status) {
        RunStatus s = Objects.requireNonNull(status, "status").orElse(null);
        if (s != null && !s.isTerminal()) {
            throw new IllegalArgumentException("status " + s.wireName() + " does not end an attempt");
        }
        return s;
    }

    /**
     * The execution times of the attempts that ended in {@code [from, to)}, to the instant, of one
     * workflow or of all when {@code workflow} is null: the rollups of the whole minutes inside the
     * range, plus the raw attempts of the partial minutes at its edges (at most a minute each), so
     * the population is the exact path's. Keyed by workflow when {@code perWorkflow}; otherwise
     * the rollups are read merged (for all workflows, the all-subjects rows) and the keys mean
     * nothing.
     */
    private Map<String, DurationHistogram> executionTimeHistograms(String workspaceId, String workflow,
            RunStatus status, Instant from, Instant to, boolean perWorkflow) {
        Instant firstWhole = PeriodCalendar.ceilToMinute(from);
        Instant endWhole = PeriodCalendar.floorToMinute(to);
        if (!endWhole.isAfter(firstWhole)) {
            return store.exactExecutionTimes(workspaceId, new DurationQuery(workflow, status, from, to));
        }
        Map<String, List<DurationHistogram>> byWorkflow = new TreeMap<>();
        RollupDimension dimension = status == null ? RollupDimension.WORKFLOW : RollupDimension.workflowEndedAs(status);
        for (Rollup r : store.rollups(workspaceId, new RollupQuery(dimension, workflow, perWorkflow, firstWhole,
                endWhole, null).withHistograms(DurationKind.EXECUTION_TIME))) {
            if (r.executionTime().count() > 0) {
                byWorkflow.computeIfAbsent(perWorkflow ? r.subject() : "", k -> new ArrayList<>(3))
                        .add(r.executionTime());
            }
        }
        List<DurationQuery> edges = new ArrayList<>(2);
        if (from.isBefore(firstWhole)) {
            edges.add(new DurationQuery(workflow, status, from, firstWhole));
        }
        if (endWhole.isBefore(to)) {
            edges.add(new DurationQuery(workflow, status, endWhole, to));
        }
        if (!edges.isEmpty()) {
            store.exactExecutionTimes(workspaceId, edges).forEach((wf, h) ->
                    byWorkflow.computeIfAbsent(perWorkflow ? wf : "", k -> new ArrayList<>(3)).add(h));
        }
        Map<String, DurationHistogram> out = new TreeMap<>();
        byWorkflow.forEach((wf, parts) -> out.put(wf, merged(parts)));
        return out;
    }

    /**
     * The histograms merged; one on its own is returned as it is, so that a histogram a store
     * hands out again (its rollup read cache) keeps the statistics it computed once.
     */
    private static DurationHistogram merged(Collection<DurationHistogram> parts) {
        if (parts.size() == 1) {
            return parts.iterator().next();
        }
        DurationHistogram.Builder all = DurationHistogram.builder();
        parts.forEach(all::add);
        return all.build();
    }

    /**
     * A workflow's summary across all its runs that have ended (every attempt), from the rollups
     * (durations within 1/1024).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if an id is malformed
     */
    public WorkflowMetricsSummary workflowSummary(String workspaceId, String workflowId) {
        Checks.id("workspaceId", workspaceId);
        Checks.id("workflowId", workflowId);
        Rollup r = rollups.total(workspaceId, RollupDimension.WORKFLOW, workflowId, Instant.EPOCH,
                calendar.endOfCurrentMinute());
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
     * The workspace's workflows: each workflow with a run that has ended (from the rollups, all
     * time) or one queued or running now ({@link RunStore#liveRuns}, up to the
     * {@linkplain RunViews.Builder#liveLimit live limit}), with its ended runs counted by outcome;
     * most ended runs first, then by id. Reads counts only (no histograms), so it stays cheap
     * however many runs there are. For a client, such as the dashboard, to offer the workflows
     * instead of asking for their ids.
     *
     * @throws NullPointerException if the workspace id is null
     * @throws IllegalArgumentException if the workspace id is malformed
     */
    public List<WorkflowListing> workflows(String workspaceId) {
        Checks.id("workspaceId", workspaceId);
        Map<String, Rollup> ended = new HashMap<>();
        for (Rollup r : store.rollups(workspaceId, new RollupQuery(RollupDimension.WORKFLOW, null, true,
                Instant.EPOCH, calendar.endOfCurrentMinute(), null).withHistograms())) {
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

    @Override
    public String toString() {
        return "ExecutionTimeStatisticsView{exactCutover=" + exactCutover + ", liveLimit=" + liveLimit + "}";
    }
}
