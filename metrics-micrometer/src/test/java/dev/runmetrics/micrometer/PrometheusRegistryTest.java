package dev.runmetrics.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.runmetrics.micrometer.PrometheusText.Sample;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The example workflows through the bridge into Micrometer's Prometheus registry, asserted on the
 * scraped text: the series names (base unit {@code _seconds}, counters {@code _total}), their
 * labels and their values.
 */
class PrometheusRegistryTest {
    private static final String WS = ExampleRuns.WS;

    private static PrometheusText scrapeAfterScenario(MicrometerBridge.Builder bridge, PrometheusMeterRegistry registry)
            throws Exception {
        try (ExampleRuns runs = new ExampleRuns(bridge.build())) {
            runs.playScenario();
            PrometheusText scrape = new PrometheusText(registry.scrape());
            assertThat(runs.runIds).hasSize(6).allSatisfy(id -> assertThat(scrape.text).doesNotContain(id));
            return scrape;
        }
    }

    private static PrometheusText scrapeAfterScenario() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return scrapeAfterScenario(MicrometerBridge.builder(registry), registry);
    }

    @Test
    void nodeDurationsAreSecondsHistogramsWithCumulativeBuckets() throws Exception {
        PrometheusText scrape = scrapeAfterScenario();

        assertThat(scrape.types).containsEntry("runmetrics_node_duration_seconds", "histogram");
        String[] process = {"node", "basic_sequence.process", "outcome", "success"};
        assertThat(scrape.value("runmetrics_node_duration_seconds_count", process)).isEqualTo(3.0);
        assertThat(scrape.value("runmetrics_node_duration_seconds_sum", process)).isCloseTo(0.15, within(1e-9));
        assertThat(scrape.value("runmetrics_node_duration_seconds_max", process)).isEqualTo(0.05);

        List<Sample> buckets = scrape.find("runmetrics_node_duration_seconds_bucket", process).stream()
                .sorted(Comparator.comparingDouble(s -> le(s))).toList();
        assertThat(buckets).hasSizeGreaterThan(10);
        assertThat(le(buckets.get(buckets.size() - 1))).isInfinite();
        double previous = 0;
        for (Sample bucket : buckets) {
            assertThat(bucket.value()).as("cumulative at le=%s", bucket.labels().get("le")).isGreaterThanOrEqualTo(previous);
            previous = bucket.value();
            // Every execution took 50 ms: none in a bucket below that, all three from the first one above it.
            assertThat(bucket.value()).isEqualTo(le(bucket) < 0.05 ? 0.0 : 3.0);
        }
        assertThat(scrape.value("runmetrics_node_duration_seconds_count", "node", "basic_sequence.process",
                "outcome", "failure")).isEqualTo(1.0);
    }

    @Test
    void executionsByOutcomeAndCategoryAndRetriesAreCounters() throws Exception {
        PrometheusText scrape = scrapeAfterScenario();

        assertThat(scrape.types).containsEntry("runmetrics_node_executions_total", "counter")
                .containsEntry("runmetrics_node_retries_total", "counter");
        assertThat(scrape.value("runmetrics_node_executions_total", "node", "basic_sequence.process",
                "outcome", "success", "error_category", "none")).isEqualTo(3.0);
        assertThat(scrape.value("runmetrics_node_executions_total", "node", "basic_sequence.process",
                "outcome", "failure", "error_category", "network")).isEqualTo(1.0);
        assertThat(scrape.value("runmetrics_node_executions_total", "node", "data_pipeline.transform_data",
                "outcome", "failure", "error_category", "other")).isEqualTo(1.0);
        assertThat(scrape.value("runmetrics_node_executions_total", "node", "data_pipeline.transform_data",
                "outcome", "success", "error_category", "none")).isEqualTo(1.0);
        assertThat(scrape.value("runmetrics_node_retries_total", "node", "basic_sequence.process")).isEqualTo(1.0);
        assertThat(scrape.value("runmetrics_node_observer_failures_total")).isZero();
    }

    @Test
    void callsByOutcomeAndAttemptsAreCounters() throws Exception {
        PrometheusText scrape = scrapeAfterScenario();

        assertThat(scrape.types).containsEntry("runmetrics_node_calls_total", "counter");
        // process failed once and was retried: that call took two attempts and succeeded
        assertThat(scrape.value("runmetrics_node_calls_total", "node", "basic_sequence.process",
                "outcome", "success", "attempts", "2")).isEqualTo(1.0);
        assertThat(scrape.value("runmetrics_node_calls_total", "node", "basic_sequence.process",
                "outcome", "success", "attempts", "1")).isEqualTo(2.0);
    }

    @Test
    void runsAreTimedAndCountedByStatusPerWorkflowAndWorkspace() throws Exception {
        PrometheusText scrape = scrapeAfterScenario();

        assertThat(scrape.types).containsEntry("runmetrics_run_execution_seconds", "histogram")
                .containsEntry("runmetrics_run_latency_seconds", "histogram")
                .containsEntry("runmetrics_run_queue_wait_seconds", "histogram")
                .containsEntry("runmetrics_runs_ended_total", "counter")
                .containsEntry("runmetrics_runs_running", "gauge")
                .containsEntry("runmetrics_runs_queued", "gauge");
        String[] basic = {"workspace", WS, "workflow", "basic_sequence", "status", "completed"};
        assertThat(scrape.value("runmetrics_runs_ended_total", basic)).isEqualTo(3.0);
        assertThat(scrape.value("runmetrics_run_execution_seconds_count", basic)).isEqualTo(3.0);
        // 3 runs of 3 steps at 50 ms, plus the first run's failed try of process (50 ms) and its backoff (10 ms).
        assertThat(scrape.value("runmetrics_run_execution_seconds_sum", basic)).isCloseTo(0.51, within(1e-9));
        assertThat(scrape.value("runmetrics_run_latency_seconds_sum", basic)).isCloseTo(0.51, within(1e-9));
        assertThat(scrape.value("runmetrics_run_queue_wait_seconds_count", "workspace", WS, "workflow", "basic_sequence"))
                .isEqualTo(3.0);

        String[] failed = {"workspace", WS, "workflow", "data_pipeline", "status", "failed"};
        String[] resumed = {"workspace", WS, "workflow", "data_pipeline", "status", "completed"};
        assertThat(scrape.value("runmetrics_runs_ended_total", failed)).isEqualTo(1.0);
        assertThat(scrape.value("runmetrics_runs_ended_total", resumed)).isEqualTo(1.0);
        assertThat(scrape.value("runmetrics_run_execution_seconds_sum", failed)).isCloseTo(0.15, within(1e-9));
        // From the first start to the end of the resumed attempt: 3 + 5 steps.
        assertThat(scrape.value("runmetrics_run_execution_seconds_sum", resumed)).isCloseTo(0.40, within(1e-9));
        assertThat(scrape.value("runmetrics_run_queue_wait_seconds_count", "workspace", WS, "workflow", "data_pipeline"))
                .isEqualTo(1.0);

        assertThat(scrape.find("runmetrics_runs_running")).hasSize(4).allSatisfy(s -> assertThat(s.value()).isZero());
        assertThat(scrape.find("runmetrics_runs_queued")).hasSize(4).allSatisfy(s -> assertThat(s.value()).isZero());
    }

    @Test
    void stepsAreTimedByStatusAndTheirRetriesCounted() throws Exception {
        PrometheusText scrape = scrapeAfterScenario();

        String[] process = {"workspace", WS, "workflow", "basic_sequence", "step", "process"};
        assertThat(scrape.value("runmetrics_step_retries_total", process)).isEqualTo(1.0);
        assertThat(scrape.value("runmetrics_step_queue_wait_seconds_count", process)).isEqualTo(3.0);
        String[] processCompleted = {"workspace", WS, "workflow", "basic_sequence", "step", "process", "status", "completed"};
        assertThat(scrape.value("runmetrics_step_execution_seconds_count", processCompleted)).isEqualTo(3.0);
        // 3 × 50 ms, plus the failed try and the backoff before the retry.
        assertThat(scrape.value("runmetrics_step_execution_seconds_sum", processCompleted)).isCloseTo(0.21, within(1e-9));

        String[] skipped = {"workspace", WS, "workflow", "conditional_workflow", "step", "standard_process",
                "status", "skipped"};
        assertThat(scrape.value("runmetrics_step_latency_seconds_count", skipped)).isEqualTo(1.0);
        assertThat(scrape.find("runmetrics_step_execution_seconds_count", "status", "skipped")).isEmpty();

        String[] transformFailed = {"workspace", WS, "workflow", "data_pipeline", "step", "transform_data",
                "status", "failed"};
        String[] transformCompleted = {"workspace", WS, "workflow", "data_pipeline", "step", "transform_data",
                "status", "completed"};
        assertThat(scrape.value("runmetrics_step_execution_seconds_count", transformFailed)).isEqualTo(1.0);
        assertThat(scrape.value("runmetrics_step_execution_seconds_count", transformCompleted)).isEqualTo(1.0);
    }

    @Test
    void nodesOverTheCapAreCountedAsDroppedAndHaveNoSeries() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // The runner creates the nodes in definition order: basic_sequence's three get meters.
        PrometheusText scrape = scrapeAfterScenario(MicrometerBridge.builder(registry).maxNodes(3), registry);

        assertThat(scrape.find("runmetrics_node_executions_total"))
                .extracting(s -> s.labels().get("node")).allMatch(node -> node.startsWith("basic_sequence."));
        // conditional 3 + parallel 5 + data_pipeline 3 (first attempt) + 5 (resumed) records.
        assertThat(scrape.value("runmetrics_meters_dropped_total", "kind", "node")).isEqualTo(16.0);
        assertThat(scrape.value("runmetrics_meters_dropped_total", "kind", "workflow")).isZero();
        assertThat(scrape.value("runmetrics_meters_dropped_total", "kind", "step")).isZero();
    }

    @Test
    void withoutPercentileHistogramsTimersAreSummariesWithoutBuckets() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PrometheusText scrape = scrapeAfterScenario(MicrometerBridge.builder(registry).percentileHistograms(false),
                registry);

        assertThat(scrape.types).containsEntry("runmetrics_node_duration_seconds", "summary");
        assertThat(scrape.samples).noneMatch(s -> s.name().endsWith("_bucket"));
        assertThat(scrape.value("runmetrics_node_duration_seconds_count", "node", "basic_sequence.process",
                "outcome", "success")).isEqualTo(3.0);
    }

    @Test
    void stepTimersAreSummariesUnlessStepHistogramsAreAskedFor() throws Exception {
        PrometheusText plain = scrapeAfterScenario();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PrometheusText bucketed = scrapeAfterScenario(MicrometerBridge.builder(registry).stepPercentileHistograms(true),
                registry);

        for (String timer : new String[] {"runmetrics_step_queue_wait_seconds", "runmetrics_step_execution_seconds",
                "runmetrics_step_latency_seconds"}) {
            assertThat(plain.types).containsEntry(timer, "summary");
            assertThat(plain.find(timer + "_bucket")).isEmpty();
            assertThat(bucketed.types).containsEntry(timer, "histogram");
            assertThat(bucketed.find(timer + "_bucket")).isNotEmpty();
        }
        String[] process = {"workspace", WS, "workflow", "basic_sequence", "step", "process", "status", "completed"};
        assertThat(bucketed.value("runmetrics_step_execution_seconds_bucket", append(process, "le", "+Inf")))
                .isEqualTo(3.0);
    }

    private static String[] append(String[] labels, String... more) {
        String[] all = java.util.Arrays.copyOf(labels, labels.length + more.length);
        System.arraycopy(more, 0, all, labels.length, more.length);
        return all;
    }

    private static double le(Sample bucket) {
        String le = bucket.labels().get("le");
        return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
    }
}
