package dev.runmetrics.core.views;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.store.Page;
import dev.runmetrics.core.store.RunQuery;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.store.StepCheckpoint;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What ran: the runs of a workspace page by page ({@link #list}), one run with the steps of all
 * its attempts ({@link #detail}), and one run's step timeline ({@link #timeline}). Obtained from
 * {@link RunViews#runs()}; every method takes the workspace first and reads only that workspace's
 * data, straight from the store's runs and steps (exact, no rollups).
 *
 * <p>Thread-safe and stateless: every method may be called from any thread, as the store's are.
 */
public final class RunHistoryView {
    /** The page size of a list when the caller names none. */
    public static final int DEFAULT_LIMIT = 10;
    /** The largest page size; larger is rejected. */
    public static final int MAX_LIMIT = 100;

    private final RunStore store;

    RunHistoryView(RunStore store) {
        this.store = store;
    }

    /**
     * One page of runs, newest first (by queue time), of one workflow or all, in one status or any.
     *
     * @param skip how many to skip, at least 0
     * @param limit the page size, 1 to {@value #MAX_LIMIT} (usually {@value #DEFAULT_LIMIT})
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException naming {@code skip} or {@code limit} when out of range, or if
     *     an id is malformed
     */
    public Page<RunSummary> list(String workspaceId, Optional<String> workflowId, Optional<RunStatus> status,
            int skip, int limit) {
        Checks.id("workspaceId", workspaceId);
        Objects.requireNonNull(workflowId, "workflowId");
        Objects.requireNonNull(status, "status");
        if (skip < 0) {
            throw new IllegalArgumentException("skip must be >= 0, was " + skip);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        RunQuery query = new RunQuery(workflowId.orElse(null), status.map(Set::of).orElse(Set.of()), null, null,
                skip, limit);
        Page<Run> page = store.findRuns(workspaceId, query);
        return new Page<>(page.items().stream().map(RunSummary::of).toList(), page.total(), page.skip(),
                page.limit());
    }

    /**
     * A run with the step runs of all its attempts (and its planned steps that no attempt
     * reached) and its status history, or empty if the workspace has no run with that id.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the workspace id is malformed
     */
    public Optional<RunDetail> detail(String workspaceId, String runId) {
        Checks.id("workspaceId", workspaceId);
        Objects.requireNonNull(runId, "runId");
        return store.findRun(workspaceId, runId)
                .map(run -> RunDetail.of(run, store.findSteps(workspaceId, runId),
                        store.findControlAudit(workspaceId, runId)));
    }

    /**
     * A run's timeline (every step of every attempt, and its planned steps that no attempt
     * reached, with step counts), or empty if the workspace
     * has no run with that id.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the workspace id is malformed
     */
    public Optional<RunTimeline> timeline(String workspaceId, String runId) {
        Checks.id("workspaceId", workspaceId);
        Objects.requireNonNull(runId, "runId");
        return store.findRun(workspaceId, runId)
                .map(run -> RunTimeline.of(run, store.findSteps(workspaceId, runId)));
    }

    /**
     * The full output of a step of a run: its checkpoint of the given attempt, or of the latest
     * attempt that has one when {@code attempt} is empty. Empty if the workspace has no such run
     * ({@link StepOutput.NoRun}) or the step has no checkpoint there ({@link StepOutput.NoCheckpoint}:
     * it has not completed, or its orchestrator keeps no checkpoints).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the workspace or step id is malformed or the attempt is
     *     below 1
     */
    public StepOutput stepOutput(String workspaceId, String runId, String stepId, Optional<Integer> attempt) {
        Checks.id("workspaceId", workspaceId);
        Objects.requireNonNull(runId, "runId");
        Checks.id("stepId", stepId);
        Objects.requireNonNull(attempt, "attempt");
        attempt.ifPresent(a -> Checks.atLeast("attempt", a, 1));
        if (store.findRun(workspaceId, runId).isEmpty()) {
            return new StepOutput.NoRun();
        }
        StepCheckpoint found = null;
        for (StepCheckpoint c : store.findCheckpoints(workspaceId, runId)) {
            if (c.stepId().equals(stepId) && (attempt.isEmpty() ? found == null || c.attempt() > found.attempt()
                    : c.attempt() == attempt.get())) {
                found = c;
            }
        }
        return found == null ? new StepOutput.NoCheckpoint() : new StepOutput.Found(found);
    }

    @Override
    public String toString() {
        return "RunHistoryView{store=" + store + "}";
    }
}
