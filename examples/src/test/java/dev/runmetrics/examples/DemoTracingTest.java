package dev.runmetrics.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.model.StepSpec;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The demo's --otel: a recorded run comes out of the logging exporter as its spans, on close at the latest. */
class DemoTracingTest {

    @Test
    void aRecordedRunIsLoggedAsARunSpanAndAStepSpan() {
        Logger exporterLog = Logger.getLogger(LoggingSpanExporter.class.getName());
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        exporterLog.addHandler(capture);
        try (DemoTracing tracing = DemoTracing.toLog()) {
            RunRecorder recorder = RunRecorder.builder(new InMemoryRunStore()).listener(tracing.listener()).build();
            String runId = recorder.runQueued("ws-acme", "basic_sequence", "Basic Sequence", null);
            recorder.runStarted("ws-acme", runId);
            recorder.stepStarted("ws-acme", runId, new StepSpec("initialize", "Initialize", 1, "init"), null);
            recorder.stepCompleted("ws-acme", runId, "initialize", null);
            recorder.runCompleted("ws-acme", runId, null);
            assertThat(recorder.counters().listenerFailures()).isZero();
        } finally {
            exporterLog.removeHandler(capture);
        }
        assertThat(lines).hasSize(2);
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("'step initialize' : ").contains("ws-acme"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("'run basic_sequence' : ")
                .contains("runmetrics.run.status=completed"));
    }
}
