package dev.runmetrics.http;

import static dev.runmetrics.http.Api.VIEWER_A;
import static dev.runmetrics.http.Api.WS_A;
import static dev.runmetrics.http.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every kind of bad input gets a 4xx JSON error naming what was wrong. */
class ErrorsTest {

    static World world;
    static Api api;

    @BeforeAll
    static void start() {
        world = new World();
        api = world.api;
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    private static JsonNode error(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/json"));
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        return json(r).get("error");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "/api/v1/statistics/execution-times?start_date=yesterday|start_date",
        "/api/v1/statistics/execution-times?end_date=2026-13-01|end_date",
        "/api/v1/statistics/execution-times?start_date=2026-01-15T25:00:00Z|start_date",
        "/api/v1/statistics/execution-times?start_date=2026-01-16&end_date=2026-01-15|end_date",
        "/api/v1/statistics/execution-times?start_date=2026-01-15T10:00:00Z&end_date=2026-01-15T09:00:00Z|end_date",
        "/api/v1/statistics/execution-times?workflow_id=|workflow_id",
        "/api/v1/statistics/execution-times?start_date=2026-01-01&start_date=2026-01-02|start_date",
        "/api/v1/statistics/execution-times?startdate=2026-01-01|startdate",
        "/api/workflows/basic_sequence/executions?skip=-1|skip",
        "/api/workflows/basic_sequence/executions?skip=abc|skip",
        "/api/workflows/basic_sequence/executions?limit=0|limit",
        "/api/workflows/basic_sequence/executions?limit=101|limit",
        "/api/workflows/basic_sequence/executions?limit=1.5|limit",
        "/api/workflows/basic_sequence/executions?limit=99999999999999999999|limit",
        "/api/workflows/basic_sequence/executions?status=done|status",
        "/api/workflows/basic_sequence/executions?status=|status",
        "/api/v1/execution-metrics?timeframe=2h|timeframe",
        "/api/v1/execution-metrics?timeframe=|timeframe",
        "/api/workflows/executions/not-a-uuid|execution_id",
        "/api/workflows/executions/01890A5D-AC96-774B-BCCE-B302099A8057|execution_id",
        "/api/workflows/executions/not-a-uuid/timeline|execution_id",
        "/api/workflows/executions/x/resume-audit|execution_id",
    })
    void badParametersAre400NamingTheParameter(String path, String parameter) {
        JsonNode e = error(api.get(path, VIEWER_A, WS_A), 400);
        assertThat(e.get("code").asText()).isEqualTo("invalid_parameter");
        assertThat(e.get("parameter").asText()).isEqualTo(parameter);
        assertThat(e.get("message").asText()).isNotBlank();
    }

    @Test
    void anIdLongerThan200CharactersIs400() {
        JsonNode e = error(api.get("/api/workflows/" + "w".repeat(201) + "/metrics", VIEWER_A, WS_A), 400);
        assertThat(e.get("parameter").asText()).isEqualTo("workflow_id");
        assertThat(e.get("message").asText()).contains("200");
        JsonNode ws = error(api.get("/api/workflows/x/metrics", VIEWER_A, "w".repeat(201)), 400);
        assertThat(ws.get("parameter").asText()).isEqualTo("X-Workspace-Id");
    }

    @Test
    void unknownPathsAre404() {
        JsonNode e = error(api.get("/api/v2/nothing", VIEWER_A, WS_A), 404);
        assertThat(e.get("code").asText()).isEqualTo("not_found");
        error(api.get("/index.htm", null), 404);
        error(api.get("/api/workflows/basic_sequence", VIEWER_A, WS_A), 404);
        error(api.get("/api/workflows/basic_sequence/metrics/extra", VIEWER_A, WS_A), 404);
    }

    @Test
    void wrongMethodsAre405WithAllow() {
        HttpResponse<String> r = api.send(api.request("/api/workflows/basic_sequence/metrics", VIEWER_A)
                .DELETE().build());
        JsonNode e = error(r, 405);
        assertThat(e.get("code").asText()).isEqualTo("method_not_allowed");
        assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD, OPTIONS");
        HttpResponse<String> put = api.send(api.request("/health", null)
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).build());
        error(put, 405);
        HttpResponse<String> post = api.post("/metrics", VIEWER_A, null, "{}");
        error(post, 405);
    }

    @Test
    void aWebSocketPathWithoutAnUpgradeIs400() {
        JsonNode e = error(api.get("/ws/workflows/basic_sequence", VIEWER_A, WS_A), 400);
        assertThat(e.get("code").asText()).isEqualTo("websocket_required");
    }

    @Test
    void anEncodedSlashInThePathIsRejectedAsJson() {
        HttpResponse<String> r = api.get("/api/workflows/a%2Fb/metrics", VIEWER_A, WS_A);
        assertThat(r.statusCode()).isBetween(400, 404);
        assertThat(r.body()).startsWith("{\"error\":");
    }

    @Test
    void requestsJettyRejectsItselfStillGetAJsonError() throws Exception {
        // a malformed %-escape in the request line: the JDK client refuses to send one, so use a socket
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", world.server.port())) {
            socket.getOutputStream().write(("GET /api/workflows/%zz/metrics HTTP/1.1\r\nHost: localhost\r\n"
                    + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 400");
            assertThat(response).contains("application/json").contains("{\"error\":{\"code\":\"bad_request\"")
                    .doesNotContain("<html").doesNotContain("Exception");
        }
    }

    @Test
    void aBadlyEncodedQueryIs400() {
        // not UTF-8 once decoded (the JDK client will not send a malformed %-escape at all)
        HttpResponse<String> r = api.get("/api/workflows/basic_sequence/executions?status=%C3%28%FF", VIEWER_A, WS_A);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).startsWith("{\"error\":");
    }
}
