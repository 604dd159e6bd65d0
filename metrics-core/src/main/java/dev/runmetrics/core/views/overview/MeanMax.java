package dev.runmetrics.core.views.overview;

/**
 * One figure over a bucket of minutes: the mean and the highest of its per-minute values, in the
 * unit of the figure it stands for. Immutable.
 *
 * @param mean the mean of the minutes that have the figure
 * @param max the highest of them
 */
public record MeanMax(double mean, double max) {
}
