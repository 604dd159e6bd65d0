package dev.runmetrics.opentelemetry;

import dev.runmetrics.core.flow.RunOutcome;
import dev.runmetrics.core.flow.WorkflowRunner;
import dev.runmetrics.core.flow.example.ExampleWorkflows;
import dev.runmetrics.core.node.RetryPolicy;
import dev.runmetrics.core.record.RunEvent;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.time.ManualClock;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The example workflows on a {@link WorkflowRunner} over an {@link InMemoryRunStore}, recorded
 * through an {@link OpenTelemetryRunListener} into a real OpenTelemetry SDK whose spans end in an
 * {@link InMemorySpanExporter} (synchronously: a span is exported when it ends). Every step takes
 * a fixed time on a {@link ManualClock} that its sleeper advances, so instants differ and never
 * come from the wall clock. The recorder's events are kept too, for the attempt boundaries the
 * store does not keep.
 */
final class TracedRunner implements AutoCloseable {
    static final String WS = "ws-1";
    static final Instant START = Instant.parse("2026-05-04T12:00:00Z");

    final ManualClock clock = new ManualClock(START);
    final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    final SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    final OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build();
    final OpenTelemetryRunListener listener = OpenTelemetryRunListener.create(openTelemetry);
    final InMemoryRunStore store = new InMemoryRunStore("test-instance");
    final List<RunEvent> events = new CopyOnWriteArrayList<>();
    final RunRecorder recorder;
    final WorkflowRunner runner;

    /** No retries; two workers, so that one of three parallel branches waits in the queue. */
    TracedRunner() {
        this(RetryPolicy.none(), (workflowId, input) -> { });
    }

    TracedRunner(RetryPolicy retry, ExampleWorkflows.StepHook hook) {
        recorder = RunRecorder.builder(store).clock(clock).instanceId("jvm-test").listener(events::add)
                .listener(listener).build();
        ExampleWorkflows.Options options = ExampleWorkflows.Options.builder()
                .latency((workflowId, stepId) -> Duration.ofMillis(10 + stepId.length()))
                .sleeper(clock::advance)
                .retryPolicy(retry)
                .hook(hook)
                .build();
        runner = WorkflowRunner.builder(recorder, store).workers(2).heartbeatEvery(Duration.ZERO)
                .workflows(ExampleWorkflows.all(options)).build();
    }

    String submit(String workflowId, Map<String, ?> input) {
        return runner.submit(WS, workflowId, input);
    }

    RunOutcome await(String runId) throws Exception {
        return runner.completion(WS, runId).orElseThrow().get(10, TimeUnit.SECONDS);
    }

    /** The exported spans of one run, in the order they started. */
    List<SpanData> spansOf(String runId) {
        return exporter.getFinishedSpanItems().stream()
                .filter(s -> runId.equals(s.getAttributes().get(TraceConventions.RUN_ID)))
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
                .toList();
    }

    static Instant startOf(SpanData span) {
        return Instant.EPOCH.plusNanos(span.getStartEpochNanos());
    }

    static Instant endOf(SpanData span) {
        return Instant.EPOCH.plusNanos(span.getEndEpochNanos());
    }

    static boolean sameSpan(SpanContext a, SpanContext b) {
        return a.getTraceId().equals(b.getTraceId()) && a.getSpanId().equals(b.getSpanId());
    }

    @Override
    public void close() {
        runner.close();
        tracerProvider.close();
    }
}
