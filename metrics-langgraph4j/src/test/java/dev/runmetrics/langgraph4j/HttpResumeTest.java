package dev.runmetrics.langgraph4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bsc.langgraph4j.StateGraph.END;
import static org.bsc.langgraph4j.StateGraph.START;
import static org.bsc.langgraph4j.action.AsyncNodeAction.node_async;

import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.RunQuery;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.views.RunViews;
import dev.runmetrics.http.MetricsHttpServer;
import dev.runmetrics.http.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bsc.langgraph4j.CompileConfig;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.StateGraph;
import org.bsc.langgraph4j.checkpoint.MemorySaver;
import org.bsc.langgraph4j.state.AgentState;
import org.bsc.langgraph4j.state.Channels;
import org.junit.jupiter.api.Test;

/**
 * The HTTP adapter's resume endpoint, unchanged, resuming a LangGraph4j run: the adapter is its
 * {@code ResumeHandler} and its cancel action, on a real Jetty server called by a real client.
 */
class HttpResumeTest {

    private static final String WS = "ws-http";
    private static final String OPERATOR = "operator-token-langgraph-0001";
    private static final String VIEWER = "viewer-token-langgraph-0001";

    @Test
    void theResumeEndpointContinuesAFailedGraphFromItsFailedNodeWithTheOverrides() throws Exception {
        InMemoryRunStore store = new InMemoryRunStore();
        MetricsHttpServer.Builder http = MetricsHttpServer.builder(store).port(0)
                .views(RunViews.builder(store).workerCapacity(1).build())
                .token(OPERATOR, "operator", Role.OPERATOR, WS).token(VIEWER, "viewer", Role.VIEWER, WS);
        RunRecorder recorder = RunRecorder.builder(store).listener(http.runListener()).build();
        try (GraphMetrics metrics = GraphMetrics.builder(recorder, store).workspace(WS).build()) {
            MetricsHttpServer server = http.resumeHandler(metrics).cancel(metrics::cancel).build();
            server.start();
            try {
                StateGraph<AgentState> g = new StateGraph<AgentState>(Map.of("log", Channels.appender(ArrayList::new)),
                        AgentState::new)
                        .addNode("validate", node_async(s -> Map.of("log", "validate")))
                        .addNode("charge", node_async(s -> {
                            long amount = ((Number) s.value("amount").orElseThrow()).longValue();
                            if (amount > 100) {
                                throw new IllegalStateException("card limit exceeded");
                            }
                            return Map.of("log", "charge", "charged", amount);
                        }))
                        .addEdge(START, "validate").addEdge("validate", "charge").addEdge("charge", END);
                MeteredGraph<AgentState> app = metrics.compile(g,
                        CompileConfig.builder().graphId("payment").checkpointSaver(new MemorySaver()).build());
                assertThatThrownBy(() -> app.invoke(Map.of("amount", 500), RunnableConfig.builder().threadId("t-1")
                        .build()));
                String runId = store.findRuns(WS, RunQuery.latest("payment", 1)).items().get(0).runId();
                String body = "{\"step_id\":\"charge\",\"input_overrides\":{\"amount\":50}}";

                HttpResponse<String> forbidden = post(server, "/api/workflows/executions/" + runId + "/resume", VIEWER,
                        body);
                HttpResponse<String> accepted = post(server, "/api/workflows/executions/" + runId + "/resume",
                        OPERATOR, body);

                assertThat(forbidden.statusCode()).isEqualTo(403);
                assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
                assertThat(accepted.body()).contains("\"attempt\":2");
                GraphRun<?> done = metrics.completion(WS, runId).orElseThrow().get(20, TimeUnit.SECONDS);
                assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
                assertThat(((Number) done.output().orElseThrow().state().data().get("charged")).longValue())
                        .isEqualTo(50);
                HttpResponse<String> detail = get(server, "/api/workflows/executions/" + runId, OPERATOR);
                assertThat(detail.body()).contains("\"status\":\"completed\"").contains("\"attempt\":2");
                HttpResponse<String> again = post(server, "/api/workflows/executions/" + runId + "/resume", OPERATOR,
                        body);
                assertThat(again.statusCode()).isEqualTo(422);
                HttpResponse<String> audit = get(server, "/api/workflows/executions/" + runId + "/resume-audit",
                        OPERATOR);
                assertThat(audit.body()).contains("\"outcome\":\"accepted\"").contains("\"actor\":\"operator\"");
            } finally {
                server.stop();
            }
        }
    }

    private static HttpResponse<String> post(MetricsHttpServer server, String path, String token, String body)
            throws Exception {
        return HttpClient.newHttpClient().send(request(server, path, token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(MetricsHttpServer server, String path, String token) throws Exception {
        return HttpClient.newHttpClient().send(request(server, path, token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(MetricsHttpServer server, String path, String token) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Authorization", "Bearer " + token).header("X-Workspace-Id", WS);
    }
}
