package dev.runmetrics.core.views;

import dev.runmetrics.core.internal.JvmLoad;
import dev.runmetrics.core.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * Samples CPU and memory use into a small ring in memory, for the live overview's
 * {@code realtime.systemLoad} and, when no {@linkplain RunViews.Builder#resourceSamples sample
 * store} keeps per-minute samples (which survive a restart), its {@code resources.compute}. The
 * host schedules it ({@link #scheduleOn}) and hands it to {@link RunViews.Builder#resourceSampler};
 * without that, the overview shows one sample taken when it is computed.
 *
 * <p>{@link #jvm} measures this JVM's machine CPU load (the {@code com.sun.management}
 * {@code OperatingSystemMXBean}, when the JVM has it) and heap use as a percentage of the maximum
 * heap — the memory a library embedded in a JVM is bounded by. A probe that is unavailable or
 * throws yields null for that value; it never fails the caller.
 *
 * <p>Thread-safe: samples may be taken and read from any threads; the ring is guarded by this
 * object's monitor.
 */
public final class ResourceSampler {
    private static final System.Logger LOG = System.getLogger(ResourceSampler.class.getName());

    /**
     * One sample.
     *
     * @param at when it was taken
     * @param cpu CPU load in percent, or null when unknown
     * @param memory memory use in percent, or null when unknown
     */
    public record Sample(Instant at, Double cpu, Double memory) {
        /** @throws NullPointerException if at is null */
        public Sample {
            Objects.requireNonNull(at, "at");
        }
    }

    private final Clock clock;
    private final int capacity;
    private final DoubleSupplier cpuPercent;
    private final DoubleSupplier memoryPercent;
    private final ArrayDeque<Sample> ring;

    /**
     * Creates a sampler over two probes, each returning a percentage or NaN when unknown.
     *
     * @param clock timestamps the samples
     * @param capacity how many samples the ring keeps, at least 1 (the oldest go first)
     * @param cpuPercent the CPU probe
     * @param memoryPercent the memory probe
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if capacity is below 1
     */
    public ResourceSampler(Clock clock, int capacity, DoubleSupplier cpuPercent, DoubleSupplier memoryPercent) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        this.capacity = capacity;
        this.cpuPercent = Objects.requireNonNull(cpuPercent, "cpuPercent");
        this.memoryPercent = Objects.requireNonNull(memoryPercent, "memoryPercent");
        this.ring = new ArrayDeque<>(capacity);
    }

    /**
     * A sampler of this JVM: machine CPU load and heap use (see the class comment).
     *
     * @param clock timestamps the samples
     * @param capacity how many samples the ring keeps (e.g. 60 at one a minute: the last hour)
     * @throws IllegalArgumentException if capacity is below 1
     */
    public static ResourceSampler jvm(Clock clock, int capacity) {
        return new ResourceSampler(clock, capacity, JvmLoad::cpuPercent, JvmLoad::heapPercent);
    }

    /** Takes a sample without keeping it (what the overview shows when nothing is scheduled). */
    public Sample current() {
        return new Sample(clock.wallTime(), probe(cpuPercent, "cpu"), probe(memoryPercent, "memory"));
    }

    /** Takes a sample and keeps it in the ring, dropping the oldest when full. */
    public Sample sample() {
        Sample s = current();
        synchronized (ring) {
            if (ring.size() == capacity) {
                ring.removeFirst();
            }
            ring.addLast(s);
        }
        return s;
    }

    /** Returns the kept samples, oldest first. */
    public List<Sample> samples() {
        synchronized (ring) {
            return List.copyOf(ring);
        }
    }

    /**
     * Samples every {@code period} on the host's executor until the returned future is cancelled.
     *
     * @throws IllegalArgumentException if the period is not positive
     */
    public ScheduledFuture<?> scheduleOn(ScheduledExecutorService executor, Duration period) {
        Objects.requireNonNull(executor, "executor");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive, was " + period);
        }
        long nanos = period.toNanos();
        return executor.scheduleAtFixedRate(this::sample, 0, nanos, TimeUnit.NANOSECONDS);
    }

    private static Double probe(DoubleSupplier probe, String what) {
        try {
            double v = probe.getAsDouble();
            return Double.isFinite(v) && v >= 0 ? v : null;
        } catch (RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.DEBUG, "resource probe " + what + " failed", e);
            return null;
        }
    }

    @Override
    public String toString() {
        return "ResourceSampler{capacity=" + capacity + "}";
    }
}
