package dev.runmetrics.http;

import static dev.runmetrics.http.Api.VIEWER_A;
import static dev.runmetrics.http.Api.WS_A;
import static dev.runmetrics.http.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.views.RunViews;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The live overview's lists hold at most the views' live list limit, in the endpoint and in the
 * {@code execution_update} stream alike, while its counts stay the true totals.
 */
class LiveOverviewListsTest {

    @Test
    void theEndpointAndTheStreamListAtMostTheLimitAndCountEveryRun() throws Exception {
        InMemoryRunStore store = new InMemoryRunStore();
        RunViews views = RunViews.builder(store).workerCapacity(4).liveListLimit(5).build();
        MetricsHttpServer server = Api.withTokens(MetricsHttpServer.builder(store)).port(0).views(views).build();
        RunRecorder recorder = RunRecorder.builder(store).listener(server.runListener()).build();
        server.start();
        try {
            List<String> running = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String run = recorder.runQueued(WS_A, "etl", "ETL", null);
                recorder.runStarted(WS_A, run);
                running.add(run);
            }
            for (int i = 0; i < 25; i++) {
                recorder.runQueued(WS_A, "etl", "ETL", null);
            }
            Api api = new Api(server.port());
            HttpResponse<String> r = api.get("/api/v1/execution-metrics", VIEWER_A, WS_A);
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode realtime = json(r).get("realtime");
            assertCapped(realtime);
            assertThat(realtime.get("executionsInProgress").get(0).get("runId").asText())
                    .as("the longest running first").isEqualTo(running.get(0));

            WebSocketTest.Inbox inbox = new WebSocketTest.Inbox();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .header("Authorization", "Bearer " + VIEWER_A).header("X-Workspace-Id", WS_A)
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/ws/executions"), inbox)
                    .get(5, TimeUnit.SECONDS);
            JsonNode update = inbox.nextEvent("execution_update");
            assertCapped(update.get("data"));
            ws.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
        } finally {
            server.stop();
        }
    }

    private static void assertCapped(JsonNode realtime) {
        assertThat(realtime.get("listLimit").asInt()).isEqualTo(5);
        assertThat(realtime.get("currentlyRunning").asInt()).isEqualTo(30);
        assertThat(realtime.get("queueDepth").asInt()).isEqualTo(25);
        assertThat(realtime.get("executionsInProgress")).hasSize(5);
        assertThat(realtime.get("queuedExecutions")).hasSize(5);
    }
}
