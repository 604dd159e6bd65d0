package dev.runmetrics.http;

import dev.runmetrics.core.flow.RunOutcome;
import dev.runmetrics.core.flow.WorkflowRunner;
import dev.runmetrics.core.flow.example.ExampleWorkflows;
import dev.runmetrics.core.model.RunFixtures;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.node.NodeMetricsCollector;
import dev.runmetrics.core.node.WorkspaceNodeMetrics;
import dev.runmetrics.core.node.RetryPolicy;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.views.RunViews;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A real server for the dashboard: an in-memory store, a RunRecorder, the reference WorkflowRunner
 * running the four example workflows (latencies scaled down, one retry per step), the
 * views, and an operator and a viewer token of workspace {@value #WS}. {@link #main} serves it on
 * port 8099 (or the first argument) under a steady load, to look at the dashboard by hand.
 */
final class DashboardWorld implements AutoCloseable {

    static final String OPERATOR = "dash-operator-token-00001";
    static final String VIEWER = "dash-viewer-token-0000001";
    static final String WS = "ws-demo";
    static final String OTHER_WS = "ws-other";
    /** A viewer token of two workspaces: the login page lets its holder choose. */
    static final String MULTI = "dash-multi-token-00000001";

    final InMemoryRunStore store = new InMemoryRunStore();
    final WorkspaceNodeMetrics nodes = WorkspaceNodeMetrics.of(NodeMetricsCollector.builder());
    final RunViews views = RunViews.builder(store).workerCapacity(4).build();
    final MetricsHttpServer server;
    final WorkflowRunner runner;
    /** A step named by the input's {@value #HOLD_STEP} waits for this before it runs (at most 30 s). */
    final CountDownLatch release = new CountDownLatch(1);
    static final String HOLD_STEP = "hold_step";
    /**
     * A step named by the input's {@value #HOLD_UNTIL_CANCELLED} waits (at most 30 s) until the run
     * is cancelled: the runner's cancel interrupts it.
     */
    static final String HOLD_UNTIL_CANCELLED = "hold_until_cancelled";

    /** @param latencyScale how much of the examples' realistic step latency each step waits */
    DashboardWorld(int port, double latencyScale) {
        this(port, latencyScale, UnaryOperator.identity());
    }

    /** @param httpOptions configures the server further (the execution update interval, ...) */
    DashboardWorld(int port, double latencyScale, UnaryOperator<MetricsHttpServer.Builder> httpOptions) {
        MetricsHttpServer.Builder http = MetricsHttpServer.builder(store).port(port).views(views)
                .nodeMetrics(nodes).noRateLimit()
                .token(OPERATOR, "alice (operator)", Role.OPERATOR, WS)
                .token(VIEWER, "victor (viewer)", Role.VIEWER, WS)
                .token(MULTI, "maya (viewer)", Role.VIEWER, WS, OTHER_WS)
                .workspaceSlug("demo", WS);
        RunRecorder recorder = RunRecorder.builder(store).listener(http.runListener()).build();
        ExampleWorkflows.Latency realistic = ExampleWorkflows.Latency.realistic();
        ExampleWorkflows.Options options = ExampleWorkflows.Options.builder()
                .latency((wf, step) -> Duration.ofMillis(Math.round(realistic.of(wf, step).toMillis() * latencyScale)))
                .nodeMetrics(nodes)
                .hook((wf, in) -> {
                    if (in.stepId().equals(in.value(HOLD_STEP))) {
                        release.await(30, TimeUnit.SECONDS);
                    }
                    if (in.stepId().equals(in.value(HOLD_UNTIL_CANCELLED))) {
                        Thread.sleep(30_000);
                    }
                })
                .retryPolicy(RetryPolicy.builder().maxAttempts(2).initialBackoff(Duration.ofMillis(40)).build())
                .build();
        runner = WorkflowRunner.builder(recorder, store).workers(4).workflows(ExampleWorkflows.all(options)).build();
        server = httpOptions.apply(http).resumeHandler(runner).pause(runner::pause).cancel(runner::cancel).build();
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.port() + "/";
    }

    String submit(String workflow, Map<String, ?> input) {
        return runner.submit(WS, workflow, input, Map.of("user_id", "u-" + ThreadLocalRandom.current().nextInt(1, 4)));
    }

    RunOutcome await(String run) throws Exception {
        return runner.completion(WS, run).orElseThrow().get(30, TimeUnit.SECONDS);
    }

    /**
     * Stores {@code days} days of basic_sequence history before now, straight into the store (the
     * runner only makes runs now; a trend needs days): a run every 40 minutes, slower in the UTC
     * afternoon and a little slower each day, about one in eleven failing at "process", with its
     * three steps. Returns how many runs it stored.
     */
    int seedHistory(int days) {
        Instant end = Instant.now().minus(Duration.ofHours(1));
        Random random = new Random(42);
        int runs = 0;
        for (Instant queued = end.minus(Duration.ofDays(days)); queued.isBefore(end);
                queued = queued.plus(Duration.ofMinutes(40)), runs++) {
            double hour = queued.atZone(ZoneOffset.UTC).getHour();
            double load = 1 + 0.6 * Math.max(0, Math.sin((hour - 8) / 12 * Math.PI))
                    + 0.05 * Duration.between(end.minus(Duration.ofDays(days)), queued).toHours() / 24.0;
            boolean fails = random.nextInt(11) == 0;
            long[] ms = {Math.round(150 * (0.8 + 0.4 * random.nextDouble())),
                    Math.round(600 * load * (0.6 + 0.8 * random.nextDouble())),
                    Math.round(100 * (0.8 + 0.4 * random.nextDouble()))};
            String run = RunFixtures.newRunId();
            Instant at = queued.plusMillis(20);
            String[][] steps = {{"initialize", "Initialize"}, {"process", "Process"}, {"finalize", "Finalize"}};
            for (int i = 0; i < steps.length; i++) {
                boolean failed = fails && i == 1;
                Instant done = at.plusMillis(ms[i]);
                store.saveStep(WS, RunFixtures.stepBuilder(WS, run, steps[i][0], i + 1,
                        ExampleWorkflows.BASIC_SEQUENCE + "." + steps[i][0], at).stepName(steps[i][1])
                        .status(failed ? RunStatus.FAILED : RunStatus.COMPLETED)
                        .startedAt(at).completedAt(done).errorMessage(failed ? "upstream timed out" : null)
                        .updatedAt(done).build());
                at = done;
                if (failed) {
                    break;
                }
            }
            store.saveRun(WS, RunFixtures.ended(WS, run, ExampleWorkflows.BASIC_SEQUENCE,
                    queued, Duration.ofMillis(20), Duration.between(queued.plusMillis(20), at),
                    fails ? RunStatus.FAILED : RunStatus.COMPLETED));
        }
        return runs;
    }

    @Override
    public void close() {
        runner.close();
        server.stop();
    }

    public static void main(String[] args) throws Exception {
        DashboardWorld world = new DashboardWorld(args.length > 0 ? Integer.parseInt(args[0]) : 8099, 1.0);
        world.release.countDown();
        System.out.println("dashboard: " + world.url() + "\noperator token: " + OPERATOR + "\nviewer token:   "
                + VIEWER + "\nworkspace: " + WS);
        List<String> workflows = List.of(ExampleWorkflows.BASIC_SEQUENCE, ExampleWorkflows.PARALLEL_PROCESSING,
                ExampleWorkflows.CONDITIONAL_WORKFLOW, ExampleWorkflows.DATA_PIPELINE);
        String[] modes = {"fast", "standard", "thorough"};
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (true) {
            String wf = workflows.get(random.nextInt(workflows.size()));
            Map<String, Object> input = new java.util.HashMap<>(Map.of("mode", modes[random.nextInt(3)]));
            if (random.nextInt(8) == 0) {
                input.put(ExampleWorkflows.FAIL_STEP, List.of("process", "branch_b", "standard_process",
                        "transform_data").get(random.nextInt(4)));
            }
            world.submit(wf, input);
            Thread.sleep(400 + random.nextInt(800));
        }
    }
}
