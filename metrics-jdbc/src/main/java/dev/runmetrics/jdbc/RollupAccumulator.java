package dev.runmetrics.jdbc;

import dev.runmetrics.core.model.Ids;
import dev.runmetrics.core.model.LifecycleTimes;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.store.DurationKind;
import dev.runmetrics.core.store.Rollup;
import dev.runmetrics.core.store.RollupDimension;
import dev.runmetrics.jdbc.internal.HdrCounts;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Adds up one batch's rollup contributions per (dimension, subject, minute), and per hour and day,
 * for each subject and for all subjects of the dimension together ({@link Rows#ALL_SUBJECTS}), with
 * one mutable {@link HdrCounts} per histogram: the same sums as {@link Rollup#forRun} /
 * {@link Rollup#forStep} merged with {@link Rollup#plus} (a test holds them equal), without
 * building three immutable histograms per contribution and copying them at every merge. The
 * writer then adds the stored rows into these sums and writes them back ({@link Sums#addStored},
 * {@link Sums#bind}). Not thread-safe: one per batch, on the writer thread.
 */
final class RollupAccumulator {

    /** A row's key; {@code start} is the start of the row's minute (hour, day: see {@link RollupTier}). */
    record Key(RollupDimension dimension, String subject, Instant start) {}

    private static final Set<DurationKind> ALL_KINDS = EnumSet.allOf(DurationKind.class);

    /** One row's sums (or one query bucket's: {@code JdbcRunStore.rollups} adds stored rows up with it). */
    static final class Sums {
        final long[] counts = new long[RunStatus.values().length];
        final HdrCounts queueWait = new HdrCounts();
        final HdrCounts executionTime = new HdrCounts();
        final HdrCounts endToEnd = new HdrCounts();
        long tokens;
        double cost;

        void add(Sums other) {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = saturatedAdd(counts[i], other.counts[i]);
            }
            queueWait.add(other.queueWait);
            executionTime.add(other.executionTime);
            endToEnd.add(other.endToEnd);
            tokens = saturatedAdd(tokens, other.tokens);
            cost += other.cost;
        }

        /** Adds a stored row (of any rollup table) read from {@code rs}, all three histograms. */
        void addStored(ResultSet rs) throws SQLException {
            addStored(rs, ALL_KINDS);
        }

        /**
         * Adds a stored row read from {@code rs}: counts, tokens, cost and the histograms of
         * {@code kinds} (the result set need not have the other histogram columns).
         */
        void addStored(ResultSet rs, Set<DurationKind> kinds) throws SQLException {
            RunStatus[] statuses = RunStatus.values();
            for (int i = 0; i < statuses.length; i++) {
                counts[i] = saturatedAdd(counts[i], rs.getLong(Rows.countColumn(statuses[i])));
            }
            if (kinds.contains(DurationKind.QUEUE_WAIT)) {
                queueWait.addEncoded(rs.getBytes("queue_wait"));
            }
            if (kinds.contains(DurationKind.EXECUTION_TIME)) {
                executionTime.addEncoded(rs.getBytes("execution_time"));
            }
            if (kinds.contains(DurationKind.END_TO_END)) {
                endToEnd.addEncoded(rs.getBytes("end_to_end"));
            }
            tokens = saturatedAdd(tokens, rs.getLong("tokens"));
            cost += rs.getDouble("cost");
        }

        /** Binds this row to {@link Rows#upsertRollupSql}'s parameters. */
        void bind(PreparedStatement ps, String workspaceId, Key key, String instanceId) throws SQLException {
            int i = 1;
            ps.setString(i++, workspaceId);
            ps.setString(i++, key.dimension().name());
            ps.setString(i++, key.subject());
            ps.setTimestamp(i++, Rows.ts(key.start()));
            ps.setString(i++, instanceId);
            for (long n : counts) {
                ps.setLong(i++, n);
            }
            ps.setBytes(i++, queueWait.encode());
            ps.setBytes(i++, executionTime.encode());
            ps.setBytes(i++, endToEnd.encode());
            ps.setLong(i++, tokens);
            ps.setDouble(i, cost);
        }

        Rollup toRollup(String workspaceId, Key key, Duration length, String instanceId) {
            Map<RunStatus, Long> byStatus = new EnumMap<>(RunStatus.class);
            RunStatus[] statuses = RunStatus.values();
            for (int i = 0; i < statuses.length; i++) {
                byStatus.put(statuses[i], counts[i]);
            }
            return new Rollup(workspaceId, key.dimension(), Rows.subjectOf(key.subject()), key.start(), length,
                    instanceId, byStatus, queueWait.toHistogram(), executionTime.toHistogram(),
                    endToEnd.toHistogram(), tokens, cost);
        }
    }

    private final String workspaceId;
    private final String instanceId;
    /**
     * Per tier, finest first. Each contribution is recorded into its minute, hour and day row at
     * once: merging the minute sums into coarse ones afterwards cost more (a copy of every
     * histogram per minute row) than recording three times.
     */
    private final Map<RollupTier, Map<Key, Sums>> sums = new EnumMap<>(RollupTier.class);

    RollupAccumulator(String workspaceId, String instanceId) {
        this.workspaceId = workspaceId;
        this.instanceId = instanceId;
        for (RollupTier tier : RollupTier.values()) {
            sums.put(tier, new HashMap<>());
        }
    }

    boolean isEmpty() {
        return sums.get(RollupTier.MINUTE).isEmpty();
    }

    /** Adds a run attempt that ended (as {@link Rollup#forRunAttempt}). */
    void addRun(Run run) {
        add(RollupDimension.WORKFLOW, run.workflowId(), run, run.status(), 0, 0);
        add(RollupDimension.workflowEndedAs(run.status()), run.workflowId(), run, run.status(), 0, 0);
    }

    /** Adds a step run that ended (as {@link Rollup#forStep}). */
    void addStep(StepRun step) {
        add(RollupDimension.NODE, step.nodeName(), step, step.status(), 0, 0);
        if (step.attributes().get(StepRun.MODEL) instanceof String model && !model.isBlank()
                && model.length() <= Ids.MAX_LENGTH) {
            long tokens = step.attributes().get(StepRun.TOKENS) instanceof Number n ? Math.max(0, n.longValue()) : 0;
            double cost = step.attributes().get(StepRun.COST) instanceof Number c && Double.isFinite(c.doubleValue())
                    ? Math.max(0, c.doubleValue()) : 0;
            add(RollupDimension.MODEL, model, step, step.status(), tokens, cost);
        }
    }

    /** Adds a contribution to its subject's row and to the dimension's all-subjects row. */
    private void add(RollupDimension dimension, String subject, LifecycleTimes e, RunStatus status, long tokens,
            double cost) {
        Instant minute = e.completedAt().truncatedTo(ChronoUnit.MINUTES);
        add(new Key(dimension, subject, minute), e, status, tokens, cost);
        add(new Key(dimension, Rows.ALL_SUBJECTS, minute), e, status, tokens, cost);
    }

    private void add(Key key, LifecycleTimes e, RunStatus status, long tokens, double cost) {
        long queueWait = micros(e.queueWait());
        long executionTime = micros(e.executionTime());
        long endToEnd = micros(e.endToEnd());
        for (RollupTier tier : RollupTier.values()) {
            Key k = tier == RollupTier.MINUTE ? key : new Key(key.dimension(), key.subject(), tier.floor(key.start()));
            Sums s = sums.get(tier).computeIfAbsent(k, x -> new Sums());
            s.counts[status.ordinal()] = saturatedAdd(s.counts[status.ordinal()], 1);
            if (queueWait >= 0) {
                s.queueWait.recordMicros(queueWait);
            }
            if (executionTime >= 0) {
                s.executionTime.recordMicros(executionTime);
            }
            if (endToEnd >= 0) {
                s.endToEnd.recordMicros(endToEnd);
            }
            s.tokens = saturatedAdd(s.tokens, tokens);
            s.cost += cost;
        }
    }

    /** As {@code DurationHistogram.Builder.record}: whole microseconds, clamped; -1 for none. */
    private static long micros(Optional<Duration> d) {
        if (d.isEmpty()) {
            return -1;
        }
        Duration v = d.get().isNegative() ? Duration.ZERO : d.get();
        return v.getSeconds() >= dev.runmetrics.core.store.DurationHistogram.MAX_MICROS / 1_000_000L
                ? dev.runmetrics.core.store.DurationHistogram.MAX_MICROS
                : v.getSeconds() * 1_000_000L + v.getNano() / 1000;
    }

    /**
     * The batch's sums per row of a tier, by the row's UTC minute, hour or day; the writer adds the
     * stored rows into them in place (each tier's sums are its own).
     */
    Map<Key, Sums> sums(RollupTier tier) {
        return sums.get(tier);
    }

    /**
     * The rows of every tier that a run attempt's or a step run's end would add to (the keys
     * {@link #addRun}/{@link #addStep} use), added to {@code out}: the writer reads and locks the
     * stored rows of these keys before it knows which ends are first ends.
     */
    static void keysOf(Run run, Map<RollupTier, java.util.Set<Key>> out) {
        keysOf(RollupDimension.WORKFLOW, run.workflowId(), run.completedAt(), out);
        keysOf(RollupDimension.workflowEndedAs(run.status()), run.workflowId(), run.completedAt(), out);
    }

    /** As {@link #keysOf(Run, Map)}, for a step run. */
    static void keysOf(StepRun step, Map<RollupTier, java.util.Set<Key>> out) {
        keysOf(RollupDimension.NODE, step.nodeName(), step.completedAt(), out);
        if (step.attributes().get(StepRun.MODEL) instanceof String model && !model.isBlank()
                && model.length() <= Ids.MAX_LENGTH) {
            keysOf(RollupDimension.MODEL, model, step.completedAt(), out);
        }
    }

    private static void keysOf(RollupDimension dimension, String subject, Instant completedAt,
            Map<RollupTier, java.util.Set<Key>> out) {
        Instant minute = completedAt.truncatedTo(ChronoUnit.MINUTES);
        for (RollupTier tier : RollupTier.values()) {
            java.util.Set<Key> keys = out.computeIfAbsent(tier, t -> new java.util.HashSet<>());
            Instant start = tier.floor(minute);
            keys.add(new Key(dimension, subject, start));
            keys.add(new Key(dimension, Rows.ALL_SUBJECTS, start));
        }
    }

    /** The sums as rollups of this instance, one per row of the tier. */
    List<Rollup> rollups(RollupTier tier) {
        List<Rollup> out = new ArrayList<>();
        sums(tier).forEach((k, s) -> out.add(s.toRollup(workspaceId, k, tier.length, instanceId)));
        return out;
    }

    static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}
