package dev.runmetrics.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Clock;
import io.micrometer.registry.otlp.OtlpConfig;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The example workflows through the bridge into Micrometer's OTLP registry, which pushes to a real
 * HTTP receiver on the loopback interface; the receiver decodes each request with the
 * OpenTelemetry proto classes, and the test asserts on the decoded metrics.
 */
class OtlpRegistryTest {
    private HttpServer receiver;
    private final List<ExportMetricsServiceRequest> received = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/v1/metrics", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
                received.add(ExportMetricsServiceRequest.parseFrom(body));
            }
            byte[] answer = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    /** Plays the scenario, closes the registry (which pushes once) and returns every metric received. */
    private Map<String, Metric> pushScenario() throws Exception {
        Map<String, String> settings = Map.of(
                "otlp.url", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/metrics",
                "otlp.step", "PT1H"); // no scheduled push during the test: close() pushes
        OtlpConfig config = settings::get;
        OtlpMeterRegistry registry = new OtlpMeterRegistry(config, Clock.SYSTEM);
        List<String> runIds;
        try (ExampleRuns runs = new ExampleRuns(MicrometerBridge.create(registry))) {
            runs.playScenario();
            runIds = runs.runIds;
        } finally {
            registry.close();
        }
        assertThat(received).isNotEmpty();
        assertThat(contentTypes).containsOnly("application/x-protobuf");
        Map<String, Metric> metrics = new TreeMap<>();
        received.forEach(request -> request.getResourceMetricsList().forEach(resource ->
                resource.getScopeMetricsList().forEach(scope ->
                        scope.getMetricsList().forEach(metric -> metrics.merge(metric.getName(), metric,
                                (a, b) -> a.toBuilder().mergeFrom(b).build())))));
        for (Metric metric : metrics.values()) {
            for (List<KeyValue> attributes : attributesOf(metric)) {
                assertThat(attributes).extracting(kv -> kv.getValue().getStringValue())
                        .doesNotContainAnyElementsOf(runIds);
            }
        }
        return metrics;
    }

    @Test
    void nodeDurationsArriveAsCumulativeHistogramsInMilliseconds() throws Exception {
        Map<String, Metric> metrics = pushScenario();

        Metric duration = metrics.get(MeterNames.NODE_DURATION);
        assertThat(duration.hasHistogram()).isTrue();
        assertThat(duration.getUnit()).isEqualTo("milliseconds"); // the OTLP registry's base time unit
        assertThat(duration.getHistogram().getAggregationTemporality())
                .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
        HistogramDataPoint process = duration.getHistogram().getDataPointsList().stream()
                .filter(p -> attributes(p.getAttributesList()).equals(
                        Map.of(MeterNames.NODE, "basic_sequence.process", MeterNames.OUTCOME, "success")))
                .findFirst().orElseThrow();
        assertThat(process.getCount()).isEqualTo(3);
        assertThat(process.getSum()).isEqualTo(150.0);
        assertThat(process.getExplicitBoundsCount()).isGreaterThan(10);
        assertThat(process.getBucketCountsCount()).isEqualTo(process.getExplicitBoundsCount() + 1);
        // Per-bucket counts (not cumulative): all three 50 ms executions in the first bucket bounded at or above 50.
        int bucket = 0;
        while (process.getExplicitBounds(bucket) < 50.0) {
            bucket++;
        }
        for (int i = 0; i < process.getBucketCountsCount(); i++) {
            assertThat(process.getBucketCounts(i)).as("bucket %d", i).isEqualTo(i == bucket ? 3 : 0);
        }
    }

    @Test
    void countersArriveAsMonotonicSumsAndGaugesAsGauges() throws Exception {
        Map<String, Metric> metrics = pushScenario();

        Metric executions = metrics.get(MeterNames.NODE_EXECUTIONS);
        assertThat(executions.getSum().getIsMonotonic()).isTrue();
        assertThat(value(executions.getSum().getDataPointsList(), Map.of(MeterNames.NODE, "basic_sequence.process",
                MeterNames.OUTCOME, "failure", MeterNames.ERROR_CATEGORY, "network"))).isEqualTo(1.0);

        Metric ended = metrics.get(MeterNames.RUNS_ENDED);
        assertThat(ended.getSum().getIsMonotonic()).isTrue();
        assertThat(value(ended.getSum().getDataPointsList(), Map.of(MeterNames.WORKSPACE, ExampleRuns.WS,
                MeterNames.WORKFLOW, "basic_sequence", MeterNames.STATUS, "completed"))).isEqualTo(3.0);
        assertThat(value(ended.getSum().getDataPointsList(), Map.of(MeterNames.WORKSPACE, ExampleRuns.WS,
                MeterNames.WORKFLOW, "data_pipeline", MeterNames.STATUS, "failed"))).isEqualTo(1.0);

        Metric running = metrics.get(MeterNames.RUNS_RUNNING);
        assertThat(running.hasGauge()).isTrue();
        assertThat(running.getGauge().getDataPointsList()).hasSize(4)
                .allSatisfy(p -> assertThat(p.getAsDouble()).isZero());
    }

    @Test
    void runAndStepTimersArriveAsHistograms() throws Exception {
        Map<String, Metric> metrics = pushScenario();

        for (String name : List.of(MeterNames.RUN_QUEUE_WAIT, MeterNames.RUN_EXECUTION, MeterNames.RUN_LATENCY,
                MeterNames.STEP_QUEUE_WAIT, MeterNames.STEP_EXECUTION, MeterNames.STEP_LATENCY)) {
            assertThat(metrics.get(name)).as(name).isNotNull();
            assertThat(metrics.get(name).hasHistogram()).as(name).isTrue();
        }
        // Run timers carry their buckets; step timers, by default, only count, sum and max.
        assertThat(metrics.get(MeterNames.RUN_EXECUTION).getHistogram().getDataPointsList())
                .allSatisfy(p -> assertThat(p.getExplicitBoundsCount()).isGreaterThan(10));
        assertThat(metrics.get(MeterNames.STEP_EXECUTION).getHistogram().getDataPointsList())
                .allSatisfy(p -> assertThat(p.getExplicitBoundsCount()).isZero());
        HistogramDataPoint resumed = metrics.get(MeterNames.RUN_EXECUTION).getHistogram().getDataPointsList().stream()
                .filter(p -> attributes(p.getAttributesList()).equals(Map.of(MeterNames.WORKSPACE, ExampleRuns.WS,
                        MeterNames.WORKFLOW, "data_pipeline", MeterNames.STATUS, "completed")))
                .findFirst().orElseThrow();
        assertThat(resumed.getCount()).isEqualTo(1);
        assertThat(resumed.getSum()).isEqualTo(400.0);
    }

    private static double value(List<NumberDataPoint> points, Map<String, String> attributes) {
        List<NumberDataPoint> matching = points.stream()
                .filter(p -> attributes(p.getAttributesList()).equals(attributes)).toList();
        assertThat(matching).as("points with %s", attributes).hasSize(1);
        return matching.get(0).getAsDouble();
    }

    private static Map<String, String> attributes(List<KeyValue> list) {
        Map<String, String> map = new TreeMap<>();
        list.forEach(kv -> map.put(kv.getKey(), kv.getValue().getStringValue()));
        return map;
    }

    private static List<List<KeyValue>> attributesOf(Metric metric) {
        return switch (metric.getDataCase()) {
            case HISTOGRAM -> metric.getHistogram().getDataPointsList().stream().map(HistogramDataPoint::getAttributesList).toList();
            case SUM -> metric.getSum().getDataPointsList().stream().map(NumberDataPoint::getAttributesList).toList();
            case GAUGE -> metric.getGauge().getDataPointsList().stream().map(NumberDataPoint::getAttributesList).toList();
            default -> List.of();
        };
    }
}
