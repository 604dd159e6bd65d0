package dev.runmetrics.bench.langgraph;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.store.DurationBreakdown;
import dev.runmetrics.core.store.DurationHistogram;
import dev.runmetrics.core.store.DurationQuery;
import dev.runmetrics.core.store.Page;
import dev.runmetrics.core.store.ControlAudit;
import dev.runmetrics.core.store.ResumeClaim;
import dev.runmetrics.core.store.Rollup;
import dev.runmetrics.core.store.RollupQuery;
import dev.runmetrics.core.store.RunQuery;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.store.StepCheckpoint;
import dev.runmetrics.core.store.StepDurationQuery;
import dev.runmetrics.core.store.StepDurationReport;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A store that keeps nothing, so that a benchmark of millions of recorded invocations measures the
 * recording path (recorder, hooks, summaries) and not a store's growth. Stateless; thread-safe.
 */
public final class DiscardingRunStore implements RunStore {

    @Override
    public void saveRun(String workspaceId, Run run) {}

    @Override
    public void saveStep(String workspaceId, StepRun step) {}

    @Override
    public void saveCheckpoint(String workspaceId, StepCheckpoint checkpoint) {}

    @Override
    public ResumeClaim claimResume(String workspaceId, String runId, int expectedAttempt, String instanceId,
            Instant claimedAt) {
        return new ResumeClaim.NotFound();
    }

    @Override
    public void appendControlAudit(String workspaceId, ControlAudit entry) {}

    @Override
    public Optional<Run> findRun(String workspaceId, String runId) {
        return Optional.empty();
    }

    @Override
    public List<StepRun> findSteps(String workspaceId, String runId) {
        return List.of();
    }

    @Override
    public Page<Run> findRuns(String workspaceId, RunQuery query) {
        throw new UnsupportedOperationException("a discarding store has no runs to page");
    }

    @Override
    public List<Run> liveRuns(String workspaceId, int limit) {
        return List.of();
    }

    @Override
    public List<StepCheckpoint> findCheckpoints(String workspaceId, String runId) {
        return List.of();
    }

    @Override
    public List<ControlAudit> findControlAudit(String workspaceId, String runId) {
        return List.of();
    }

    @Override
    public List<Rollup> rollups(String workspaceId, RollupQuery query) {
        return List.of();
    }

    @Override
    public DurationBreakdown exactDurations(String workspaceId, DurationQuery query) {
        throw new UnsupportedOperationException("a discarding store has no durations");
    }

    @Override
    public Map<String, DurationHistogram> exactExecutionTimes(String workspaceId, DurationQuery query) {
        throw new UnsupportedOperationException("a discarding store has no durations");
    }

    @Override
    public StepDurationReport stepDurations(String workspaceId, StepDurationQuery query) {
        throw new UnsupportedOperationException("a discarding store has no durations");
    }
}
