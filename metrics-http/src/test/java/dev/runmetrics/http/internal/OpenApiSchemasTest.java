package dev.runmetrics.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runmetrics.core.node.NodeMetrics;
import dev.runmetrics.core.views.RunDetail;
import dev.runmetrics.core.views.overview.QueuedRun;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A route or parameter without a schema cannot be documented; records say which components are never null. */
class OpenApiSchemasTest {

    private static Route route(String method, String template, Route.BodyKind body) {
        return new Route(method, template, Route.Access.VIEWER, true, false, body, ex -> null,
                new Route.Doc("New.", "meta", List.of(), List.of(200), false));
    }

    @Test
    void aNewRouteWithoutAResponseSchemaFailsTheDocument() {
        Route unknown = route("GET", "/api/v1/new-thing", Route.BodyKind.NONE);
        assertThatThrownBy(() -> new OpenApiSchemas().successContent(unknown))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("GET /api/v1/new-thing")
                .hasMessageContaining("OpenApiSchemas");
        assertThatThrownBy(() -> OpenApi.document(List.of(unknown), "test"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aNewBodyOrParameterWithoutASchemaFailsTheDocument() {
        assertThatThrownBy(() -> new OpenApiSchemas().requestBody(route("POST", "/api/v1/new-thing",
                Route.BodyKind.REQUIRED_JSON))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("request schema");
        assertThatThrownBy(() -> new OpenApiSchemas().parameter(new Route.Param("query", "colour", "string", false,
                "?"))).isInstanceOf(IllegalStateException.class).hasMessageContaining("colour");
    }

    @Test
    void aComponentIsNeverNullExactlyWhenTheRecordsConstructorRefusesNullForIt() {
        assertThat(OpenApiSchemas.refusedNulls(RunDetail.class)).containsExactlyInAnyOrder("id", "workflowId",
                "status", "stepExecutions", "statusHistory", "createdAt", "updatedAt");
        assertThat(OpenApiSchemas.refusedNulls(QueuedRun.class)).isEmpty();
        // Its constructor also checks the length of callsByAttempts, so no sample builds it.
        assertThat(OpenApiSchemas.refusedNulls(NodeMetrics.class)).containsExactly("callsByAttempts");
    }
}
