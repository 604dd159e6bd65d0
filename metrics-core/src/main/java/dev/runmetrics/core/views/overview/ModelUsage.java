package dev.runmetrics.core.views.overview;

/**
 * One model's use over the period. Immutable.
 *
 * @param calls step executions that called it
 * @param tokens the sum of their {@code tokens} attributes
 * @param avgLatency their mean execution time in seconds, or null
 * @param cost the sum of their {@code cost} attributes
 */
public record ModelUsage(long calls, long tokens, Double avgLatency, double cost) {
}
