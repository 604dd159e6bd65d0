/**
 * The Micrometer bridge: node, run and step metrics of runmetrics in any Micrometer
 * {@code MeterRegistry}. Start at {@link dev.runmetrics.micrometer.MicrometerBridge}; the meter
 * names and tags are in {@link dev.runmetrics.micrometer.MeterNames}.
 */
package dev.runmetrics.micrometer;
