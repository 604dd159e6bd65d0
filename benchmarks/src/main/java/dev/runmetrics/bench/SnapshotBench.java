package dev.runmetrics.bench;

import com.codahale.metrics.SlidingWindowReservoir;
import com.codahale.metrics.Snapshot;
import dev.runmetrics.core.node.NodeMetrics;
import dev.runmetrics.core.node.NodeMetricsCollector;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The read path, side by side: what it costs to take a snapshot of one node's durations and read
 * p50, p90 and p99 from it, each library holding the same {@value #SAMPLES} varying durations (the
 * first {@value #SAMPLES} of {@link Durations}).
 *
 * <ul>
 *   <li>{@code runmetricsGetNodeMetrics}: {@code getNodeMetrics} over a full 100-sample window
 *       (it copies the window, compares it with the previous read's copy and merges what changed
 *       into the ascending copy kept from that read; here nothing changed), then its three
 *       percentiles.
 *   <li>{@code dropwizardSnapshot}: {@code SlidingWindowReservoir(100).getSnapshot()} (copies and
 *       sorts) and {@code getValue(0.5 / 0.9 / 0.99)}.
 *   <li>{@code micrometerTakeSnapshot}: {@code takeSnapshot()} of a timer with client-side
 *       p50/p90/p99, which computes them.
 *   <li>{@code hdrIntervalSnapshot}: the usual HdrHistogram reader loop: swap out the
 *       {@code Recorder}'s interval histogram (recycling the previous one), add it to a running
 *       histogram that holds the samples, and read three percentiles from that. After the first op
 *       the interval is empty, so its {@code add} is nearly free: the score is a lower bound for a
 *       reader whose writers are busy. The rest (resetting the recycled interval, scanning counts up
 *       to each percentile) depends on the value range and precision (nanoseconds, 3 digits here),
 *       not on the sample count.
 * </ul>
 *
 * <p>One thread; nothing records during the measurement of these four. Every value read goes to the
 * {@link Blackhole}. Issue 2's target: {@code runmetricsGetNodeMetrics} at most half of
 * {@code dropwizardSnapshot}.
 *
 * <p>A dashboard reads while the node is busy, so the same read is also measured <em>under
 * writers</em> ({@code runmetricsGetNodeMetricsFed}, {@code dropwizardSnapshotFed}, state
 * {@link Fed}): before each read ({@code Level.Invocation}, outside the timed part) the next
 * {@code freshSamples} durations are recorded into both a runmetrics node and a Dropwizard
 * {@code SlidingWindowReservoir(100)}, each already full, so every read sees a window that changed
 * by that many samples since the previous one. Target: the runmetrics read at most half of
 * Dropwizard's in that protocol too. ({@code Level.Invocation} adds a timestamp pair per op to
 * both scores alike, and the feed leaves caches and branch predictors as a busy node would;
 * {@code feedOnlyFed} measures that alone. JMH warns about it for ops this short.)
 *
 * <p>Run it (about 1 minute):
 * <pre>
 * ./mvnw -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar SnapshotBench
 * java -jar benchmarks/target/benchmarks.jar 'SnapshotBench.*Fed'     # under writers only
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@Threads(1)
@State(Scope.Benchmark)
public class SnapshotBench {
    static final int SAMPLES = 100;
    private static final String NODE = "fetch";

    private NodeMetricsCollector collector;
    private String nodeName;
    private SlidingWindowReservoir reservoir;
    private Timer micrometerTimer;
    private Recorder hdrRecorder;
    private Histogram hdrInterval;
    private Histogram hdrTotal;

    @Setup
    public void fill() {
        collector = NodeMetricsCollector.builder().windowSize(SAMPLES).build();
        nodeName = NODE;
        reservoir = new SlidingWindowReservoir(SAMPLES);
        // Micrometer forgets samples after distributionStatisticExpiry (2 min by default, rotated in
        // thirds); a trial is far shorter, so every op sees all 100 samples.
        micrometerTimer = Timer.builder("node.duration")
                .publishPercentiles(0.5, 0.9, 0.99)
                .register(new SimpleMeterRegistry());
        hdrRecorder = new Recorder(3);
        for (int i = 0; i < SAMPLES; i++) {
            collector.recordSuccess(NODE, Durations.millis(i));
            reservoir.update(Durations.nanos(i));
            micrometerTimer.record(Durations.nanos(i), TimeUnit.NANOSECONDS);
            hdrRecorder.recordValue(Durations.nanos(i));
        }
        hdrInterval = hdrRecorder.getIntervalHistogram();
        // A plain Histogram for the running total: only the reader touches it, so it needs none of
        // the interval histogram's concurrency (whose percentile scan locks per counts-array slot).
        hdrTotal = new Histogram(3);
        hdrTotal.add(hdrInterval);
        if (collector.getNodeMetrics(NODE).totalExecutions() != SAMPLES
                || reservoir.size() != SAMPLES
                || micrometerTimer.count() != SAMPLES
                || hdrTotal.getTotalCount() != SAMPLES) {
            throw new IllegalStateException("a library does not hold the " + SAMPLES + " samples");
        }
    }

    @Benchmark
    public void runmetricsGetNodeMetrics(Blackhole bh) {
        NodeMetrics metrics = collector.getNodeMetrics(nodeName);
        bh.consume(metrics.p50());
        bh.consume(metrics.p90());
        bh.consume(metrics.p99());
    }

    @Benchmark
    public void dropwizardSnapshot(Blackhole bh) {
        Snapshot snapshot = reservoir.getSnapshot();
        bh.consume(snapshot.getValue(0.5));
        bh.consume(snapshot.getValue(0.9));
        bh.consume(snapshot.getValue(0.99));
    }

    @Benchmark
    public void micrometerTakeSnapshot(Blackhole bh) {
        HistogramSnapshot snapshot = micrometerTimer.takeSnapshot();
        for (ValueAtPercentile percentile : snapshot.percentileValues()) {
            bh.consume(percentile.value());
        }
    }

    @Benchmark
    public void hdrIntervalSnapshot(Blackhole bh) {
        hdrInterval = hdrRecorder.getIntervalHistogram(hdrInterval);
        hdrTotal.add(hdrInterval);
        bh.consume(hdrTotal.getValueAtPercentile(50.0));
        bh.consume(hdrTotal.getValueAtPercentile(90.0));
        bh.consume(hdrTotal.getValueAtPercentile(99.0));
    }

    /**
     * A runmetrics node and a Dropwizard reservoir, both full, into which the next
     * {@code freshSamples} durations are recorded before every read. One thread; not shared.
     */
    @State(Scope.Thread)
    public static class Fed {
        /** New samples recorded into each window between two reads. */
        @Param({"1", "10"})
        int freshSamples;

        NodeMetricsCollector collector;
        String nodeName;
        SlidingWindowReservoir reservoir;
        private int next;

        @Setup(Level.Trial)
        public void fill() {
            collector = NodeMetricsCollector.builder().windowSize(SAMPLES).build();
            nodeName = NODE;
            reservoir = new SlidingWindowReservoir(SAMPLES);
            for (next = 0; next < SAMPLES; next++) {
                collector.recordSuccess(NODE, Durations.millis(next));
                reservoir.update(Durations.nanos(next));
            }
        }

        @Setup(Level.Invocation)
        public void recordFreshSamples() {
            for (int i = 0; i < freshSamples; i++, next++) {
                collector.recordSuccess(NODE, Durations.millis(next));
                reservoir.update(Durations.nanos(next));
            }
        }
    }

    /** The protocol alone: the same feed before each op, and nothing read; what both reads above include. */
    @Benchmark
    public void feedOnlyFed(Fed fed, Blackhole bh) {
        bh.consume(fed.nodeName);
    }

    @Benchmark
    public void runmetricsGetNodeMetricsFed(Fed fed, Blackhole bh) {
        NodeMetrics metrics = fed.collector.getNodeMetrics(fed.nodeName);
        bh.consume(metrics.p50());
        bh.consume(metrics.p90());
        bh.consume(metrics.p99());
    }

    @Benchmark
    public void dropwizardSnapshotFed(Fed fed, Blackhole bh) {
        Snapshot snapshot = fed.reservoir.getSnapshot();
        bh.consume(snapshot.getValue(0.5));
        bh.consume(snapshot.getValue(0.9));
        bh.consume(snapshot.getValue(0.99));
    }
}
