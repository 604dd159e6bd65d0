package dev.runmetrics.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.control.ResumeResult;
import dev.runmetrics.core.flow.RunOutcome;
import dev.runmetrics.core.flow.WorkflowRunner;
import dev.runmetrics.core.flow.example.ExampleWorkflows;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.node.ErrorCategory;
import dev.runmetrics.core.node.NodeMetricsCollector;
import dev.runmetrics.core.node.RetryPolicy;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.time.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The example workflows run by the real {@link WorkflowRunner}, recorded by a real
 * {@link RunRecorder} into an {@link InMemoryRunStore}, with a bridge bound to both the collector
 * and the recorder. One worker and a manual clock that each step's latency advances by
 * {@link #STEP_LATENCY}, so every duration is exact.
 */
final class ExampleRuns implements AutoCloseable {
    static final String WS = "ws-1";
    static final Duration STEP_LATENCY = Duration.ofMillis(50);
    static final Duration BACKOFF = Duration.ofMillis(10);

    final ManualClock clock = new ManualClock(Instant.parse("2026-05-04T12:00:00Z"));
    final NodeMetricsCollector collector = NodeMetricsCollector.builder().clock(clock).build();
    final InMemoryRunStore store = new InMemoryRunStore("test-instance");
    final RunRecorder recorder;
    final WorkflowRunner runner;
    /** Steps whose next try fails with a transient network error (retried once by the nodes' policy). */
    private final Set<String> failOnce = ConcurrentHashMap.newKeySet();
    /** Every run id submitted: no meter may carry one. */
    final List<String> runIds = new CopyOnWriteArrayList<>();

    ExampleRuns(MicrometerBridge bridge) {
        bridge.bindTo(collector);
        recorder = RunRecorder.builder(store).clock(clock).instanceId("test-instance")
                .listener(bridge.runListener()).build();
        ExampleWorkflows.Options options = ExampleWorkflows.Options.builder()
                .latency((workflowId, stepId) -> STEP_LATENCY)
                .sleeper(clock::advance)
                .metricsCollector(collector)
                .retryPolicy(RetryPolicy.builder().maxAttempts(2).initialBackoff(BACKOFF).jitter(0)
                        .retryOn(ErrorCategory.NETWORK).build())
                .hook((workflowId, in) -> {
                    if (failOnce.remove(in.stepId())) {
                        throw new IOException("connection reset (test)");
                    }
                })
                .build();
        runner = WorkflowRunner.builder(recorder, store).workers(1).heartbeatEvery(Duration.ZERO)
                .workflows(ExampleWorkflows.all(options)).build();
    }

    /**
     * Plays the scenario the registry tests read: three basic_sequence runs (the first one's
     * {@code process} fails once with a network error and is retried), one conditional_workflow in
     * mode fast (two steps skipped), one parallel_processing, and one data_pipeline that fails at
     * {@code transform_data} and is resumed from it to completion.
     */
    void playScenario() throws Exception {
        failOnce.add("process");
        for (int i = 0; i < 3; i++) {
            assertThat(run(ExampleWorkflows.BASIC_SEQUENCE, Map.of("records", 10)).status()).isEqualTo(RunStatus.COMPLETED);
        }
        assertThat(run(ExampleWorkflows.CONDITIONAL_WORKFLOW, Map.of("mode", "fast")).status())
                .isEqualTo(RunStatus.COMPLETED);
        assertThat(run(ExampleWorkflows.PARALLEL_PROCESSING, Map.of()).status()).isEqualTo(RunStatus.COMPLETED);

        String pipeline = submit(ExampleWorkflows.DATA_PIPELINE, Map.of(ExampleWorkflows.FAIL_STEP, "transform_data"));
        assertThat(await(pipeline).status()).isEqualTo(RunStatus.FAILED);
        ResumeResult resumed = runner.resume(WS, "alice", pipeline, "transform_data", Map.of(ExampleWorkflows.FAIL_STEP, ""));
        assertThat(resumed).isInstanceOf(ResumeResult.Accepted.class);
        assertThat(await(pipeline).status()).isEqualTo(RunStatus.COMPLETED);
    }

    RunOutcome run(String workflowId, Map<String, ?> input) throws Exception {
        return await(submit(workflowId, input));
    }

    private String submit(String workflowId, Map<String, ?> input) {
        String runId = runner.submit(WS, workflowId, input);
        runIds.add(runId);
        return runId;
    }

    private RunOutcome await(String runId) throws Exception {
        return runner.completion(WS, runId).orElseThrow().get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        runner.close();
    }
}
