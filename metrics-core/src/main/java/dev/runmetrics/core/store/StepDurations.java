package dev.runmetrics.core.store;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.model.RunStatus;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The aggregates of one step (by step id) over the step runs a {@link StepDurationQuery} selects:
 * how many ended in each status, and exact statistics of the execution times of those that ran.
 * Immutable.
 *
 * @param stepId the step id
 * @param stepName the display name of its latest step run (by {@code completedAt}, then run id,
 *     then attempt), as definitions may change
 * @param stepOrder the position of its latest step run
 * @param nodeName the node of its latest step run
 * @param counts how many step runs ended in each terminal status (absent: 0); unmodifiable
 * @param executionTime exact statistics (percentiles by nearest rank, as
 *     {@code percentile_disc}) of the execution times, in ms, of the step runs that have a start
 *     and did not end {@code SKIPPED}
 */
public record StepDurations(String stepId, String stepName, int stepOrder, String nodeName,
        Map<RunStatus, Long> counts, DurationStatistics executionTime) {

    /**
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if an id is malformed or a count negative
     */
    public StepDurations {
        Checks.id("stepId", stepId);
        Objects.requireNonNull(stepName, "stepName");
        Checks.id("nodeName", nodeName);
        EnumMap<RunStatus, Long> copy = new EnumMap<>(RunStatus.class);
        Objects.requireNonNull(counts, "counts").forEach((status, n) -> {
            if (Checks.atLeast("count", n, 0) > 0) {
                copy.put(Objects.requireNonNull(status, "status"), n);
            }
        });
        counts = Collections.unmodifiableMap(copy);
        Objects.requireNonNull(executionTime, "executionTime");
    }

    /** Returns how many step runs ended in {@code status}. */
    public long count(RunStatus status) {
        return counts.getOrDefault(status, 0L);
    }
}
