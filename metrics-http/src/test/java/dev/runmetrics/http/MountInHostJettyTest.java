package dev.runmetrics.http;

import static dev.runmetrics.http.Api.VIEWER_A;
import static dev.runmetrics.http.Api.WS_A;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.views.RunViews;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.junit.jupiter.api.Test;

/** The same handlers mounted under a context path in a host's own Jetty server. */
class MountInHostJettyTest {

    @Test
    void theHandlerServesTheApiAndWebSocketsUnderAHostContext() throws Exception {
        InMemoryRunStore store = new InMemoryRunStore();
        MetricsHttpServer.Builder builder = Api.withTokens(MetricsHttpServer.builder(store))
                .views(RunViews.builder(store).workerCapacity(1).build());
        RunRecorder recorder = RunRecorder.builder(store).listener(builder.runListener()).build();
        MetricsHandler handler = builder.buildHandler();

        Server host = new Server();
        ServerConnector connector = new ServerConnector(host);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        host.addConnector(connector);
        host.setHandler(new ContextHandler(handler, "/runmetrics"));
        host.start();
        try {
            Api api = new Api(connector.getLocalPort());
            assertThat(api.get("/runmetrics/health", null).statusCode()).isEqualTo(200);
            // The dashboard's relative links work under the mount point too.
            assertThat(api.get("/runmetrics/", null).body()).contains("src=\"dashboard/app.js\"");
            assertThat(api.get("/runmetrics/dashboard/app.js", null).statusCode()).isEqualTo(200);
            HttpResponse<String> list = api.get("/runmetrics/api/workflows/w/executions", VIEWER_A, WS_A);
            assertThat(list.statusCode()).isEqualTo(200);

            CompletableFuture<String> first = new CompletableFuture<>();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .header("Authorization", "Bearer " + VIEWER_A)
                    .buildAsync(URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/runmetrics/ws/workflows/w"),
                            new WebSocket.Listener() {
                                @Override
                                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                                    first.complete(data.toString());
                                    return null;
                                }
                            })
                    .get(5, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (handler.webSocketClients() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            String run = recorder.runQueued(WS_A, "w", "w", null);
            recorder.runStarted(WS_A, run);
            assertThat(first.get(5, TimeUnit.SECONDS)).contains("workflow_queued").contains(run);
            ws.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
        } finally {
            host.stop();
        }
    }
}
