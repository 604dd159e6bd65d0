package dev.runmetrics.core.views;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One item of the run list ({@link RunHistoryView#list}; on the wire
 * {@code GET /api/workflows/{workflow_id}/executions}). The HTTP adapter writes the components in
 * snake_case and the status by {@link RunStatus#wireName()}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the run id
 * @param workflowId the workflow
 * @param executionNumber the per-workflow sequence number
 * @param status the current status
 * @param attempt the current attempt (1 unless resumed)
 * @param startedAt when it first started, or null
 * @param completedAt when its latest attempt ended, or null
 * @param duration execution time in seconds, or null until ended: {@code completedAt - startedAt}
 *     less the time a resumed run waited between attempts ({@link dev.runmetrics.core.model.Run#executionTime()})
 * @param inputVariables the input summary (bounded, see {@code Summaries}), or null
 * @param results the results summary (bounded), or null
 * @param createdAt when the run was created
 * @param updatedAt when it last changed
 */
public record RunSummary(String id, String workflowId, long executionNumber, RunStatus status, int attempt,
        Instant startedAt, Instant completedAt, Double duration, Map<String, Object> inputVariables,
        Map<String, Object> results, Instant createdAt, Instant updatedAt) {

    /** @throws NullPointerException if a required component is null */
    public RunSummary {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(workflowId, "workflowId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** Returns the list item of a run. */
    public static RunSummary of(Run run) {
        return new RunSummary(run.runId(), run.workflowId(), run.executionNumber(), run.status(), run.attempt(),
                run.startedAt(), run.completedAt(), seconds(run), run.inputSummary(), run.resultsSummary(),
                run.createdAt(), run.updatedAt());
    }

    static Double seconds(dev.runmetrics.core.model.LifecycleTimes execution) {
        return execution.completedAt() == null ? null
                : execution.executionTime().map(d -> d.toNanos() / 1e9).orElse(null);
    }
}
