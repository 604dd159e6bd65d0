package dev.runmetrics.http;

import static dev.runmetrics.http.Api.VIEWER_A;
import static dev.runmetrics.http.Api.WS_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CORS is off unless origins are allowed; then only those origins get CORS headers. */
class CorsTest {

    static World open;
    static World closed;

    @BeforeAll
    static void start() {
        open = new World(b -> b.allowOrigins("http://dashboard.example", "https://ops.example:8443"));
        closed = new World();
    }

    @AfterAll
    static void stop() {
        open.close();
        closed.close();
    }

    static HttpResponse<String> get(World w, String origin) {
        return w.api.send(w.api.request("/api/workflows/basic_sequence/executions", VIEWER_A)
                .header("X-Workspace-Id", WS_A).header("Origin", origin).GET().build());
    }

    static HttpResponse<String> preflight(World w, String origin) {
        return w.api.send(w.api.request("/api/workflows/basic_sequence/executions", null).header("Origin", origin)
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization,x-workspace-id")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
    }

    @Test
    void byDefaultNoOriginGetsCorsHeaders() {
        HttpResponse<String> r = get(closed, "http://dashboard.example");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(preflight(closed, "http://dashboard.example").headers()
                .firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void anAllowedOriginGetsCorsHeadersAndAPreflight() {
        HttpResponse<String> r = get(open, "https://ops.example:8443");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://ops.example:8443");
        assertThat(r.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
        HttpResponse<String> p = preflight(open, "http://dashboard.example");
        assertThat(p.statusCode()).isBetween(200, 204);
        assertThat(p.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://dashboard.example");
        assertThat(p.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("GET");
        assertThat(p.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase())
                .contains("authorization").contains("x-workspace-id");
    }

    @Test
    void anotherOriginGetsNone() {
        HttpResponse<String> r = get(open, "http://evil.example");
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(preflight(open, "http://dashboard.example.evil.example").headers()
                .firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void anOriginMustBeExact() {
        MetricsHttpServer.Builder b = MetricsHttpServer.builder(closed.store);
        assertThatThrownBy(() -> b.allowOrigins("*")).hasMessageContaining("scheme://host[:port]");
        assertThatThrownBy(() -> b.allowOrigins("http://a.example/path")).hasMessageContaining("scheme://host");
        assertThatThrownBy(() -> b.allowOrigins("ftp://a.example")).hasMessageContaining("scheme://host");
        assertThatThrownBy(() -> b.allowOrigins("https://*.example")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.allowOrigins((String) null)).isInstanceOf(NullPointerException.class);
    }
}
