package dev.runmetrics.jdbc;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.run.Run;
import dev.runmetrics.core.run.RunStatus;
import dev.runmetrics.core.run.StepRun;
import dev.runmetrics.core.run.TimedExecution;
import dev.runmetrics.core.stats.DurationHistogram;
import dev.runmetrics.core.stats.Rollup;
import dev.runmetrics.core.stats.RollupDimension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Adds up one batch's rollup contributions per (dimension, subject, minute) with one mutable
 * histogram builder per key, the same sums as {@link Rollup#forRun} / {@link Rollup#forStep}
 * merged with {@link Rollup#plus} (a test holds them equal), without building three immutable
 * histograms per contribution and copying them at every merge: that cost most of a batch's time.
 * Not thread-safe: one per batch, on the writer thread.
 */
final class RollupAccumulator {

    /** A row's key; {@code minute} is the row's start (a minute, or an hour for hour rows). */
    record Key(RollupDimension dimension, String subject, Instant minute) {}

    private static final class Sums {
        final EnumMap<RunStatus, Long> counts = new EnumMap<>(RunStatus.class);
        final DurationHistogram.Builder queueWait = DurationHistogram.builder();
        final DurationHistogram.Builder executionTime = DurationHistogram.builder();
        final DurationHistogram.Builder endToEnd = DurationHistogram.builder();
        long tokens;
        double cost;
    }

    private final String workspaceId;
    private final String instanceId;
    private final Map<Key, Sums> sums = new HashMap<>();

    RollupAccumulator(String workspaceId, String instanceId) {
        this.workspaceId = workspaceId;
        this.instanceId = instanceId;
    }

    boolean isEmpty() {
        return sums.isEmpty();
    }

    /** Adds a run attempt that ended (as {@link Rollup#forRun}). */
    void addRun(Run run) {
        add(RollupDimension.WORKFLOW, run.workflowId(), run, run.status(), 0, 0);
    }

    /** Adds a step run that ended (as {@link Rollup#forStep}). */
    void addStep(StepRun step) {
        add(RollupDimension.NODE, step.nodeName(), step, step.status(), 0, 0);
        if (step.attributes().get(StepRun.MODEL) instanceof String model && !model.isBlank()
                && model.length() <= Checks.MAX_ID_LENGTH) {
            long tokens = step.attributes().get(StepRun.TOKENS) instanceof Number n ? Math.max(0, n.longValue()) : 0;
            double cost = step.attributes().get(StepRun.COST) instanceof Number c && Double.isFinite(c.doubleValue())
                    ? Math.max(0, c.doubleValue()) : 0;
            add(RollupDimension.MODEL, model, step, step.status(), tokens, cost);
        }
    }

    private void add(RollupDimension dimension, String subject, TimedExecution e, RunStatus status, long tokens,
            double cost) {
        Key key = new Key(dimension, subject, e.completedAt().truncatedTo(ChronoUnit.MINUTES));
        Sums s = sums.computeIfAbsent(key, k -> new Sums());
        s.counts.merge(status, 1L, Long::sum);
        record(s.queueWait, e.queueWait());
        record(s.executionTime, e.executionTime());
        record(s.endToEnd, e.endToEnd());
        s.tokens = s.tokens + tokens < 0 ? Long.MAX_VALUE : s.tokens + tokens;
        s.cost += cost;
    }

    private static void record(DurationHistogram.Builder b, Optional<Duration> d) {
        d.ifPresent(b::record);
    }

    /**
     * The sums as one-hour rollups of this instance, one per (dimension, subject, UTC hour): the
     * batch's contributions to {@code execution_rollups_hourly}, the same counts as the minute
     * rollups, added up by hour.
     */
    List<Rollup> hourRollups() {
        Map<Key, Sums> hours = new HashMap<>();
        sums.forEach((k, s) -> {
            Sums h = hours.computeIfAbsent(new Key(k.dimension(), k.subject(), Rows.hourOf(k.minute())),
                    x -> new Sums());
            s.counts.forEach((status, n) -> h.counts.merge(status, n, Long::sum));
            h.queueWait.add(s.queueWait.build());
            h.executionTime.add(s.executionTime.build());
            h.endToEnd.add(s.endToEnd.build());
            h.tokens = h.tokens + s.tokens < 0 ? Long.MAX_VALUE : h.tokens + s.tokens;
            h.cost += s.cost;
        });
        List<Rollup> out = new ArrayList<>(hours.size());
        hours.forEach((k, s) -> out.add(new Rollup(workspaceId, k.dimension(), k.subject(), k.minute(), Rows.HOUR,
                instanceId, s.counts, s.queueWait.build(), s.executionTime.build(), s.endToEnd.build(), s.tokens,
                s.cost)));
        return out;
    }

    /** The sums as one-minute rollups of this instance, one per key. */
    List<Rollup> rollups() {
        List<Rollup> out = new ArrayList<>(sums.size());
        sums.forEach((k, s) -> out.add(new Rollup(workspaceId, k.dimension(), k.subject(), k.minute(), Rollup.MINUTE,
                instanceId, s.counts, s.queueWait.build(), s.executionTime.build(), s.endToEnd.build(), s.tokens,
                s.cost)));
        return out;
    }
}
