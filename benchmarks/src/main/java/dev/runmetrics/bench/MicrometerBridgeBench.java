package dev.runmetrics.bench;

import dev.runmetrics.core.node.NodeMetricsCollector;
import dev.runmetrics.core.node.NodeMetricsHandle;
import dev.runmetrics.micrometer.MicrometerBridge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
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
 * What the Micrometer bridge adds to a record: {@code recordSuccess} through a pre-bound handle of a
 * collector with no bridge, the same with the bridge bound and publishing into a Prometheus registry
 * (a percentile-histogram timer and a counter per success) or into a {@code SimpleMeterRegistry},
 * and side by side the plain Micrometer {@code Timer.record} of a timer configured as the bridge's
 * (percentile histogram on) in the same Prometheus registry.
 *
 * <p>Each variant at 1 and 2 threads; at 2 threads both record into the same node / timer (one
 * {@link Scope#Benchmark} state). Every op records the next value of the {@link Durations} table.
 * Scores are the average time per op seen by each thread (avgt, ns/op).
 *
 * <p>Run it (about 2 minutes on 2 cores; the README's short run took about 1 minute):
 * <pre>
 * ./mvnw -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar MicrometerBridgeBench
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class MicrometerBridgeBench {

    /** A collector without a bridge, one with it (Prometheus, Simple), and a plain timer, fresh for each trial. */
    @State(Scope.Benchmark)
    public static class Targets {
        static final String NODE = "fetch";

        NodeMetricsHandle withoutBridge;
        NodeMetricsHandle withPrometheusBridge;
        NodeMetricsHandle withSimpleBridge;
        Timer prometheusTimer;

        @Setup
        public void setUp() {
            withoutBridge = NodeMetricsCollector.create().node(NODE);

            PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            NodeMetricsCollector bridged = NodeMetricsCollector.create();
            MicrometerBridge.create(prometheus).bindTo(bridged);
            withPrometheusBridge = bridged.node(NODE);

            NodeMetricsCollector simple = NodeMetricsCollector.create();
            MicrometerBridge.create(new SimpleMeterRegistry()).bindTo(simple);
            withSimpleBridge = simple.node(NODE);

            prometheusTimer = Timer.builder("plain.duration").publishPercentileHistogram()
                    .register(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        }
    }

    // ---- 1 thread ----

    @Benchmark
    @Threads(1)
    public void handleSuccessWithoutBridge_1t(Targets t, DurationCursor cursor) {
        t.withoutBridge.recordSuccess(cursor.nextMillis());
    }

    @Benchmark
    @Threads(1)
    public void handleSuccessPrometheusBridge_1t(Targets t, DurationCursor cursor) {
        t.withPrometheusBridge.recordSuccess(cursor.nextMillis());
    }

    @Benchmark
    @Threads(1)
    public void handleSuccessSimpleBridge_1t(Targets t, DurationCursor cursor) {
        t.withSimpleBridge.recordSuccess(cursor.nextMillis());
    }

    @Benchmark
    @Threads(1)
    public void prometheusTimerRecord_1t(Targets t, DurationCursor cursor) {
        t.prometheusTimer.record(cursor.nextNanos(), TimeUnit.NANOSECONDS);
    }

    // ---- 2 threads, both recording into the same node / timer ----

    @Benchmark
    @Threads(2)
    public void handleSuccessWithoutBridge_2t(Targets t, DurationCursor cursor) {
        t.withoutBridge.recordSuccess(cursor.nextMillis());
    }

    @Benchmark
    @Threads(2)
    public void handleSuccessPrometheusBridge_2t(Targets t, DurationCursor cursor) {
        t.withPrometheusBridge.recordSuccess(cursor.nextMillis());
    }

    @Benchmark
    @Threads(2)
    public void prometheusTimerRecord_2t(Targets t, DurationCursor cursor) {
        t.prometheusTimer.record(cursor.nextNanos(), TimeUnit.NANOSECONDS);
    }
}
