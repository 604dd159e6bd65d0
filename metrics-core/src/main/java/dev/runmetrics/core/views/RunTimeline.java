package dev.runmetrics.core.views;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.model.StepSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A run's step timeline ({@link RunHistoryView#timeline}; on the wire
 * {@code GET /api/workflows/executions/{execution_id}/timeline}). The HTTP adapter writes the
 * components in snake_case.
 *
 * <p>The step counts describe where each step of the run stands now, so a run resumed to success
 * reads "3 of 3 completed": a step's standing is its entry of the highest attempt that has one
 * (steps a resume did not re-run keep their earlier attempt's entry). {@code stepCount} counts
 * distinct step ids; {@code failedStepCount} counts {@code FAILED} and {@code TIMEOUT}. The
 * {@code stepTimeline} itself keeps every attempt's entries.
 *
 * <p>Immutable and thread-safe.
 *
 * @param executionId the run id
 * @param workflowId the workflow
 * @param status the run's status
 * @param attempt the run's current attempt
 * @param startedAt when it first started, or null
 * @param completedAt when its latest attempt ended, or null
 * @param totalDurationSeconds execution time in seconds, or null until ended
 * @param stepCount distinct steps, reached or planned
 * @param completedStepCount steps whose latest entry is {@code COMPLETED}
 * @param failedStepCount steps whose latest entry is {@code FAILED} or {@code TIMEOUT}
 * @param skippedStepCount steps whose latest entry is {@code SKIPPED}
 * @param pendingStepCount planned steps that no attempt reached
 * @param stepTimeline every step of every attempt, ordered by attempt, step order, queue time and
 *     step id; unmodifiable
 * @param errorMessage the run's error, or null
 */
public record RunTimeline(String executionId, String workflowId, RunStatus status, int attempt,
        Instant startedAt, Instant completedAt, Double totalDurationSeconds, int stepCount, int completedStepCount,
        int failedStepCount, int skippedStepCount, int pendingStepCount, List<StepTimelineEntry> stepTimeline,
        String errorMessage) {

    /** @throws NullPointerException if a required component is null */
    public RunTimeline {
        Objects.requireNonNull(executionId, "executionId");
        Objects.requireNonNull(workflowId, "workflowId");
        Objects.requireNonNull(status, "status");
        stepTimeline = List.copyOf(stepTimeline);
    }

    /** Returns the timeline of a run and its step runs (in the store's order). */
    public static RunTimeline of(Run run, List<StepRun> steps) {
        Map<String, StepRun> latest = new LinkedHashMap<>();
        for (StepRun step : steps) {
            latest.merge(step.stepId(), step, (a, b) -> b.attempt() >= a.attempt() ? b : a);
        }
        int completed = 0;
        int failed = 0;
        int skipped = 0;
        for (StepRun step : latest.values()) {
            switch (step.status()) {
                case COMPLETED -> completed++;
                case FAILED, TIMEOUT -> failed++;
                case SKIPPED -> skipped++;
                default -> { }
            }
        }
        List<StepTimelineEntry> entries = new ArrayList<>(steps.stream().map(StepTimelineEntry::of).toList());
        List<StepSpec> pending = unreached(run, steps);
        if (!pending.isEmpty()) {
            for (StepSpec step : pending) {
                entries.add(StepTimelineEntry.pending(step, run.attempt()));
            }
            // The store's order, the unreached steps among their attempt's by position.
            entries.sort(Comparator.comparingInt(StepTimelineEntry::attempt)
                    .thenComparingInt(StepTimelineEntry::stepOrder)
                    .thenComparing(StepTimelineEntry::queuedAt, Comparator.nullsLast(Comparator.naturalOrder()))
                    .thenComparing(StepTimelineEntry::stepId));
        }
        return new RunTimeline(run.runId(), run.workflowId(), run.status(), run.attempt(),
                run.startedAt(), run.completedAt(), RunSummary.seconds(run), latest.size() + pending.size(), completed,
                failed, skipped, pending.size(), entries, run.errorMessage());
    }

    /** The run's planned steps that have no step run in any attempt, in plan order. */
    static List<StepSpec> unreached(Run run, List<StepRun> steps) {
        List<StepSpec> planned = run.plannedSteps();
        if (planned.isEmpty()) {
            return List.of();
        }
        Set<String> reached = new HashSet<>();
        for (StepRun step : steps) {
            reached.add(step.stepId());
        }
        List<StepSpec> out = new ArrayList<>();
        for (StepSpec step : planned) {
            if (reached.add(step.stepId())) {
                out.add(step);
            }
        }
        return out;
    }
}
