package dev.runmetrics.opentelemetry;

import static dev.runmetrics.opentelemetry.TracedRunner.WS;
import static dev.runmetrics.opentelemetry.TracedRunner.endOf;
import static dev.runmetrics.opentelemetry.TracedRunner.sameSpan;
import static dev.runmetrics.opentelemetry.TracedRunner.startOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.control.ResumeResult;
import dev.runmetrics.core.flow.example.ExampleWorkflows;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.node.ErrorCategory;
import dev.runmetrics.core.node.RetryPolicy;
import dev.runmetrics.core.record.RunEvent;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The trace of each example workflow, run by the real runner, is exactly what the recorder
 * recorded: one run span per attempt, one step span per step run of the store, each under its
 * attempt's span, with the store's instants, statuses and error categories.
 */
class TraceTreeTest {

    private static final Set<RunEvent.Type> ENDS = EnumSet.of(RunEvent.Type.RUN_COMPLETED, RunEvent.Type.RUN_FAILED,
            RunEvent.Type.RUN_CANCELLED, RunEvent.Type.RUN_TIMEOUT, RunEvent.Type.RUN_PAUSED);

    private TracedRunner t;

    @AfterEach
    void close() {
        if (t != null) {
            t.close();
        }
    }

    @Test
    void aSequenceIsOneRunSpanOverItsStepsOneAfterTheOther() throws Exception {
        t = new TracedRunner();
        String runId = t.submit(ExampleWorkflows.BASIC_SEQUENCE, Map.of("records", 10));
        assertThat(t.await(runId).status()).isEqualTo(RunStatus.COMPLETED);

        Trace trace = assertTraceIsWhatWasRecorded(runId);
        SpanData run = trace.runSpan(1);
        assertThat(run.getName()).isEqualTo("run basic_sequence");
        assertThat(run.getKind()).isEqualTo(SpanKind.INTERNAL);
        assertThat(run.getAttributes().get(TraceConventions.WORKFLOW_NAME)).isEqualTo("Basic Sequence");
        assertThat(run.getEvents()).extracting(EventData::getName).containsExactly(TraceConventions.RUN_STARTED_EVENT);
        List<SpanData> steps = trace.stepSpans(1);
        assertThat(steps).extracting(SpanData::getName)
                .containsExactly("step initialize", "step process", "step finalize");
        for (int i = 1; i < steps.size(); i++) {
            assertThat(startOf(steps.get(i))).isAfterOrEqualTo(endOf(steps.get(i - 1)));
        }
        SpanData process = steps.get(1);
        assertThat(process.getAttributes().get(TraceConventions.STEP_ORDER)).isEqualTo(2L);
        assertThat(process.getAttributes().get(TraceConventions.NODE_NAME)).isEqualTo("basic_sequence.process");
        assertThat(process.getAttributes().get(TraceConventions.WORKFLOW_ID)).isEqualTo("basic_sequence");
        assertThat(process.getEvents()).singleElement().satisfies(e -> {
            assertThat(e.getName()).isEqualTo(TraceConventions.STEP_STARTED_EVENT);
            assertThat(e.getAttributes().get(TraceConventions.STEP_TRY)).isEqualTo(1L);
            assertThat(e.getEpochNanos()).isEqualTo(nanos(t.store.findSteps(WS, runId).stream()
                    .filter(s -> s.stepId().equals("process")).findFirst().orElseThrow().startedAt()));
        });
    }

