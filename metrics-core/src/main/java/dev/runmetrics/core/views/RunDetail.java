package dev.runmetrics.core.views;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.model.StepSpec;
import dev.runmetrics.core.store.ControlAudit;
import java.util.ArrayList;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A run's detail ({@link RunHistoryView#detail}; on the wire
 * {@code GET /api/workflows/executions/{execution_id}}): the run and the step runs of all its
 * attempts. The HTTP adapter writes the components in snake_case.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the run id
 * @param workflowId the workflow
 * @param executionNumber the per-workflow sequence number
 * @param status the current status
 * @param attempt the current attempt
 * @param startedAt when it first started, or null
 * @param completedAt when its latest attempt ended, or null
 * @param duration execution time in seconds, or null until ended: the time it spent executing,
 *     without the time it waited between attempts ({@link Run#executionTime()})
 * @param waitedBetweenAttempts the seconds it spent between attempts (from an attempt's end to
 *     the start of the next one); 0 for a run that was never resumed
 * @param inputVariables the input summary, or null
 * @param results the results summary, or null
 * @param errorMessage why it failed, timed out, was cancelled or paused, or null
 * @param stepExecutions every step of every attempt, ordered by attempt, step order, queue time
 *     and step id, and then each planned step no attempt reached ({@link RunTimeline} says which
 *     runs have planned steps), in plan order, as pending; unmodifiable
 * @param statusHistory the run's status changes, oldest first ({@link StatusHistory} says how the
 *     actor is found and what a run recorded without kept changes shows); unmodifiable
 * @param createdAt when the run was created
 * @param updatedAt when it last changed
 */
public record RunDetail(String id, String workflowId, long executionNumber, RunStatus status, int attempt,
        Instant startedAt, Instant completedAt, Double duration, double waitedBetweenAttempts,
        Map<String, Object> inputVariables, Map<String, Object> results, String errorMessage, List<StepDetail> stepExecutions,
        List<StatusHistoryEntry> statusHistory, Instant createdAt,
        Instant updatedAt) {

    /** @throws NullPointerException if a required component is null */
    public RunDetail {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(workflowId, "workflowId");
        Objects.requireNonNull(status, "status");
        stepExecutions = List.copyOf(stepExecutions);
        statusHistory = List.copyOf(statusHistory);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** Returns the detail of a run, its step runs (in the store's order) and no control audit. */
    public static RunDetail of(Run run, List<StepRun> steps) {
        return of(run, steps, List.of());
    }

    /**
     * Returns the detail of a run, its step runs (in the store's order) and the control audit
     * entries naming it (oldest first), which name the operators of its status changes.
     */
    public static RunDetail of(Run run, List<StepRun> steps, List<ControlAudit> audit) {
        List<StepDetail> executions = new ArrayList<>(steps.stream().map(StepDetail::of).toList());
        for (StepSpec step : RunTimeline.unreached(run, steps)) {
            executions.add(StepDetail.pending(run.runId(), step, run.attempt()));
        }
        return new RunDetail(run.runId(), run.workflowId(), run.executionNumber(), run.status(), run.attempt(),
                run.startedAt(), run.completedAt(), RunSummary.seconds(run),
                run.waitedBetweenAttempts().toNanos() / 1e9, run.inputSummary(), run.resultsSummary(),
                run.errorMessage(), executions, StatusHistory.of(run, audit), run.createdAt(), run.updatedAt());
    }
}
