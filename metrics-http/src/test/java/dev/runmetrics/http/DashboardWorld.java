package dev.runmetrics.http;

import dev.runmetrics.core.flow.RunOutcome;
import dev.runmetrics.core.flow.WorkflowRunner;
import dev.runmetrics.core.flow.example.ExampleWorkflows;
import dev.runmetrics.core.node.NodeMetricsCollector;
import dev.runmetrics.core.node.WorkspaceNodeMetrics;
import dev.runmetrics.core.node.RetryPolicy;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.views.RunViews;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

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
        server = http.resumeHandler(runner).pause(runner::pause).cancel(runner::cancel).build();
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
