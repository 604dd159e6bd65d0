package dev.runmetrics.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo end to end: a real embedded PostgreSQL in a temporary data folder, the generated load
 * at a high rate with fast latencies, the real HTTP API called with the tokens the demo printed;
 * a clean stop that loses nothing, and a restart on the same data that continues the history.
 */
class DemoServerTest {

    private static final List<String> WORKFLOWS = List.of("basic_sequence", "parallel_processing",
            "conditional_workflow", "data_pipeline");
    private static final Pattern TOKEN_LINE = Pattern.compile("^\\s+(acme|globex)\\s+(operator|viewer)\\s+(\\S+)$",
            Pattern.MULTILINE);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dataDir;

    @Test
    void servesTheLoadResumesAndContinuesAfterARestart() throws Exception {
        DemoOptions options = DemoOptions.parse("--port", "0", "--rate", "40", "--latency-scale", "0.02",
                "--status-every", "0", "--data-dir", dataDir.toString());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Set<String> firstSession;
        Map<String, Long> newestNumber = new HashMap<>();
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            DemoServer demo = DemoServer.start(options, out);
            try {
                Map<String, String> tokens = printedTokens(printed.toString(StandardCharsets.UTF_8));
                assertThat(tokens).hasSize(4);
                String base = demo.uri().toString();
                assertThat(printed.toString(StandardCharsets.UTF_8)).contains(base);

                // Completed and failed runs show up in both workspaces.
                for (String ws : List.of("acme", "globex")) {
                    String token = tokens.get(ws + " operator");
                    eventually(Duration.ofSeconds(30), () -> total(base, token, ws, "completed") > 0
                            && total(base, token, ws, "failed") > 0, ws + " has completed and failed runs");
                }

                // A viewer may not resume; an operator resumes a failed run from its failed step.
                String op = tokens.get("acme operator");
                JsonNode failed = firstFailedRun(base, op);
                String runId = failed.get("id").asText();
                String failedStep = failedStep(base, op, runId);
                String body = "{\"step_id\":\"" + failedStep + "\",\"input_overrides\":{\"fail_step\":null}}";
                assertThat(post(base + "api/workflows/executions/" + runId + "/resume", tokens.get("acme viewer"),
                        "acme", body).statusCode()).isEqualTo(403);
                HttpResponse<String> resumed = post(base + "api/workflows/executions/" + runId + "/resume", op, "acme",
                        body);
                assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(202);
                eventually(Duration.ofSeconds(20), () -> "completed".equals(
                        get(base + "api/workflows/executions/" + runId, op, "acme").get("status").asText()),
                        "the resumed run completes");
                for (String wf : WORKFLOWS) {
                    newestNumber.put(wf, newestExecutionNumber(base, op, wf));
                }
            } finally {
                demo.close();
            }
            firstSession = demo.submittedRunIds();
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("drained").contains("0 dropped, 0 failed");
        }
        assertThat(firstSession).hasSizeGreaterThan(20);

