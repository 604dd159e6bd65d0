package dev.runmetrics.examples;

import com.sun.net.httpserver.HttpServer;
import dev.runmetrics.core.node.WorkspaceNodeMetrics;
import dev.runmetrics.core.record.RunListener;
import dev.runmetrics.micrometer.MicrometerBridge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The demo's {@code --micrometer PORT}: the Micrometer bridge bound to the demo's collector (and,
 * through {@link #runListener()}, its recorder) publishing into a {@link PrometheusMeterRegistry},
 * whose scrape the JDK's HTTP server serves at {@code /metrics}, as a host with its own registry
 * would. Thread-safe; {@link #close()} stops the server.
 */
final class MicrometerEndpoint implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MicrometerBridge bridge;
    private final HttpServer server;

    private MicrometerEndpoint(String bind, int port, WorkspaceNodeMetrics nodes) throws IOException {
        this.bridge = MicrometerBridge.create(registry).bindTo(nodes);
        this.server = HttpServer.create(new InetSocketAddress(bind, port), 0);
        server.createContext("/metrics", exchange -> {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /**
     * Starts serving the bridge's registry at {@code http://bind:port/metrics}.
     *
     * @param port the port; 0 picks a free one
     * @throws IllegalStateException if the port cannot be bound
     */
    static MicrometerEndpoint start(String bind, int port, WorkspaceNodeMetrics nodes) {
        try {
            return new MicrometerEndpoint(bind, port, nodes);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve --micrometer on " + bind + ":" + port + ": " + e.getMessage(),
                    new UncheckedIOException(e));
        }
    }

    /** Returns the listener that publishes the recorder's runs and steps into the registry. */
    RunListener runListener() {
        return bridge.runListener();
    }

    /** Returns {@code http://host:port/metrics}. */
    URI uri() {
        InetSocketAddress address = server.getAddress();
        return URI.create("http://" + address.getHostString() + ":" + address.getPort() + "/metrics");
    }

    @Override
    public void close() {
        server.stop(0);
        registry.close();
    }
}
