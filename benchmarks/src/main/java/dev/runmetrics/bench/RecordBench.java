package dev.runmetrics.bench;

import com.codahale.metrics.SlidingWindowReservoir;
import dev.runmetrics.core.node.ErrorCategory;
import dev.runmetrics.core.node.NodeMetricsCollector;
import dev.runmetrics.core.node.NodeMetricsHandle;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Recorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The record path, side by side: what one call costs to record one execution's duration in
 * runmetrics (by node name, through a pre-bound handle, and a failure through the handle) and in
 * the peers a user would otherwise pick: a Dropwizard Metrics {@code Timer} over a
 * {@code SlidingWindowReservoir(100)} (the same last-100 window runmetrics keeps), a Micrometer
 * {@code Timer} with client-side p50/p90/p99, and an HdrHistogram {@code Recorder}.
 *
 * <p>Every variant runs at 1 and at 2 threads ({@code _1t}, {@code _2t}, set per method with
 * {@link Threads}, so a single run measures both). All threads of a trial share one
 * {@link Recorders} instance, so at 2 threads both record into the same node, timer or recorder: the
 * contended case of a node run from a thread pool. Each op records the next value of the
 * {@link Durations} table (per-thread {@link DurationCursor}); {@code baseline_1t} is the cost of
 * fetching that value alone. Scores are the average time per op seen by each thread (avgt, ns/op).
 *
 * <p>Issue 2's targets read off this class: {@code runmetricsHandleSuccess_1t} at most half of
 * {@code dropwizardTimerUpdate_1t}, and {@code runmetricsHandleSuccess_2t} at most twice
 * {@code runmetricsHandleSuccess_1t}.
 *
 * <p>Run it (about 4 minutes on 2 cores):
 * <pre>
 * ./mvnw -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar RecordBench
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class RecordBench {

    /**
     * The things being recorded into, one of each, shared by all threads of a trial and fresh for
     * each trial. Each is configured the way issue 2 compares them.
     */
    @State(Scope.Benchmark)
    public static class Recorders {
        static final String NODE = "fetch";

        NodeMetricsCollector collector;
        NodeMetricsHandle handle;
        String nodeName;
        com.codahale.metrics.Timer dropwizardTimer;
        Timer micrometerTimer;
        Recorder hdrRecorder;

        @Setup
        public void setUp() {
            collector = NodeMetricsCollector.builder().windowSize(100).build();
            handle = collector.node(NODE);
            nodeName = NODE;
            dropwizardTimer = new com.codahale.metrics.Timer(new SlidingWindowReservoir(100));
            micrometerTimer = Timer.builder("node.duration")
                    .publishPercentiles(0.5, 0.9, 0.99)
                    .register(new SimpleMeterRegistry());
            // 3 significant digits, auto-resizing: the usual latency set-up, no fixed maximum to overrun.
            hdrRecorder = new Recorder(3);
        }
    }

    // ---- 1 thread ----

    @Benchmark
    @Threads(1)
    public long baseline_1t(DurationCursor cursor) {
        return cursor.nextNanos();
    }

    @Benchmark
    @Threads(1)
    public void runmetricsNameSuccess_1t(Recorders r, DurationCursor cursor) {
        r.collector.recordSuccess(r.nodeName, cursor.nextMillis());
    }

    @Benchmark
    @Threads(1)
    public void runmetricsHandleSuccess_1t(Recorders r, DurationCursor cursor) {
        r.handle.recordSuccess(cursor.nextMillis());
    }

    @Benchmark
    @Threads(1)
    public void runmetricsHandleFailure_1t(Recorders r, DurationCursor cursor) {
        r.handle.recordFailure(cursor.nextMillis(), ErrorCategory.TIMEOUT);
    }

    @Benchmark
    @Threads(1)
    public void dropwizardTimerUpdate_1t(Recorders r, DurationCursor cursor) {
        r.dropwizardTimer.update(cursor.nextNanos(), TimeUnit.NANOSECONDS);
    }

    @Benchmark
    @Threads(1)
    public void micrometerTimerRecord_1t(Recorders r, DurationCursor cursor) {
        r.micrometerTimer.record(cursor.nextNanos(), TimeUnit.NANOSECONDS);
    }

    @Benchmark
    @Threads(1)
    public void hdrRecorderRecordValue_1t(Recorders r, DurationCursor cursor) {
        r.hdrRecorder.recordValue(cursor.nextNanos());
    }

    // ---- 2 threads, both recording into the same instance ----

    @Benchmark
    @Threads(2)
    public void runmetricsNameSuccess_2t(Recorders r, DurationCursor cursor) {
        r.collector.recordSuccess(r.nodeName, cursor.nextMillis());
    }

    @Benchmark
    @Threads(2)
    public void runmetricsHandleSuccess_2t(Recorders r, DurationCursor cursor) {
        r.handle.recordSuccess(cursor.nextMillis());
    }

    @Benchmark
    @Threads(2)
    public void runmetricsHandleFailure_2t(Recorders r, DurationCursor cursor) {
        r.handle.recordFailure(cursor.nextMillis(), ErrorCategory.TIMEOUT);
    }

    @Benchmark
    @Threads(2)
    public void dropwizardTimerUpdate_2t(Recorders r, DurationCursor cursor) {
        r.dropwizardTimer.update(cursor.nextNanos(), TimeUnit.NANOSECONDS);
    }

    @Benchmark
    @Threads(2)
    public void micrometerTimerRecord_2t(Recorders r, DurationCursor cursor) {
        r.micrometerTimer.record(cursor.nextNanos(), TimeUnit.NANOSECONDS);
    }

    @Benchmark
    @Threads(2)
    public void hdrRecorderRecordValue_2t(Recorders r, DurationCursor cursor) {
        r.hdrRecorder.recordValue(cursor.nextNanos());
    }
}
