package dev.runmetrics.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A real HTTP client against a started server, with the test tokens. */
final class Api {

    static final String VIEWER_A = "viewer-token-aaaa-0001";
    static final String OPERATOR_A = "operator-token-aaaa-0001";
    static final String OPERATOR_B = "operator-token-bbbb-0001";
    static final String MULTI = "multi-token-ab-000000001";
    static final String WS_A = "ws-a";
    static final String WS_B = "ws-b";

    static final ObjectMapper JSON = new ObjectMapper();

    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final URI base;

    Api(int port) {
        this.base = URI.create("http://127.0.0.1:" + port);
    }

    /** Adds the test tokens and slugs to a builder. */
    static MetricsHttpServer.Builder withTokens(MetricsHttpServer.Builder b) {
        return b.token(VIEWER_A, "viewer-a", Role.VIEWER, WS_A)
                .token(OPERATOR_A, "operator-a", Role.OPERATOR, WS_A)
                .token(OPERATOR_B, "operator-b", Role.OPERATOR, WS_B)
                .token(MULTI, "multi", Role.VIEWER, WS_A, WS_B)
                .workspaceSlug("acme", WS_A)
                .workspaceSlug("beta", WS_B);
    }

    HttpResponse<String> get(String path, String token) {
        return send(request(path, token).GET().build());
    }

    HttpResponse<String> get(String path, String token, String workspace) {
        HttpRequest.Builder b = request(path, token);
        if (workspace != null) {
            b.header("X-Workspace-Id", workspace);
        }
        return send(b.GET().build());
    }

    HttpResponse<String> post(String path, String token, String workspace, String json) {
        HttpRequest.Builder b = request(path, token).header("Content-Type", "application/json");
        if (workspace != null) {
            b.header("X-Workspace-Id", workspace);
        }
        return send(b.POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }
}
