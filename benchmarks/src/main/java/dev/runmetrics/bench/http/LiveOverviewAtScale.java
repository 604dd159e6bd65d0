package dev.runmetrics.bench.http;

import dev.runmetrics.bench.store.BenchSupport;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.views.RunViews;
import dev.runmetrics.http.MetricsHttpServer;
import dev.runmetrics.http.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The live overview with many runs in flight: {@code GET /api/v1/execution-metrics} (its size,
 * plain and gzipped, and its latency over sequential requests) and the size of the WebSocket
 * {@code execution_update}, for each live list limit given (the views' {@code liveListLimit}; 1000,
 * the default live limit, lists every live run read, as before the cap). A plain {@code main}, not a
 * test; an {@link InMemoryRunStore} holds the runs, so the figures are those of the view, the JSON
 * and HTTP, without a database.
 *
 * <pre>
 * ./mvnw -q -o -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar dev.runmetrics.bench.http.LiveOverviewAtScale \
 *     [--in-flight 10000] [--running 2000] [--ended 5000] [--requests 500] [--warmup 100] [--limits 1000,50]
 * </pre>
 *
 * <p>Single-threaded: it drives one server at a time from its main thread.
 */
public final class LiveOverviewAtScale {

    private static final String WORKSPACE = "bench";
    private static final String TOKEN = "bench-viewer-token-0123456789ab";
    private static final String[] WORKFLOWS = {"basic_sequence", "parallel_processing", "conditional_workflow",
        "data_pipeline"};

    private LiveOverviewAtScale() {}

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = BenchSupport.parseArgs(argv);
        int inFlight = Integer.parseInt(args.getOrDefault("in-flight", "10000"));
        int running = Integer.parseInt(args.getOrDefault("running", "2000"));
        int ended = Integer.parseInt(args.getOrDefault("ended", "5000"));
        int requests = Integer.parseInt(args.getOrDefault("requests", "500"));
        int warmup = Integer.parseInt(args.getOrDefault("warmup", "100"));
        int[] limits = Arrays.stream(args.getOrDefault("limits", "1000,50").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        if (running > inFlight) {
            throw new IllegalArgumentException("--running must not exceed --in-flight");
        }
        System.out.printf("LiveOverviewAtScale %s%n", args);
        System.out.printf("machine: %d cores, %s, JDK %s, %s%n", Runtime.getRuntime().availableProcessors(),
                BenchSupport.cpuModel(), System.getProperty("java.version"), BenchSupport.loadAverage());

        InMemoryRunStore store = new InMemoryRunStore();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        fill(store, now, inFlight, running, ended);
        System.out.printf("runs: %d in flight (%d running, %d queued), %d ended in the last hour%n", inFlight,
                running, inFlight - running, ended);
        System.out.println();
        System.out.println("| live list limit | listed (running + queued) | currentlyRunning / queueDepth "
                + "| response bytes | gzipped | p50 ms | p90 ms | p99 ms | max ms | execution_update bytes |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (int limit : limits) {
            measure(store, limit, requests, warmup);
        }
        System.out.printf("%n%s%n", BenchSupport.loadAverage());
    }

    /** Runs in flight queued over the last 10 minutes (the running ones first), and ended runs for the estimates. */
    private static void fill(InMemoryRunStore store, Instant now, int inFlight, int running, int ended) {
        SplittableRandom random = new SplittableRandom(17);
        Instant liveStart = now.minus(Duration.ofMinutes(10));
        for (int i = 0; i < inFlight; i++) {
            String workflow = WORKFLOWS[i % WORKFLOWS.length];
            Instant queuedAt = liveStart.plusMillis(i * 600_000L / inFlight);
            Run.Builder b = Run.builder().workspaceId(WORKSPACE).runId(UUID.randomUUID().toString())
                    .workflowId(workflow).workflowName(workflow.replace('_', ' ')).queuedAt(queuedAt)
                    .updatedAt(queuedAt).instanceId("bench-instance").inputSummary(Map.of("mode", "standard"))
                    .attributes(Map.of(Run.USER_ID, "user-" + random.nextInt(50), Run.PRIORITY, random.nextInt(3)));
            if (i < running) {
                Instant startedAt = queuedAt.plusMillis(200);
                b.status(RunStatus.RUNNING).startedAt(startedAt).updatedAt(startedAt).heartbeatAt(startedAt);
            }
            store.saveRun(WORKSPACE, b.build());
        }
        Instant endedStart = now.minus(Duration.ofHours(1));
        for (int i = 0; i < ended; i++) {
            String workflow = WORKFLOWS[i % WORKFLOWS.length];
            Instant queuedAt = endedStart.plusMillis(i * 3_000_000L / Math.max(1, ended));
            Instant startedAt = queuedAt.plusMillis(100 + random.nextInt(900));
            Instant completedAt = startedAt.plusMillis(2_000 + random.nextInt(20_000));
            store.saveRun(WORKSPACE, Run.builder().workspaceId(WORKSPACE).runId(UUID.randomUUID().toString())
                    .workflowId(workflow).workflowName(workflow.replace('_', ' ')).queuedAt(queuedAt)
                    .startedAt(startedAt).completedAt(completedAt).updatedAt(completedAt).heartbeatAt(completedAt)
                    .instanceId("bench-instance")
                    .status(random.nextInt(10) == 0 ? RunStatus.FAILED : RunStatus.COMPLETED).build());
        }
    }

