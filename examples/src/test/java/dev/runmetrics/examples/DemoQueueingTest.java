package dev.runmetrics.examples;

import static dev.runmetrics.examples.DemoApi.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.store.RunQuery;
import dev.runmetrics.http.Role;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's load queues: with few workers and bursts far above them, the live overview pushed on
 * {@code /ws/executions} reports a queue, and the runs recorded in the real embedded PostgreSQL
 * show that the runner honoured their priorities (higher-priority runs waited less).
 */
class DemoQueueingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void burstsAboveCapacityQueueAndHigherPriorityRunsWaitLess() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        DemoServer demo = DemoServer.start(DemoOptions.parse("--port", "0", "--rate", "2", "--workers", "2",
                "--latency-scale", "0.05", "--burst-every", "4s", "--burst-size", "40", "--status-every", "0",
                "--data-dir", dataDir.toString()), new PrintStream(printed, true, StandardCharsets.UTF_8));
        AtomicInteger maxQueueDepth = new AtomicInteger();
        WebSocket socket = null;
        try {
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("a burst of 40 runs in 2s (2 workers) every 4s")
                    .contains("priority 10 for ~5% of runs, 5 for ~15%, else 0");
            socket = liveOverview(demo, "acme", maxQueueDepth);
            eventually(Duration.ofSeconds(60), () -> maxQueueDepth.get() > 0,
                    "the live overview reports queued runs");
            eventually(Duration.ofSeconds(90), () -> startedRuns(demo).getOrDefault(10, List.of()).size() >= 3
                    && startedRuns(demo).getOrDefault(0, List.of()).size() >= 30,
                    "enough runs of priority 10 and 0 started");

            Map<Integer, List<Run>> byPriority = startedRuns(demo);
            Map<Integer, Double> meanWaitMs = new TreeMap<>();
            byPriority.forEach((priority, runs) -> meanWaitMs.put(priority, runs.stream()
                    .mapToLong(r -> r.queueWait().orElseThrow().toMillis()).average().orElseThrow()));
            assertThat(meanWaitMs).as("mean queue wait in ms by priority").containsKeys(0, 5, 10);
            assertThat(meanWaitMs.get(0)).as("priority-0 runs wait for the workers").isGreaterThan(0);
            assertThat(meanWaitMs.get(10)).as("priority 10 against 0: %s", meanWaitMs).isLessThan(meanWaitMs.get(0));
            assertThat(meanWaitMs.get(5)).as("priority 5 against 0: %s", meanWaitMs).isLessThan(meanWaitMs.get(0));
        } finally {
            if (socket != null) {
                socket.abort();
            }
            demo.close();
        }
    }

    @Test
    void burstFlagsParseAndABurstIsFourTimesTheWorkersByDefault() throws Exception {
        DemoOptions plain = DemoOptions.parse();
        assertThat(plain.burstEvery()).isEqualTo(Duration.ofMinutes(10));
        assertThat(plain.burstRuns()).isEqualTo(4 * 32);
        assertThat(DemoOptions.parse("--workers", "3").burstRuns()).isEqualTo(12);
        DemoOptions set = DemoOptions.parse("--burst-every", "30s", "--burst-size=7", "--port", "9090");
        assertThat(set.burstEvery()).isEqualTo(Duration.ofSeconds(30));
        assertThat(set.withPort(0).burstRuns()).isEqualTo(7);
        assertThat(DemoOptions.parse("--burst-every", "0").burstEvery()).isZero();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DemoOptions.parse("--burst-size", "0"))
                .hasMessageContaining("--burst-size must be within 1-100000");
        assertThat(DemoServer.priority(0.0)).isEqualTo(10);
        assertThat(DemoServer.priority(0.1)).isEqualTo(5);
        assertThat(DemoServer.priority(0.5)).isZero();
    }

    /** The runs of both workspaces that started, by priority, read from the demo's store. */
    private static Map<Integer, List<Run>> startedRuns(DemoServer demo) {
        Map<Integer, List<Run>> byPriority = new TreeMap<>();
        for (DemoServer.Workspace ws : DemoServer.WORKSPACES) {
            for (int skip = 0; ; skip += RunQuery.MAX_LIMIT) {
                List<Run> page = demo.store().findRuns(ws.id(),
                        new RunQuery(null, Set.of(), null, null, skip, RunQuery.MAX_LIMIT)).items();
                for (Run run : page) {
                    if (run.startedAt() != null && run.attempt() == 1) {
                        int priority = ((Number) run.attributes().get(Run.PRIORITY)).intValue();
                        byPriority.computeIfAbsent(priority, p -> new ArrayList<>()).add(run);
                    }
                }
                if (page.size() < RunQuery.MAX_LIMIT) {
                    break;
                }
            }
        }
        return byPriority;
    }

    /** Follows the workspace's {@code execution_update} messages, keeping the largest queue depth seen. */
    private static WebSocket liveOverview(DemoServer demo, String slug, AtomicInteger maxQueueDepth) throws Exception {
        String base = demo.uri().toString().replaceFirst("^http", "ws");
        URI uri = URI.create((base.endsWith("/") ? base : base + "/") + "ws/executions?token="
                + URLEncoder.encode(demo.token(slug, Role.VIEWER), StandardCharsets.UTF_8) + "&workspace_slug=" + slug);
        return HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    try {
                        JsonNode message = JSON.readTree(text.toString());
                        if (message.path("event").asText().equals("execution_update")) {
                            maxQueueDepth.accumulateAndGet(message.path("data").path("queueDepth").asInt(), Math::max);
                        }
                    } catch (java.io.IOException e) {
                        throw new AssertionError("not JSON: " + text, e);
                    } finally {
                        text.setLength(0);
                    }
                }
                webSocket.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
    }
}
