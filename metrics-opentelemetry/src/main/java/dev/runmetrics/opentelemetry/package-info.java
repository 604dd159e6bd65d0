/**
 * The OpenTelemetry bridge: {@link dev.runmetrics.opentelemetry.OpenTelemetryRunListener} turns a
 * {@code RunRecorder}'s events into traces (a span per run attempt and per step attempt), with the
 * names in {@link dev.runmetrics.opentelemetry.TraceConventions}. Depends on metrics-core and
 * {@code opentelemetry-api} only; the host brings the SDK and its exporters.
 */
package dev.runmetrics.opentelemetry;
