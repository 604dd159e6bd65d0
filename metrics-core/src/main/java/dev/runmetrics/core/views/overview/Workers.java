package dev.runmetrics.core.views.overview;

/**
 * Workers: the configured capacity and how many run now. Immutable.
 *
 * @param total the configured worker capacity
 * @param busy running runs, at most {@code total}
 * @param idle {@code total - busy}
 */
public record Workers(int total, int busy, int idle) {
}
