package dev.runmetrics.core.store.memory;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.internal.UuidV7;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.store.DurationBreakdown;
import dev.runmetrics.core.store.DurationHistogram;
import dev.runmetrics.core.store.DurationKind;
import dev.runmetrics.core.store.DurationQuery;
import dev.runmetrics.core.store.DurationStatistics;
import dev.runmetrics.core.store.Page;
import dev.runmetrics.core.store.ControlAudit;
import dev.runmetrics.core.store.ResumeClaim;
import dev.runmetrics.core.store.Rollup;
import dev.runmetrics.core.store.RollupDimension;
import dev.runmetrics.core.store.RollupQuery;
import dev.runmetrics.core.store.RunQuery;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.store.StepCheckpoint;
import dev.runmetrics.core.store.StepDurationQuery;
import dev.runmetrics.core.store.StepDurationReport;
import dev.runmetrics.core.store.StepDurations;
import dev.runmetrics.core.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link RunStore} in the JVM's memory: for tests, for examples, and for hosts that want the
 * statistics and the live view without a database (nothing survives a restart).
 *
 * <p>Every write is synchronous and immediately visible to reads. Rollups are maintained exactly as
 * {@link RunStore} describes, keyed by this store's instance id. Exact statistics
 * ({@link #exactDurations}, {@link #stepDurations}) scan the workspace's ended attempts (and
 * steps), so they cost O(attempts + steps).
 *
 * <p>Memory grows with every run, step and minute stored; a long-running host prunes with
 * {@link #pruneRunsEndedBefore(Instant)}, which, like a database's retention, never touches rollups.
 *
 * <p>Thread-safe: each workspace's data is guarded by its own lock, so workspaces never contend.
 */
public final class InMemoryRunStore implements RunStore {
    private static final Comparator<Run> NEWEST_FIRST =
            Comparator.comparing(Run::queuedAt).thenComparing(Run::runId).reversed();
    private static final Comparator<Run> LATEST_ENDED_FIRST =
            Comparator.comparing(Run::completedAt).thenComparing(Run::runId).reversed();
    /** Which step run of a step is its latest: what its name, order and node are taken from. */
    private static final Comparator<StepRun> LATEST_STEP = Comparator.comparing(StepRun::completedAt)
            .thenComparing(StepRun::runId).thenComparingInt(StepRun::attempt);
    private static final Comparator<StepRun> STEP_ORDER = Comparator.comparingInt(StepRun::attempt)
            .thenComparingInt(StepRun::stepOrder)
            .thenComparing(StepRun::queuedAt)
            .thenComparing(StepRun::stepId);

    private final String instanceId;
    private final ConcurrentHashMap<String, Workspace> workspaces = new ConcurrentHashMap<>();

    /** Creates a store with a fresh instance id. */
    public InMemoryRunStore() {
        this(new UuidV7(Clock.system()).nextString());
    }

    /**
     * Creates a store whose rollup rows are keyed by {@code instanceId}.
     *
     * @param instanceId this store's instance id
     * @throws IllegalArgumentException if the id is malformed
     */
    public InMemoryRunStore(String instanceId) {
        this.instanceId = Checks.id("instanceId", instanceId);
    }

    /** @return the instance id this store's rollup rows are keyed by */
    public String instanceId() {
        return instanceId;
    }

    private record StepKey(String runId, String stepId, int attempt) {
    }

    /** Rows of one granularity: per dimension, per row start, per subject. */
    private static final class RollupRows {
        final Duration length;
        final Map<RollupDimension, TreeMap<Instant, Map<String, Rollup.Accumulator>>> rows =
                new EnumMap<>(RollupDimension.class);

        RollupRows(Duration length) {
            this.length = length;
        }

        void add(String workspaceId, String instanceId, Rollup contribution) {
            long seconds = length.getSeconds();
            Instant start = Instant.ofEpochSecond(Math.floorDiv(contribution.bucketStart().getEpochSecond(), seconds)
                    * seconds);
            rows.computeIfAbsent(contribution.dimension(), d -> new TreeMap<>())
                    .computeIfAbsent(start, t -> new HashMap<>())
                    .computeIfAbsent(contribution.subject(), subject -> new Rollup.Accumulator(workspaceId,
                            contribution.dimension(), subject, start, length, instanceId))
                    .add(contribution);
        }

        /** Calls {@code sink} with every row of the dimension starting in [from, to). */
        void forEach(RollupDimension dimension, Instant from, Instant to,
                java.util.function.BiConsumer<Instant, Map<String, Rollup.Accumulator>> sink) {
            TreeMap<Instant, Map<String, Rollup.Accumulator>> byStart = rows.get(dimension);
            if (byStart != null && from.isBefore(to)) {
                byStart.subMap(from, true, to, false).forEach(sink);
            }
        }
    }

    /** One workspace's rows; every access holds its monitor. */
    private static final class Workspace {
        final Map<String, Run> runs = new HashMap<>();
        final Map<StepKey, StepRun> steps = new HashMap<>();
        final Map<StepKey, StepCheckpoint> checkpoints = new HashMap<>();
        final Map<String, ControlAudit> audit = new LinkedHashMap<>();
        final Map<String, Long> executionNumbers = new HashMap<>();
        /** One-minute rows, as the SPI describes, and hour rows so long ranges read 60x fewer rows. */
        final RollupRows minutes = new RollupRows(Rollup.MINUTE);
        final RollupRows hours = new RollupRows(Duration.ofHours(1));
        /** Every ended attempt, once each, in the order they ended: the exact statistics' population. */
        final List<Run> endedAttempts = new ArrayList<>();
        /** Run attempts ("runId#attempt") and step keys already counted in the rollups. */
        final Set<Object> rolledUp = new HashSet<>();
    }

    private Workspace workspace(String workspaceId) {
        return workspaces.computeIfAbsent(Checks.id("workspaceId", workspaceId), id -> new Workspace());
    }

    /** Reads never create a workspace: an unknown one is simply empty. */
    private Workspace existing(String workspaceId) {
        return workspaces.get(Checks.id("workspaceId", workspaceId));
    }

    private static void requireSameWorkspace(String workspaceId, String recordWorkspaceId, String what) {
        if (!workspaceId.equals(recordWorkspaceId)) {
            throw new IllegalArgumentException(what + " belongs to workspace " + recordWorkspaceId
                    + ", not to " + workspaceId);
        }
    }

    @Override
    public void saveRun(String workspaceId, Run run) {
        Objects.requireNonNull(run, "run");
        Workspace ws = workspace(workspaceId);
        requireSameWorkspace(workspaceId, run.workspaceId(), "run " + run.runId());
        synchronized (ws) {
            Run stored = ws.runs.get(run.runId());
            if (stored != null && stored.isNewerThan(run)) {
                return;
            }
            long number = stored != null ? stored.executionNumber()
                    : ws.executionNumbers.merge(run.workflowId(), 1L, Long::sum);
            Run saved = run.withExecutionNumber(number);
            ws.runs.put(run.runId(), saved);
            if (saved.status().isTerminal() && saved.completedAt() != null
                    && ws.rolledUp.add(saved.runId() + "#" + saved.attempt())) {
                for (Rollup contribution : Rollup.forRunAttempt(saved, instanceId)) {
                    addRollup(ws, instanceId, contribution);
                }
                ws.endedAttempts.add(saved);
            }
        }
    }

    @Override
    public void saveStep(String workspaceId, StepRun step) {
        Objects.requireNonNull(step, "step");
        Workspace ws = workspace(workspaceId);
        requireSameWorkspace(workspaceId, step.workspaceId(), "step " + step.stepId());
        StepKey key = new StepKey(step.runId(), step.stepId(), step.attempt());
        synchronized (ws) {
            StepRun stored = ws.steps.get(key);
            if (stored != null && stored.isNewerThan(step)) {
                return;
            }
            ws.steps.put(key, step);
            if (step.status().isTerminal() && step.completedAt() != null && ws.rolledUp.add(key)) {
                for (Rollup contribution : Rollup.forStep(step, instanceId)) {
                    addRollup(ws, instanceId, contribution);
                }
            }
        }
    }

    private static void addRollup(Workspace ws, String instanceId, Rollup contribution) {
        ws.minutes.add(contribution.workspaceId(), instanceId, contribution);
        ws.hours.add(contribution.workspaceId(), instanceId, contribution);
    }

    @Override
    public void saveCheckpoint(String workspaceId, StepCheckpoint checkpoint) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Workspace ws = workspace(workspaceId);
        requireSameWorkspace(workspaceId, checkpoint.workspaceId(), "checkpoint of step " + checkpoint.stepId());
        synchronized (ws) {
            ws.checkpoints.put(new StepKey(checkpoint.runId(), checkpoint.stepId(), checkpoint.attempt()), checkpoint);
        }
    }

    @Override
    public ResumeClaim claimResume(String workspaceId, String runId, int expectedAttempt, String instanceId,
            Instant claimedAt) {
        Checks.id("runId", runId);
        Checks.id("instanceId", instanceId);
        Objects.requireNonNull(claimedAt, "claimedAt");
        Workspace ws = existing(workspaceId);
        if (ws == null) {
            return new ResumeClaim.NotFound();
        }
        synchronized (ws) {
            Run stored = ws.runs.get(runId);
            if (stored == null) {
                return new ResumeClaim.NotFound();
            }
            if (stored.attempt() != expectedAttempt
                    || (stored.status() != RunStatus.FAILED && stored.status() != RunStatus.PAUSED)) {
                return new ResumeClaim.Conflict(stored);
            }
            Run claimed = stored.claimedForResume(instanceId, claimedAt);
            ws.runs.put(runId, claimed);
            return new ResumeClaim.Claimed(claimed);
        }
    }

    @Override
    public void appendControlAudit(String workspaceId, ControlAudit entry) {
        Objects.requireNonNull(entry, "entry");
        Workspace ws = workspace(workspaceId);
        requireSameWorkspace(workspaceId, entry.workspaceId(), "audit entry " + entry.auditId());
        synchronized (ws) {
            ws.audit.putIfAbsent(entry.auditId(), entry);
        }
    }

    @Override
    public Optional<Run> findRun(String workspaceId, String runId) {
        Objects.requireNonNull(runId, "runId");
        Workspace ws = existing(workspaceId);
        if (ws == null) {
            return Optional.empty();
        }
        synchronized (ws) {
            return Optional.ofNullable(ws.runs.get(runId));
        }
    }

    @Override
    public List<StepRun> findSteps(String workspaceId, String runId) {
        Objects.requireNonNull(runId, "runId");
        Workspace ws = existing(workspaceId);
        if (ws == null) {
            return List.of();
        }
        List<StepRun> steps = new ArrayList<>();
        synchronized (ws) {
            for (StepRun step : ws.steps.values()) {
                if (step.runId().equals(runId)) {
                    steps.add(step);
                }
            }
        }
        steps.sort(STEP_ORDER);
        return List.copyOf(steps);
    }

    @Override
    public Page<Run> findRuns(String workspaceId, RunQuery query) {
        Objects.requireNonNull(query, "query");
        Workspace ws = existing(workspaceId);
        if (ws == null) {
            return new Page<>(List.of(), 0, query.skip(), query.limit());
        }
        List<Run> matching = new ArrayList<>();
        synchronized (ws) {
            for (Run run : ws.runs.values()) {
                if (query.matches(run)) {
                    matching.add(run);
                }
            }
        }
        matching.sort(NEWEST_FIRST);
        int from = (int) Math.min(matching.size(), (long) query.skip());
        int to = (int) Math.min(matching.size(), (long) from + query.limit());
        return new Page<>(matching.subList(from, to), matching.size(), query.skip(), query.limit());
    }

    @Override
    public List<Run> liveRuns(String workspaceId, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        Workspace ws = existing(workspaceId);
        if (ws == null) {
            return List.of();
        }
        List<Run> live = new ArrayList<>();
        synchronized (ws) {
            for (Run run : ws.runs.values()) {
                if (run.status() == RunStatus.QUEUED || run.status() == RunStatus.RUNNING) {
                    live.add(run);
                }
            }
        }
        live.sort(Comparator.comparing(Run::queuedAt).thenComparing(Run::runId));
        return List.copyOf(live.subList(0, Math.min(limit, live.size())));
    }

    @Override
    public List<StepCheckpoint> findCheckpoints(String workspaceId, String runId) {
        Objects.requireNonNull(runId, "runId");
        Workspace ws = existing(workspaceId);
        if (ws == null) {
            return List.of();
        }
        List<StepCheckpoint> found = new ArrayList<>();
        synchronized (ws) {
            for (StepCheckpoint checkpoint : ws.checkpoints.values()) {
                if (checkpoint.runId().equals(runId)) {
                    found.add(checkpoint);
                }
            }
        }
        found.sort(Comparator.comparing(StepCheckpoint::stepId).thenComparingInt(StepCheckpoint::attempt));
        return List.copyOf(found);
    }

    @Override
    public List<ControlAudit> findControlAudit(String workspaceId, String runId) {
        Objects.requireNonNull(runId, "runId");
        Workspace ws = existing(workspaceId);
        if (ws == null) {
            return List.of();
        }
        List<ControlAudit> found = new ArrayList<>();
        synchronized (ws) {
            for (ControlAudit entry : ws.audit.values()) {
                if (entry.runId().equals(runId)) {
                    found.add(entry);
                }
            }
        }
        found.sort(Comparator.comparing(ControlAudit::at).thenComparing(ControlAudit::auditId));
        return List.copyOf(found);
    }

    @Override
    public List<Rollup> rollups(String workspaceId, RollupQuery query) {
        Objects.requireNonNull(query, "query");
        Workspace ws = existing(workspaceId);
        if (ws == null) {
            return List.of();
        }
        // Bucket start, then subject ("" when subjects are merged), then the rows in it.
        TreeMap<Instant, TreeMap<String, List<Rollup>>> buckets = new TreeMap<>();
        String merged = "";
        java.util.function.BiConsumer<Instant, Map<String, Rollup.Accumulator>> collect = (start, bySubject) ->
                bySubject.forEach((subject, accumulator) -> {
                    if (query.subject() == null || query.subject().equals(subject)) {
                        String group = query.groupBySubject() || query.subject() != null ? subject : merged;
                        buckets.computeIfAbsent(query.bucketStartOf(start), b -> new TreeMap<>())
                                .computeIfAbsent(group, g -> new ArrayList<>())
                                .add(accumulator.toRollup());
                    }
                });
        // Whole hours inside the range come from hour rows when no bucket boundary can cut an hour
        // (buckets are epoch-aligned, so whole-hour buckets never do); the edges from minute rows.
        Duration bucket = query.bucket();
        boolean hoursFit = bucket == null || bucket.toMinutes() % 60 == 0;
        Instant hoursFrom = hoursFit ? ceilToHour(query.from()) : query.to();
        Instant hoursTo = hoursFit ? floorToHour(query.to()) : query.to();
        synchronized (ws) {
            if (hoursFrom.isBefore(hoursTo)) {
                ws.minutes.forEach(query.dimension(), query.from(), hoursFrom, collect);
                ws.hours.forEach(query.dimension(), hoursFrom, hoursTo, collect);
                ws.minutes.forEach(query.dimension(), hoursTo, query.to(), collect);
            } else {
                ws.minutes.forEach(query.dimension(), query.from(), query.to(), collect);
            }
        }
        Duration length = query.bucketLength();
        List<Rollup> result = new ArrayList<>();
        buckets.forEach((start, bySubject) -> bySubject.forEach((subject, parts) -> result.add(Rollup.merge(
                workspaceId, query.dimension(), subject.equals(merged) ? null : subject, start, length, null, parts))));
        return List.copyOf(result);
    }

    private static Instant floorToHour(Instant instant) {
        return Instant.ofEpochSecond(Math.floorDiv(instant.getEpochSecond(), 3600) * 3600);
    }

    private static Instant ceilToHour(Instant instant) {
        Instant floor = floorToHour(instant);
        return floor.equals(instant) ? floor : floor.plusSeconds(3600);
    }

    @Override
    public DurationBreakdown exactDurations(String workspaceId, DurationQuery query) {
        Objects.requireNonNull(query, "query");
        Workspace ws = existing(workspaceId);
        List<Run> runs = new ArrayList<>();
        if (ws != null) {
            synchronized (ws) {
                for (Run run : ws.endedAttempts) {
                    if (query.matches(run)) {
                        runs.add(run);
                    }
                }
            }
        }
        return new DurationBreakdown(exact(runs, DurationKind.QUEUE_WAIT), exact(runs, DurationKind.EXECUTION_TIME),
                exact(runs, DurationKind.END_TO_END));
    }

    @Override
    public Map<String, DurationHistogram> exactExecutionTimes(String workspaceId, DurationQuery query) {
        Objects.requireNonNull(query, "query");
        Workspace ws = existing(workspaceId);
        Map<String, DurationHistogram.Builder> byWorkflow = new TreeMap<>();
        if (ws != null) {
            synchronized (ws) {
                for (Run run : ws.endedAttempts) {
                    if (query.matches(run) && run.executionTime().isPresent()) {
                        byWorkflow.computeIfAbsent(run.workflowId(), k -> DurationHistogram.builder())
                                .record(run.executionTime().get());
                    }
                }
            }
        }
        Map<String, DurationHistogram> out = new TreeMap<>();
        byWorkflow.forEach((workflow, histogram) -> out.put(workflow, histogram.build()));
        return out;
    }

    @Override
    public StepDurationReport stepDurations(String workspaceId, StepDurationQuery query) {
        Objects.requireNonNull(query, "query");
        Workspace ws = existing(workspaceId);
        if (ws == null) {
            return new StepDurationReport(0, false, List.of());
        }
        List<Run> candidates = new ArrayList<>();
        Map<String, List<StepRun>> byStep = new TreeMap<>();
        synchronized (ws) {
            for (Run run : ws.runs.values()) {
                if (query.matches(run)) {
                    candidates.add(run);
                }
            }
            candidates.sort(LATEST_ENDED_FIRST);
            Set<String> measured = new HashSet<>();
            for (Run run : candidates.subList(0, Math.min(query.runLimit(), candidates.size()))) {
                measured.add(run.runId());
            }
            for (StepRun step : ws.steps.values()) {
                if (measured.contains(step.runId()) && step.status().isTerminal() && step.completedAt() != null) {
                    byStep.computeIfAbsent(step.stepId(), id -> new ArrayList<>()).add(step);
                }
            }
        }
        List<StepDurations> steps = new ArrayList<>(byStep.size());
        byStep.forEach((stepId, runs) -> {
            StepRun latest = runs.stream().max(LATEST_STEP).orElseThrow();
            EnumMap<RunStatus, Long> counts = new EnumMap<>(RunStatus.class);
            for (StepRun step : runs) {
                counts.merge(step.status(), 1L, Long::sum);
            }
            double[] millis = runs.stream().filter(step -> step.status() != RunStatus.SKIPPED)
                    .map(StepRun::executionTime).flatMap(Optional::stream)
                    .mapToDouble(duration -> duration.toNanos() / 1_000_000.0).toArray();
            steps.add(new StepDurations(stepId, latest.stepName(), latest.stepOrder(), latest.nodeName(), counts,
                    DurationStatistics.exactOf(millis)));
        });
        return new StepDurationReport(Math.min(query.runLimit(), candidates.size()),
                candidates.size() > query.runLimit(), steps);
    }

    private static DurationStatistics exact(List<Run> runs, DurationKind kind) {
        double[] millis = runs.stream()
                .map(run -> switch (kind) {
                    case QUEUE_WAIT -> run.queueWait();
                    case EXECUTION_TIME -> run.executionTime();
                    case END_TO_END -> run.endToEnd();
                })
                .flatMap(Optional::stream)
                .mapToDouble(duration -> duration.toNanos() / 1_000_000.0)
                .toArray();
        return DurationStatistics.exactOf(millis);
    }

    /**
     * Removes the runs (with their steps, checkpoints and audit entries) that ended before
     * {@code cutoff}; rollups are kept. Live and paused runs are never removed.
     *
     * @param cutoff runs whose {@code completedAt} is before this go
     * @return how many runs were removed
     */
    public int pruneRunsEndedBefore(Instant cutoff) {
        Objects.requireNonNull(cutoff, "cutoff");
        int removed = 0;
        for (Workspace ws : workspaces.values()) {
            synchronized (ws) {
                Set<String> gone = new HashSet<>();
                ws.runs.values().removeIf(run -> {
                    boolean old = run.status().isTerminal() && run.completedAt() != null
                            && run.completedAt().isBefore(cutoff);
                    if (old) {
                        gone.add(run.runId());
                    }
                    return old;
                });
                ws.steps.keySet().removeIf(key -> gone.contains(key.runId()));
                ws.checkpoints.keySet().removeIf(key -> gone.contains(key.runId()));
                ws.audit.values().removeIf(entry -> gone.contains(entry.runId()));
                ws.endedAttempts.removeIf(attempt -> gone.contains(attempt.runId()));
                ws.rolledUp.removeIf(key -> key instanceof StepKey step ? gone.contains(step.runId())
                        : gone.contains(((String) key).substring(0, ((String) key).lastIndexOf('#'))));
                removed += gone.size();
            }
        }
        return removed;
    }

    @Override
    public String toString() {
        return "InMemoryRunStore[instance=" + instanceId + ", workspaces=" + workspaces.size() + "]";
    }
}