        // Again on the same data: every run of the first session is there, numbers go on.
        ByteArrayOutputStream printedAgain = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(printedAgain, true, StandardCharsets.UTF_8)) {
            DemoServer demo = DemoServer.start(options, out);
            try {
                assertThat(storedRunIds(demo)).containsAll(firstSession);
                String op = printedTokens(printedAgain.toString(StandardCharsets.UTF_8)).get("acme operator");
                String base = demo.uri().toString();
                eventually(Duration.ofSeconds(20), () -> newestExecutionNumber(base, op, "basic_sequence")
                        > newestNumber.get("basic_sequence"), "a new run of basic_sequence gets a higher number");
            } finally {
                demo.close();
            }
        }
    }

    @Test
    void badFlagsAreRefusedWithAMessage() {
        assertUsage("unknown flag --nope", "--nope", "1");
        assertUsage("--rate: 'fast' is not a number", "--rate", "fast");
        assertUsage("--duration: '10 minutes' is not a duration", "--duration", "10 minutes");
        assertUsage("--port must be within 0-65535", "--port=70000");
        assertUsage("--port needs a value", "--port");
        assertUsage("need --jdbc-url", "--jdbc-user", "x");
    }

    @Test
    void flagsParse() throws Exception {
        DemoOptions o = DemoOptions.parse("--duration", "10m", "--rate=0.5", "--port", "9090", "--data-dir", "d");
        assertThat(o.duration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(o.rate()).isEqualTo(0.5);
        assertThat(o.port()).isEqualTo(9090);
        assertThat(o.dataDir()).isEqualTo(Path.of("d"));
        assertThat(DemoOptions.parse("--duration", "30s").duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(DemoOptions.parse("--help")).isNull();
        assertThat(DemoOptions.parse().duration()).isNull();
    }

    @Test
    void otelIsASwitchThatTakesNoValue() throws Exception {
        assertThat(DemoOptions.parse().otel()).isFalse();
        DemoOptions o = DemoOptions.parse("--otel", "--port", "9090");
        assertThat(o.otel()).isTrue();
        assertThat(o.port()).isEqualTo(9090);
        assertThat(o.withPort(0).otel()).isTrue();
        assertUsage("unknown flag --otel-exporter", "--otel-exporter", "otlp");
    }

    private static void assertUsage(String message, String... args) {
        try {
            DemoOptions.parse(args);
            throw new AssertionError("accepted " + List.of(args));
        } catch (DemoOptions.UsageException e) {
            assertThat(e.getMessage()).contains(message);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Map<String, String> printedTokens(String printed) {
        Map<String, String> tokens = new HashMap<>();
        Matcher m = TOKEN_LINE.matcher(printed);
        while (m.find()) {
            tokens.put(m.group(1) + " " + m.group(2), m.group(3));
        }
        return tokens;
    }

    private long total(String base, String token, String slug, String status) throws Exception {
        long sum = 0;
        for (String wf : WORKFLOWS) {
            sum += get(base + "api/workflows/" + wf + "/executions?limit=1&status=" + status, token, slug)
                    .get("total").asLong();
        }
        return sum;
    }

    private JsonNode firstFailedRun(String base, String token) throws Exception {
        for (String wf : WORKFLOWS) {
            JsonNode items = get(base + "api/workflows/" + wf + "/executions?limit=10&status=failed", token, "acme")
                    .get("items");
            for (JsonNode run : items) {
                if (run.get("input_variables").has("fail_step")) {
                    return run;
                }
            }
        }
        throw new AssertionError("no failed run with an injected failure in acme");
    }

    private String failedStep(String base, String token, String runId) throws Exception {
        for (JsonNode step : get(base + "api/workflows/executions/" + runId, token, "acme").get("step_executions")) {
            if (step.get("status").asText().equals("failed")) {
                return step.get("step_id").asText();
            }
        }
        throw new AssertionError("run " + runId + " has no failed step");
    }

    private long newestExecutionNumber(String base, String token, String wf) throws Exception {
        JsonNode items = get(base + "api/workflows/" + wf + "/executions?limit=1", token, "acme").get("items");
        return items.isEmpty() ? 0 : items.get(0).get("execution_number").asLong();
    }

    /**
     * A second demo on the first one's embedded PostgreSQL, as the root README shows: with its own
     * --data-dir it starts (the same one is refused: its spill journal is one process's), both
     * write at once, and every run of each is stored in the one database.
     */
    @Test
    void aSecondDemoWritesToTheFirstOnesDatabaseWithADataDirOfItsOwn(@TempDir Path secondDir) throws Exception {
        List<String> load = List.of("--port", "0", "--rate", "40", "--latency-scale", "0.02", "--status-every", "0");
        DemoServer first = DemoServer.start(options(with(load, "--data-dir", dataDir.toString())),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            java.util.Properties pw = new java.util.Properties();
            try (var in = java.nio.file.Files.newBufferedReader(dataDir.resolve(DemoDatabase.PASSWORD_FILE))) {
                pw.load(in);
            }
            String port = java.nio.file.Files.readString(dataDir.resolve("postgres.port")).strip();
            List<String> onFirst = with(load, "--jdbc-url", "jdbc:postgresql://localhost:" + port + "/runmetrics",
                    "--jdbc-user", DemoDatabase.OWNER_ROLE, "--jdbc-password", pw.getProperty(DemoDatabase.OWNER_ROLE),
                    "--app-user", DemoDatabase.APP_ROLE, "--app-password", pw.getProperty(DemoDatabase.APP_ROLE));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> DemoServer.start(options(
                    with(onFirst, "--data-dir", dataDir.toString())), new PrintStream(new ByteArrayOutputStream(), true,
                    StandardCharsets.UTF_8))).hasMessageContaining("holds the spill journal");
            DemoServer second = DemoServer.start(options(with(onFirst, "--data-dir", secondDir.toString())),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            try {
                eventually(Duration.ofSeconds(30), () -> first.submittedRunIds().size() > 20
                        && second.submittedRunIds().size() > 20, "both demos submit runs");
            } finally {
                second.close();
            }
            // The second drained on close; the first's own runs are there too.
            assertThat(storedRunIds(first)).containsAll(second.submittedRunIds())
                    .hasSizeGreaterThan(second.submittedRunIds().size() + 10);
        } finally {
            first.close();
        }
    }

    private static List<String> with(List<String> args, String... more) {
        List<String> out = new java.util.ArrayList<>(args);
        out.addAll(List.of(more));
        return out;
    }

    private static DemoOptions options(List<String> args) throws Exception {
        return DemoOptions.parse(args.toArray(String[]::new));
    }

    private static Set<String> storedRunIds(DemoServer demo) throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection c = demo.appDataSource().getConnection()) {
            for (DemoServer.Workspace ws : DemoServer.WORKSPACES) {
                // As the application role: row-level security shows one workspace at a time.
                try (PreparedStatement set = c.prepareStatement("SELECT set_config('runmetrics.workspace_id', ?, false)")) {
                    set.setString(1, ws.id());
                    set.execute();
                }
                try (PreparedStatement q = c.prepareStatement("SELECT run_id FROM runmetrics.workflow_executions");
                        ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
        }
        return ids;
    }

    private JsonNode get(String url, String token, String slug) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).header("X-Workspace-Slug", slug).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> post(String url, String token, String slug, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).header("X-Workspace-Slug", slug)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    /** Polls until the check holds, failing with {@code what} at the deadline. */
    private static void eventually(Duration timeout, Check check, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            Thread.sleep(100);
        }
    }
}
