package dev.runmetrics.http;

import static dev.runmetrics.http.Api.VIEWER_A;
import static dev.runmetrics.http.Api.WS_A;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /ws/executions} pushes each run's change as it happens ({@code execution_changed}), not on
 * the {@code execution_update} window: through a real server and a real WebSocket client, with the
 * window set to 10 s so that anything waiting for it would be late. The bound asserted (500 ms) is
 * generous for a loaded machine; the benchmark {@code LiveEventLag} gives the real figures.
 */
class LiveExecutionsTest {

    private static final long PROMPT_MILLIS = 500;

    @Test
    @Timeout(30)
    void aStartedRunReachesAnExecutionsSubscriberPromptlyNotOnTheUpdateWindow() throws Exception {
        try (World world = new World(b -> b.executionUpdateInterval(Duration.ofSeconds(10)), false)) {
            WebSocketTest.Inbox inbox = new WebSocketTest.Inbox();
            WebSocket ws = connect(world, inbox);
            JsonNode initial = inbox.nextEvent("execution_update");
            assertThat(initial.get("data").get("currentlyRunning").asInt()).isZero();

            long testStart = System.nanoTime();
            List<Long> lagMillis = new ArrayList<>();
            int updates = 0;
            for (int i = 0; i < 10; i++) {
                String run = world.recorder.runQueued(WS_A, "basic_sequence", "Basic sequence", null);
                long started = System.nanoTime();
                world.recorder.runStarted(WS_A, run);
                JsonNode m;
                do {
                    m = inbox.next();
                    if (m.get("event").asText().equals("execution_update")) {
                        updates++;
                    }
                } while (!(m.get("event").asText().equals("execution_changed")
                        && m.get("data").get("execution_id").asText().equals(run)
                        && m.get("data").get("status").asText().equals("running")));
                lagMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                JsonNode data = m.get("data");
                assertThat(data.get("workflow_id").asText()).isEqualTo("basic_sequence");
                assertThat(data.get("workflow_name").asText()).isEqualTo("Basic sequence");
                assertThat(data.get("attempt").asInt()).isEqualTo(1);
                assertThat(data.get("started_at").asText()).isEqualTo(world.clock.wallTime().toString());
                assertThat(data.get("completed_at").isNull()).isTrue();
                world.recorder.runCompleted(WS_A, run, null);
            }
            assertThat(lagMillis).as("ms from runStarted to its execution_changed").allSatisfy(
                    ms -> assertThat(ms).isLessThan(PROMPT_MILLIS));
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - testStart);
            assertThat(elapsedMillis).as("ten runs, each waited for").isLessThan(10_000);
            // the live section still follows its window: at most the first change after a quiet one
            for (JsonNode m; (m = inbox.messages.poll(100, TimeUnit.MILLISECONDS)) != null; ) {
                if (m.get("event").asText().equals("execution_update")) {
                    updates++;
                }
            }
            assertThat(updates).isLessThanOrEqualTo(1);
            ws.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    @Timeout(30)
    void everyChangeOfARunReachesAClientThatKeepsUpAndTheLastOneIsItsEnd() throws Exception {
        try (World world = new World(b -> b.executionUpdateInterval(Duration.ofSeconds(10)), false)) {
            WebSocketTest.Inbox inbox = new WebSocketTest.Inbox();
            WebSocket ws = connect(world, inbox);
            inbox.nextEvent("execution_update");
            String run = world.failedRun(WS_A);
            JsonNode m;
            do {
                m = inbox.nextEvent("execution_changed");
                assertThat(m.get("data").get("execution_id").asText()).isEqualTo(run);
            } while (!m.get("data").get("status").asText().equals("failed"));
            assertThat(m.get("data").get("error").asText()).isEqualTo("Step 'process' failed");
            assertThat(m.get("data").get("completed_at").isTextual()).isTrue();
            ws.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
        }
    }

    static WebSocket connect(World world, WebSocketTest.Inbox inbox) throws Exception {
        return HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + VIEWER_A)
                .header("X-Workspace-Id", WS_A)
                .buildAsync(URI.create("ws://127.0.0.1:" + world.server.port() + "/ws/executions"), inbox)
                .get(5, TimeUnit.SECONDS);
    }
}
