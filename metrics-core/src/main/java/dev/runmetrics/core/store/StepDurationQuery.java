package dev.runmetrics.core.store;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.model.Run;
import java.time.Instant;
import java.util.Objects;

/**
 * The step runs {@link RunStore#stepDurations} measures: those in a terminal status of every
 * attempt of the latest {@code runLimit} runs of one workflow that ended (terminal status) with
 * {@code completedAt} in {@code [from, to)}, latest by {@code completedAt}, then by {@code runId}
 * (both descending). Steps carry no workflow id and the NODE rollups are keyed by node name only,
 * so per-step statistics of a workflow come from the raw step rows; {@code runLimit} bounds what
 * one query reads, whatever the range. Immutable.
 *
 * @param workflowId the workflow
 * @param from the first instant (inclusive)
 * @param to the end (exclusive)
 * @param runLimit how many runs at most, 1 to {@value #MAX_RUN_LIMIT}
 */
public record StepDurationQuery(String workflowId, Instant from, Instant to, int runLimit) {

    /** The most runs one query may measure. */
    public static final int MAX_RUN_LIMIT = 10_000;

    /**
     * @throws NullPointerException if workflowId, from or to is null
     * @throws IllegalArgumentException if the workflow id is malformed, the range reversed or the
     *     run limit outside 1 to {@value #MAX_RUN_LIMIT}
     */
    public StepDurationQuery {
        Checks.id("workflowId", workflowId);
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to " + to + " is before from " + from);
        }
        if (runLimit < 1 || runLimit > MAX_RUN_LIMIT) {
            throw new IllegalArgumentException("runLimit must be between 1 and " + MAX_RUN_LIMIT + ", was "
                    + runLimit);
        }
    }

    /** Returns whether a run is among the candidates (before the run limit is applied). */
    public boolean matches(Run run) {
        return run.status().isTerminal() && run.completedAt() != null && workflowId.equals(run.workflowId())
                && !run.completedAt().isBefore(from) && run.completedAt().isBefore(to);
    }
}
