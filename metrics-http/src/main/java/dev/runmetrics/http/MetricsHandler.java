package dev.runmetrics.http;

import dev.runmetrics.core.record.RunListener;
import dev.runmetrics.http.internal.EventHub;
import dev.runmetrics.http.internal.JettyRoutes;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.handler.CrossOriginHandler;
import org.eclipse.jetty.server.handler.gzip.GzipHandler;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;

/**
 * The whole API as one Jetty 12 {@link Handler}, to mount in a host's own Jetty server (under a
 * {@code ContextHandler} or as the server's handler); {@link MetricsHttpServer} mounts the same
 * one. It answers every request it receives (unknown paths with the JSON 404), so mount it on its
 * own context path or last in a sequence.
 *
 * <p>Responses are gzip-compressed for clients that accept it (Jetty's {@link GzipHandler}).
 * Cross-origin requests from browsers are refused (no CORS headers) unless the builder names
 * allowed origins ({@code MetricsHttpServer.Builder#allowOrigins}): then Jetty's
 * {@link CrossOriginHandler} answers their preflights and the WebSocket handshake checks
 * {@code Origin} against the same list.
 *
 * <p>On start it obtains the server's {@link ServerWebSocketContainer} (creating it if the host
 * has none) for the WebSocket endpoints, and starts the event fan-out thread; on stop it closes
 * the WebSocket clients. Register {@link #runListener()} on the {@code RunRecorder} whose events
 * the WebSocket endpoints and {@code /metrics} show.
 *
 * <p>Thread-safe: requests are handled concurrently on Jetty's threads.
 */
public final class MetricsHandler extends Handler.Wrapper {

    private static final Duration WS_IDLE_TIMEOUT = Duration.ofMinutes(10);

    private final JettyRoutes routes;
    private final EventHub hub;
    private final RunListener listener;

    MetricsHandler(JettyRoutes routes, EventHub hub, RunListener listener, Set<String> allowedOrigins) {
        super(chain(routes, allowedOrigins));
        this.routes = routes;
        this.hub = hub;
        this.listener = listener;
    }

    private static Handler chain(JettyRoutes routes, Set<String> allowedOrigins) {
        GzipHandler gzip = new GzipHandler(routes);
        gzip.setIncludedMethods("GET", "POST");
        if (allowedOrigins.isEmpty()) {
            return gzip;
        }
        CrossOriginHandler cors = new CrossOriginHandler();
        Set<String> patterns = new LinkedHashSet<>();
        for (String origin : allowedOrigins) {
            patterns.add(Pattern.quote(origin));
        }
        cors.setAllowedOriginPatterns(patterns);
        cors.setAllowedMethods(Set.of("GET", "HEAD", "POST"));
        cors.setAllowedHeaders(Set.of("Authorization", "Content-Type", "X-Workspace-Id", "X-Workspace-Slug",
                "If-None-Match"));
        cors.setExposedHeaders(Set.of("ETag", "Location", "Retry-After", "X-Error-Id"));
        cors.setAllowCredentials(false); // bearer tokens travel in a header, never in cookies
        // The WebSocket handshake is checked by the routes, which answer with the API's JSON error.
        cors.setDeliverNonAllowedOriginWebSocketUpgradeRequests(true);
        cors.setHandler(gzip);
        return cors;
    }

    /**
     * Returns the listener to register on the {@code RunRecorder} builder: it feeds the WebSocket
     * streams and the run counters of {@code /metrics}. It only queues work and returns at once;
     * a slow or dead WebSocket client is dropped, never waited for.
     */
    public RunListener runListener() {
        return listener;
    }

    /** Returns how many WebSocket clients are connected now. */
    public int webSocketClients() {
        return hub.clientCount();
    }

    @Override
    protected void doStart() throws Exception {
        ServerWebSocketContainer container = ServerWebSocketContainer.ensure(getServer());
        container.setIdleTimeout(WS_IDLE_TIMEOUT);
        addBean(container);
        routes.container(container);
        hub.start();
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        hub.stop();
        super.doStop();
    }
}
