package dev.runmetrics.http;

import static dev.runmetrics.http.Api.OPERATOR_A;
import static dev.runmetrics.http.Api.VIEWER_A;
import static dev.runmetrics.http.Api.WS_A;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runmetrics.core.control.ResumeResult;
import dev.runmetrics.core.control.RunAction;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 1,200 generated malformed requests (bad parameters, paths, methods, headers and bodies, from a
 * fixed seed): each gets a 4xx JSON error, none a 5xx, and the server answers normally after.
 */
class MalformedRequestBatteryTest {

    static final int COUNT = 1_200;
    static final Set<String> STATUSES = Set.of("pending", "queued", "running", "completed", "failed", "cancelled",
            "timeout", "paused", "skipped");

    static World world;
    static Api api;

    @BeforeAll
    static void start() {
        World.RunActionLog actions = new World.RunActionLog();
        world = new World(b -> b.noRateLimit().maxBodyBytes(4096)
                .resumeHandler((ws, actor, run, step, o) -> new ResumeResult.Accepted(run, step, 2))
                .pause(actions::pause).cancel(actions::cancel));
        api = world.api;
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    record Probe(String description, HttpRequest request) {}

    @Test
    void everyMalformedRequestGetsA4xxJsonErrorAndTheServerStaysHealthy() {
        Random random = new Random(20261122L);
        List<Supplier<Probe>> generators = List.of(
                () -> badQuery(random), () -> badPath(random), () -> wrongMethod(random), () -> badAuth(random),
                () -> badWorkspace(random), () -> badBody(random), () -> badId(random));
        List<String> failures = new ArrayList<>();
        int[] byStatus = new int[600];
        for (int i = 0; i < COUNT; i++) {
            Probe probe = generators.get(i % generators.size()).get();
            HttpResponse<String> r = api.send(probe.request());
            byStatus[r.statusCode()]++;
            if (r.statusCode() < 400 || r.statusCode() >= 500 || !isJsonError(r)) {
                failures.add(probe.description() + " -> " + r.statusCode() + " " + r.body());
            }
        }
        assertThat(failures).as("requests that did not get a 4xx JSON error").isEmpty();
        assertThat(byStatus[400] + byStatus[401] + byStatus[404] + byStatus[405] + byStatus[413] + byStatus[415])
                .isEqualTo(COUNT);
        assertThat(byStatus[400]).isPositive();
        assertThat(byStatus[401]).isPositive();
        assertThat(byStatus[404]).isPositive();
        assertThat(byStatus[405]).isPositive();
        assertThat(byStatus[413]).isPositive();
        assertThat(byStatus[415]).isPositive();

        assertThat(api.get("/health", null).statusCode()).isEqualTo(200);
        assertThat(api.get("/api/workflows/basic_sequence/executions", VIEWER_A, WS_A).statusCode()).isEqualTo(200);
        assertThat(api.get("/api/workflows/executions/" + world.completed1 + "/timeline", VIEWER_A, WS_A)
                .statusCode()).isEqualTo(200);
    }

    private static boolean isJsonError(HttpResponse<String> r) {
        try {
            JsonNode e = Api.JSON.readTree(r.body()).get("error");
            return e != null && e.hasNonNull("code") && e.hasNonNull("message") && e.has("parameter")
                    && !r.body().contains("Exception");
        } catch (Exception e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ generators

    private static Probe get(String description, String pathAndQuery, String token) {
        return new Probe(description, api.request(pathAndQuery, token).header("X-Workspace-Id", WS_A).GET().build());
    }

    private static String junk(Random r, int max) {
        String alphabet = "abcxyzQ09-_.~!$'()*,;=:@ %/?#&+\"<>{}|^`[]\\é€";
        StringBuilder s = new StringBuilder();
        int n = 1 + r.nextInt(max);
        for (int i = 0; i < n; i++) {
            s.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A value no date parser accepts: it always holds a letter that is not T or Z. */
    private static String badDate(Random r) {
        String[] shapes = {"2026-02-30", "2026-13-01", "26-01-01", "2026/01/01", "2026-01-01T24:61:00Z", "tomorrow",
            "2026-01-01x", "1e9", "2026-01-01T10:00:00+25:00"};
        return r.nextBoolean() ? shapes[r.nextInt(shapes.length)] : "q" + junk(r, 12);
    }

    private Probe badQuery(Random r) {
        int kind = r.nextInt(8);
        return switch (kind) {
            case 0 -> get("skip", "/api/workflows/basic_sequence/executions?skip=" + enc(r.nextBoolean()
                    ? "-" + (1 + r.nextInt(1000)) : "x" + junk(r, 6)), VIEWER_A);
            case 1 -> get("limit", "/api/workflows/basic_sequence/executions?limit=" + enc(switch (r.nextInt(3)) {
                case 0 -> Integer.toString(101 + r.nextInt(100_000));
                case 1 -> Integer.toString(-r.nextInt(100));
                default -> "l" + junk(r, 5);
            }), VIEWER_A);
            case 2 -> {
                String status;
                do {
                    status = junk(r, 10);
                } while (STATUSES.contains(status.strip().toLowerCase()));
                yield get("status", "/api/workflows/basic_sequence/executions?status=" + enc(status), VIEWER_A);
            }
            case 3 -> get("start_date", "/api/v1/statistics/execution-times?start_date=" + enc(badDate(r)),
                    VIEWER_A);
            case 4 -> get("end_date", "/api/v1/statistics/execution-times?end_date=" + enc(badDate(r)), VIEWER_A);
            case 5 -> get("reversed", "/api/v1/statistics/execution-times?start_date=2026-01-" + (10 + r.nextInt(10))
                    + "&end_date=2026-01-0" + (1 + r.nextInt(9)), VIEWER_A);
            case 6 -> get("timeframe", "/api/v1/execution-metrics?timeframe=" + enc("t" + junk(r, 4)), VIEWER_A);
            default -> get("unknown parameter", "/api/workflows/basic_sequence/executions?z" + enc(junk(r, 8)) + "=1",
                    VIEWER_A);
        };
    }

    private Probe badPath(Random r) {
        String[] prefixes = {"/api/", "/api/v1/", "/api/workflows/", "/ws/", "/zz", "/api/v2/", "/metrics/",
            "/api/workflows/executions/" + world.completed1 + "/"};
        String path = prefixes[r.nextInt(prefixes.length)] + "zz" + enc(junk(r, 20)).replace("%2F", "-")
                + (r.nextBoolean() ? "/more" : "");
        return get("path " + path, path, VIEWER_A);
    }

    private Probe wrongMethod(Random r) {
        String[] gets = {"/health", "/metrics", "/api/v1/execution-metrics", "/api/workflows/w/metrics",
            "/api/workflows/executions/" + world.completed1, "/openapi.json", "/ws/executions"};
        String[] posts = {"/api/workflows/executions/" + world.failed + "/resume",
            "/api/workflows/executions/" + world.running + "/pause"};
        if (r.nextInt(3) == 0) {
            return new Probe("GET on a POST route", api.request(posts[r.nextInt(posts.length)], OPERATOR_A).GET()
                    .build());
        }
        String[] methods = {"POST", "PUT", "DELETE", "PATCH", "MKCOL", "TRACE", "PROPFIND", "HEAD2"};
        String method = methods[r.nextInt(methods.length)];
        String path = gets[r.nextInt(gets.length)];
        return new Probe(method + " " + path, api.request(path, OPERATOR_A).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString("{}")).build());
    }

    private Probe badAuth(Random r) {
        String[] values = {"", "Bearer", "Bearer ", "Basic " + junk(r, 10).replaceAll("[^a-z0-9]", "a"),
            "Bearer " + junk(r, 40).replaceAll("[^!-~]", "x"), "bearer" + junk(r, 5).replaceAll("[^a-z]", "q"),
            "Token " + VIEWER_A, "Bearer " + VIEWER_A + "x", "Bearer " + "t".repeat(2000)};
        String value = values[r.nextInt(values.length)];
        HttpRequest.Builder b = api.request("/api/workflows/basic_sequence/metrics", null).header("X-Workspace-Id",
                WS_A);
        if (!value.isEmpty()) {
            b.header("Authorization", value);
        }
        return new Probe("Authorization: " + value, b.GET().build());
    }

    private Probe badWorkspace(Random r) {
        HttpRequest.Builder b = api.request("/api/workflows/basic_sequence/executions", VIEWER_A);
        String description;
        switch (r.nextInt(4)) {
            case 0 -> {
                String ws = "ws-" + junk(r, 12).replaceAll("[^!-~]", "x");
                b.header("X-Workspace-Id", ws);
                description = "X-Workspace-Id " + ws;
            }
            case 1 -> {
                b.header("X-Workspace-Id", "w".repeat(201 + r.nextInt(300)));
                description = "long X-Workspace-Id";
            }
            case 2 -> {
                String slug = "s" + junk(r, 8).replaceAll("[^!-~]", "x");
                b.header("X-Workspace-Slug", slug);
                description = "X-Workspace-Slug " + slug;
            }
            default -> {
                b.header("X-Workspace-Id", WS_A).header("X-Workspace-Slug", "beta");
                description = "id and slug disagree";
            }
        }
        return new Probe(description, b.GET().build());
    }

    private Probe badBody(Random r) {
        String path = "/api/workflows/executions/" + world.failed + "/resume";
        String contentType = "application/json";
        String body;
        switch (r.nextInt(9)) {
            case 0 -> body = "{\"step_id\":" + junk(r, 10).replace("\"", "");
            case 1 -> body = "[\"" + junk(r, 5).replace("\"", "").replace("\\", "") + "\"]";
            case 2 -> body = "{\"step_id\":" + r.nextInt(1000) + "}";
            case 3 -> body = "{\"step_id\":\"process\",\"input_overrides\":" + (r.nextBoolean() ? "[1,2]" : "\"x\"")
                    + "}";
            case 4 -> body = "{\"step_id\":\"process\",\"x" + r.nextInt(1000) + "\":true}";
            case 5 -> body = "{\"step_id\":\"" + "s".repeat(201 + r.nextInt(50)) + "\"}";
            case 6 -> body = "{\"step_id\":\"process\",\"input_overrides\":{\"k\":\"" + "v".repeat(5000) + "\"}}";
            case 7 -> {
                body = "{\"step_id\":\"process\"}";
                String[] types = {"text/plain", "application/xml", "application/x-www-form-urlencoded", "json",
                    "application/jsonx"};
                contentType = types[r.nextInt(types.length)];
            }
            default -> body = "{" + "\"a\":{".repeat(40) + "}".repeat(41);
        }
        return new Probe("body " + (body.length() > 80 ? body.substring(0, 80) + "..." : body) + " as " + contentType,
                api.request(path, OPERATOR_A).header("X-Workspace-Id", WS_A).header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private Probe badId(Random r) {
        String id = switch (r.nextInt(4)) {
            case 0 -> world.completed1.toUpperCase();
            case 1 -> world.completed1.substring(0, 35);
            case 2 -> world.completed1 + "0";
            default -> "e" + junk(r, 30).replaceAll("[^a-z0-9-]", "z");
        };
        String[] suffixes = {"", "/timeline", "/resume-audit"};
        return get("execution id " + id, "/api/workflows/executions/" + enc(id) + suffixes[r.nextInt(3)], VIEWER_A);
    }
}
