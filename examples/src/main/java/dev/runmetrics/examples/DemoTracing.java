package dev.runmetrics.examples;

import dev.runmetrics.core.record.RunListener;
import dev.runmetrics.opentelemetry.OpenTelemetryRunListener;
import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.concurrent.TimeUnit;

/**
 * The demo's {@code --otel}: an OpenTelemetry SDK whose spans go, batched, to an exporter (the
 * {@link LoggingSpanExporter}: one line per span on the console, through
 * {@code java.util.logging}), and the {@link OpenTelemetryRunListener} that feeds it from the
 * recorder. A host would configure its own SDK (OTLP to a collector) and add the same listener.
 * Thread-safe; {@link #close()} flushes the spans still queued.
 */
final class DemoTracing implements AutoCloseable {
    /** The {@code service.name} of the demo's spans. */
    static final String SERVICE_NAME = "runmetrics-demo";

    private final SdkTracerProvider tracerProvider;
    private final OpenTelemetryRunListener listener;

    DemoTracing(SpanExporter exporter) {
        this.tracerProvider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().toBuilder().put("service.name", SERVICE_NAME).build())
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
                .build();
        this.listener = OpenTelemetryRunListener.create(
                OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build());
    }

    /** Spans to the console, one log line each. */
    static DemoTracing toLog() {
        return new DemoTracing(LoggingSpanExporter.create());
    }

    /** The listener to add to the recorder. */
    RunListener listener() {
        return listener;
    }

    @Override
    public void close() {
        tracerProvider.forceFlush().join(5, TimeUnit.SECONDS);
        tracerProvider.shutdown().join(5, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return "OpenTelemetry spans to the log (LoggingSpanExporter, service.name " + SERVICE_NAME + ")";
    }
}
