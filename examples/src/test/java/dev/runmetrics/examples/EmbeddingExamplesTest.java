package dev.runmetrics.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;

/** Smoke tests: each embedding example runs as its README says and prints what it promises. */
class EmbeddingExamplesTest {

    @Test
    void recorderPrintsItsStatisticsSummaryAndOverview() throws Exception {
        String out = captured(() -> RecorderExample.main(new String[0]));
        assertThat(out).contains("execution times of ship_order (ms): ExecutionTimeStatistics[count=40")
                .contains("workflow summary: WorkflowMetricsSummary[").contains("live overview, throughput:");
    }

    @Test
    void jdbcRecordsIntoAnEmbeddedPostgres() throws Exception {
        String out = captured(() -> JdbcExample.main(new String[0]));
        assertThat(out).contains("5 runs of nightly_import stored; newest:").contains("  #5 COMPLETED ");
    }

    @Test
    void httpServesTheApiUnderTheHostsPath() throws Exception {
        Server server = HttpExample.start(0);
        try {
            URI base = server.getURI();
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> api = client.send(HttpRequest.newBuilder(base.resolve(
                    "/runmetrics/api/workflows/nightly_import/executions")).header("Authorization", "Bearer "
                    + HttpExample.TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(api.statusCode()).as(api.body()).isEqualTo(200);
            assertThat(api.body()).contains("\"total\":1");
            HttpResponse<String> host = client.send(HttpRequest.newBuilder(base.resolve("/elsewhere")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(host.statusCode()).isEqualTo(404);
        } finally {
            server.stop();
        }
    }

    @Test
    void collectorPrintsItsJson() throws Exception {
        assertThat(captured(() -> CollectorExample.main(new String[0]))).contains("of 300 calls succeeded")
                .contains("\"fetch-user\"");
    }

    @Test
    void langGraphRunsArePausedFailedAndResumedFromAStep() throws Exception {
        String out = captured(() -> LangGraphExample.main(new String[0]));
        assertThat(out).contains("ticket-1: PAUSED").contains("stepId=send, attempt=2] -> COMPLETED")
                .contains("ticket-2: FAILED").contains("stepId=refund, attempt=2] -> PAUSED")
                .contains("run COMPLETED, attempt 3").contains("attempt 1  refund        FAILED")
                .contains("attempt 2  refund        COMPLETED");
    }

    @FunctionalInterface
    private interface Example {
        void run() throws Exception;
    }

    private static String captured(Example example) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            example.run();
        } finally {
            System.setOut(original);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        original.print(out);
        return out;
    }
}
