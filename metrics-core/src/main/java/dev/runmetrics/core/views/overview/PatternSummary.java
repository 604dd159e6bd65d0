package dev.runmetrics.core.views.overview;

import java.util.List;

/**
 * Hour and day patterns. Immutable.
 *
 * @param peakHours up to 3 hours of day with the most executions (none with 0), ascending
 * @param quietHours up to 3 hours of day the period covers with the fewest executions, not peak
 *     hours, ascending
 * @param averageDaily executions per day of the elapsed period
 * @param weekdayAverage executions per covered Monday-Friday day, or null when none covered
 * @param weekendAverage executions per covered Saturday-Sunday day, or null when none covered
 */
public record PatternSummary(List<Integer> peakHours, List<Integer> quietHours, double averageDaily,
        Double weekdayAverage, Double weekendAverage) {
    /** Copies the lists. */
    public PatternSummary {
        peakHours = List.copyOf(peakHours);
        quietHours = List.copyOf(quietHours);
    }
}
