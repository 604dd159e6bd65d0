package dev.runmetrics.http;

import static dev.runmetrics.http.Api.OPERATOR_A;
import static dev.runmetrics.http.Api.VIEWER_A;
import static dev.runmetrics.http.Api.WS_A;
import static dev.runmetrics.http.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The parts of HTTP a client expects of any server: HEAD, OPTIONS, protocol errors, unambiguous bodies. */
class HttpProtocolTest {

    static World world;
    static Api api;

    @BeforeAll
    static void start() {
        world = World.withResume((ws, actor, run, step, overrides) -> {
            throw new AssertionError("a refused body must not reach the handler");
        }, new World.RunActionLog());
        api = world.api;
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    /** Sends raw bytes and returns everything the server answers before it closes. */
    private static String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", world.server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest(name = "HEAD {0}")
    @ValueSource(strings = {"/health", "/api/v1/me", "/api/workflows/basic_sequence/executions", "/metrics",
        "/openapi.json"})
    void headAnswersEveryGetRouteWithItsHeadersAndNoBody(String path) {
        HttpResponse<String> get = api.get(path, VIEWER_A, WS_A);
        HttpRequest.Builder head = api.request(path, VIEWER_A).header("X-Workspace-Id", WS_A)
                .method("HEAD", HttpRequest.BodyPublishers.noBody());
        HttpResponse<String> r = api.send(head.build());
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers().firstValue("Content-Type")).isEqualTo(get.headers().firstValue("Content-Type"));
    }

    @Test
    void headOfAnUnknownPathIsA404() {
        HttpResponse<String> r = api.send(api.request("/api/nope", VIEWER_A)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(r.statusCode()).isEqualTo(404);
    }

    @Test
    void optionsOfTheWholeServerListsEveryMethod() throws IOException {
        String response = raw("OPTIONS * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 204");
        assertThat(response).containsPattern("(?i)allow: GET, HEAD, OPTIONS, POST\r\n");
    }

    @Test
    void optionsOfARouteListsItsMethods() {
        HttpResponse<String> r = api.send(api.request("/api/workflows/executions/x/resume", null)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("Allow")).hasValue("OPTIONS, POST");
        HttpResponse<String> health = api.send(api.request("/health", null)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(health.headers().firstValue("Allow")).hasValue("GET, HEAD, OPTIONS");
    }

    @Test
    void optionsOfAnUnknownPathIsA404JsonError() {
        HttpResponse<String> r = api.send(api.request("/nope", null)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).get("error").get("code").asText()).isEqualTo("not_found");
    }

    @Test
    void aWrongMethodListsHeadAndOptionsAmongTheAllowed() {
        HttpResponse<String> r = api.post("/health", null, null, "{}");
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD, OPTIONS");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"HTTP/9.9", "HTTP/0.9", "HTTP/2.0"})
    void anUnsupportedHttpVersionIsAProtocolErrorNotAnInternalOne(String version) throws IOException {
        String response = raw("GET /health " + version + "\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(response).doesNotContain("internal_error").doesNotContain("Exception");
        assertThat(response).matches("(?s)HTTP/1\\.[01] (400|426|505) .*");
        assertThat(response).containsPattern("\"code\":\"(bad_request|upgrade_required|http_version_not_supported)\"");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/health?x=1", "/api/v1/me?x=1", "/openapi.json?x=1", "/metrics?x=1",
        "/api/workflows/basic_sequence/executions?x=1", "/api/v1/statistics/execution-times?x=1"})
    void anUnknownQueryParameterIsRefusedTheSameWayOnEveryRoute(String path) {
        HttpResponse<String> r = api.get(path, VIEWER_A, WS_A);
        assertThat(r.statusCode()).as(path).isEqualTo(400);
        assertThat(json(r).get("error").get("code").asText()).isEqualTo("invalid_parameter");
        assertThat(json(r).get("error").get("parameter").asText()).isEqualTo("x");
    }

    @Test
    void jsonAndPrometheusTextAreGzippedForAClientThatAcceptsIt() throws IOException {
        for (String path : new String[] {"/api/workflows/basic_sequence/executions", "/metrics"}) {
            HttpResponse<String> plain = api.get(path, VIEWER_A, WS_A);
            HttpResponse<byte[]> zipped = sendBytes(api.request(path, VIEWER_A).header("X-Workspace-Id", WS_A)
                    .header("Accept-Encoding", "gzip").GET().build());
            assertThat(zipped.statusCode()).isEqualTo(200);
            assertThat(zipped.headers().firstValue("Content-Encoding")).as(path).hasValue("gzip");
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(plain.body());
            }
            assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        }
    }

    @Test
    void anUnchangedAnswerIsA304ForItsEtag() {
        String path = "/api/workflows/executions/" + world.completed1;
        HttpResponse<String> first = api.get(path, VIEWER_A, WS_A);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).matches("\"[0-9a-f]{32}\"");
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("private, no-cache");
        HttpResponse<String> again = api.send(api.request(path, VIEWER_A).header("X-Workspace-Id", WS_A)
                .header("If-None-Match", "W/\"other\", " + etag).GET().build());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.headers().firstValue("ETag")).hasValue(etag);
        HttpResponse<String> stale = api.send(api.request(path, VIEWER_A).header("X-Workspace-Id", WS_A)
                .header("If-None-Match", "\"0000\"").GET().build());
        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(stale.body()).isEqualTo(first.body());
        // errors are neither tagged nor cached
        HttpResponse<String> error = api.get("/api/workflows/executions/nope", VIEWER_A, WS_A);
        assertThat(error.headers().firstValue("ETag")).isEmpty();
        assertThat(error.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void anAnswerSentBeforeTheBodyWasReadSaysConnectionClose() throws IOException {
        String body = "{\"step_id\":\"process\"}";
        String response = raw("POST /api/workflows/executions/" + world.failed + "/resume HTTP/1.1\r\n"
                + "Host: localhost\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                + "\r\n\r\n" + body);
        assertThat(response).startsWith("HTTP/1.1 401");
        assertThat(response).containsPattern("(?i)\r\nconnection: close\r\n");
        // a request whose body was read keeps its connection open for the next one
        String read = raw("POST /api/workflows/executions/" + world.failed + "/resume HTTP/1.1\r\n"
                + "Host: localhost\r\nAuthorization: Bearer " + OPERATOR_A + "\r\nX-Workspace-Id: " + WS_A
                + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
                + "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(read).startsWith("HTTP/1.1 400").contains("\"code\":\"invalid_parameter\"");
        assertThat(read.split("HTTP/1.1 ", -1)).hasSize(3); // both requests were answered on one connection
        assertThat(read).contains("HTTP/1.1 200");
    }

    private static HttpResponse<byte[]> sendBytes(HttpRequest request) {
        try {
            return api.client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aBodyWithADuplicatedKeyIsRefusedNamingTheKey() {
        HttpResponse<String> r = api.post("/api/workflows/executions/" + world.failed + "/resume", OPERATOR_A, WS_A,
                "{\"step_id\":\"a\",\"step_id\":\"b\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("error").get("code").asText()).isEqualTo("duplicate_field");
        assertThat(json(r).get("error").get("parameter").asText()).isEqualTo("step_id");
    }

    @Test
    void aNestedDuplicatedKeyIsRefusedToo() {
        HttpResponse<String> r = api.post("/api/workflows/executions/" + world.failed + "/resume", OPERATOR_A, WS_A,
                "{\"step_id\":\"a\",\"input_overrides\":{\"x\":1,\"x\":2}}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("error").get("parameter").asText()).isEqualTo("x");
    }
}
