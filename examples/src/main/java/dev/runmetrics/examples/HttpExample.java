package dev.runmetrics.examples;

import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.views.RunViews;
import dev.runmetrics.http.MetricsHandler;
import dev.runmetrics.http.MetricsHttpServer;
import dev.runmetrics.http.Role;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.Callback;

/**
 * Mounting the runmetrics API in the host's own Jetty 12 server: the host serves {@code /} itself
 * and the API under {@code /runmetrics} ({@code buildHandler()} instead of {@code build()}).
 *
 * <p>Run it with {@code java -jar examples/target/runmetrics-examples.jar http [port]}; it serves
 * until Ctrl-C. Try {@code curl -H 'Authorization: Bearer example-operator-token'
 * localhost:8081/runmetrics/api/workflows/nightly_import/executions}.
 */
public final class HttpExample {
    private HttpExample() {
    }

    /** The example's token: fine for an example, never for a real host (read it from a secret). */
    static final String TOKEN = "example-operator-token";

    /**
     * Starts the host's server with the API mounted.
     *
     * @param args optional port (default 8081; 0 picks a free one)
     * @throws Exception if Jetty cannot start
     */
    public static void main(String[] args) throws Exception {
        Server server = start(args.length > 0 ? Integer.parseInt(args[0]) : 8081);
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        System.out.println("host on http://localhost:" + port + "/, the API under /runmetrics (try"
                + " /runmetrics/api/workflows/nightly_import/executions); token " + TOKEN);
        server.join();
    }

    /** Builds the host's server with the API mounted and one recorded run, and starts it. */
    static Server start(int port) throws Exception {
        InMemoryRunStore store = new InMemoryRunStore();
        MetricsHttpServer.Builder api = MetricsHttpServer.builder(store)
                .views(RunViews.builder(store).workerCapacity(4).build())
                .token(TOKEN, "example", Role.OPERATOR, "ws-1");
        RunRecorder recorder = RunRecorder.builder(store).listener(api.runListener()).build();
        MetricsHandler handler = api.buildHandler();                  // not build(): no server of its own

        Server server = new Server(port);
        ContextHandlerCollection contexts = new ContextHandlerCollection(
                new ContextHandler(handler, "/runmetrics"),
                new ContextHandler(new Handler.Abstract() {            // the host's own pages
                    @Override
                    public boolean handle(Request request, Response response, Callback callback) {
                        Response.writeError(request, response, callback, 404, "the host's own page");
                        return true;
                    }
                }, "/"));
        server.setHandler(contexts);
        server.start();

        String run = recorder.runQueued("ws-1", "nightly_import", "Nightly import", Map.of("day", 1));
        recorder.runStarted("ws-1", run);
        recorder.runCompleted("ws-1", run, Map.of("rows", 1000));
        return server;
    }
}
