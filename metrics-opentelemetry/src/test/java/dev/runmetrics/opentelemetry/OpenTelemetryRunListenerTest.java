package dev.runmetrics.opentelemetry;

import static dev.runmetrics.opentelemetry.TracedRunner.endOf;
import static dev.runmetrics.opentelemetry.TracedRunner.sameSpan;
import static dev.runmetrics.opentelemetry.TracedRunner.startOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.model.StepSpec;
import dev.runmetrics.core.record.RunEvent;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.ResumeClaim;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.time.ManualClock;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The listener's rules beyond the shape of a trace: bounds, replays, links, and never throwing. */
class OpenTelemetryRunListenerTest {
    private static final String WS = "ws-1";
    private static final StepSpec FETCH = new StepSpec("fetch", "Fetch", 1, "fetch-node");

    private final ManualClock clock = new ManualClock(Instant.parse("2026-05-04T12:00:00Z"));
    private final InMemoryRunStore store = new InMemoryRunStore("test-instance");
    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build();
    private final List<RunEvent> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        tracerProvider.close();
    }

    private RunRecorder recorder(OpenTelemetryRunListener listener) {
        return RunRecorder.builder(store).clock(clock).instanceId("jvm-a").listener(events::add).listener(listener)
                .build();
    }

    private List<SpanData> spansOf(String runId) {
        return exporter.getFinishedSpanItems().stream()
                .filter(s -> runId.equals(s.getAttributes().get(TraceConventions.RUN_ID))).toList();
    }

    private SpanData runSpan(String runId, int attempt) {
        return spansOf(runId).stream().filter(s -> s.getName().startsWith(TraceConventions.RUN_SPAN_PREFIX)
                && s.getAttributes().get(TraceConventions.RUN_ATTEMPT) == attempt).findFirst().orElseThrow();
    }

    /** Queues, starts and fails a one-step run; returns its id. */
    private String failedRun(RunRecorder recorder) {
        String runId = recorder.runQueued(WS, "etl", "ETL", null);
        recorder.runStarted(WS, runId);
        recorder.stepStarted(WS, runId, FETCH, null);
        clock.advance(Duration.ofMillis(20));
        recorder.stepFailed(WS, runId, "fetch", "timed out after 20 ms", "TIMEOUT");
        recorder.runFailed(WS, runId, "step 'fetch' failed");
        return runId;
    }

    private void resume(RunRecorder recorder, String runId) {
        Run run = store.findRun(WS, runId).orElseThrow();
        Run claimed = ((ResumeClaim.Claimed) store.claimResume(WS, runId, run.attempt(), "jvm-a", recorder.now()))
                .run();
        recorder.runResumed(WS, claimed);
    }

    @Test
    void runsBeyondTheBoundAreEvictedOldestFirstWithTheirSpansEndedAndMarked() {
        OpenTelemetryRunListener listener = OpenTelemetryRunListener.builder(sdk).maxLiveRuns(2).build();
        RunRecorder recorder = recorder(listener);
        String first = recorder.runQueued(WS, "etl", "ETL", null);
        recorder.stepStarted(WS, first, FETCH, null);
        clock.advance(Duration.ofSeconds(1));
        recorder.runQueued(WS, "etl", "ETL", null);
        assertThat(exporter.getFinishedSpanItems()).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        recorder.runQueued(WS, "etl", "ETL", null);

        assertThat(listener.liveRuns()).isEqualTo(2);
        assertThat(listener.evictedRuns()).isEqualTo(1);
        List<SpanData> evicted = spansOf(first);
        assertThat(evicted).hasSize(2).allSatisfy(s -> {
            assertThat(s.getAttributes().get(TraceConventions.EVICTED)).isTrue();
            assertThat(endOf(s)).isEqualTo(Instant.parse("2026-05-04T12:00:02Z")); // when it was dropped
        });
        assertThat(evicted).filteredOn(s -> s.getName().equals("step fetch")).singleElement()
                .satisfies(s -> assertThat(s.getAttributes().get(TraceConventions.STEP_STATUS)).isEqualTo("running"));

        // The evicted run goes on in the recorder; its later events make no new spans.
        recorder.stepCompleted(WS, first, "fetch", null);
        recorder.runCompleted(WS, first, null);
        assertThat(spansOf(first)).hasSize(2);
        assertThat(listener.ignoredEvents()).isEqualTo(2);
        assertThat(recorder.counters().listenerFailures()).isZero();
    }

    @Test
    void aResumeLinksOnlyToAttemptsStillRemembered() {
        OpenTelemetryRunListener listener = OpenTelemetryRunListener.builder(sdk).maxRememberedRuns(1).build();
        RunRecorder recorder = recorder(listener);
        String forgotten = failedRun(recorder);
        String remembered = failedRun(recorder); // pushes the first out of the bound of one

        resume(recorder, forgotten);
        resume(recorder, remembered);
        recorder.runStarted(WS, forgotten);
        recorder.runCompleted(WS, forgotten, null);
        recorder.runStarted(WS, remembered);
        recorder.runCompleted(WS, remembered, null);

        SpanData unlinked = runSpan(forgotten, 2);
        assertThat(unlinked.getParentSpanContext().isValid()).isFalse();
        assertThat(unlinked.getTraceId()).isNotEqualTo(runSpan(forgotten, 1).getTraceId());
        assertThat(unlinked.getLinks()).isEmpty();
        SpanData linked = runSpan(remembered, 2);
        assertThat(linked.getParentSpanId()).isEqualTo(runSpan(remembered, 1).getSpanId());
        assertThat(linked.getLinks()).singleElement().satisfies(
                l -> assertThat(sameSpan(l.getSpanContext(), runSpan(remembered, 1).getSpanContext())).isTrue());
        assertThat(listener.liveRuns()).isZero();
    }

    @Test
    void aFailedRunCarriesItsFirstFailedStepsCategoryAndItsMessage() {
        RunRecorder recorder = recorder(OpenTelemetryRunListener.create(sdk));
        String runId = failedRun(recorder);

        SpanData run = runSpan(runId, 1);
        assertThat(run.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(run.getStatus().getDescription()).isEqualTo("step 'fetch' failed");
        assertThat(run.getAttributes().get(TraceConventions.ERROR_TYPE)).isEqualTo("TIMEOUT");
        SpanData step = spansOf(runId).stream().filter(s -> s.getName().equals("step fetch")).findFirst().orElseThrow();
        assertThat(step.getAttributes().get(TraceConventions.ERROR_TYPE)).isEqualTo("TIMEOUT");
        assertThat(step.getStatus().getDescription()).isEqualTo("timed out after 20 ms");
    }

    @Test
    void aRunThatFailsWithoutAFailedStepHasTheFallbackErrorType() {
        RunRecorder recorder = recorder(OpenTelemetryRunListener.create(sdk));
        String runId = recorder.runQueued(WS, "etl", "ETL", null);
        recorder.runFailed(WS, runId, null);
        SpanData run = runSpan(runId, 1);
        assertThat(run.getAttributes().get(TraceConventions.ERROR_TYPE)).isEqualTo(TraceConventions.ERROR_TYPE_OTHER);
        assertThat(run.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    }

    @Test
    void aCancelledRunIsNotAnError() {
        RunRecorder recorder = recorder(OpenTelemetryRunListener.create(sdk));
        String runId = recorder.runQueued(WS, "etl", "ETL", null);
        recorder.stepQueued(WS, runId, FETCH, null);
        recorder.stepCancelled(WS, runId, "fetch", "operator");
        recorder.runCancelled(WS, runId, "operator");
        assertThat(spansOf(runId)).hasSize(2).allSatisfy(s -> {
            assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
            assertThat(s.getAttributes().get(TraceConventions.ERROR_TYPE)).isNull();
        });
        assertThat(runSpan(runId, 1).getAttributes().get(TraceConventions.RUN_STATUS)).isEqualTo("cancelled");
    }

    @Test
    void eventsReplayedAfterTheirAttemptEndedAreIgnored() {
        OpenTelemetryRunListener listener = OpenTelemetryRunListener.create(sdk);
        String runId = failedRun(recorder(listener));
        int exported = exporter.getFinishedSpanItems().size();

        events.forEach(listener::onEvent); // a second delivery, as a repeated failAbandonedRuns gives
        assertThat(exporter.getFinishedSpanItems()).hasSize(exported);
        assertThat(listener.ignoredEvents()).isEqualTo(events.size());
        assertThat(spansOf(runId)).hasSize(2);
    }

    @Test
    void aRunQueuedWhileASpanIsCurrentLinksToIt() {
        RunRecorder recorder = recorder(OpenTelemetryRunListener.create(sdk));
        Span request = sdk.getTracer("host").spanBuilder("POST /runs").startSpan();
        String runId;
        try (Scope ignored = request.makeCurrent()) {
            runId = recorder.runQueued(WS, "etl", "ETL", null);
        } finally {
            request.end();
        }
        recorder.runCompleted(WS, runId, null);

        SpanData run = runSpan(runId, 1);
        assertThat(run.getParentSpanContext().isValid()).isFalse(); // its own trace, not the request's
        assertThat(run.getLinks()).singleElement()
                .satisfies(l -> assertThat(sameSpan(l.getSpanContext(), request.getSpanContext())).isTrue());
    }

    @Test
    void aRunEndedByAnotherProcessIsTracedFromTheSnapshotsItsEventsCarry() {
        RunRecorder dead = RunRecorder.builder(store).clock(clock).instanceId("jvm-dead").build();
        String runId = dead.runQueued(WS, "etl", "ETL", null);
        dead.runStarted(WS, runId);
        dead.stepStarted(WS, runId, FETCH, null);
        clock.advance(Duration.ofSeconds(3));
        dead.heartbeat(WS, runId);
        Instant lastSignOfLife = store.findRun(WS, runId).orElseThrow().heartbeatAt();
        clock.advance(Duration.ofMinutes(10));

        RunRecorder alive = recorder(OpenTelemetryRunListener.create(sdk));
        assertThat(alive.failAbandonedRuns(WS, Duration.ofSeconds(60))).isEqualTo(1);

        Run run = store.findRun(WS, runId).orElseThrow();
        StepRun step = store.findSteps(WS, runId).get(0);
        SpanData runSpan = runSpan(runId, 1);
        assertThat(startOf(runSpan)).isEqualTo(run.queuedAt());
        assertThat(endOf(runSpan)).isEqualTo(lastSignOfLife).isEqualTo(run.completedAt());
        assertThat(runSpan.getAttributes().get(TraceConventions.ERROR_TYPE)).isEqualTo("OTHER");
        SpanData stepSpan = spansOf(runId).stream().filter(s -> s.getName().equals("step fetch")).findFirst()
                .orElseThrow();
        assertThat(stepSpan.getParentSpanId()).isEqualTo(runSpan.getSpanId());
        assertThat(startOf(stepSpan)).isEqualTo(step.queuedAt());
        assertThat(endOf(stepSpan)).isEqualTo(step.completedAt());
        assertThat(stepSpan.getStatus().getDescription()).startsWith("interrupted: ");
    }

    @Test
    void aThrowingSdkIsContainedAndCountedAndNeverReachesTheRecorder() {
        SdkTracerProvider broken = SdkTracerProvider.builder().addSpanProcessor(new SpanProcessor() {
            @Override
            public void onStart(Context parentContext, ReadWriteSpan span) {
                throw new IllegalStateException("processor broke on start");
            }

            @Override
            public boolean isStartRequired() {
                return true;
            }

            @Override
            public void onEnd(ReadableSpan span) {
                throw new IllegalStateException("processor broke on end");
            }

            @Override
            public boolean isEndRequired() {
                return true;
            }
        }).build();
        try {
            OpenTelemetryRunListener listener = OpenTelemetryRunListener.create(
                    OpenTelemetrySdk.builder().setTracerProvider(broken).build());
            RunRecorder recorder = recorder(listener);
            String runId = failedRun(recorder);

            assertThat(listener.failures()).isPositive();
            assertThat(recorder.counters().listenerFailures()).isZero();
            assertThat(recorder.counters().rejectedCalls()).isZero();
            assertThat(store.findRun(WS, runId).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
        } finally {
            broken.close();
        }
    }

    @Test
    void aSpanProcessorThatThrowsOnEndLeavesNoRunFollowedForever() {
        SdkTracerProvider broken = SdkTracerProvider.builder().addSpanProcessor(new SpanProcessor() {
            @Override
            public void onStart(Context parentContext, ReadWriteSpan span) {
            }

            @Override
            public boolean isStartRequired() {
                return false;
            }

            @Override
            public void onEnd(ReadableSpan span) {
                throw new IllegalStateException("exporter down");
            }

            @Override
            public boolean isEndRequired() {
                return true;
            }
        }).build();
        try {
            OpenTelemetryRunListener listener = OpenTelemetryRunListener.create(
                    OpenTelemetrySdk.builder().setTracerProvider(broken).build());
            RunRecorder recorder = recorder(listener);
            failedRun(recorder);

            assertThat(listener.failures()).isEqualTo(2); // the step's end and the run's end
            assertThat(listener.liveRuns()).isZero();
            assertThat(recorder.counters().listenerFailures()).isZero();
        } finally {
            broken.close();
        }
    }

    @Test
    void stepAttributesThatAreScalarsBecomeSpanAttributes() {
        RunRecorder recorder = recorder(OpenTelemetryRunListener.create(sdk));
        String runId = recorder.runQueued(WS, "etl", "ETL", null);
        recorder.stepStarted(WS, runId, FETCH, null);
        recorder.stepAttributes(WS, runId, "fetch", Map.of(StepRun.MODEL, "m-1", StepRun.TOKENS, 1200,
                StepRun.COST, 0.25, "cached", true, "tags", List.of("a")));
        recorder.stepCompleted(WS, runId, "fetch", null);
        recorder.runCompleted(WS, runId, null);

        SpanData step = spansOf(runId).stream().filter(s -> s.getName().equals("step fetch")).findFirst().orElseThrow();
        Map<String, Object> attrs = new java.util.HashMap<>();
        step.getAttributes().forEach((k, v) -> attrs.put(k.getKey(), v));
        assertThat(attrs).containsEntry("runmetrics.step.attribute.model", "m-1")
                .containsEntry("runmetrics.step.attribute.tokens", 1200L)
                .containsEntry("runmetrics.step.attribute.cost", 0.25)
                .containsEntry("runmetrics.step.attribute.cached", true)
                .doesNotContainKey("runmetrics.step.attribute.tags");
    }

    @Test
    void theBuilderRefusesBoundsThatCannotWork() {
        assertThatThrownBy(() -> OpenTelemetryRunListener.builder(sdk).maxLiveRuns(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxLiveRuns");
        assertThatThrownBy(() -> OpenTelemetryRunListener.builder(sdk).maxRememberedRuns(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRememberedRuns");
        assertThatThrownBy(() -> OpenTelemetryRunListener.builder(null)).isInstanceOf(NullPointerException.class);
        assertThat(OpenTelemetryRunListener.builder(sdk).maxLiveRuns(5).toString()).contains("maxLiveRuns=5");
    }
}
