package dev.runmetrics.http;

import dev.runmetrics.core.control.ResumeHandler;
import dev.runmetrics.core.control.RunAction;
import dev.runmetrics.core.model.Ids;
import dev.runmetrics.core.node.NodeMetricsCollector;
import dev.runmetrics.core.node.WorkspaceNodeMetrics;
import dev.runmetrics.core.record.RunListener;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.time.Clock;
import dev.runmetrics.core.views.RunViews;
import dev.runmetrics.http.internal.ApiRoutes;
import dev.runmetrics.http.internal.ConnectionsPerClient;
import dev.runmetrics.http.internal.ControlAttempts;
import dev.runmetrics.http.internal.Dispatcher;
import dev.runmetrics.http.internal.EventHub;
import dev.runmetrics.http.internal.JettyRoutes;
import dev.runmetrics.http.internal.JsonErrorHandler;
import dev.runmetrics.http.internal.RequestHeaderTimeout;
import dev.runmetrics.http.internal.Router;
import dev.runmetrics.http.internal.RunCounters;
import dev.runmetrics.http.internal.TokenBuckets;
import dev.runmetrics.http.internal.TokenRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The runmetrics HTTP API on an embedded Jetty 12 server: execution-time statistics, the run
 * list, detail and timeline endpoints and their WebSocket events, the live overview and its
 * {@code execution_update} stream, node metrics, resume from step (plus pause and
 * cancel), the Prometheus exposition, an OpenAPI document and a health check. See the module's
 * README for the route table, auth and errors.
 *
 * <pre>{@code
 * MetricsHttpServer http = MetricsHttpServer.builder(store)
 *         .views(views)
 *         .token(System.getenv("RUNMETRICS_TOKEN"), "ops-team", Role.OPERATOR, "ws-1")
 *         .port(8080)
 *         .build();
 * RunRecorder recorder = RunRecorder.builder(store).listener(http.runListener()).build();
 * http.start();
 * }</pre>
 *
 * <p>With an orchestrator that needs the recorder, build the recorder first from
 * {@link Builder#runListener()}:
 *
 * <pre>{@code
 * MetricsHttpServer.Builder b = MetricsHttpServer.builder(store).views(views).token(...);
 * RunRecorder recorder = RunRecorder.builder(store).listener(b.runListener()).build();
 * WorkflowRunner runner = WorkflowRunner.builder(recorder, store).workflow(definition).build();
 * MetricsHttpServer http = b.resumeHandler(runner).pause(runner::pause).cancel(runner::cancel).build();
 * }</pre>
 *
 * <p>To serve the same API from a host's own Jetty, use {@link Builder#buildHandler()} instead.
 *
 * <p>Slow or greedy clients cannot starve the others: request headers must arrive within
 * {@link Builder#requestHeaderTimeout} and bodies within {@link Builder#requestBodyTimeout}, bodies
 * are read without holding a thread while they arrive, and each client address may hold at most
 * {@link Builder#maxConnectionsPerClient} connections.
 *
 * <p>Thread-safe: {@link #start()} and {@link #stop()} may be called from any thread (they are
 * serialised); requests are served on Jetty's own threads.
 */
public final class MetricsHttpServer {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MetricsHttpServer.class);


    private final Server server;
    private final ServerConnector connector;
    private final RequestHeaderTimeout headerTimeout;
    private final ConnectionsPerClient perClient;
    private final MetricsHandler handler;
    private final String description;

    private MetricsHttpServer(Builder b) {
        this.handler = b.buildHandler();
        QueuedThreadPool pool = new QueuedThreadPool(b.maxThreads, Math.min(4, b.maxThreads));
        pool.setName("runmetrics-http");
        pool.setDaemon(true);
        this.server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false); // no version banner for scanners
        http.setSendXPoweredBy(false);
        this.headerTimeout = new RequestHeaderTimeout(b.headerTimeout, server.getScheduler());
        http.addCustomizer(headerTimeout);
        HttpConnectionFactory http1 = new HttpConnectionFactory(http);
        http1.addEventListener(headerTimeout);
        this.connector = new ServerConnector(server, http1);
        connector.setHost(b.bindAddress);
        connector.setPort(b.port);
        this.perClient = new ConnectionsPerClient(b.maxConnectionsPerClient);
        connector.addEventListener(perClient);
        server.addConnector(connector);
        server.addBean(headerTimeout);
        server.setHandler(handler);
        server.setErrorHandler(new JsonErrorHandler());
        server.setStopTimeout(2_000);
        this.description = b.toString();
    }

    /**
     * Returns a builder serving {@code store}.
     *
     * @throws NullPointerException if store is null
     */
    public static Builder builder(RunStore store) {
        return new Builder(store);
    }

    /**
     * Starts listening. Returns when the port is bound.
     *
     * @throws IllegalStateException if the server cannot start (for example, the port is taken)
     */
    public synchronized void start() {
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalStateException("cannot start the HTTP server on " + connector.getHost() + ":"
                    + connector.getPort() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stops listening and closes the WebSocket clients; waits up to 2 seconds for requests in flight.
     * Requests still running after that are cut off: the server is stopped all the same (a slow
     * machine or a stuck client never makes {@code stop()} fail).
     *
     * @throws IllegalStateException if a component failed to stop for another reason
     */
    public synchronized void stop() {
        try {
            server.stop();
        } catch (Exception e) {
            if (isGracefulTimeout(e)) {
                LOG.warn("requests still in flight after the 2 s grace period were cut off at stop");
                return;
            }
            throw new IllegalStateException("cannot stop the HTTP server: " + e.getMessage(), e);
        }
    }

    private static boolean isGracefulTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (suppressed instanceof java.util.concurrent.TimeoutException) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Returns the port it listens on (the one picked when built with port 0), or -1 before start. */
    public int port() {
        return connector.getLocalPort() > 0 ? connector.getLocalPort() : -1;
    }

    /** Returns {@code http://host:port/} once started. */
    public URI uri() {
        return URI.create("http://" + hostForUri(connector.getHost()) + ":" + port() + "/");
    }

    private static String hostForUri(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** Returns the handler this server mounts (the same as {@link Builder#buildHandler()} makes). */
    public MetricsHandler handler() {
        return handler;
    }

    /** Returns the listener to register on the {@code RunRecorder}; see {@link MetricsHandler#runListener()}. */
    public RunListener runListener() {
        return handler.runListener();
    }

    @Override
    public String toString() {
        return "MetricsHttpServer{" + description + ", port=" + port() + "}";
    }

    /**
     * Configures a {@link MetricsHttpServer} or a {@link MetricsHandler}. Each setter checks its
     * argument at once. Not thread-safe; build once, then discard.
     */
    public static final class Builder {

        private static final String VERSION = "0.1.0";
        /** Default of {@link #requestHeaderTimeout}. */
        public static final Duration DEFAULT_REQUEST_HEADER_TIMEOUT = Duration.ofSeconds(5);
        /** Default of {@link #requestBodyTimeout}. */
        public static final Duration DEFAULT_REQUEST_BODY_TIMEOUT = Duration.ofSeconds(10);
        /** Default of {@link #maxConnectionsPerClient}. */
        public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 64;

        private final RunStore store;
        private int port = 8080;
        private String bindAddress = "127.0.0.1";
        private RunViews views;
        private ResumeHandler resume;
        private RunAction pause;
        private RunAction cancel;
        private WorkspaceNodeMetrics nodes;
        private final List<TokenRegistry.Entry> tokens = new ArrayList<>();
        private final Map<String, String> slugs = new LinkedHashMap<>();
        private int rateBurst = 20;
        private double ratePerSecond = 10;
        private boolean rateLimited = true;
        private int maxBodyBytes = 64 * 1024;
        private int clientQueue = 256;
        private Duration updateInterval = Duration.ofMillis(500);
        private int maxThreads = 32;
        private Duration headerTimeout = DEFAULT_REQUEST_HEADER_TIMEOUT;
        private Duration bodyTimeout = DEFAULT_REQUEST_BODY_TIMEOUT;
        private int maxConnectionsPerClient = DEFAULT_MAX_CONNECTIONS_PER_CLIENT;
        private final Set<String> allowedOrigins = new LinkedHashSet<>();
        private Clock clock = Clock.system();
        private final ForwardingListener listener = new ForwardingListener();

        private Builder(RunStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /**
         * The TCP port; 0 picks a free one (see {@link MetricsHttpServer#port()}). Default 8080.
         *
         * @throws IllegalArgumentException if not within 0-65535
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be within 0-65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * The address to bind; default {@code 127.0.0.1} (loopback only). Use {@code 0.0.0.0} to
         * listen on every interface.
         *
         * @throws NullPointerException if address is null
         * @throws IllegalArgumentException if it is blank
         */
        public Builder bindAddress(String address) {
            Objects.requireNonNull(address, "address");
            if (address.isBlank()) {
                throw new IllegalArgumentException("bind address must not be blank");
            }
            this.bindAddress = address.strip();
            return this;
        }

        /**
         * The query service behind the statistics, execution and execution-metrics endpoints and
         * the {@code execution_update} stream. Without it those endpoints are not served (404).
         *
         * @throws NullPointerException if views is null
         */
        public Builder views(RunViews views) {
            this.views = Objects.requireNonNull(views, "views");
            return this;
        }

        /**
         * The orchestrator's resume from step; without it {@code POST .../resume} is not served.
         *
         * @throws NullPointerException if handler is null
         */
        public Builder resumeHandler(ResumeHandler handler) {
            this.resume = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * The orchestrator's pause ({@code WorkflowRunner::pause}); without it {@code POST .../pause}
         * is not served.
         *
         * @throws NullPointerException if action is null
         */
        public Builder pause(RunAction action) {
            this.pause = Objects.requireNonNull(action, "action");
            return this;
        }

        /**
         * The orchestrator's cancel ({@code WorkflowRunner::cancel}); without it
         * {@code POST .../cancel} is not served.
         *
         * @throws NullPointerException if action is null
         */
        public Builder cancel(RunAction action) {
            this.cancel = Objects.requireNonNull(action, "action");
            return this;
        }

        /**
         * The node metrics {@code /api/v1/node-metrics} and {@code /metrics} show, kept per workspace:
         * each caller sees the nodes of its own workspaces only. Nodes created with
         * {@code NodeConfig.Builder.metrics(nodes)} and run by an orchestrator that enters its runs'
         * workspaces ({@code WorkflowRunner} does) record there.
         *
         * @throws NullPointerException if nodes is null
         */
        public Builder nodeMetrics(WorkspaceNodeMetrics nodes) {
            this.nodes = Objects.requireNonNull(nodes, "nodes");
            return this;
        }

        /**
         * Shows one collector's node metrics as those of one workspace, for a host whose nodes all
         * work for it ({@link WorkspaceNodeMetrics#single}); no other workspace sees them. A
         * collector shared by several workspaces' runs must not be given here: use
         * {@link #nodeMetrics(WorkspaceNodeMetrics)}.
         *
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if the workspace id is malformed
         */
        public Builder nodeMetrics(NodeMetricsCollector collector, String workspaceId) {
            return nodeMetrics(WorkspaceNodeMetrics.single(Ids.require("workspaceId", workspaceId), collector));
        }

        /**
         * Accepts a bearer token. Only its SHA-256 digest is kept; the text is not stored.
         *
         * @param token the secret the client sends as {@code Authorization: Bearer <token>}, at
         *     least 16 characters
         * @param subject who holds it, written to the resume audit log
         * @param role what it may do
         * @param workspaceIds the workspaces it may see, at least one
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if the token is shorter than 16 characters, no
         *     workspace is given, or an id is malformed
         * @throws IllegalStateException if the same token was already added
         */
        public Builder token(String token, String subject, Role role, String... workspaceIds) {
            Objects.requireNonNull(token, "token");
            if (token.length() < 16) {
                throw new IllegalArgumentException("a token must have at least 16 characters");
            }
            return tokenSha256(HexFormat.of().formatHex(TokenRegistry.sha256(token)), subject, role, workspaceIds);
        }

        /**
         * Accepts a bearer token given by its SHA-256 digest (hex), so that the host's
         * configuration need not hold the secret at all.
         *
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if the digest is not 64 hex digits, no workspace is
         *     given, or an id is malformed
         * @throws IllegalStateException if the same digest was already added
         */
        public Builder tokenSha256(String sha256Hex, String subject, Role role, String... workspaceIds) {
            Objects.requireNonNull(sha256Hex, "sha256Hex");
            Ids.require("subject", subject);
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(workspaceIds, "workspaceIds");
            if (!sha256Hex.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("a SHA-256 digest is 64 hex digits");
            }
            if (workspaceIds.length == 0) {
                throw new IllegalArgumentException("a token needs at least one workspace");
            }
            Set<String> ws = new LinkedHashSet<>();
            for (String w : workspaceIds) {
                ws.add(Ids.require("workspaceId", w));
            }
            byte[] digest = HexFormat.of().parseHex(sha256Hex.toLowerCase(Locale.ROOT));
            for (TokenRegistry.Entry e : tokens) {
                if (java.util.Arrays.equals(e.sha256(), digest)) {
                    throw new IllegalStateException("this token was already added (for " + e.subject() + ")");
                }
            }
            tokens.add(new TokenRegistry.Entry(digest, subject, role, ws));
            return this;
        }

        /**
         * Maps a workspace slug (for {@code X-Workspace-Slug}, case-insensitive) to its id.
         *
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if either is blank or too long
         * @throws IllegalStateException if the slug is already mapped
         */
        public Builder workspaceSlug(String slug, String workspaceId) {
            String key = Ids.require("slug", slug).strip().toLowerCase(Locale.ROOT);
            Ids.require("workspaceId", workspaceId);
            if (slugs.containsKey(key)) {
                throw new IllegalStateException("slug '" + slug + "' is already mapped to " + slugs.get(key));
            }
            slugs.put(key, workspaceId);
            return this;
        }

        /**
         * Rate limit of the metrics endpoints, per token: a bucket of {@code burst} requests
         * refilled at {@code perSecond}; beyond it, 429 with {@code Retry-After}. Default 20 and 10/s.
         *
         * @throws IllegalArgumentException if burst is below 1 or perSecond is not positive and finite
         */
        public Builder rateLimit(int burst, double perSecond) {
            if (burst < 1) {
                throw new IllegalArgumentException("burst must be >= 1, was " + burst);
            }
            if (!(perSecond > 0 && Double.isFinite(perSecond))) {
                throw new IllegalArgumentException("perSecond must be positive, was " + perSecond);
            }
            this.rateBurst = burst;
            this.ratePerSecond = perSecond;
            this.rateLimited = true;
            return this;
        }

        /** Turns the rate limit off (for a host that limits in front of the adapter). */
        public Builder noRateLimit() {
            this.rateLimited = false;
            return this;
        }

        /**
         * Largest request body accepted (413 beyond); default 64 KiB.
         *
         * @throws IllegalArgumentException if not within 1 byte to 16 MiB
         */
        public Builder maxBodyBytes(int bytes) {
            if (bytes < 1 || bytes > 16 * 1024 * 1024) {
                throw new IllegalArgumentException("maxBodyBytes must be within 1-16777216, was " + bytes);
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        /**
         * Messages a WebSocket client may have waiting; a client that falls further behind is
         * dropped (closed with 1013). Default 256. A workflow or step stream's client may have this
         * many events waiting (it gets every one, in order); an {@code /ws/executions} client this
         * many runs, each with its latest {@code execution_changed} only, the live section counting
         * as one.
         *
         * @throws IllegalArgumentException if below 1
         */
        public Builder webSocketQueue(int messages) {
            if (messages < 1) {
                throw new IllegalArgumentException("webSocketQueue must be >= 1, was " + messages);
            }
            this.clientQueue = messages;
            return this;
        }

        /**
         * The window over which changes are coalesced into one {@code execution_update} (the live
         * section) of a workspace: the first change after a quiet window is sent at once, later ones
         * at most once per window; default 500 ms. It does not delay a run's own changes: those go
         * out at once as {@code execution_changed}.
         *
         * @throws NullPointerException if interval is null
         * @throws IllegalArgumentException if below 10 ms
         */
        public Builder executionUpdateInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.toMillis() < 10) {
                throw new IllegalArgumentException("interval must be at least 10 ms, was " + interval);
            }
            this.updateInterval = interval;
            return this;
        }

        /**
         * Lets browser pages from these origins call the API (CORS) and open its WebSockets. Off by
         * default: without it no cross-origin response carries CORS headers, so another site's page
         * cannot read the API with a user's token. Each origin is exact ({@code https://ops.example.com},
         * {@code http://localhost:3000}): a scheme ({@code http} or {@code https}), a host and an
         * optional port, no path and no wildcard. May be called more than once.
         *
         * @throws NullPointerException if an origin is null
         * @throws IllegalArgumentException if an origin is not of that form
         */
        public Builder allowOrigins(String... origins) {
            Objects.requireNonNull(origins, "origins");
            for (String origin : origins) {
                allowedOrigins.add(origin(origin));
            }
            return this;
        }

        private static String origin(String origin) {
            Objects.requireNonNull(origin, "origin");
            URI uri;
            try {
                uri = new URI(origin);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("not an origin: " + origin);
            }
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                    || uri.getRawUserInfo() != null || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())
                    || uri.getRawQuery() != null || uri.getRawFragment() != null || origin.contains("*")) {
                throw new IllegalArgumentException("an origin is scheme://host[:port], as a browser sends it, was "
                        + origin);
            }
            return origin;
        }

        /**
         * Jetty's largest thread count; default 32.
         *
         * @throws IllegalArgumentException if below 8
         */
        public Builder maxThreads(int threads) {
            if (threads < 8) {
                throw new IllegalArgumentException("maxThreads must be >= 8, was " + threads);
            }
            this.maxThreads = threads;
            return this;
        }

        /**
         * The longest a request's headers may take to arrive: from the connection's opening for its
         * first request, from the first bytes after the previous response for a later one. A
         * connection over it is closed. Default 5 s.
         * Applies to the server this builder builds, not to a {@link #buildHandler() handler} mounted
         * elsewhere (whose host's connector decides).
         *
         * @throws NullPointerException if timeout is null
         * @throws IllegalArgumentException if not within 10 ms to 1 hour
         */
        public Builder requestHeaderTimeout(Duration timeout) {
            this.headerTimeout = readTimeout("requestHeaderTimeout", timeout);
            return this;
        }

        /**
         * The longest a request's body may take to arrive, from the end of its headers: beyond it
         * the request is answered 408 {@code request_timeout} with {@code Connection: close}. Bodies
         * are read without holding a thread while they arrive, so a slow one costs its connection
         * only. Default 10 s; applies to the handler too.
         *
         * @throws NullPointerException if timeout is null
         * @throws IllegalArgumentException if not within 10 ms to 1 hour
         */
        public Builder requestBodyTimeout(Duration timeout) {
            this.bodyTimeout = readTimeout("requestBodyTimeout", timeout);
            return this;
        }

        private static Duration readTimeout(String name, Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.compareTo(Duration.ofMillis(10)) < 0 || timeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException(name + " must be within 10 ms to 1 hour, was " + timeout);
            }
            return timeout;
        }

        /**
         * The most connections one client (IP address) may hold open at once, WebSockets included;
         * a connection beyond it is closed as soon as it opens. Default
         * {@value #DEFAULT_MAX_CONNECTIONS_PER_CLIENT}. Behind a proxy every client has the proxy's
         * address: raise it there, or cap in the proxy. Applies to the server this builder builds,
         * not to a {@link #buildHandler() handler} mounted elsewhere.
         *
         * @throws IllegalArgumentException if below 1
         */
        public Builder maxConnectionsPerClient(int connections) {
            if (connections < 1) {
                throw new IllegalArgumentException("maxConnectionsPerClient must be >= 1, was " + connections);
            }
            this.maxConnectionsPerClient = connections;
            return this;
        }

        /**
         * The clock of the rate limiter and of "now" for open date ranges; default the system clock.
         *
         * @throws NullPointerException if clock is null
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Returns the listener the built server (or handler) will feed, before it is built: a host
         * whose orchestrator needs the recorder, which needs this listener, can then build the
         * recorder first and pass the orchestrator's resume to this builder. Events arriving before
         * {@link #build()} are ignored. The same listener as {@link MetricsHttpServer#runListener()}.
         */
        public RunListener runListener() {
            return listener;
        }

        /**
         * Builds the server (not started).
         *
         * @throws IllegalStateException if no token is configured
         */
        public MetricsHttpServer build() {
            return new MetricsHttpServer(this);
        }

        /**
         * Builds only the handler, to mount in a host's own Jetty server; see {@link MetricsHandler}.
         *
         * @throws IllegalStateException if no token is configured
         */
        public MetricsHandler buildHandler() {
            if (listener.target != null) {
                throw new IllegalStateException("this builder was already built; use a new builder");
            }
            if (tokens.isEmpty()) {
                throw new IllegalStateException("configure at least one token: every endpoint but /health and "
                        + "/openapi.json requires one");
            }
            RunViews v = views;
            EventHub hub = new EventHub(clientQueue, updateInterval, v == null ? null : v.overview()::realtime);
            RunCounters counters = new RunCounters();
            ControlAttempts attempts = new ControlAttempts(store, clock);
            ApiRoutes api = new ApiRoutes(new ApiRoutes.Services(store, views, nodes, resume, pause, cancel, hub,
                    counters, attempts, clock, VERSION));
            TokenBuckets limiter = rateLimited ? new TokenBuckets(clock, rateBurst, ratePerSecond) : null;
            Dispatcher dispatcher = new Dispatcher(new Router(api.routes()), new TokenRegistry(tokens), slugs,
                    limiter, maxBodyBytes, attempts);
            listener.target = event -> {
                counters.onEvent(event);
                hub.onEvent(event);
            };
            return new MetricsHandler(new JettyRoutes(dispatcher, hub, allowedOrigins, bodyTimeout), hub, listener,
                    Set.copyOf(allowedOrigins));
        }

        /** Forwards to the built server's listener; drops events until it is built. */
        private static final class ForwardingListener implements RunListener {
            volatile RunListener target;

            @Override
            public void onEvent(dev.runmetrics.core.record.RunEvent event) {
                RunListener t = target;
                if (t != null) {
                    t.onEvent(event);
                }
            }
        }

        @Override
        public String toString() {
            return "bind=" + bindAddress + ", port=" + port + ", store=" + store + ", views=" + (views != null)
                    + ", resume=" + (resume != null) + ", pause=" + (pause != null) + ", cancel=" + (cancel != null)
                    + ", nodeMetrics=" + (nodes != null) + ", tokens=" + tokens.size() + ", slugs=" + slugs.keySet()
                    + ", rateLimit=" + (rateLimited ? rateBurst + " burst, " + ratePerSecond + "/s" : "off")
                    + ", maxBodyBytes=" + maxBodyBytes + ", webSocketQueue=" + clientQueue
                    + ", executionUpdateInterval=" + updateInterval
                    + ", requestHeaderTimeout=" + headerTimeout + ", requestBodyTimeout=" + bodyTimeout
                    + ", maxConnectionsPerClient=" + maxConnectionsPerClient;
        }
    }
}
