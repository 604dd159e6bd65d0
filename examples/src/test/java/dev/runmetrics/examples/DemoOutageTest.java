package dev.runmetrics.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runmetrics.core.store.PostgresProcesses;
import dev.runmetrics.jdbc.WriterStats;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo under load while its PostgreSQL hangs (every process stopped with SIGSTOP, for longer
 * than the writer waits before it spills): workflows keep completing, the API answers within about
 * 2 s (503 store_unavailable with Retry-After for what needs the database, never a hang or a 500),
 * {@code /health} says degraded and why, the status line keeps coming, and after SIGCONT every run
 * submitted meanwhile is stored and every deferred checkpoint written.
 */
class DemoOutageTest {

    static final Pattern TOKEN_LINE = Pattern.compile("^\\s+acme\\s+operator\\s+(\\S+)$", Pattern.MULTILINE);
    static final long BOUND_MILLIS = 2_500;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One API call made while the test ran. */
    record Call(String path, long startNanos, long endNanos, int status, String code, String retryAfter) {
        long millis() {
            return (endNanos - startNanos) / 1_000_000;
        }
    }

    /** The demo's output, line by line, each with the nanoTime it was printed. */
    static final class Lines extends OutputStream {
        final ConcurrentLinkedQueue<long[]> statusLines = new ConcurrentLinkedQueue<>();
        final ByteArrayOutputStream all = new ByteArrayOutputStream();
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            all.write(b);
            if (b == '\n') {
                String text = line.toString(StandardCharsets.UTF_8);
                if (text.startsWith("[") && text.contains("submitted")) {
                    statusLines.add(new long[] {System.nanoTime()});
                }
                line.reset();
            } else {
                line.write(b);
            }
        }

