package dev.runmetrics.core.record;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.internal.JvmLoad;
import dev.runmetrics.core.store.DatabaseActivity;
import dev.runmetrics.core.store.ResourceSample;
import dev.runmetrics.core.store.ResourceSampleStore;
import dev.runmetrics.core.time.Clock;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Takes one {@link ResourceSample} a minute of this instance, from probes the host supplies, and
 * keeps it in a {@link ResourceSampleStore} once for each workspace the host serves. The host
 * schedules it ({@link #scheduleOn}, or calls {@link #sampleNow} itself).
 *
 * <p>What a sample holds: CPU and heap (by default this JVM's, see {@link #builder}), workers busy
 * and total and queued steps as the probes read them when it is taken; from the database probe (a
 * store's own measurements, cumulative), the statements per second and their mean time since the
 * previous sample (since the recorder was built, for the first one) and the most connections held
 * at once meanwhile. Its minute is the UTC minute holding the instant it was taken; scheduled,
 * samples are taken in the middle of each minute, so clock jitter neither skips a minute nor puts
 * two in one. A probe that is missing, throws or returns a negative or non-finite number gives
 * null for its figure; a store that fails is logged: neither ever reaches the caller.
 *
 * <p>Thread-safe: {@link #sampleNow} is serialized (the rate figures are differences between
 * consecutive readings).
 */
public final class ResourceRecorder {
    private static final System.Logger LOG = System.getLogger(ResourceRecorder.class.getName());

    private final ResourceSampleStore store;
    private final String instanceId;
    private final Set<String> workspaces;
    private final Clock clock;
    private final DoubleSupplier cpuPercent;
    private final DoubleSupplier heapPercent;
    private final IntSupplier workersBusy;
    private final IntSupplier workersTotal;
    private final IntSupplier queuedSteps;
    private final Supplier<DatabaseActivity> database;
    private DatabaseActivity lastActivity;
    private long lastNanos;

    private ResourceRecorder(Builder b) {
        this.store = b.store;
        this.instanceId = b.instanceId;
        this.workspaces = Set.copyOf(b.workspaces);
        this.clock = b.clock;
        this.cpuPercent = b.cpuPercent;
        this.heapPercent = b.heapPercent;
        this.workersBusy = b.workersBusy;
        this.workersTotal = b.workersTotal;
        this.queuedSteps = b.queuedSteps;
        this.database = b.database;
        this.lastActivity = readDatabase();
        this.lastNanos = clock.monotonicNanos();
    }

    /**
     * Starts configuring a recorder that keeps its samples in {@code store} under {@code instanceId}
     * (the store's own instance id is a good one: it names the same JVM in the rollups).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the instance id is malformed
     */
    public static Builder builder(ResourceSampleStore store, String instanceId) {
        return new Builder(store, instanceId);
    }

    /**
     * Takes a sample now and keeps it for every workspace served.
     *
     * @return the samples kept (none if the store failed)
     */
    public synchronized List<ResourceSample> sampleNow() {
        Instant minute = clock.wallTime().truncatedTo(ChronoUnit.MINUTES);
        long now = clock.monotonicNanos();
        DatabaseActivity activity = readDatabase();
        Double queriesPerSecond = null;
        Double queryTimeMs = null;
        Integer connections = null;
        Integer pool = null;
        if (activity != null) {
            connections = activity.peakConnectionsInUse();
            pool = activity.poolSize();
            if (lastActivity != null && now > lastNanos) {
                long statements = Math.max(0, activity.statements() - lastActivity.statements());
                long nanos = Math.max(0, activity.statementNanos() - lastActivity.statementNanos());
                queriesPerSecond = statements / ((now - lastNanos) / 1e9);
                queryTimeMs = statements == 0 ? null : nanos / 1e6 / statements;
            }
        }
        lastActivity = activity;
        lastNanos = now;
        Double cpu = probe(cpuPercent, "cpuPercent");
        Double heap = probe(heapPercent, "heapPercent");
        Integer busy = count(workersBusy, "workersBusy");
        Integer total = count(workersTotal, "workersTotal");
        Integer queued = count(queuedSteps, "queuedSteps");
        List<ResourceSample> kept = new ArrayList<>(workspaces.size());
        for (String ws : workspaces) {
            ResourceSample s = new ResourceSample(ws, instanceId, minute, cpu, heap, busy, total, queued, connections,
                    pool, queriesPerSecond, queryTimeMs);
            try {
                store.save(s);
                kept.add(s);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "keeping the resource sample of workspace " + ws + " failed: " + e);
            }
        }
        return kept;
    }

    /**
     * Takes a sample in the middle of every minute on the host's executor, until the returned future
     * is cancelled.
     *
     * @throws NullPointerException if executor is null
     */
    public ScheduledFuture<?> scheduleOn(ScheduledExecutorService executor) {
        Objects.requireNonNull(executor, "executor");
        long intoMinuteMs = clock.wallTime().toEpochMilli() % 60_000;
        long delayMs = Math.floorMod(30_000 - intoMinuteMs, 60_000);
        return executor.scheduleAtFixedRate(this::sampleQuietly, delayMs, Duration.ofMinutes(1).toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void sampleQuietly() {
        try {
            sampleNow();
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again: log and keep sampling
            LOG.log(Level.WARNING, "taking a resource sample failed", e);
        }
    }

    private DatabaseActivity readDatabase() {
        if (database == null) {
            return null;
        }
        try {
            return database.get();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "database probe failed", e);
            return null;
        }
    }

    private static Double probe(DoubleSupplier probe, String what) {
        if (probe == null) {
            return null;
        }
        try {
            double v = probe.getAsDouble();
            return Double.isFinite(v) && v >= 0 ? v : null;
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.DEBUG, "resource probe " + what + " failed", e);
            return null;
        }
    }

    private static Integer count(IntSupplier probe, String what) {
        if (probe == null) {
            return null;
        }
        try {
            int v = probe.getAsInt();
            return v >= 0 ? v : null;
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "resource probe " + what + " failed", e);
            return null;
        }
    }

    @Override
    public String toString() {
        return "ResourceRecorder{instanceId=" + instanceId + ", workspaces=" + workspaces + ", store=" + store + "}";
    }

    /**
     * Configures a {@link ResourceRecorder}; the workspaces are required. Each setter checks its
     * argument at once. Not thread-safe.
     */
    public static final class Builder {
        private final ResourceSampleStore store;
        private final String instanceId;
        private final Set<String> workspaces = new LinkedHashSet<>();
        private Clock clock = Clock.system();
        private DoubleSupplier cpuPercent = JvmLoad::cpuPercent;
        private DoubleSupplier heapPercent = JvmLoad::heapPercent;
        private IntSupplier workersBusy;
        private IntSupplier workersTotal;
        private IntSupplier queuedSteps;
        private Supplier<DatabaseActivity> database;

        private Builder(ResourceSampleStore store, String instanceId) {
            this.store = Objects.requireNonNull(store, "store");
            this.instanceId = Checks.id("instanceId", instanceId);
        }

        /**
         * The workspaces this instance serves: each gets its own row every minute. Adds to those given
         * before.
         *
         * @throws NullPointerException if the collection or an id is null
         * @throws IllegalArgumentException if an id is malformed
         */
        public Builder workspaces(Collection<String> workspaceIds) {
            for (String ws : Objects.requireNonNull(workspaceIds, "workspaceIds")) {
                workspaces.add(Checks.id("workspaceId", ws));
            }
            return this;
        }

        /**
         * The clock: the wall time names each sample's minute, the monotonic time measures the rates
         * (default {@link Clock#system()}).
         *
         * @throws NullPointerException if clock is null
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The CPU probe, percent 0-100 or NaN when unknown (default: this machine's CPU load).
         *
         * @throws NullPointerException if probe is null
         */
        public Builder cpuPercent(DoubleSupplier probe) {
            this.cpuPercent = Objects.requireNonNull(probe, "probe");
            return this;
        }

        /**
         * The memory probe, percent 0-100 or NaN when unknown (default: this JVM's heap in use over
         * its maximum).
         *
         * @throws NullPointerException if probe is null
         */
        public Builder heapPercent(DoubleSupplier probe) {
            this.heapPercent = Objects.requireNonNull(probe, "probe");
            return this;
        }

        /**
         * The workers: how many run a step now, and how many there are (default: unknown).
         *
         * @throws NullPointerException if a probe is null
         */
        public Builder workers(IntSupplier busy, IntSupplier total) {
            this.workersBusy = Objects.requireNonNull(busy, "busy");
            this.workersTotal = Objects.requireNonNull(total, "total");
            return this;
        }

        /**
         * The queue: steps waiting for a worker now (default: unknown).
         *
         * @throws NullPointerException if probe is null
         */
        public Builder queuedSteps(IntSupplier probe) {
            this.queuedSteps = Objects.requireNonNull(probe, "probe");
            return this;
        }

        /**
         * The store's own measurements of its database work (default: unknown), such as
         * metrics-jdbc's {@code JdbcRunStore.databaseActivity()}. It is read once at build and once
         * per sample; the recorder should be its only reader, since a reading resets the peak of
         * connections in use.
         *
         * @throws NullPointerException if probe is null
         */
        public Builder database(Supplier<DatabaseActivity> probe) {
            this.database = Objects.requireNonNull(probe, "probe");
            return this;
        }

        /**
         * Builds the recorder (and takes the database probe's first reading).
         *
         * @throws IllegalStateException if no workspace was given
         */
        public ResourceRecorder build() {
            if (workspaces.isEmpty()) {
                throw new IllegalStateException("the workspaces this instance serves must be given");
            }
            return new ResourceRecorder(this);
        }

        @Override
        public String toString() {
            return "ResourceRecorder.Builder{instanceId=" + instanceId + ", workspaces=" + workspaces + "}";
        }
    }
}
