package dev.runmetrics.core.views;

import static dev.runmetrics.core.views.RollupTotals.percent;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.store.DurationStatistics;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.store.StepDurationQuery;
import dev.runmetrics.core.store.StepDurationReport;
import dev.runmetrics.core.store.StepDurations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How each step of a workflow behaves across its runs: per step, how many executions ended and
 * how (completed, failed, cancelled, skipped), the failure rate, and the mean, median, 95th
 * percentile and maximum of the execution times ({@link #steps}). Obtained from
 * {@link RunViews#stepStatistics()}.
 *
 * <p><b>Where the numbers come from, and the bound.</b> Step runs carry no workflow id and the
 * NODE rollups are keyed by node name alone (two workflows may share a node, one workflow may use
 * a node in several steps), so rollups cannot answer this. The view asks the store
 * ({@link RunStore#stepDurations}) for the step rows of the latest {@code runLimit} runs of the
 * workflow that ended in the range (default {@value #DEFAULT_RUN_LIMIT}, at most
 * {@value #MAX_RUN_LIMIT}): exact, and its cost bounded by the run limit however long the range.
 * When more runs ended in the range, the answer says so ({@code truncated}) and describes the latest.
 * Raw steps may be pruned by age while rollups are kept, so older ranges may have no steps.
 *
 * <p>Thread-safe: stateless beyond the store, which is thread-safe.
 */
public final class StepStatisticsView {
    /** The run limit when none is asked for. */
    public static final int DEFAULT_RUN_LIMIT = 1000;
    /** The largest run limit. */
    public static final int MAX_RUN_LIMIT = StepDurationQuery.MAX_RUN_LIMIT;

    private final RunStore store;

    StepStatisticsView(RunStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * The per-step statistics of a workflow over its latest {@code runLimit} runs that ended in
     * {@code [from, to)}.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if an id is malformed, {@code to} is before {@code from}, or
     *     the run limit is outside 1 to {@value #MAX_RUN_LIMIT}
     */
    public WorkflowStepStatistics steps(String workspaceId, String workflowId, Instant from, Instant to,
            int runLimit) {
        Checks.id("workspaceId", workspaceId);
        StepDurationReport report = store.stepDurations(workspaceId,
                new StepDurationQuery(workflowId, from, to, runLimit));
        List<StepStatistics> steps = new ArrayList<>(report.steps().size());
        for (StepDurations s : report.steps()) {
            long completed = s.count(RunStatus.COMPLETED);
            long failed = s.count(RunStatus.FAILED) + s.count(RunStatus.TIMEOUT);
            long cancelled = s.count(RunStatus.CANCELLED);
            long count = completed + failed + cancelled;
            DurationStatistics exec = s.executionTime();
            steps.add(new StepStatistics(s.stepId(), s.stepName(), s.stepOrder(), s.nodeName(), count, completed,
                    failed, cancelled, s.count(RunStatus.SKIPPED), percent(failed, count), exec.mean(), exec.p50(),
                    exec.p95(), exec.max()));
        }
        return new WorkflowStepStatistics(workflowId, from, to, "ms", runLimit, report.runs(), report.truncated(),
                steps);
    }

    @Override
    public String toString() {
        return "StepStatisticsView{defaultRunLimit=" + DEFAULT_RUN_LIMIT + ", maxRunLimit=" + MAX_RUN_LIMIT + "}";
    }
}
