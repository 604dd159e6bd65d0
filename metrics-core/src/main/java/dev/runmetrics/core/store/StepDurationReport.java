package dev.runmetrics.core.store;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * What {@link RunStore#stepDurations} returns: how many runs it measured, whether the run limit
 * left some out, and the aggregates of each step. Immutable.
 *
 * @param runs how many runs were measured (at most the query's run limit)
 * @param truncated whether more runs matched than the run limit let in (the oldest were left out)
 * @param steps one entry per step id; kept ordered by step order, then step id; unmodifiable
 */
public record StepDurationReport(int runs, boolean truncated, List<StepDurations> steps) {

    /**
     * @throws NullPointerException if steps is null
     * @throws IllegalArgumentException if runs is negative
     */
    public StepDurationReport {
        if (runs < 0) {
            throw new IllegalArgumentException("runs must be >= 0, was " + runs);
        }
        steps = Objects.requireNonNull(steps, "steps").stream()
                .sorted(Comparator.comparingInt(StepDurations::stepOrder).thenComparing(StepDurations::stepId))
                .toList();
    }
}
