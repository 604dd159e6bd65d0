package dev.runmetrics.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dashboard's static files: served with their types and caching, and nothing else is. */
class DashboardAssetsTest {

    static World world;
    static Api api;

    @BeforeAll
    static void start() {
        world = new World(b -> b, false);
        api = world.api;
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    @Test
    void theIndexIsServedAtTheRootWithoutAToken() {
        HttpResponse<String> r = api.get("/", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(r.body()).contains("<script type=\"module\" src=\"dashboard/app.js\">");
        assertThat(api.get("/index.html", null).body()).isEqualTo(r.body());
    }

    @Test
    void eachKindOfFileHasItsContentType() {
        assertThat(type("/dashboard/app.js")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(type("/dashboard/pages/run.js")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(type("/dashboard/style.css")).isEqualTo("text/css; charset=utf-8");
        assertThat(type("/dashboard/favicon.svg")).isEqualTo("image/svg+xml");
        HttpResponse<String> js = api.get("/dashboard/app.js", null);
        assertThat(js.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(js.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("script-src 'self'", "frame-ancestors 'none'"));
    }

    @Test
    void aFileIsRevalidatedByItsETag() {
        HttpResponse<String> first = api.get("/dashboard/app.js", null);
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("no-cache");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = api.send(api.request("/dashboard/app.js", null).header("If-None-Match", etag)
                .GET().build());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void foldersAreNotListed() {
        assertThat(api.get("/dashboard/", null).statusCode()).isEqualTo(404);
        assertThat(api.get("/dashboard/pages", null).statusCode()).isEqualTo(404);
        assertThat(api.get("/dashboard/pages/", null).statusCode()).isEqualTo(404);
    }

    @Test
    void unknownFilesAndUnknownExtensionsAre404() {
        assertThat(api.get("/dashboard/nothing.js", null).statusCode()).isEqualTo(404);
        // Class files sit on the same classpath; only the dashboard folder's known types are served.
        assertThat(api.get("/dashboard/../internal/DashboardAssets.class", null).statusCode()).isIn(400, 404);
        assertThat(raw("GET /dashboard/.hidden.js HTTP/1.1")).startsWith("HTTP/1.1 404");
    }

    @Test
    void noPathLeavesTheDashboardFolder() {
        String[] attempts = {
            "/dashboard/../MetricsHttpServer.class",
            "/dashboard/../../http/MetricsHttpServer.class",
            "/dashboard/%2e%2e/%2e%2e/http/MetricsHttpServer.class",
            "/dashboard/..%2fMetricsHttpServer.class",
            "/dashboard/%2e%2e%2fapp.js",
            "/dashboard/pages/..%5c..%5capp.js",
            "/dashboard//etc/passwd.txt",
            "/dashboard/....//app.js",
            "/dashboard/app.js%00.css",
            "/dashboard/../../../../../../etc/passwd.txt",
        };
        for (String path : attempts) {
            String answer = raw("GET " + path + " HTTP/1.1");
            assertThat(answer).as(path).matches("(?s)HTTP/1.1 (400|404).*");
            assertThat(answer).as(path).doesNotContain("root:", "\u00ca\u00fe\u00ba\u00be");
        }
    }

    private static String type(String path) {
        HttpResponse<String> r = api.get(path, null);
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.headers().firstValue("Content-Type").orElseThrow();
    }

    /** Sends a request line as written (no client normalises the path) and returns the whole answer. */
    private static String raw(String requestLine) {
        try (Socket socket = new Socket(api.base.getHost(), api.base.getPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write((requestLine + "\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
