package dev.runmetrics.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.control.ControlAuditLog;
import dev.runmetrics.core.flow.StepDefinition;
import dev.runmetrics.core.flow.WorkflowDefinition;
import dev.runmetrics.core.flow.WorkflowRunner;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The control audit suite over the in-memory store, and the log lines it writes. */
class InMemoryControlAuditTest extends ControlAuditContract {

    private static final InMemoryRunStore STORE = new InMemoryRunStore();

    @Override
    protected RunStore store() {
        return STORE;
    }

    @Test
    void eachActionWritesOneLogLineNamingTheOverridesKeysButNotTheirValues() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger jul = Logger.getLogger(ControlAuditLog.class.getName());
        jul.addHandler(handler);
        InMemoryRunStore store = new InMemoryRunStore();
        MetricsHttpServer.Builder builder = Api.withTokens(MetricsHttpServer.builder(store)).port(0);
        RunRecorder recorder = RunRecorder.builder(store).listener(builder.runListener()).build();
        WorkflowRunner runner = WorkflowRunner.builder(recorder, store).workflow(WorkflowDefinition.builder("f")
                .step(StepDefinition.builder("s", in -> {
                    throw new IllegalStateException("boom");
                }).build()).build()).build();
        MetricsHttpServer server = builder.resumeHandler(runner).pause(runner::pause).build();
        server.start();
        try {
            Api api = new Api(server.port());
            String run = runner.submit(Api.WS_A, "f", Map.of());
            runner.completion(Api.WS_A, run).orElseThrow().get(20, TimeUnit.SECONDS);
            HttpResponse<String> resumed = api.post("/api/workflows/executions/" + run + "/resume", Api.OPERATOR_A,
                    null, "{\"step_id\":\"s\",\"input_overrides\":{\"password\":\"hunter2\"}}");
            HttpResponse<String> paused = api.post("/api/workflows/executions/" + run + "/pause", Api.VIEWER_A, null,
                    "{\"reason\":\"line one\\nline two\"}");
            assertThat(resumed.statusCode()).isEqualTo(202);
            assertThat(paused.statusCode()).isEqualTo(403);

            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).startsWith("control action=RESUME outcome=ACCEPTED workspace=\"ws-a\" run=\""
                    + run + "\" step=\"s\" actor=\"operator-a\" attempt=2 reason=- override_keys=[\"password\"]");
            assertThat(lines.get(1)).startsWith("control action=PAUSE outcome=FORBIDDEN workspace=\"ws-a\" run=\""
                    + run + "\" step=- actor=\"viewer-a\" attempt=0 reason=\"this token's role (viewer)");
            assertThat(String.join("\n", lines)).doesNotContain("hunter2").doesNotContain("line two");
        } finally {
            jul.removeHandler(handler);
            runner.close();
            server.stop();
        }
    }
}