    private static void measure(InMemoryRunStore store, int listLimit, int requests, int warmup) throws Exception {
        RunViews views = RunViews.builder(store).workerCapacity(16).liveListLimit(listLimit).build();
        MetricsHttpServer server = MetricsHttpServer.builder(store).views(views)
                .token(TOKEN, "bench-viewer", Role.VIEWER, WORKSPACE).noRateLimit().port(0).build();
        RunRecorder recorder = RunRecorder.builder(store).listener(server.runListener()).build();
        server.start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/api/v1/execution-metrics?timeframe=1h");
            HttpRequest plain = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + TOKEN)
                    .timeout(Duration.ofSeconds(30)).GET().build();
            HttpRequest gzip = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + TOKEN)
                    .header("Accept-Encoding", "gzip").timeout(Duration.ofSeconds(30)).GET().build();
            for (int i = 0; i < warmup; i++) {
                check(client.send(plain, HttpResponse.BodyHandlers.ofByteArray()));
            }
            long[] nanos = new long[requests];
            int bytes = 0;
            for (int i = 0; i < requests; i++) {
                long t0 = System.nanoTime();
                HttpResponse<byte[]> r = check(client.send(plain, HttpResponse.BodyHandlers.ofByteArray()));
                nanos[i] = System.nanoTime() - t0;
                bytes = r.body().length;
            }
            HttpResponse<byte[]> zipped = check(client.send(gzip, HttpResponse.BodyHandlers.ofByteArray()));
            String body = new String(client.send(plain, HttpResponse.BodyHandlers.ofByteArray()).body(),
                    StandardCharsets.UTF_8);
            Arrays.sort(nanos);

            Inbox inbox = new Inbox();
            WebSocket ws = client.newWebSocketBuilder().header("Authorization", "Bearer " + TOKEN)
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/ws/executions"), inbox)
                    .get(10, TimeUnit.SECONDS);
            String first = inbox.next();
            // a change in the live set pushes the next update (after at most the 500 ms interval)
            String extra = recorder.runQueued(WORKSPACE, WORKFLOWS[0], "basic sequence", null);
            String next = inbox.next();
            recorder.runCancelled(WORKSPACE, extra, "benchmark over");
            ws.sendClose(1000, "done").get(5, TimeUnit.SECONDS);

            System.out.printf("| %d | %d + %d | %s / %s | %,d | %,d | %.1f | %.1f | %.1f | %.1f | %,d (then %,d) |%n",
                    listLimit, count(body, "\"runId\""), count(body, "\"queueId\""), field(body, "currentlyRunning"),
                    field(body, "queueDepth"), bytes, zipped.body().length, ms(nanos, 0.50), ms(nanos, 0.90),
                    ms(nanos, 0.99), nanos[nanos.length - 1] / 1e6, utf8(first), utf8(next));
        } finally {
            server.stop();
        }
    }

    private static HttpResponse<byte[]> check(HttpResponse<byte[]> r) {
        if (r.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + r.statusCode() + ": " + new String(r.body(), StandardCharsets.UTF_8));
        }
        return r;
    }

    private static double ms(long[] sorted, double quantile) {
        int rank = (int) Math.ceil(quantile * sorted.length) - 1; // nearest rank
        return sorted[Math.max(0, rank)] / 1e6;
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static String field(String json, String name) {
        int at = json.indexOf("\"" + name + "\":");
        if (at < 0) {
            return "?";
        }
        int start = at + name.length() + 3;
        int end = start;
        while (end < json.length() && Character.isDigit(json.charAt(end))) {
            end++;
        }
        return json.substring(start, end);
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Collects whole text messages. */
    private static final class Inbox implements WebSocket.Listener {
        private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        /** The next {@code execution_update} (the run changes sent between them are skipped). */
        String next() throws InterruptedException {
            while (true) {
                String m = messages.poll(10, TimeUnit.SECONDS);
                if (m == null) {
                    throw new IllegalStateException("no execution_update within 10 s");
                }
                if (m.startsWith("{\"event\":\"execution_update\"")) {
                    return m;
                }
            }
        }
    }
}
