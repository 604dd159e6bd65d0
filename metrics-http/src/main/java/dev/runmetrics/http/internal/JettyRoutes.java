package dev.runmetrics.http.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;

/**
 * The Jetty 12 core handler in front of the {@link Dispatcher}: adapts Jetty's request to
 * {@link Dispatcher.RawRequest}, reads a body the route takes without holding a thread while it
 * arrives ({@link BodyReader}, bounded by the body timeout), writes the {@link Reply}, and performs
 * WebSocket upgrades through the {@link ServerWebSocketContainer} its owner sets; GETs of {@code /}
 * and {@code /dashboard/…} are the dashboard's static files ({@link DashboardAssets}). Handles every
 * request it is given: unknown paths get the JSON 404. Thread-safe; handlers may block (they run on
 * a Jetty thread: the one that called {@code handle}, or the one that delivered the last bytes of
 * the body).
 */
public final class JettyRoutes extends Handler.Abstract {

    private final Dispatcher dispatcher;
    private final EventHub hub;
    private final Set<String> allowedOrigins;
    private final Duration bodyTimeout;
    private final DashboardAssets dashboard = new DashboardAssets();
    private volatile ServerWebSocketContainer container;

    /**
     * @param allowedOrigins the browser origins a WebSocket handshake may come from (checked only
     *     when not empty, and only for handshakes that carry an {@code Origin})
     * @param bodyTimeout the longest a request body may take to arrive, from the end of its headers
     *     (408 beyond)
     */
    public JettyRoutes(Dispatcher dispatcher, EventHub hub, Set<String> allowedOrigins, Duration bodyTimeout) {
        super(InvocationType.BLOCKING);
        this.dispatcher = dispatcher;
        this.hub = hub;
        this.allowedOrigins = Set.copyOf(allowedOrigins);
        this.bodyTimeout = bodyTimeout;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            String method = request.getMethod();
            String path = Request.getPathInContext(request);
            if ((method.equals("GET") || method.equals("HEAD")) && path != null && DashboardAssets.claims(path)) {
                write(dashboard.reply(path, request.getHeaders().get(HttpHeader.IF_NONE_MATCH)), response, callback);
                return true;
            }
            Dispatcher.Pending pending = dispatcher.begin(new Raw(request));
            if (!pending.needsBody()) {
                respond(pending.outcome(), false, request, response, callback);
                return true;
            }
            BodyReader.read(request, pending.maxBodyBytes(), bodyTimeout, new BodyReader.Result() {
                @Override
                public void body(byte[] bytes) {
                    respond(pending.withBody(bytes), true, request, response, callback);
                }

                @Override
                public void failed(ApiError error) {
                    respond(pending.failed(error), true, request, response, callback);
                }
            });
        } catch (RuntimeException e) {
            write(Dispatcher.internalError(e), response, callback);
        }
        return true;
    }

    /**
     * Writes the outcome: its reply, or the WebSocket upgrade it asks for.
     *
     * @param bodyRead whether the body was read (or drained); a reply to a request whose body was
     *     not says {@code Connection: close}
     */
    private void respond(Dispatcher.Outcome outcome, boolean bodyRead, Request request, Response response,
            Callback callback) {
        Reply reply;
        try {
            String method = request.getMethod();
            reply = outcome.reply();
            if (reply == null) {
                Subscription subscription = (Subscription) outcome.upgrade();
                ServerWebSocketContainer container = this.container;
                String origin = request.getHeaders().get(HttpHeader.ORIGIN);
                if (!allowedOrigins.isEmpty() && origin != null && !allowedOrigins.contains(origin)) {
                    reply = Reply.error(403, "origin_not_allowed", "this server does not accept WebSocket clients "
                            + "from that origin", "Origin", Map.of());
                } else if (container != null && container.upgrade((rq, rs, cb) -> new EventSocket(hub, subscription),
                        request, response, callback)) {
                    return;
                } else {
                    reply = container == null
                            ? Reply.error(501, "websocket_unavailable", "WebSockets are not enabled in this server",
                                    null, Map.of())
                            : Reply.error(400, "websocket_required", "this endpoint takes a WebSocket upgrade request",
                                    null, Map.of());
                }
            }
            reply = conditional(reply, method, request.getHeaders().get(HttpHeader.IF_NONE_MATCH));
            if (!bodyRead && hasBody(request)) {
                // An unread body would be taken for the next request on this connection: say that it ends.
                reply = reply.withHeader("Connection", "close");
            }
        } catch (RuntimeException e) {
            reply = Dispatcher.internalError(e);
        }
        write(reply, response, callback);
    }

    /**
     * Gives a successful {@code GET} (or {@code HEAD}) an {@code ETag} (a digest of its body) and
     * {@code Cache-Control: private, no-cache}, and answers 304 without a body when the client's
     * {@code If-None-Match} already names it: a dashboard polling an unchanged answer moves no body.
     */
    static Reply conditional(Reply reply, String method, String ifNoneMatch) {
        if (reply.status() != 200 || !(method.equals("GET") || method.equals("HEAD"))) {
            return reply;
        }
        String etag = DashboardAssets.etagOf(reply.body());
        if (ifNoneMatch != null && DashboardAssets.matches(ifNoneMatch, etag)) {
            return new Reply(304, reply.contentType(), new byte[0], Map.of("ETag", etag,
                    "Cache-Control", "private, no-cache"));
        }
        return reply.withHeader("ETag", etag).withHeader("Cache-Control", "private, no-cache");
    }

    private static boolean hasBody(Request request) {
        return request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    }

    /** Sets the WebSocket container upgrades go through (by the owner, when it starts). */
    public void container(ServerWebSocketContainer container) {
        this.container = container;
    }

    static void write(Reply reply, Response response, Callback callback) {
        response.setStatus(reply.status());
        String type = reply.contentType();
        if (type.startsWith("application/json") || type.startsWith("text/")) {
            type = type.contains("charset") ? type : type + "; charset=utf-8";
        }
        if (reply.status() != 204 && reply.status() != 304) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        }
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        reply.headers().forEach((k, v) -> response.getHeaders().put(k, v));
        response.write(true, ByteBuffer.wrap(reply.body()), callback);
    }

    private static final class Raw implements Dispatcher.RawRequest {
        private final Request request;

        Raw(Request request) {
            this.request = request;
        }

        @Override
        public String method() {
            return request.getMethod();
        }

        @Override
        public String path() {
            String p = Request.getPathInContext(request);
            return p == null || p.isEmpty() ? "/" : p;
        }

        @Override
        public Map<String, List<String>> query() {
            Fields fields;
            try {
                fields = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
            } catch (RuntimeException e) {
                throw new ApiError(400, "invalid_query", "the query string is not valid UTF-8 URL encoding", null);
            }
            Map<String, List<String>> map = new LinkedHashMap<>();
            for (Fields.Field f : fields) {
                map.put(f.getName(), new ArrayList<>(f.getValues()));
            }
            return map;
        }

        @Override
        public String header(String name) {
            return request.getHeaders().get(name);
        }
    }
}
