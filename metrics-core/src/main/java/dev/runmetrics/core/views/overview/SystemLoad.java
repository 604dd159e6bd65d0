package dev.runmetrics.core.views.overview;

/**
 * Load of the host. Immutable.
 *
 * @param cpu CPU load in percent, or null when the JVM cannot tell
 * @param memory memory use in percent, or null when unknown
 * @param workers the configured workers
 */
public record SystemLoad(Double cpu, Double memory, Workers workers) {
}
