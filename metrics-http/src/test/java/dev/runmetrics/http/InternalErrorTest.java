package dev.runmetrics.http;

import static dev.runmetrics.http.Api.VIEWER_A;
import static dev.runmetrics.http.Api.WS_A;
import static dev.runmetrics.http.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.store.ForwardingRunStore;
import dev.runmetrics.core.store.Page;
import dev.runmetrics.core.store.RunQuery;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.views.RunViews;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** A failure that is not the client's: 500 with a generic message and an error id, no stack trace. */
class InternalErrorTest {

    /** A store whose listing fails, as a database that went away would. */
    static final class BrokenStore extends ForwardingRunStore {
        BrokenStore() {
            super(new InMemoryRunStore());
        }

        @Override
        public Page<Run> findRuns(String workspaceId, RunQuery query) {
            throw new IllegalStateException("secret connection string in this message");
        }
    }

    @Test
    void anUnexpectedFailureIs500WithAnErrorIdAndNoDetails() {
        BrokenStore store = new BrokenStore();
        MetricsHttpServer server = Api.withTokens(MetricsHttpServer.builder(store)).port(0)
                .views(RunViews.builder(store).workerCapacity(1).build()).build();
        server.start();
        try {
            Api api = new Api(server.port());
            HttpResponse<String> r = api.get("/api/workflows/w/executions", VIEWER_A, WS_A);
            assertThat(r.statusCode()).isEqualTo(500);
            JsonNode e = json(r).get("error");
            assertThat(e.get("code").asText()).isEqualTo("internal_error");
            String id = r.headers().firstValue("X-Error-Id").orElseThrow();
            assertThat(e.get("message").asText()).contains(id);
            assertThat(r.body()).doesNotContain("secret").doesNotContain("IllegalStateException")
                    .doesNotContain("\tat ");
            assertThat(api.get("/health", null).statusCode()).isEqualTo(200);
        } finally {
            server.stop();
        }
    }
}