    @Test
    void parallelBranchesAreSiblingSpansBetweenTheirFanOutAndTheirJoin() throws Exception {
        t = new TracedRunner();
        String runId = t.submit(ExampleWorkflows.PARALLEL_PROCESSING, Map.of("records", 99));
        assertThat(t.await(runId).status()).isEqualTo(RunStatus.COMPLETED);

        Trace trace = assertTraceIsWhatWasRecorded(runId);
        Map<String, SpanData> byStep = trace.stepSpansById(1);
        assertThat(byStep).hasSize(5);
        // Two workers for three branches: one branch waited, and its span covers the wait.
        assertThat(t.store.findSteps(WS, runId)).anySatisfy(s -> assertThat(s.queueWait().orElseThrow())
                .isPositive());
        SpanData prep = byStep.get("data_preparation");
        SpanData merge = byStep.get("merge_results");
        for (String branch : List.of("branch_a", "branch_b", "branch_c")) {
            SpanData b = byStep.get(branch);
            assertThat(b.getParentSpanId()).isEqualTo(trace.runSpan(1).getSpanId());
            assertThat(startOf(b)).isAfterOrEqualTo(endOf(prep));
            assertThat(startOf(merge)).isAfterOrEqualTo(endOf(b));
        }
    }

    @Test
    void aConditionsSkippedBranchesAreSpansThatSaySkipped() throws Exception {
        t = new TracedRunner();
        String runId = t.submit(ExampleWorkflows.CONDITIONAL_WORKFLOW, Map.of("mode", "standard"));
        assertThat(t.await(runId).status()).isEqualTo(RunStatus.COMPLETED);

        Trace trace = assertTraceIsWhatWasRecorded(runId);
        Map<String, SpanData> byStep = trace.stepSpansById(1);
        assertThat(byStep.keySet()).containsExactlyInAnyOrder("evaluate_condition", "fast_process",
                "standard_process", "thorough_process", "aggregate_results");
        for (String skipped : List.of("fast_process", "thorough_process")) {
            SpanData s = byStep.get(skipped);
            assertThat(s.getAttributes().get(TraceConventions.STEP_STATUS)).isEqualTo("skipped");
            assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
            assertThat(s.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey(
                    TraceConventions.STEP_ATTRIBUTE_PREFIX + "skip_reason"))).startsWith("condition ");
            assertThat(s.getEvents()).isEmpty();
        }
        assertThat(byStep.get("standard_process").getAttributes().get(TraceConventions.STEP_STATUS))
                .isEqualTo("completed");
    }

    @Test
    void aFailedAndResumedRunIsOneTraceWhoseSecondAttemptLinksToTheFirst() throws Exception {
        t = new TracedRunner();
        String runId = t.submit(ExampleWorkflows.DATA_PIPELINE, Map.of(ExampleWorkflows.FAIL_STEP, "transform_data"));
        assertThat(t.await(runId).status()).isEqualTo(RunStatus.FAILED);
        SpanData firstRun = new Trace(t.spansOf(runId)).runSpan(1);
        assertThat(firstRun.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(firstRun.getStatus().getDescription()).startsWith("step 'transform_data' failed: ")
                .contains("injected failure");
        assertThat(firstRun.getAttributes().get(TraceConventions.ERROR_TYPE)).isEqualTo(ErrorCategory.OTHER.name());
        assertThat(t.listener.liveRuns()).isZero();

        t.clock.advance(Duration.ofMinutes(5));
        Map<String, Object> lift = new HashMap<>();
        lift.put(ExampleWorkflows.FAIL_STEP, null);
        ResumeResult result = t.runner.resume(WS, "alice", runId, "transform_data", lift);
        assertThat(result).isInstanceOf(ResumeResult.Accepted.class);
        assertThat(t.await(runId).status()).isEqualTo(RunStatus.COMPLETED);

        Trace trace = assertTraceIsWhatWasRecorded(runId);
        SpanData second = trace.runSpan(2);
        assertThat(second.getParentSpanId()).isEqualTo(trace.runSpan(1).getSpanId());
        assertThat(second.getLinks()).singleElement().satisfies(link -> {
            assertThat(sameSpan(link.getSpanContext(), trace.runSpan(1).getSpanContext())).isTrue();
            assertThat(link.getAttributes().get(TraceConventions.RUN_ATTEMPT)).isEqualTo(1L);
        });
        assertThat(second.getEvents()).extracting(EventData::getName)
                .containsExactly(TraceConventions.RUN_RESUMED_EVENT, TraceConventions.RUN_STARTED_EVENT);
        assertThat(second.getEvents().get(0).getAttributes().get(TraceConventions.RESUMED_ATTEMPT)).isEqualTo(1L);
        assertThat(second.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(second.getAttributes().get(TraceConventions.ERROR_TYPE)).isNull();

        // The restored steps are not run again, so they have no span in the second attempt; the
        // resumed step's new span links to its failed one.
        Map<String, SpanData> again = trace.stepSpansById(2);
        assertThat(again.keySet()).containsExactlyInAnyOrder("transform_data", "validate_transformation",
                "load_data", "post_load_validation", "cleanup");
        SpanData failedTransform = trace.stepSpansById(1).get("transform_data");
        assertThat(again.get("transform_data").getLinks()).extracting(LinkData::getSpanContext)
                .singleElement().satisfies(c -> assertThat(sameSpan(c, failedTransform.getSpanContext())).isTrue());
        assertThat(again.get("load_data").getLinks()).isEmpty(); // it never ran in the first attempt
    }

    @Test
    void aPausedRunEndsItsAttemptWithPauseEventsAndResumesInTheSameTrace() throws Exception {
        t = new TracedRunner();
        String runId = t.submit(ExampleWorkflows.BASIC_SEQUENCE, Map.of(ExampleWorkflows.PAUSE_STEP, "finalize"));
        assertThat(t.await(runId).status()).isEqualTo(RunStatus.PAUSED);
        t.clock.advance(Duration.ofMinutes(1));
        assertThat(t.runner.resume(WS, "bob", runId, "finalize", Map.of(ExampleWorkflows.APPROVED, true)))
                .isInstanceOf(ResumeResult.Accepted.class);
        assertThat(t.await(runId).status()).isEqualTo(RunStatus.COMPLETED);

        Trace trace = assertTraceIsWhatWasRecorded(runId);
        SpanData paused = trace.runSpan(1);
        assertThat(paused.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(paused.getAttributes().get(TraceConventions.RUN_STATUS)).isEqualTo("paused");
        EventData runPause = paused.getEvents().get(paused.getEvents().size() - 1);
        assertThat(runPause.getName()).isEqualTo(TraceConventions.RUN_PAUSED_EVENT);
        assertThat(runPause.getEpochNanos()).isEqualTo(paused.getEndEpochNanos());
        assertThat(runPause.getAttributes().get(TraceConventions.REASON)).contains("waits for approval");

        SpanData pausedStep = trace.stepSpansById(1).get("finalize");
        assertThat(pausedStep.getEvents()).extracting(EventData::getName)
                .containsExactly(TraceConventions.STEP_STARTED_EVENT, TraceConventions.STEP_PAUSED_EVENT);
        assertThat(trace.stepSpansById(2).get("finalize").getLinks()).singleElement()
                .satisfies(l -> assertThat(sameSpan(l.getSpanContext(), pausedStep.getSpanContext())).isTrue());
    }

    @Test
    void aRetriedStepIsOneSpanWithARetryEventAndNoError() throws Exception {
        Map<String, AtomicInteger> tries = new ConcurrentHashMap<>();
        RetryPolicy retry = RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(100))
                .retryOn(ErrorCategory.NETWORK).build();
        t = new TracedRunner(retry, (workflowId, in) -> {
            if (in.stepId().equals("process") && tries.computeIfAbsent(in.runId(), k -> new AtomicInteger())
                    .incrementAndGet() == 1) {
                throw new IOException("connection reset");
            }
        });
        String runId = t.submit(ExampleWorkflows.BASIC_SEQUENCE, Map.of());
        assertThat(t.await(runId).status()).isEqualTo(RunStatus.COMPLETED);

        Trace trace = assertTraceIsWhatWasRecorded(runId);
        SpanData process = trace.stepSpansById(1).get("process");
        assertThat(process.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(process.getAttributes().get(TraceConventions.ERROR_TYPE)).isNull();
        assertThat(process.getAttributes().get(TraceConventions.STEP_RETRY_COUNT)).isEqualTo(1L);
        assertThat(process.getEvents()).extracting(EventData::getName).containsExactly(
                TraceConventions.STEP_STARTED_EVENT, TraceConventions.STEP_RETRY_EVENT,
                TraceConventions.STEP_STARTED_EVENT);
        EventData retried = process.getEvents().get(1);
        assertThat(retried.getAttributes().get(TraceConventions.ERROR_TYPE)).isEqualTo(ErrorCategory.NETWORK.name());
        assertThat(retried.getAttributes().get(TraceConventions.ERROR_MESSAGE)).contains("connection reset");
        assertThat(retried.getAttributes().get(TraceConventions.STEP_RETRY_COUNT)).isEqualTo(1L);
        assertThat(process.getEvents().get(2).getAttributes().get(TraceConventions.STEP_TRY)).isEqualTo(2L);
        assertThat(process.getEvents().get(2).getEpochNanos()).isGreaterThan(retried.getEpochNanos());
    }

    // ---------------------------------------------------------------- the comparison

    /**
     * Asserts that the exported spans of the run are exactly its recorded attempts and step runs,
     * and returns them.
     */
    private Trace assertTraceIsWhatWasRecorded(String runId) {
        Run run = t.store.findRun(WS, runId).orElseThrow();
        List<StepRun> steps = t.store.findSteps(WS, runId);
        List<SpanData> spans = t.spansOf(runId);
        Trace trace = new Trace(spans);
        assertThat(spans).hasSize(run.attempt() + steps.size());
        assertThat(trace.runSpans()).hasSize(run.attempt());

        SpanData root = trace.runSpan(1);
        assertThat(root.getParentSpanContext().isValid()).isFalse();
        assertThat(spans).allSatisfy(s -> {
            assertThat(s.getTraceId()).isEqualTo(root.getTraceId());
            assertThat(s.hasEnded()).isTrue();
            assertThat(s.getAttributes().get(TraceConventions.WORKSPACE_ID)).isEqualTo(WS);
            assertThat(s.getAttributes().get(TraceConventions.WORKFLOW_ID)).isEqualTo(run.workflowId());
            assertThat(s.getAttributes().get(TraceConventions.EVICTED)).isNull();
        });

        for (int attempt = 1; attempt <= run.attempt(); attempt++) {
            SpanData span = trace.runSpan(attempt);
            RunEvent begin = event(runId, attempt, attempt == 1 ? RunEvent.Type.RUN_QUEUED : RunEvent.Type.RUN_RESUMED);
            RunEvent end = endEvent(runId, attempt);
            assertThat(startOf(span)).isEqualTo(begin.at());
            assertThat(endOf(span)).isEqualTo(end.run().completedAt());
            assertThat(span.getAttributes().get(TraceConventions.RUN_STATUS)).isEqualTo(end.run().status().wireName());
            assertThat(span.getAttributes().get(TraceConventions.WORKFLOW_NAME)).isEqualTo(run.workflowName());
            if (attempt > 1) {
                assertThat(span.getParentSpanId()).isEqualTo(root.getSpanId());
            }
            boolean failed = end.run().status() == RunStatus.FAILED;
            assertThat(span.getStatus().getStatusCode()).isEqualTo(failed ? StatusCode.ERROR : StatusCode.UNSET);
            if (failed) {
                assertThat(span.getStatus().getDescription()).isEqualTo(end.run().errorMessage());
            }
        }
        assertThat(endOf(trace.runSpan(run.attempt()))).isEqualTo(run.completedAt());
        assertThat(trace.runSpan(run.attempt()).getAttributes().get(TraceConventions.RUN_STATUS))
                .isEqualTo(run.status().wireName());

        for (StepRun step : steps) {
            SpanData span = trace.stepSpansById(step.attempt()).get(step.stepId());
            assertThat(span).as("span of %s in attempt %d", step.stepId(), step.attempt()).isNotNull();
            assertThat(span.getName()).isEqualTo("step " + step.stepId());
            assertThat(span.getParentSpanId()).isEqualTo(trace.runSpan(step.attempt()).getSpanId());
            assertThat(startOf(span)).isEqualTo(step.queuedAt());
            assertThat(endOf(span)).isEqualTo(step.completedAt());
            assertThat(span.getAttributes().get(TraceConventions.STEP_NAME)).isEqualTo(step.stepName());
            assertThat(span.getAttributes().get(TraceConventions.STEP_ORDER)).isEqualTo((long) step.stepOrder());
            assertThat(span.getAttributes().get(TraceConventions.NODE_NAME)).isEqualTo(step.nodeName());
            assertThat(span.getAttributes().get(TraceConventions.STEP_STATUS)).isEqualTo(step.status().wireName());
            assertThat(span.getAttributes().get(TraceConventions.STEP_RETRY_COUNT)).isEqualTo((long) step.retryCount());
            if (step.status() == RunStatus.FAILED) {
                assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
                assertThat(span.getStatus().getDescription()).isEqualTo(step.errorMessage());
                assertThat(span.getAttributes().get(TraceConventions.ERROR_TYPE)).isEqualTo(step.errorCategory());
            } else {
                assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
                assertThat(span.getAttributes().get(TraceConventions.ERROR_TYPE)).isNull();
            }
            List<EventData> starts = span.getEvents().stream()
                    .filter(e -> e.getName().equals(TraceConventions.STEP_STARTED_EVENT)).toList();
            assertThat(starts).hasSize(step.startedAt() == null ? 0 : step.retryCount() + 1);
            if (step.startedAt() != null) {
                assertThat(starts.get(0).getEpochNanos()).isEqualTo(nanos(step.startedAt()));
            }
        }
        return trace;
    }

    private RunEvent event(String runId, int attempt, RunEvent.Type type) {
        return t.events.stream().filter(e -> e.run().runId().equals(runId) && e.run().attempt() == attempt
                && e.type() == type).findFirst().orElseThrow(() -> new AssertionError("no " + type + " in " + attempt));
    }

    private RunEvent endEvent(String runId, int attempt) {
        return t.events.stream().filter(e -> e.run().runId().equals(runId) && e.run().attempt() == attempt
                && ENDS.contains(e.type())).reduce((a, b) -> {
                    throw new AssertionError("attempt " + attempt + " ended twice: " + a.type() + ", " + b.type());
                }).orElseThrow(() -> new AssertionError("attempt " + attempt + " never ended"));
    }

    private static long nanos(Instant at) {
        return at.getEpochSecond() * 1_000_000_000L + at.getNano();
    }

    /** The spans of one run, by attempt. */
    private record Trace(List<SpanData> spans) {
        List<SpanData> runSpans() {
            return spans.stream().filter(s -> s.getName().startsWith(TraceConventions.RUN_SPAN_PREFIX))
                    .sorted(Comparator.comparingLong(s -> s.getAttributes().get(TraceConventions.RUN_ATTEMPT)))
                    .toList();
        }

        SpanData runSpan(int attempt) {
            return runSpans().stream().filter(s -> s.getAttributes().get(TraceConventions.RUN_ATTEMPT) == attempt)
                    .findFirst().orElseThrow(() -> new AssertionError("no run span of attempt " + attempt));
        }

        List<SpanData> stepSpans(int attempt) {
            return spans.stream().filter(s -> s.getName().startsWith(TraceConventions.STEP_SPAN_PREFIX)
                    && s.getAttributes().get(TraceConventions.RUN_ATTEMPT) == attempt).toList();
        }

        Map<String, SpanData> stepSpansById(int attempt) {
            Map<String, SpanData> byId = new HashMap<>();
            for (SpanData s : stepSpans(attempt)) {
                SpanData before = byId.put(s.getAttributes().get(TraceConventions.STEP_ID), s);
                assertThat(before).as("two spans of step %s in attempt %d", s.getName(), attempt).isNull();
            }
            return byId;
        }
    }
}
