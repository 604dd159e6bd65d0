package dev.runmetrics.http;

import dev.runmetrics.core.control.ResumeHandler;
import dev.runmetrics.core.control.RunAction;
import dev.runmetrics.core.model.StepSpec;
import dev.runmetrics.core.node.ErrorCategory;
import dev.runmetrics.core.node.NodeMetricsCollector;
import dev.runmetrics.core.node.WorkspaceNodeMetrics;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.StepCheckpoint;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.time.ManualClock;
import dev.runmetrics.core.views.RunViews;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A started server over an in-memory store, with runs recorded through a real RunRecorder on a
 * manual clock: in workspace ws-a three ended runs of basic_sequence (two completed, one failed at
 * "process", planned with its three steps so that "finalize" is pending) and one still running; in
 * ws-b one completed run. Each completed step has its checkpoint.
 */
final class World implements AutoCloseable {

    static final Instant START = Instant.parse("2026-01-15T10:00:00Z");
    static final String WORKFLOW = "basic_sequence";
    static final StepSpec INITIALIZE = new StepSpec("initialize", "Initialize", 1, "init-node");
    static final StepSpec PROCESS = new StepSpec("process", "Process", 2, "process-node");
    static final StepSpec FINALIZE = new StepSpec("finalize", "Finalize", 3, "finalize-node");

    final ManualClock clock = new ManualClock(START);
    final InMemoryRunStore store = new InMemoryRunStore();
    final RunViews views;
    final WorkspaceNodeMetrics nodes = WorkspaceNodeMetrics.of(NodeMetricsCollector.builder().clock(clock));
    /** Workspace ws-a's node metrics. */
    final NodeMetricsCollector collector = nodes.collector(Api.WS_A);
    final MetricsHttpServer server;
    final RunRecorder recorder;
    final Api api;

    String completed1;
    String completed2;
    String failed;
    String running;
    String otherWorkspaceRun;

    World() {
        this(b -> b);
    }

    World(UnaryOperator<MetricsHttpServer.Builder> config) {
        this(config, true);
    }

    World(UnaryOperator<MetricsHttpServer.Builder> config, boolean record) {
        this(config, v -> v, record);
    }

    /** With the views' builder adjusted too (a resource sampler, say). */
    World(UnaryOperator<MetricsHttpServer.Builder> config, UnaryOperator<RunViews.Builder> viewsConfig,
            boolean record) {
        views = viewsConfig.apply(RunViews.builder(store).workerCapacity(4).clock(clock)).build();
        server = config.apply(Api.withTokens(MetricsHttpServer.builder(store)).port(0).views(views)
                .nodeMetrics(nodes).clock(clock)).build();
        recorder = RunRecorder.builder(store).clock(clock).listener(server.runListener()).build();
        server.start();
        api = new Api(server.port());
        if (record) {
            recordRuns();
        }
    }

    static World withResume(ResumeHandler resume, RunActionLog actions) {
        return new World(b -> b.resumeHandler(resume).pause(actions::pause).cancel(actions::cancel));
    }

    void recordRuns() {
        completed1 = completedRun(Api.WS_A, 2);
        completed2 = completedRun(Api.WS_A, 5);
        failed = failedRun(Api.WS_A);
        running = runningRun(Api.WS_A);
        otherWorkspaceRun = completedRun(Api.WS_B, 3);
        collector.recordSuccess("fetch", 12.5);
        collector.recordSuccess("fetch", 20);
        collector.recordFailure("fetch", 30, ErrorCategory.TIMEOUT);
        collector.recordSuccess("node \"quoted\" \\ back", 5);
        // ws-b runs the same node under another load: five calls, all fast
        for (int i = 0; i < 5; i++) {
            nodes.collector(Api.WS_B).recordSuccess("fetch", 1);
        }
    }

    String completedRun(String ws, int processSeconds) {
        String run = recorder.runQueued(ws, WORKFLOW, "Basic sequence", Map.of("mode", "standard"),
                Map.of("user_id", "u-1", "priority", 1));
        tick(1);
        recorder.runStarted(ws, run);
        step(ws, run, INITIALIZE, 1, Map.of("data_size", 1024));
        step(ws, run, PROCESS, processSeconds, Map.of("processed_records", 100));
        step(ws, run, FINALIZE, 1, null);
        recorder.runCompleted(ws, run, Map.of("output", "success"));
        tick(1);
        return run;
    }

    String failedRun(String ws) {
        // Planned like the reference runner plans its runs: "finalize", never reached, shows as pending.
        String run = recorder.runQueued(ws, WORKFLOW, "Basic sequence", Map.of("mode", "standard"), null,
                java.util.List.of(INITIALIZE, PROCESS, FINALIZE));
        tick(1);
        recorder.runStarted(ws, run);
        step(ws, run, INITIALIZE, 1, Map.of("data_size", 1));
        recorder.stepStarted(ws, run, PROCESS, Map.of("batch_size", 100));
        tick(3);
        recorder.stepFailed(ws, run, PROCESS.stepId(), "Timeout exceeded", "TIMEOUT");
        recorder.runFailed(ws, run, "Step 'process' failed");
        tick(1);
        return run;
    }

    String runningRun(String ws) {
        String run = recorder.runQueued(ws, WORKFLOW, "Basic sequence", null);
        tick(1);
        recorder.runStarted(ws, run);
        recorder.stepStarted(ws, run, INITIALIZE, null);
        tick(1);
        return run;
    }

    void step(String ws, String run, StepSpec spec, int seconds, Object output) {
        recorder.stepStarted(ws, run, spec, Map.of("k", "v"));
        tick(seconds);
        // As the reference runner does: the full output is checkpointed before the step counts as completed.
        store.saveCheckpoint(ws, new StepCheckpoint(ws, run, spec.stepId(), 1, output, recorder.now()));
        recorder.stepCompleted(ws, run, spec.stepId(), output);
    }

    void tick(int seconds) {
        clock.advance(Duration.ofSeconds(seconds));
    }

    @Override
    public void close() {
        server.stop();
    }

    /** Records pause and cancel calls; answers true for the running run only. */
    static final class RunActionLog {
        volatile String allowed;
        final java.util.List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();

        boolean pause(String ws, String run, String reason) {
            calls.add("pause " + ws + " " + run + " " + reason);
            return run.equals(allowed);
        }

        boolean cancel(String ws, String run, String reason) {
            calls.add("cancel " + ws + " " + run + " " + reason);
            return run.equals(allowed);
        }
    }
}
