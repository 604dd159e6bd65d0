package dev.runmetrics.http;

import static dev.runmetrics.http.Api.VIEWER_A;
import static dev.runmetrics.http.Api.WS_A;
import static dev.runmetrics.http.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runmetrics.core.model.StepSpec;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.views.RunViews;
import java.lang.module.ModuleDescriptor;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The adapter as a user on the module path gets it: the pom's {@code module-path} execution runs
 * this class with dev.runmetrics.http and dev.runmetrics.core as named modules (every other test
 * runs on the class path), so a dashboard file or a JSON body that only works without module
 * encapsulation fails here. It uses no fixture of core's test-jar, which cannot be loaded there.
 */
class ModulePathTest {

    static MetricsHttpServer server;
    static Api api;
    static String run;

    @BeforeAll
    static void start() {
        InMemoryRunStore store = new InMemoryRunStore();
        MetricsHttpServer.Builder b = Api.withTokens(MetricsHttpServer.builder(store)).port(0)
                .views(RunViews.builder(store).workerCapacity(2).build());
        RunRecorder recorder = RunRecorder.builder(store).listener(b.runListener()).build();
        server = b.build();
        server.start();
        api = new Api(server.port());
        run = recorder.runQueued(WS_A, "basic_sequence", "Basic sequence", Map.of("mode", "standard"));
        recorder.runStarted(WS_A, run);
        recorder.stepStarted(WS_A, run, new StepSpec("initialize", "Initialize", 1, "init-node"), Map.of());
        recorder.stepCompleted(WS_A, run, "initialize", Map.of("data_size", 1024));
        recorder.runCompleted(WS_A, run, Map.of("output", "success"));
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void theModulePathExecutionRunsTheAdapterAndTheCoreAsNamedModules() {
        if (Boolean.getBoolean("runmetrics.modulePath")) {
            assertThat(MetricsHttpServer.class.getModule().getName()).isEqualTo("dev.runmetrics.http");
            assertThat(RunViews.class.getModule().getName()).isEqualTo("dev.runmetrics.core");
            assertThat(MetricsHttpServer.class.getModule().getDescriptor().exports())
                    .extracting(ModuleDescriptor.Exports::source)
                    .containsExactly("dev.runmetrics.http");
        }
    }

    @Test
    void theDashboardsFilesAreServedFromTheModule() {
        HttpResponse<String> index = api.get("/", null);
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.body()).contains("<script type=\"module\" src=\"dashboard/app.js\">");
        assertThat(api.get("/dashboard/app.js", null).statusCode()).isEqualTo(200);
        assertThat(api.get("/dashboard/pages/run.js", null).statusCode()).isEqualTo(200);
    }

    @Test
    void coresViewRecordsAreWrittenAsJson() {
        JsonNode detail = ok("/api/workflows/executions/" + run);
        assertThat(detail.get("workflow_id").asText()).isEqualTo("basic_sequence");
        assertThat(detail.get("status").asText()).isEqualTo("completed");
        assertThat(ok("/api/workflows/basic_sequence/executions").get("total").asInt()).isEqualTo(1);
        assertThat(ok("/api/workflows/executions/" + run + "/timeline").get("step_timeline").size()).isEqualTo(1);
        assertThat(ok("/api/v1/execution-metrics").get("workspaceId").asText()).isEqualTo(WS_A);
    }

    private static JsonNode ok(String path) {
        HttpResponse<String> r = api.get(path, VIEWER_A, WS_A);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return json(r);
    }
}
