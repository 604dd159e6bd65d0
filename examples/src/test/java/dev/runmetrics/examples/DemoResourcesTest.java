package dev.runmetrics.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runmetrics.core.store.ResourceSample;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's resource samples: real figures of its runner and its store, kept in the embedded
 * PostgreSQL for each workspace, served by the overview and {@code GET /api/v1/resources}, and still
 * there after a restart on the same data.
 */
class DemoResourcesTest {

    @TempDir
    Path dataDir;

    @Test
    void samplesHoldTheRunnersAndTheStoresRealFiguresAndSurviveARestart() throws Exception {
        DemoOptions options = DemoOptions.parse("--port", "0", "--rate", "40", "--latency-scale", "0.02",
                "--status-every", "0", "--data-dir", dataDir.toString());
        ResourceSample taken;
        try (PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)) {
            DemoServer demo = DemoServer.start(options, out);
            try {
                DemoApi acme = new DemoApi(demo, "acme");
                DemoApi.eventually(Duration.ofSeconds(30), () -> acme.total("basic_sequence", "completed") > 3,
                        "runs complete");
                List<ResourceSample> kept = demo.resourceRecorder().sampleNow();
                assertThat(kept).extracting(ResourceSample::workspaceId).containsExactlyInAnyOrder("ws-acme",
                        "ws-globex");
                taken = kept.stream().filter(s -> s.workspaceId().equals("ws-acme")).findFirst().orElseThrow();
                assertThat(taken.workersTotal()).isEqualTo(options.workers());
                assertThat(taken.dbQueriesPerSecond()).as("the store ran statements").isPositive();
                assertThat(taken.dbQueryTimeMs()).isPositive().isLessThan(5_000.0);
                assertThat(taken.dbConnectionsInUse()).as("the writer held a connection").isPositive();
                assertThat(taken.dbPoolSize()).isPositive();
                assertThat(taken.heapPercent()).isBetween(0.0, 100.0);

                JsonNode db = acme.get("/api/v1/execution-metrics?timeframe=24h").at("/resources/databaseLoad");
                // The minute's scheduled sample may land between the two reads; then the overview
                // shows that newer sample: take one more and compare again (once a minute, so a
                // second try cannot meet it too).
                if (db.get("queryRate").asDouble() != taken.dbQueriesPerSecond()) {
                    taken = demo.resourceRecorder().sampleNow().stream()
                            .filter(s -> s.workspaceId().equals("ws-acme")).findFirst().orElseThrow();
                    db = acme.get("/api/v1/execution-metrics?timeframe=24h").at("/resources/databaseLoad");
                }
                assertThat(db.get("connections").asInt()).isEqualTo(taken.dbConnectionsInUse());
                assertThat(db.get("queryRate").asDouble()).isEqualTo(taken.dbQueriesPerSecond());
                assertThat(db.get("avgQueryTime").asDouble()).as("seconds, as documented")
                        .isEqualTo(taken.dbQueryTimeMs() / 1000.0);
            } finally {
                demo.close();
            }
        }
        try (PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)) {
            DemoServer again = DemoServer.start(options, out);
            try {
                JsonNode history = new DemoApi(again, "acme").get("/api/v1/resources?timeframe=24h");
                assertThat(history.get("instances").toString()).contains(taken.instanceId());
                JsonNode withSample = null;
                for (JsonNode b : history.get("buckets")) {
                    if (b.get("minutes").asInt() > 0) {
                        withSample = b;
                    }
                }
                assertThat(withSample).as("a bucket holding the first session's sample").isNotNull();
                assertThat(withSample.at("/workersTotal/max").asInt()).isEqualTo(options.workers());
                assertThat(withSample.at("/dbQueriesPerSecond/max").asDouble()).isPositive();
            } finally {
                again.close();
            }
        }
    }
}
