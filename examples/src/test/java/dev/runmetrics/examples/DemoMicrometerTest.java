package dev.runmetrics.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo with {@code --micrometer}: the bridge's Prometheus registry is served on its own port and
 * fills with the generated load's node, run and step series.
 */
class DemoMicrometerTest {
    private static final Pattern ENDED = Pattern.compile(
            "^runmetrics_runs_ended_total\\{status=\"completed\",workflow=\"[a-z_]+\",workspace=\"ws-acme\"} (\\d+)\\.0$",
            Pattern.MULTILINE);

    private static final String GLOBEX_PIPELINE_RUNNING =
            "runmetrics_runs_running{workflow=\"data_pipeline\",workspace=\"ws-globex\"}";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dataDir;

    @Test
    void servesTheBridgesPrometheusRegistryFilledByTheLoad() throws Exception {
        DemoOptions options = DemoOptions.parse("--port", "0", "--micrometer", "0", "--rate", "40",
                "--latency-scale", "0.02", "--status-every", "0", "--data-dir", dataDir.toString());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            DemoServer demo = DemoServer.start(options, out);
            try {
                URI metrics = demo.micrometerUri().orElseThrow();
                assertThat(metrics.getPath()).isEqualTo("/metrics");
                assertThat(printed.toString(StandardCharsets.UTF_8)).contains("micrometer  " + metrics);

                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                String scrape = scrape(metrics);
                // Wait for a completed run in ws-acme and for a data_pipeline run in ws-globex to
                // have started (its running gauge exists from the first start on): the demo's load
                // starts its workflows over time, so neither need be there at the first scrape.
                while ((completedInAcme(scrape) == 0 || !scrape.contains(GLOBEX_PIPELINE_RUNNING))
                        && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                    scrape = scrape(metrics);
                }
                assertThat(completedInAcme(scrape)).as("completed runs of ws-acme in\n%s", scrape).isPositive();
                assertThat(scrape).contains("# TYPE runmetrics_node_duration_seconds histogram")
                        .containsPattern("runmetrics_node_duration_seconds_bucket\\{node=\"basic_sequence.initialize\","
                                + "outcome=\"success\",workspace=\"ws-(acme|globex)\",le=")
                        .contains("# TYPE runmetrics_run_execution_seconds histogram")
                        .contains("# TYPE runmetrics_step_execution_seconds summary")
                        .contains(GLOBEX_PIPELINE_RUNNING)
                        .contains("runmetrics_meters_dropped_total{kind=\"node\"} 0.0");
            } finally {
                demo.close();
            }
        }
    }

    @Test
    void theFlagTakesAPortAndIsOffByDefault() throws Exception {
        assertThat(DemoOptions.parse("--micrometer", "9464").micrometerPort()).isEqualTo(9464);
        assertThat(DemoOptions.parse("--micrometer=0").micrometerPort()).isZero();
        assertThat(DemoOptions.parse().micrometerPort()).isNull();
        try {
            DemoOptions.parse("--micrometer", "yes");
            throw new AssertionError("accepted --micrometer yes");
        } catch (DemoOptions.UsageException e) {
            assertThat(e.getMessage()).contains("--micrometer: 'yes' is not a whole number");
        }
    }

    private String scrape(URI metrics) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static long completedInAcme(String scrape) {
        long total = 0;
        Matcher m = ENDED.matcher(scrape);
        while (m.find()) {
            total += Long.parseLong(m.group(1));
        }
        return total;
    }
}
