package dev.runmetrics.bench.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runmetrics.bench.store.BenchSupport;
import dev.runmetrics.core.model.StepSpec;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.views.RunViews;
import dev.runmetrics.http.MetricsHttpServer;
import dev.runmetrics.http.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * How long a run that starts takes to reach a {@code /ws/executions} subscriber: the time from the
 * recorder's {@code runStarted} call to the moment a real WebSocket client ({@code java.net.http})
 * of a real {@link MetricsHttpServer} (Jetty, loopback) has received the first message that shows the
 * run running: an {@code execution_update} listing it in {@code executionsInProgress}, or an
 * {@code execution_changed} of it with status {@code running}. Both ends are in this JVM, so they
 * share {@link System#nanoTime()}.
 *
 * <p>The load is the demo's shape: runs of 4 workflows, 3 sequential steps each with the demo's
 * realistic latencies (±30 %), arriving at {@code --rate} runs per second (evenly spaced), queued
 * 10 ms before they start, recorded through a {@link RunRecorder} into an {@link InMemoryRunStore}
 * with the views' default list limit. Runs started in the first {@code --warmup} seconds are not
 * counted; a run never seen before the end counts as missed.
 *
 * <pre>
 * ./mvnw -o -B -q -pl benchmarks -am package -DskipTests -Djacoco.skip=true
 * java -cp benchmarks/target/benchmarks.jar dev.runmetrics.bench.http.LiveEventLag \
 *     [--rates 4,40] [--seconds 30] [--warmup 5]
 * </pre>
 */
public final class LiveEventLag {

    private static final String WORKSPACE = "bench";
    private static final String TOKEN = "bench-viewer-token-0123456789ab";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The demo's workflows and the realistic base latency of their steps, in ms. */
    private static final Map<String, long[]> WORKFLOWS = Map.of("basic_sequence", new long[] {150, 600, 100},
            "parallel_processing", new long[] {300, 700, 200}, "conditional_workflow", new long[] {50, 600, 150},
            "data_pipeline", new long[] {100, 800, 1200});
    private static final List<String> WORKFLOW_IDS = List.copyOf(WORKFLOWS.keySet());

    private LiveEventLag() {}

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = BenchSupport.parseArgs(argv);
        double[] rates = Arrays.stream(args.getOrDefault("rates", "4,40").split(",")).mapToDouble(Double::parseDouble)
                .toArray();
        int seconds = Integer.parseInt(args.getOrDefault("seconds", "30"));
        int warmup = Integer.parseInt(args.getOrDefault("warmup", "5"));
        System.out.printf("LiveEventLag %s%n", args);
        System.out.printf("machine: %d cores, %s, JDK %s, %s%n", Runtime.getRuntime().availableProcessors(),
                BenchSupport.cpuModel(), System.getProperty("java.version"), BenchSupport.loadAverage());
        System.out.println();
        System.out.println("| runs/s | runs counted | missed | p50 ms | p95 ms | p99 ms | max ms | messages/s |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (double rate : rates) {
            measure(rate, seconds, warmup);
        }
        System.out.printf("%n%s%n", BenchSupport.loadAverage());
    }

    private static void measure(double rate, int seconds, int warmup) throws Exception {
        InMemoryRunStore store = new InMemoryRunStore();
        RunViews views = RunViews.builder(store).workerCapacity(16).build();
        MetricsHttpServer server = MetricsHttpServer.builder(store).views(views)
                .token(TOKEN, "bench-viewer", Role.VIEWER, WORKSPACE).noRateLimit().port(0).build();
        RunRecorder recorder = RunRecorder.builder(store).listener(server.runListener()).build();
        server.start();
        ScheduledExecutorService engine = Executors.newScheduledThreadPool(2);
        Map<String, Long> startedAt = new ConcurrentHashMap<>();
        Map<String, Long> lag = new ConcurrentHashMap<>();
        Subscriber subscriber = new Subscriber(startedAt, lag);
        try {
            HttpClient client = HttpClient.newHttpClient();
            WebSocket ws = client.newWebSocketBuilder().header("Authorization", "Bearer " + TOKEN)
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/ws/executions"), subscriber)
                    .get(10, TimeUnit.SECONDS);
            long periodNanos = Math.round(1e9 / rate);
            long begin = System.nanoTime();
            long warmEnd = begin + TimeUnit.SECONDS.toNanos(warmup);
            long end = warmEnd + TimeUnit.SECONDS.toNanos(seconds);
            List<String> counted = new ArrayList<>();
            int i = 0;
            for (long next = begin; next < end; next += periodNanos, i++) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                String workflow = WORKFLOW_IDS.get(i % WORKFLOW_IDS.size());
                String run = recorder.runQueued(WORKSPACE, workflow, workflow.replace('_', ' '), null);
                boolean count = next >= warmEnd;
                engine.schedule(() -> start(recorder, engine, startedAt, workflow, run), 10, TimeUnit.MILLISECONDS);
                if (count) {
                    counted.add(run);
                }
            }
            Thread.sleep(3_000); // the last runs' pushes arrive
            long messages = subscriber.messages;
            double elapsedSeconds = (System.nanoTime() - begin) / 1e9;
            ws.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
            long[] lags = counted.stream().map(lag::get).filter(v -> v != null).mapToLong(Long::longValue).sorted()
                    .toArray();
            int missed = counted.size() - lags.length;
            System.out.printf("| %s | %d | %d | %.1f | %.1f | %.1f | %.1f | %.0f |%n", fmt(rate), lags.length, missed,
                    ms(lags, 0.50), ms(lags, 0.95), ms(lags, 0.99), lags.length == 0 ? Double.NaN
                            : lags[lags.length - 1] / 1e6, messages / elapsedSeconds);
        } finally {
            engine.shutdownNow();
            engine.awaitTermination(5, TimeUnit.SECONDS);
            server.stop();
        }
    }

    /** Starts the run (timing the recorder's call) and schedules its steps one after the other. */
    private static void start(RunRecorder recorder, ScheduledExecutorService engine, Map<String, Long> startedAt,
            String workflow, String run) {
        startedAt.put(run, System.nanoTime());
        recorder.runStarted(WORKSPACE, run);
        step(recorder, engine, workflow, run, 0);
    }

    private static void step(RunRecorder recorder, ScheduledExecutorService engine, String workflow, String run,
            int index) {
        long[] base = WORKFLOWS.get(workflow);
        if (index == base.length) {
            recorder.runCompleted(WORKSPACE, run, null);
            return;
        }
        String id = "step_" + index;
        recorder.stepStarted(WORKSPACE, run, new StepSpec(id, id, index + 1, id), null);
        long ms = Math.round(base[index] * (0.7 + 0.6 * ThreadLocalRandom.current().nextDouble()));
        engine.schedule(() -> {
            recorder.stepCompleted(WORKSPACE, run, id, null);
            step(recorder, engine, workflow, run, index + 1);
        }, ms, TimeUnit.MILLISECONDS);
    }

    /** Notes, for each run, when a message first showed it running. */
    private static final class Subscriber implements WebSocket.Listener {
        private final Map<String, Long> startedAt;
        private final Map<String, Long> lag;
        private final StringBuilder partial = new StringBuilder();
        volatile long messages;

        Subscriber(Map<String, Long> startedAt, Map<String, Long> lag) {
            this.startedAt = startedAt;
            this.lag = lag;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                long arrived = System.nanoTime();
                messages++;
                try {
                    JsonNode m = JSON.readTree(partial.toString());
                    String event = m.path("event").asText();
                    JsonNode d = m.path("data");
                    if (event.equals("execution_update")) {
                        for (JsonNode r : d.path("executionsInProgress")) {
                            seen(r.path("runId").asText(), arrived);
                        }
                    } else if (event.equals("execution_changed") && d.path("status").asText().equals("running")) {
                        seen(d.path("execution_id").asText(), arrived);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        private void seen(String run, long arrived) {
            Long started = startedAt.get(run);
            if (started != null) {
                lag.putIfAbsent(run, arrived - started);
            }
        }
    }

    private static double ms(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(quantile * sorted.length) - 1; // nearest rank
        return sorted[Math.max(0, rank)] / 1e6;
    }

    private static String fmt(double rate) {
        return rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate);
    }
}
