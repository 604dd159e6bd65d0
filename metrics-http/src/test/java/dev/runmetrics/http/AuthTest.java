package dev.runmetrics.http;

import static dev.runmetrics.http.Api.MULTI;
import static dev.runmetrics.http.Api.OPERATOR_A;
import static dev.runmetrics.http.Api.OPERATOR_B;
import static dev.runmetrics.http.Api.VIEWER_A;
import static dev.runmetrics.http.Api.WS_A;
import static dev.runmetrics.http.Api.WS_B;
import static dev.runmetrics.http.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tokens, roles and workspaces: who sees what, and what each refusal looks like. */
class AuthTest {

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

    private static void assertError(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode error = json(r).get("error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.has("message")).isTrue();
        assertThat(error.has("parameter")).isTrue();
    }

    @Test
    void noTokenIs401WithAChallenge() {
        HttpResponse<String> r = api.get("/api/workflows/basic_sequence/metrics", null, WS_A);
        assertError(r, 401, "unauthorized");
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    }

    @Test
    void anUnknownTokenIs401() {
        assertError(api.get("/api/workflows/basic_sequence/metrics", "not-a-configured-token-000", WS_A), 401,
                "unauthorized");
    }

    @Test
    void aMalformedAuthorizationHeaderIs401() {
        HttpResponse<String> r = api.send(api.request("/metrics", null).header("Authorization", "Basic dXNlcjpwdw==")
                .GET().build());
        assertError(r, 401, "unauthorized");
    }

    @Test
    void aSingleWorkspaceTokenNeedsNoWorkspaceHeader() {
        assertThat(api.get("/api/workflows/basic_sequence/metrics", VIEWER_A).statusCode()).isEqualTo(200);
    }

    @Test
    void aMultiWorkspaceTokenMustNameTheWorkspace() {
        HttpResponse<String> r = api.get("/api/workflows/basic_sequence/metrics", MULTI);
        assertError(r, 400, "invalid_parameter");
        assertThat(json(r).get("error").get("parameter").asText()).isEqualTo("X-Workspace-Id");
        assertThat(api.get("/api/workflows/basic_sequence/metrics", MULTI, WS_B).statusCode()).isEqualTo(200);
    }

    @Test
    void aSlugPicksTheWorkspace() {
        HttpResponse<String> r = api.send(api.request("/api/workflows/basic_sequence/executions", MULTI)
                .header("X-Workspace-Slug", "Beta").GET().build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("items").get(0).get("id").asText()).isEqualTo(world.otherWorkspaceRun);
        HttpResponse<String> unknown = api.send(api.request("/api/workflows/basic_sequence/executions", MULTI)
                .header("X-Workspace-Slug", "nope").GET().build());
        assertError(unknown, 404, "workspace_not_found");
    }

    @Test
    void aWorkspaceTheTokenMayNotUseLooksLikeOneThatDoesNotExist() {
        HttpResponse<String> forbidden = api.get("/api/workflows/basic_sequence/metrics", VIEWER_A, WS_B);
        HttpResponse<String> missing = api.get("/api/workflows/basic_sequence/metrics", VIEWER_A, "ws-nowhere");
        assertError(forbidden, 404, "workspace_not_found");
        assertThat(forbidden.body()).isEqualTo(missing.body());
    }

    @Test
    void anotherWorkspacesRunIs404LikeAMissingOne() {
        HttpResponse<String> other = api.get("/api/workflows/executions/" + world.otherWorkspaceRun, OPERATOR_A, WS_A);
        assertError(other, 404, "not_found");
        HttpResponse<String> missing = api.get("/api/workflows/executions/01890a5d-ac96-774b-bcce-b302099a8057",
                OPERATOR_A, WS_A);
        assertThat(other.body()).isEqualTo(missing.body());
        assertError(api.get("/api/workflows/executions/" + world.otherWorkspaceRun + "/timeline", OPERATOR_A, WS_A),
                404, "not_found");
        assertError(api.get("/api/workflows/executions/" + world.otherWorkspaceRun + "/resume-audit", OPERATOR_A,
                WS_A), 404, "not_found");
        assertThat(api.get("/api/workflows/executions/" + world.otherWorkspaceRun, OPERATOR_B, WS_B).statusCode())
                .isEqualTo(200);
    }

    @Test
    void workspacesAreIsolatedInListsStatisticsAndMetrics() {
        JsonNode a = json(api.get("/api/workflows/basic_sequence/executions", VIEWER_A, WS_A));
        JsonNode b = json(api.get("/api/workflows/basic_sequence/executions", OPERATOR_B, WS_B));
        assertThat(a.get("total").asLong()).isEqualTo(4);
        assertThat(b.get("total").asLong()).isEqualTo(1);
        assertThat(a.toString()).doesNotContain(world.otherWorkspaceRun);
        assertThat(b.toString()).doesNotContain(world.completed1);
        JsonNode statsB = json(api.get("/api/v1/statistics/execution-times?start_date=2026-01-15T09:00:00Z"
                + "&end_date=2026-01-15T11:00:00Z", OPERATOR_B, WS_B));
        assertThat(statsB.get("count").asLong()).isEqualTo(1);
        JsonNode metricsB = json(api.get("/api/v1/execution-metrics", OPERATOR_B, WS_B));
        assertThat(metricsB.get("realtime").get("currentlyRunning").asInt()).isZero();
        assertThat(api.get("/metrics", OPERATOR_B).body()).contains("workspace=\"ws-b\"")
                .doesNotContain("workspace=\"ws-a\"");
    }

    @Test
    void publicRoutesNeedNoToken() {
        assertThat(api.get("/health", null).statusCode()).isEqualTo(200);
        assertThat(api.get("/openapi.json", null).statusCode()).isEqualTo(200);
    }
}
