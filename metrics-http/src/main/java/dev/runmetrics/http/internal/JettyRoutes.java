package dev.runmetrics.http.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
 * {@link Dispatcher.RawRequest}, writes the {@link Reply}, and performs WebSocket upgrades through
 * the {@link ServerWebSocketContainer} its owner sets; GETs of {@code /} and {@code /dashboard/…}
 * are the dashboard's static files ({@link DashboardAssets}). Handles every request it is given: unknown paths get the JSON
 * 404. Thread-safe; handlers may block (the body is read on the calling thread).
 */
public final class JettyRoutes extends Handler.Abstract {

    /** Bodies over the limit are read and discarded up to this size, so the client sees the 413. */
    private static final long DRAIN_LIMIT = 4L * 1024 * 1024;

    private final Dispatcher dispatcher;
    private final EventHub hub;
    private final Set<String> allowedOrigins;
    private final DashboardAssets dashboard = new DashboardAssets();
    private volatile ServerWebSocketContainer container;

    /**
     * @param allowedOrigins the browser origins a WebSocket handshake may come from (checked only
     *     when not empty, and only for handshakes that carry an {@code Origin})
     */
    public JettyRoutes(Dispatcher dispatcher, EventHub hub, Set<String> allowedOrigins) {
        super(InvocationType.BLOCKING);
        this.dispatcher = dispatcher;
        this.hub = hub;
        this.allowedOrigins = Set.copyOf(allowedOrigins);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Reply reply;
        try {
            String method = request.getMethod();
            String path = Request.getPathInContext(request);
            if ((method.equals("GET") || method.equals("HEAD")) && path != null && DashboardAssets.claims(path)) {
                write(dashboard.reply(path, request.getHeaders().get(HttpHeader.IF_NONE_MATCH)), response, callback);
                return true;
            }
            Raw raw = new Raw(request);
            Dispatcher.Outcome outcome = dispatcher.dispatch(raw);
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
                    return true;
                } else {
                    reply = container == null
                            ? Reply.error(501, "websocket_unavailable", "WebSockets are not enabled in this server",
                                    null, Map.of())
                            : Reply.error(400, "websocket_required", "this endpoint takes a WebSocket upgrade request",
                                    null, Map.of());
                }
            }
            reply = conditional(reply, method, request.getHeaders().get(HttpHeader.IF_NONE_MATCH));
            if (!raw.bodyRead && hasBody(request)) {
                // An unread body would be taken for the next request on this connection: say that it ends.
                reply = reply.withHeader("Connection", "close");
            }
        } catch (RuntimeException e) {
            reply = Dispatcher.internalError(e);
        }
        write(reply, response, callback);
        return true;
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
        /** Whether the body was read (or drained); a reply to a request whose body was not says Connection: close. */
        boolean bodyRead;

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

        @Override
        public byte[] readBody(int max) {
            bodyRead = true;
            long declared = request.getLength();
            try (InputStream in = Request.asInputStream(request)) {
                if (declared > max) {
                    throw tooLarge(max, declared <= DRAIN_LIMIT && drained(in));
                }
                byte[] bytes = in.readNBytes(max + 1);
                if (bytes.length > max) {
                    throw tooLarge(max, drained(in));
                }
                return bytes;
            } catch (IOException e) {
                throw new ApiError(400, "unreadable_body", "the request body could not be read", "body");
            }
        }

        /**
         * Reads and discards the rest of a body that is too large, up to {@link #DRAIN_LIMIT}: a
         * client still uploading when the server answers and closes gets a reset instead of the 413.
         */
        private static boolean drained(InputStream in) throws IOException {
            byte[] buffer = new byte[8192];
            long total = 0;
            for (int n; (n = in.read(buffer)) != -1; ) {
                total += n;
                if (total > DRAIN_LIMIT) {
                    return false;
                }
            }
            return true;
        }

        private static ApiError tooLarge(int max, boolean drained) {
            String message = "request body is larger than " + max + " bytes";
            // An undrained body makes the connection unusable: tell the client not to reuse it.
            return drained ? new ApiError(413, "payload_too_large", message, "body")
                    : new ApiError(413, "payload_too_large", message, "body", Map.of("Connection", "close"));
        }
    }
}
