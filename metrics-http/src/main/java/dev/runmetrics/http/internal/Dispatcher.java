package dev.runmetrics.http.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runmetrics.core.model.Ids;
import dev.runmetrics.core.store.ControlAction;
import dev.runmetrics.core.store.ControlAudit;
import dev.runmetrics.core.store.ControlOutcome;
import dev.runmetrics.core.store.RunStoreException;
import dev.runmetrics.core.store.RunStoreUnavailableException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request pipeline every route goes through, independent of the server: route, authenticate
 * (401), pick the workspace (400/404), check the role (403), rate-limit (429), read and check the
 * body (413/415/400), then call the handler. A resume, pause or cancel refused on the way (401,
 * 403, a body that cannot be read) is accounted for by {@link ControlAttempts}. Any {@link ApiError} becomes its JSON error; a store
 * that cannot serve the call ({@link RunStoreException}) a 503 {@code store_unavailable} with
 * {@code Retry-After}; any other exception a 500 with a generic message and an error id, logged
 * with its stack trace here and never sent. Immutable, thread-safe.
 *
 * <p>It runs in two steps so that the adapter can read a body without holding a thread while the
 * bytes trickle in: {@link #begin} does everything up to the body and says whether the route wants
 * one; the adapter then reads it however it likes and hands it to {@link Pending#withBody} (or the
 * read's failure to {@link Pending#failed}).
 */
public final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    /** The request as the server adapter sees it. */
    public interface RawRequest {
        String method();

        /** The decoded path within the mount point. */
        String path();

        /** @throws ApiError 400 if the query string cannot be decoded */
        Map<String, List<String>> query();

        /** The first value of a header, or null. */
        String header(String name);
    }

    /** What to send: a reply, or (reply null) a WebSocket upgrade carrying a subscription. */
    public record Outcome(Reply reply, Object upgrade) {}

    private final Router router;
    private final TokenRegistry tokens;
    private final Map<String, String> slugs;
    private final TokenBuckets limiter;
    private final int maxBodyBytes;
    private final ControlAttempts attempts;
    /** Every workspace a token may use or a slug names: those an unauthenticated request can name. */
    private final Set<String> workspaces;

    /**
     * @param attempts where control requests refused before their handler are accounted for, or
     *     null to account for none
     */
    public Dispatcher(Router router, TokenRegistry tokens, Map<String, String> slugs, TokenBuckets limiter,
            int maxBodyBytes, ControlAttempts attempts) {
        this.router = router;
        this.tokens = tokens;
        this.slugs = Map.copyOf(slugs);
        this.limiter = limiter;
        this.maxBodyBytes = maxBodyBytes;
        this.attempts = attempts;
        Set<String> known = new java.util.HashSet<>(tokens.workspaces());
        known.addAll(this.slugs.values());
        this.workspaces = Set.copyOf(known);
    }

    /**
     * Runs the pipeline up to the body: answered already (an error, {@code OPTIONS}, or a route that
     * takes no body, whose handler has run), or waiting for the body the route takes.
     */
    public Pending begin(RawRequest request) {
        try {
            if (request.method().equals("OPTIONS")) {
                return new Pending(null, new Outcome(options(request.path()), null));
            }
            Prepared prepared = prepare(request);
            if (prepared.route().body() != Route.BodyKind.NONE) {
                return new Pending(prepared, null);
            }
            return new Pending(null, handle(prepared, null));
        } catch (ApiError e) {
            return new Pending(null, new Outcome(Reply.error(e), null));
        } catch (RunStoreException e) {
            return new Pending(null, new Outcome(storeUnavailable(e), null));
        } catch (RuntimeException | Error e) {
            return new Pending(null, unexpected(e));
        }
    }

    /**
     * A request part-way through the pipeline: either answered ({@link #outcome()}), or waiting for
     * its body ({@link #needsBody()}), which the adapter reads and passes to {@link #withBody}. Used
     * by one request at a time; {@code withBody} or {@code failed} is called at most once.
     */
    public final class Pending {
        private final Prepared prepared;
        private final Outcome outcome;

        private Pending(Prepared prepared, Outcome outcome) {
            this.prepared = prepared;
            this.outcome = outcome;
        }

        /** Whether the route takes a body, which must be read before the handler runs. */
        public boolean needsBody() {
            return prepared != null;
        }

        /** The largest body accepted; a longer one is answered with {@code failed(413)}. */
        public int maxBodyBytes() {
            return maxBodyBytes;
        }

        /**
         * The answer of a request that needs no body.
         *
         * @throws IllegalStateException if it needs one
         */
        public Outcome outcome() {
            if (outcome == null) {
                throw new IllegalStateException("this request is waiting for its body");
            }
            return outcome;
        }

        /** Checks the body (415/400), runs the handler and returns its answer. */
        public Outcome withBody(byte[] bytes) {
            if (prepared == null) {
                throw new IllegalStateException("this request takes no body");
            }
            ObjectNode parsed;
            try {
                parsed = body(bytes, prepared.route(), prepared.request());
            } catch (ApiError e) {
                return failed(e);
            }
            try {
                return handle(prepared, parsed);
            } catch (ApiError e) {
                return new Outcome(Reply.error(e), null);
            } catch (RunStoreException e) {
                return new Outcome(storeUnavailable(e), null);
            } catch (RuntimeException | Error e) {
                return unexpected(e);
            }
        }

        /**
         * The answer when the body could not be read or parsed: the read's error (413, 408, 400,
         * 415); a control request's is accounted for as invalid.
         */
        public Outcome failed(ApiError error) {
            if (prepared != null && prepared.control() != null && prepared.runId() != null) {
                attempts.decided(prepared.workspace(), prepared.principal().subject(), prepared.runId(), null,
                        prepared.control(), ControlOutcome.INVALID, error.getMessage(), null);
            }
            return new Outcome(Reply.error(error), null);
        }
    }

    private static Outcome handle(Prepared prepared, ObjectNode body) {
        Exchange exchange = prepared.exchange(body);
        Reply reply = prepared.route().endpoint().handle(exchange);
        if (reply == null && exchange.upgrade() != null) {
            return new Outcome(null, exchange.upgrade());
        }
        return new Outcome(reply, null);
    }

    private static Outcome unexpected(Throwable e) {
        if (e instanceof VirtualMachineError vme) {
            throw vme;
        }
        return new Outcome(internalError(e), null);
    }

    /**
     * {@code OPTIONS path} (or {@code OPTIONS *}): 204 with the methods the path takes in
     * {@code Allow}, without authentication, since it reveals only the public route table.
     */
    private Reply options(String path) {
        Set<String> allowed = router.allowedMethods(path);
        if (allowed.isEmpty()) {
            throw new ApiError(404, "not_found", "no such endpoint: " + Router.truncate(path), null);
        }
        return new Reply(204, Reply.JSON, new byte[0], Map.of("Allow", String.join(", ", allowed)));
    }

    /** The 500 reply: a generic message and an id that finds the logged stack trace. */
    public static Reply internalError(Throwable e) {
        String id = UUID.randomUUID().toString();
        LOG.error("unexpected error {} while handling a request", id, e);
        return Reply.error(500, "internal_error", "internal server error; error id " + id, null,
                Map.of("X-Error-Id", id));
    }

    /**
     * The 503 reply for a store that cannot serve the call: {@code Retry-After} from the store's
     * hint (whole seconds, at least 1). A store that says it is unavailable is expected and not
     * logged here (the store logs its outage once); any other store failure is logged with an
     * error id, as for a 500, since it may be a bug.
     */
    public static Reply storeUnavailable(RunStoreException e) {
        long seconds = 1;
        Map<String, String> headers;
        String message;
        if (e instanceof RunStoreUnavailableException u) {
            seconds = Math.max(1, (u.retryAfter().toMillis() + 999) / 1000);
            headers = Map.of("Retry-After", Long.toString(seconds));
            message = "the run store is unavailable (its database does not answer); retry after " + seconds + " s";
        } else {
            String id = UUID.randomUUID().toString();
            LOG.error("run store failure {} while handling a request", id, e);
            headers = Map.of("Retry-After", Long.toString(seconds), "X-Error-Id", id);
            message = "the run store failed; error id " + id + "; retry after " + seconds + " s";
        }
        return Reply.error(503, "store_unavailable", message, null, headers);
    }

    /** A request that passed the pipeline up to its body. */
    private record Prepared(RawRequest request, Route route, Map<String, String> params,
            Map<String, List<String>> query, Principal principal, String workspace, ControlAction control,
            String runId) {
        Exchange exchange(ObjectNode body) {
            return new Exchange(request.method(), request.path(), params, query, request::header, principal,
                    workspace, body);
        }
    }

    private Prepared prepare(RawRequest request) {
        Router.Match match = router.match(request.method(), request.path());
        Route route = match.route();
        Map<String, List<String>> query = request.query();
        rejectUndocumentedQuery(route, query);
        Principal principal = null;
        String workspace = null;
        ControlAction control = attempts == null ? null : ControlAttempts.actionOf(route);
        String runId = control == null ? null : wellFormedRunId(match.params().get("execution_id"));
        if (route.access() != Route.Access.PUBLIC) {
            boolean websocket = route.doc().websocket();
            try {
                principal = authenticate(request, query, websocket);
            } catch (ApiError e) {
                if (control != null) {
                    attempts.unauthenticated(namedWorkspace(request), request.header("Authorization") == null
                            ? ControlAudit.ANONYMOUS : ControlAudit.INVALID_TOKEN, runId, control, e.getMessage());
                }
                throw e;
            }
            workspace = route.workspaceScoped() ? workspace(request, query, principal, websocket) : null;
            if (route.access() == Route.Access.OPERATOR && !principal.mayOperate()) {
                ApiError forbidden = new ApiError(403, "forbidden", "this token's role (viewer) may not do this; an "
                        + "operator token is required", null);
                if (control != null && runId != null && workspace != null) {
                    attempts.decided(workspace, principal.subject(), runId, null, control, ControlOutcome.FORBIDDEN,
                            forbidden.getMessage(), null);
                }
                throw forbidden;
            }
            if (route.rateLimited() && limiter != null) {
                long wait = limiter.tryTake(principal.limiterKey());
                if (wait > 0) {
                    throw new ApiError(429, "rate_limited", "too many requests for this token; retry after " + wait
                            + " s", null, Map.of("Retry-After", Long.toString(wait)));
                }
            }
        }
        return new Prepared(request, route, match.params(), query, principal, workspace,
                runId == null || workspace == null ? null : control, runId);
    }

    /** The run id of a control route's path, or null if it is not one (such a request names no run). */
    private static String wellFormedRunId(String raw) {
        try {
            return raw == null ? null : Params.runId("execution_id", raw);
        } catch (ApiError e) {
            return null;
        }
    }

    /**
     * The configured workspace an unauthenticated request names with {@code X-Workspace-Id} or
     * {@code X-Workspace-Slug} (both must agree), or null: a request that names none, or one that is
     * not configured, is attributed to no workspace.
     */
    private String namedWorkspace(RawRequest request) {
        String id = request.header("X-Workspace-Id");
        String slug = request.header("X-Workspace-Slug");
        String bySlug = slug == null ? null : slugs.get(slug.strip().toLowerCase(Locale.ROOT));
        if (slug != null && bySlug == null) {
            return null;
        }
        if (id != null) {
            String named = id.strip();
            if (bySlug != null && !bySlug.equals(named)) {
                return null;
            }
            return workspaces.contains(named) ? named : null;
        }
        return bySlug;
    }

    /** Query parameters a WebSocket client may use to authenticate, since a browser cannot set headers there. */
    private static final Set<String> WEBSOCKET_AUTH = Set.of("token", "workspace_id", "workspace_slug");

    /**
     * Refuses a query parameter the route does not document, the same way on every route: a typo
     * ({@code startdate}) is an error, not a silently ignored filter.
     */
    private static void rejectUndocumentedQuery(Route route, Map<String, List<String>> query) {
        if (query.isEmpty()) {
            return;
        }
        Set<String> known = new java.util.TreeSet<>();
        for (Route.Param p : route.doc().params()) {
            if (p.in().equals("query")) {
                known.add(p.name());
            }
        }
        for (String name : query.keySet()) {
            if (!known.contains(name) && !(route.doc().websocket() && WEBSOCKET_AUTH.contains(name))) {
                throw ApiError.badParameter(Router.truncate(name), "unknown query parameter '" + Router.truncate(name)
                        + "'" + (known.isEmpty() ? "; this endpoint takes none" : "; expected "
                        + String.join(", ", known)));
            }
        }
    }

    private Principal authenticate(RawRequest request, Map<String, List<String>> query, boolean websocket) {
        String header = request.header("Authorization");
        String token = null;
        if (header != null) {
            String h = header.strip();
            if (h.length() < 7 || !h.substring(0, 7).equalsIgnoreCase("bearer ")) {
                throw unauthorized("Authorization must be 'Bearer <token>'");
            }
            token = h.substring(7).strip();
        } else if (websocket) {
            List<String> values = query.get("token");
            token = values == null || values.isEmpty() ? null : values.get(0);
        }
        if (token == null || token.isEmpty()) {
            throw unauthorized("a bearer token is required");
        }
        if (token.length() > 1024) {
            throw unauthorized("invalid token");
        }
        Principal principal = tokens.authenticate(token);
        if (principal == null) {
            throw unauthorized("invalid token");
        }
        return principal;
    }

    private static ApiError unauthorized(String message) {
        return new ApiError(401, "unauthorized", message, "Authorization", Map.of("WWW-Authenticate", "Bearer"));
    }

    private String workspace(RawRequest request, Map<String, List<String>> query, Principal principal,
            boolean websocket) {
        String id = request.header("X-Workspace-Id");
        String slug = request.header("X-Workspace-Slug");
        if (websocket) {
            id = id != null ? id : first(query, "workspace_id");
            slug = slug != null ? slug : first(query, "workspace_slug");
        }
        String parameter = id != null ? "X-Workspace-Id" : "X-Workspace-Slug";
        if (id != null && slug != null) {
            String bySlug = slugs.get(slug.strip().toLowerCase(Locale.ROOT));
            if (!id.strip().equals(bySlug)) {
                throw ApiError.badParameter("X-Workspace-Slug", "X-Workspace-Id and X-Workspace-Slug name different "
                        + "workspaces; give one");
            }
        }
        if (id == null && slug != null) {
            id = slugs.get(slug.strip().toLowerCase(Locale.ROOT));
            if (id == null) {
                throw new ApiError(404, "workspace_not_found", "no such workspace", parameter);
            }
        }
        if (id == null) {
            if (principal.workspaces().size() == 1) {
                return principal.workspaces().iterator().next();
            }
            throw ApiError.badParameter("X-Workspace-Id", "this token may use several workspaces; name one with "
                    + "X-Workspace-Id or X-Workspace-Slug");
        }
        id = id.strip();
        if (id.isEmpty() || id.length() > Ids.MAX_LENGTH) {
            throw ApiError.badParameter(parameter, "workspace id must be 1 to " + Ids.MAX_LENGTH
                    + " characters");
        }
        if (!principal.workspaces().contains(id)) {
            // Same answer as for a workspace that does not exist: existence is not revealed.
            throw new ApiError(404, "workspace_not_found", "no such workspace", parameter);
        }
        return id;
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static ObjectNode body(byte[] bytes, Route route, RawRequest request) {
        if (bytes.length == 0) {
            if (route.body() == Route.BodyKind.REQUIRED_JSON) {
                throw new ApiError(400, "missing_body", "a JSON object body is required", "body");
            }
            return null;
        }
        String type = request.header("Content-Type");
        String mime = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mime.equals("application/json")) {
            throw new ApiError(415, "unsupported_media_type", "Content-Type must be application/json", "Content-Type");
        }
        return Json.parseObject(bytes);
    }
}
