package dev.runmetrics.core.store;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Aggregates of the runs (or step runs) of one subject that ended in one time bucket: counts by
 * status and histograms of the three durations, mergeable, so long-range statistics cost the same
 * at ten million runs as at ten thousand.
 *
 * <p>Stored form: stores keep rows of one UTC minute each, keyed by
 * {@code (workspaceId, dimension, subject, bucketStart, instanceId)}, where {@code instanceId} is
 * the writing store instance (JVM), so that no two writers ever contend for a row. A store adds
 * {@link #forRun} / {@link #forStep} contributions into its own rows with {@link #plus}. Queries
 * ({@code RunStore.rollups}) merge rows into coarser buckets and across instances (and, if asked,
 * across subjects); then {@code instanceId} (and {@code subject}) are null.
 *
 * <p>Which bucket: the minute of the record's {@code completedAt} (UTC). Histograms hold a
 * duration only where it is defined (queue wait needs a start, for example), in microseconds.
 *
 * @param workspaceId the tenant
 * @param dimension what the subject is
 * @param subject the workflow id, node name or model name; null when merged across subjects
 * @param bucketStart the bucket's first instant (a whole UTC minute for stored rows)
 * @param bucketLength the bucket's length, a whole number of minutes
 * @param instanceId the writing store instance, or null when merged across instances
 * @param counts how many ended in each status (absent statuses: 0); unmodifiable
 * @param queueWait histogram of queue waits, µs
 * @param executionTime histogram of execution times, µs
 * @param endToEnd histogram of end-to-end latencies, µs
 * @param tokens sum of the {@code tokens} attribute (MODEL rollups; 0 otherwise)
 * @param cost sum of the {@code cost} attribute (MODEL rollups; 0 otherwise)
 */
public record Rollup(String workspaceId, RollupDimension dimension, String subject, Instant bucketStart,
        Duration bucketLength, String instanceId, Map<RunStatus, Long> counts, DurationHistogram queueWait,
        DurationHistogram executionTime, DurationHistogram endToEnd, long tokens, double cost) {

    /** The length of a stored rollup row. */
    public static final Duration MINUTE = Duration.ofMinutes(1);

    /**
     * @throws NullPointerException if a required field is null
     * @throws IllegalArgumentException if the bucket is not a whole positive number of minutes, a
     *     count is negative, or the cost is not finite
     */
    public Rollup {
        Checks.id("workspaceId", workspaceId);
        Objects.requireNonNull(dimension, "dimension");
        Checks.optionalId("subject", subject);
        Objects.requireNonNull(bucketStart, "bucketStart");
        Objects.requireNonNull(bucketLength, "bucketLength");
        // Whole minutes checked on seconds and nanos: toNanos() overflows past 292 years (a range from year 1).
        if (bucketLength.isNegative() || bucketLength.isZero() || bucketLength.getNano() != 0
                || bucketLength.getSeconds() % 60 != 0) {
            throw new IllegalArgumentException("bucketLength must be a positive whole number of minutes, was "
                    + bucketLength);
        }
        Checks.optionalId("instanceId", instanceId);
        EnumMap<RunStatus, Long> copy = new EnumMap<>(RunStatus.class);
        Objects.requireNonNull(counts, "counts").forEach((status, n) -> {
            if (Checks.atLeast("count", n, 0) > 0) {
                copy.put(Objects.requireNonNull(status, "status"), n);
            }
        });
        counts = Collections.unmodifiableMap(copy);
        Objects.requireNonNull(queueWait, "queueWait");
        Objects.requireNonNull(executionTime, "executionTime");
        Objects.requireNonNull(endToEnd, "endToEnd");
        Checks.atLeast("tokens", tokens, 0);
        if (!Double.isFinite(cost)) {
            throw new IllegalArgumentException("cost must be finite, was " + cost);
        }
    }

    /** Returns how many ended in {@code status}. */
    public long count(RunStatus status) {
        return counts.getOrDefault(status, 0L);
    }

    /** Returns how many ended, in any status (saturating). */
    public long total() {
        long sum = 0;
        for (long n : counts.values()) {
            sum = sum + n < 0 ? Long.MAX_VALUE : sum + n;
        }
        return sum;
    }

    /** Returns the histogram of one kind of duration. */
    public DurationHistogram histogram(DurationKind kind) {
        return switch (kind) {
            case QUEUE_WAIT -> queueWait;
            case EXECUTION_TIME -> executionTime;
            case END_TO_END -> endToEnd;
        };
    }

    /**
     * The contribution of one run attempt that ended: a one-minute WORKFLOW rollup of the minute
     * of its {@code completedAt}, counting its status once.
     *
     * @throws IllegalArgumentException if the run's status is not terminal or it has no
     *     {@code completedAt}
     */
    public static Rollup forRun(Run run, String instanceId) {
        if (!run.status().isTerminal() || run.completedAt() == null) {
            throw new IllegalArgumentException("only an ended run feeds the rollups: " + run.runId() + " is "
                    + run.status());
        }
        return one(run.workspaceId(), RollupDimension.WORKFLOW, run.workflowId(), run.completedAt(), instanceId,
                run.status(), run.queueWait(), run.executionTime(), run.endToEnd(), 0, 0);
    }

    /**
     * The contributions of one run attempt that ended: its {@link #forRun WORKFLOW} rollup and the
     * same for the dimension of its final status ({@link RollupDimension#workflowEndedAs}).
     *
     * @throws IllegalArgumentException if the run's status is not terminal or it has no
     *     {@code completedAt}
     */
    public static List<Rollup> forRunAttempt(Run run, String instanceId) {
        Rollup all = forRun(run, instanceId);
        return List.of(all, new Rollup(all.workspaceId(), RollupDimension.workflowEndedAs(run.status()), all.subject(),
                all.bucketStart(), all.bucketLength(), instanceId, all.counts(), all.queueWait(), all.executionTime(),
                all.endToEnd(), 0, 0));
    }

    /**
     * The contributions of one step run that ended: a NODE rollup for its node and, if it has a
     * String {@code model} attribute, a MODEL rollup carrying its {@code tokens} and {@code cost}
     * (non-numeric or negative ones count as 0).
     *
     * @throws IllegalArgumentException if the step's status is not terminal or it has no
     *     {@code completedAt}
     */
    public static List<Rollup> forStep(StepRun step, String instanceId) {
        if (!step.status().isTerminal() || step.completedAt() == null) {
            throw new IllegalArgumentException("only an ended step feeds the rollups: " + step.stepId() + " is "
                    + step.status());
        }
        List<Rollup> out = new ArrayList<>(2);
        out.add(one(step.workspaceId(), RollupDimension.NODE, step.nodeName(), step.completedAt(), instanceId,
                step.status(), step.queueWait(), step.executionTime(), step.endToEnd(), 0, 0));
        if (step.attributes().get(StepRun.MODEL) instanceof String model && !model.isBlank()
                && model.length() <= Checks.MAX_ID_LENGTH) {
            long tokens = step.attributes().get(StepRun.TOKENS) instanceof Number n ? Math.max(0, n.longValue()) : 0;
            double cost = step.attributes().get(StepRun.COST) instanceof Number c && Double.isFinite(c.doubleValue())
                    ? Math.max(0, c.doubleValue()) : 0;
            out.add(one(step.workspaceId(), RollupDimension.MODEL, model, step.completedAt(), instanceId,
                    step.status(), step.queueWait(), step.executionTime(), step.endToEnd(), tokens, cost));
        }
        return out;
    }

    private static Rollup one(String workspaceId, RollupDimension dimension, String subject, Instant completedAt,
            String instanceId, RunStatus status, Optional<Duration> queueWait, Optional<Duration> executionTime,
            Optional<Duration> endToEnd, long tokens, double cost) {
        return new Rollup(workspaceId, dimension, subject, completedAt.truncatedTo(ChronoUnit.MINUTES), MINUTE,
                instanceId, Map.of(status, 1L), histogramOf(queueWait), histogramOf(executionTime),
                histogramOf(endToEnd), tokens, cost);
    }

    private static DurationHistogram histogramOf(Optional<Duration> d) {
        return d.map(value -> DurationHistogram.builder().record(value).build()).orElse(DurationHistogram.empty());
    }

    /**
     * Returns the sum of this rollup and {@code other}, which must have the same key (workspace,
     * dimension, subject, bucket and instance).
     *
     * @throws IllegalArgumentException if the keys differ
     */
    public Rollup plus(Rollup other) {
        if (!sameKey(other)) {
            throw new IllegalArgumentException("cannot add rollups with different keys: " + key() + " and "
                    + other.key());
        }
        return merge(workspaceId, dimension, subject, bucketStart, bucketLength, instanceId, List.of(this, other));
    }

    /**
     * Merges rollups of one workspace and dimension into one with the given key; stores and views
     * use it to coarsen buckets and to merge instances or subjects.
     *
     * @throws IllegalArgumentException if a part belongs to another workspace or dimension
     */
    public static Rollup merge(String workspaceId, RollupDimension dimension, String subject, Instant bucketStart,
            Duration bucketLength, String instanceId, Collection<Rollup> parts) {
        EnumMap<RunStatus, Long> counts = new EnumMap<>(RunStatus.class);
        DurationHistogram.Builder q = DurationHistogram.builder();
        DurationHistogram.Builder e = DurationHistogram.builder();
        DurationHistogram.Builder t = DurationHistogram.builder();
        long tokens = 0;
        double cost = 0;
        for (Rollup part : parts) {
            if (!part.workspaceId.equals(workspaceId) || part.dimension != dimension) {
                throw new IllegalArgumentException("cannot merge " + part.key() + " into " + workspaceId + "/"
                        + dimension);
            }
            part.counts.forEach((status, n) -> counts.merge(status, n, Rollup::saturatedAdd));
            q.add(part.queueWait);
            e.add(part.executionTime);
            t.add(part.endToEnd);
            tokens = saturatedAdd(tokens, part.tokens);
            cost += part.cost;
        }
        return new Rollup(workspaceId, dimension, subject, bucketStart, bucketLength, instanceId, counts, q.build(),
                e.build(), t.build(), tokens, cost);
    }

    /**
     * A mutable rollup that stores keep per stored row (and per coarser row they maintain), so
     * that adding a run costs a few histogram updates instead of a copy of the whole row. Not
     * thread-safe: a store guards each accumulator with its own lock.
     */
    public static final class Accumulator {
        private final String workspaceId;
        private final RollupDimension dimension;
        private final String subject;
        private final Instant bucketStart;
        private final Duration bucketLength;
        private final String instanceId;
        private final EnumMap<RunStatus, Long> counts = new EnumMap<>(RunStatus.class);
        private final DurationHistogram.Builder queueWait = DurationHistogram.builder();
        private final DurationHistogram.Builder executionTime = DurationHistogram.builder();
        private final DurationHistogram.Builder endToEnd = DurationHistogram.builder();
        private long tokens;
        private double cost;

        /**
         * Starts an empty accumulator with the key of the rollup it builds.
         *
         * @throws IllegalArgumentException if the key is malformed (see {@link Rollup})
         */
        public Accumulator(String workspaceId, RollupDimension dimension, String subject, Instant bucketStart,
                Duration bucketLength, String instanceId) {
            // Validate the key once, up front, through the record's own checks.
            new Rollup(workspaceId, dimension, subject, bucketStart, bucketLength, instanceId, Map.of(),
                    DurationHistogram.empty(), DurationHistogram.empty(), DurationHistogram.empty(), 0, 0);
            this.workspaceId = workspaceId;
            this.dimension = dimension;
            this.subject = subject;
            this.bucketStart = bucketStart;
            this.bucketLength = bucketLength;
            this.instanceId = instanceId;
        }

        /**
         * Adds a rollup of the same workspace and dimension (its key is otherwise ignored).
         *
         * @return this accumulator
         * @throws IllegalArgumentException if it belongs to another workspace or dimension
         */
        public Accumulator add(Rollup part) {
            if (!part.workspaceId.equals(workspaceId) || part.dimension != dimension) {
                throw new IllegalArgumentException("cannot add " + part.key() + " to " + workspaceId + "/" + dimension);
            }
            part.counts.forEach((status, n) -> counts.merge(status, n, Rollup::saturatedAdd));
            queueWait.add(part.queueWait);
            executionTime.add(part.executionTime);
            endToEnd.add(part.endToEnd);
            tokens = saturatedAdd(tokens, part.tokens);
            cost += part.cost;
            return this;
        }

        /** @return the rollup of everything added so far; later adds do not change it */
        public Rollup toRollup() {
            return new Rollup(workspaceId, dimension, subject, bucketStart, bucketLength, instanceId, counts,
                    queueWait.build(), executionTime.build(), endToEnd.build(), tokens, cost);
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private boolean sameKey(Rollup o) {
        return workspaceId.equals(o.workspaceId) && dimension == o.dimension && Objects.equals(subject, o.subject)
                && bucketStart.equals(o.bucketStart) && bucketLength.equals(o.bucketLength)
                && Objects.equals(instanceId, o.instanceId);
    }

    private String key() {
        return workspaceId + "/" + dimension + "/" + subject + "/" + bucketStart + "+" + bucketLength + "/"
                + instanceId;
    }
}
