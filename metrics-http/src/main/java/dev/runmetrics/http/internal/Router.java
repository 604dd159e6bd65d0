package dev.runmetrics.http.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Matches a method and a decoded path against the route table. Templates with a literal segment
 * win over templates with a parameter at the same position ({@code /api/workflows/executions/{id}}
 * before {@code /api/workflows/{workflow_id}/metrics}). A path no template matches is 404; a path
 * that matches only for other methods is 405 with their list. {@code HEAD} is answered by the
 * {@code GET} route (the server sends its headers without the body), and {@link #allowedMethods}
 * answers {@code OPTIONS}. Immutable, thread-safe.
 */
public final class Router {

    /** A route and the parameters its template captured. */
    public record Match(Route route, Map<String, String> params) {}

    private final List<Route> routes;
    private final List<String[]> segments = new ArrayList<>();

    public Router(List<Route> routes) {
        List<Route> sorted = new ArrayList<>(routes);
        sorted.sort(Comparator.comparing(Router::specificity));
        this.routes = List.copyOf(sorted);
        for (Route r : this.routes) {
            segments.add(Route.segments(r.template()));
        }
    }

    public List<Route> routes() {
        return routes;
    }

    /**
     * Finds the route for a request.
     *
     * @throws ApiError 404 if no template matches the path, 405 (with {@code Allow}) if only other
     *     methods do
     */
    public Match match(String method, String path) {
        String lookup = method.equals("HEAD") ? "GET" : method;
        Set<String> allowed = new TreeSet<>();
        if (path.isEmpty() || path.startsWith("/")) {
            String[] parts = Route.segments(path.isEmpty() ? "/" : path);
            for (int i = 0; i < routes.size(); i++) {
                Map<String, String> params = capture(segments.get(i), parts);
                if (params == null) {
                    continue;
                }
                Route r = routes.get(i);
                if (r.method().equals(lookup)) {
                    return new Match(r, params);
                }
                allowed.add(r.method());
            }
        }
        if (allowed.isEmpty()) {
            throw new ApiError(404, "not_found", "no such endpoint: " + truncate(path), null);
        }
        String allow = String.join(", ", withImplicit(allowed));
        throw new ApiError(405, "method_not_allowed", "method " + truncate(method) + " is not allowed here; allowed: "
                + allow, null, Map.of("Allow", allow));
    }

    /**
     * The methods a path may be requested with, for {@code OPTIONS} and {@code Allow}: those of the
     * templates that match it, plus {@code HEAD} where there is a {@code GET} and {@code OPTIONS};
     * for {@code *} (the server as a whole) every method some route takes. Empty if no template
     * matches the path.
     */
    public Set<String> allowedMethods(String path) {
        Set<String> allowed = new TreeSet<>();
        boolean whole = path.equals("*");
        if (!whole && !path.isEmpty() && !path.startsWith("/")) {
            return Set.of();
        }
        String[] parts = whole ? null : Route.segments(path.isEmpty() ? "/" : path);
        for (int i = 0; i < routes.size(); i++) {
            if (whole || capture(segments.get(i), parts) != null) {
                allowed.add(routes.get(i).method());
            }
        }
        return allowed.isEmpty() ? Set.of() : withImplicit(allowed);
    }

    private static Set<String> withImplicit(Set<String> methods) {
        Set<String> all = new TreeSet<>(methods);
        if (all.contains("GET")) {
            all.add("HEAD");
        }
        all.add("OPTIONS");
        return Collections.unmodifiableSet(all);
    }

    private static Map<String, String> capture(String[] template, String[] parts) {
        if (template.length != parts.length) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (t.startsWith("{")) {
                if (parts[i].isEmpty()) {
                    return null;
                }
                params.put(t.substring(1, t.length() - 1), parts[i]);
            } else if (!t.equals(parts[i])) {
                return null;
            }
        }
        return params;
    }

    /** Sort key: for each segment, '0' if literal, '1' if a parameter; literal-first wins. */
    private static String specificity(Route r) {
        StringBuilder key = new StringBuilder();
        for (String s : Route.segments(r.template())) {
            key.append(s.startsWith("{") ? '1' : '0');
        }
        return key.toString();
    }

    static String truncate(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "...";
    }
}
