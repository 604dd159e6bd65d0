package dev.runmetrics.http;

import static dev.runmetrics.http.Api.MULTI;
import static dev.runmetrics.http.Api.OPERATOR_A;
import static dev.runmetrics.http.Api.VIEWER_A;
import static dev.runmetrics.http.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /api/v1/me: what a client (the dashboard) learns about the token it holds. */
class MeTest {

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
    void meTellsTheTokensSubjectRoleAndWorkspaces() {
        JsonNode viewer = json(api.get("/api/v1/me", VIEWER_A));
        assertThat(viewer.get("subject").asText()).isEqualTo("viewer-a");
        assertThat(viewer.get("role").asText()).isEqualTo("viewer");
        assertThat(viewer.get("workspaces").toString()).isEqualTo("[\"ws-a\"]");
        assertThat(json(api.get("/api/v1/me", OPERATOR_A)).get("role").asText()).isEqualTo("operator");
        // A token of several workspaces needs no workspace header here: it asks which ones it has.
        assertThat(json(api.get("/api/v1/me", MULTI)).get("workspaces").toString()).isEqualTo("[\"ws-a\",\"ws-b\"]");
    }

    @Test
    void meWithoutAValidTokenIs401() {
        assertThat(api.get("/api/v1/me", null).statusCode()).isEqualTo(401);
        assertThat(api.get("/api/v1/me", "not-a-token-of-this-server").statusCode()).isEqualTo(401);
    }
}