        synchronized String text() {
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void aHungDatabaseStallsNeitherTheWorkflowsNorTheApiNorTheStatusLine() throws Exception {
        DemoOptions options = DemoOptions.parse("--port", "0", "--rate", "20", "--latency-scale", "0.05",
                "--status-every", "250ms", "--data-dir", dataDir.toString());
        Lines lines = new Lines();
        PrintStream out = new PrintStream(lines, true, StandardCharsets.UTF_8);
        DemoServer demo = DemoServer.start(options, out);
        ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        AtomicBoolean polling = new AtomicBoolean(true);
        long frozenAt;
        long degradedAt;
        long thawedAt;
        long completedWhileFrozen;
        JsonNode degraded;
        try {
            Matcher m = TOKEN_LINE.matcher(lines.text());
            assertThat(m.find()).isTrue();
            String token = m.group(1);
            String base = demo.uri().toString();
            eventually(Duration.ofSeconds(30), () -> demo.completedRuns() > 20, "runs complete");
            List<String> paths = List.of("api/workflows/basic_sequence/executions?limit=5", "api/workflows",
                    "api/workflows/data_pipeline/metrics", "api/v1/execution-metrics");
            List<Thread> pollers = paths.stream().map(p -> new Thread(() -> {
                while (polling.get()) {
                    calls.add(call(base, p, token));
                    sleep(400); // three of them are rate limited: 10/s per token
                }
            }, "poll " + p)).toList();
            pollers.forEach(Thread::start);
            Thread.sleep(500);

            PostgresProcesses.freeze(demo.embeddedDataDirectory());
            frozenAt = System.nanoTime();
            long completedAtFreeze = demo.completedRuns();
            try {
                eventually(Duration.ofSeconds(10), () -> health(base).get("status").asText().equals("degraded"),
                        "/health says degraded");
                degradedAt = System.nanoTime();
                degraded = health(base);
                // Longer than the writer's spillAfter (5 s): the backlog moves to the spill journal.
                Thread.sleep(Math.max(0, 8_000 - (System.nanoTime() - frozenAt) / 1_000_000));
                completedWhileFrozen = demo.completedRuns() - completedAtFreeze;
                assertThat(demo.store().stats().spilling()).as("the writer spills").isTrue();
                assertThat(demo.deferredCheckpoints()).as("checkpoints wait for the store").isPositive();
            } finally {
                PostgresProcesses.thaw(demo.embeddedDataDirectory());
                thawedAt = System.nanoTime();
            }
            eventually(Duration.ofSeconds(15), () -> health(base).get("status").asText().equals("ok"),
                    "/health is ok again");
            Thread.sleep(500);
            polling.set(false);
            for (Thread t : pollers) {
                t.join();
            }
            eventually(Duration.ofSeconds(30), () -> demo.deferredCheckpoints() == 0, "deferred checkpoints stored");
            Set<String> submitted = demo.submittedRunIds(); // each one's queued snapshot is accepted by now
            assertThat(demo.store().flush(Duration.ofSeconds(60))).isTrue();
            assertThat(storedRunIds(demo)).containsAll(submitted);
        } finally {
            polling.set(false);
            demo.close();
        }
        WriterStats stats = demo.store().stats();
        long frozenMillis = (thawedAt - frozenAt) / 1_000_000;
        long statusWhileFrozen = lines.statusLines.stream().filter(t -> t[0] > frozenAt && t[0] < thawedAt).count();
        System.out.printf("demo outage: frozen %d ms, /health degraded after %d ms (%s); %d runs completed while"
                + " frozen; %d status lines while frozen; %d API calls, slowest %d ms; %s%n", frozenMillis,
                (degradedAt - frozenAt) / 1_000_000, degraded, completedWhileFrozen, statusWhileFrozen, calls.size(),
                calls.stream().mapToLong(Call::millis).max().orElse(0), stats);

        assertThat((degradedAt - frozenAt) / 1_000_000).as("ms until /health says degraded").isLessThan(BOUND_MILLIS);
        assertThat(degraded.get("reason").asText()).startsWith("run store unavailable: database unavailable");
        assertThat(degraded.get("since").asText()).isNotBlank();
        // Workflows go on at about the load's rate (20/s) for the ~8 s: far from the 1/s of a stalled runner.
        assertThat(completedWhileFrozen).as("runs completed while the database was frozen").isGreaterThan(60);
        // The status line (every 250 ms) never stopped.
        assertThat(statusWhileFrozen).as("status lines while frozen").isGreaterThanOrEqualTo(frozenMillis / 250 / 2);
        // Every API call ended within the bound; none was a 500; while the store was known to be down,
        // what had to read the database was a 503 with Retry-After.
        assertThat(calls).isNotEmpty().allSatisfy(c -> {
            assertThat(c.millis()).as(c.path() + " ms").isLessThan(BOUND_MILLIS);
            assertThat(c.status()).as(c.path()).isIn(200, 503);
            if (c.status() == 503) {
                assertThat(c.code()).isEqualTo("store_unavailable");
                assertThat(c.retryAfter()).isNotNull();
            }
        });
        List<Call> whileDown = calls.stream().filter(c -> c.startNanos() > degradedAt && c.endNanos() < thawedAt)
                .toList();
        assertThat(whileDown.stream().filter(c -> c.status() == 503)).as("503s while the store was down")
                .hasSizeGreaterThan(20);
        assertThat(whileDown.stream().filter(c -> c.path().contains("executions?")))
                .allSatisfy(c -> assertThat(c.status()).as("the uncached run list").isEqualTo(503));
        assertThat(stats.dropped()).isZero();
        assertThat(stats.failed()).isZero();
        assertThat(stats.replayed()).isPositive();
        assertThat(stats.spilled()).as("no snapshot went to the journal twice").isLessThanOrEqualTo(stats.accepted());
        assertThat(lines.text()).contains("0 dropped, 0 failed");
    }

    private Call call(String base, String path, String token) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
                    .header("X-Workspace-Slug", "acme").GET().build(), HttpResponse.BodyHandlers.ofString());
            String code = null;
            if (r.statusCode() >= 400) {
                code = JSON.readTree(r.body()).path("error").path("code").asText(null);
            }
            return new Call(path, start, System.nanoTime(), r.statusCode(), code,
                    r.headers().firstValue("Retry-After").orElse(null));
        } catch (Exception e) {
            return new Call(path, start, System.nanoTime(), -1, e.toString(), null);
        }
    }

    private JsonNode health(String base) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "health"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static Set<String> storedRunIds(DemoServer demo) throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection c = demo.appDataSource().getConnection()) {
            for (DemoServer.Workspace ws : DemoServer.WORKSPACES) {
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

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    private static void eventually(Duration timeout, Check check, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
