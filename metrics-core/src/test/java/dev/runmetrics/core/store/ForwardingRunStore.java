package dev.runmetrics.core.store;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.StepRun;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A store that forwards every call to another, for tests that break, slow or watch some of them by
 * overriding those. Public (in the test-jar) so every module's tests can use it.
 */
public class ForwardingRunStore implements RunStore {

    private final RunStore delegate;

    public ForwardingRunStore(RunStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public void saveRun(String workspaceId, Run run) {
        delegate.saveRun(workspaceId, run);
    }

    @Override
    public void saveStep(String workspaceId, StepRun step) {
        delegate.saveStep(workspaceId, step);
    }

    @Override
    public void saveCheckpoint(String workspaceId, StepCheckpoint checkpoint) {
        delegate.saveCheckpoint(workspaceId, checkpoint);
    }

    @Override
    public ResumeClaim claimResume(String workspaceId, String runId, int expectedAttempt, String instanceId,
            Instant claimedAt) {
        return delegate.claimResume(workspaceId, runId, expectedAttempt, instanceId, claimedAt);
    }

    @Override
    public void appendControlAudit(String workspaceId, ControlAudit entry) {
        delegate.appendControlAudit(workspaceId, entry);
    }

    @Override
    public Optional<Run> findRun(String workspaceId, String runId) {
        return delegate.findRun(workspaceId, runId);
    }

    @Override
    public List<StepRun> findSteps(String workspaceId, String runId) {
        return delegate.findSteps(workspaceId, runId);
    }

    @Override
    public Page<Run> findRuns(String workspaceId, RunQuery query) {
        return delegate.findRuns(workspaceId, query);
    }

    @Override
    public List<Run> liveRuns(String workspaceId, int limit) {
        return delegate.liveRuns(workspaceId, limit);
    }

    @Override
    public List<StepCheckpoint> findCheckpoints(String workspaceId, String runId) {
        return delegate.findCheckpoints(workspaceId, runId);
    }

    @Override
    public List<ControlAudit> findControlAudit(String workspaceId, String runId) {
        return delegate.findControlAudit(workspaceId, runId);
    }

    @Override
    public List<Rollup> rollups(String workspaceId, RollupQuery query) {
        return delegate.rollups(workspaceId, query);
    }

    @Override
    public DurationBreakdown exactDurations(String workspaceId, DurationQuery query) {
        return delegate.exactDurations(workspaceId, query);
    }

    @Override
    public Map<String, DurationHistogram> exactExecutionTimes(String workspaceId, DurationQuery query) {
        return delegate.exactExecutionTimes(workspaceId, query);
    }

    @Override
    public Map<String, DurationHistogram> exactExecutionTimes(String workspaceId, List<DurationQuery> queries) {
        return delegate.exactExecutionTimes(workspaceId, queries);
    }

    @Override
    public StepDurationReport stepDurations(String workspaceId, StepDurationQuery query) {
        return delegate.stepDurations(workspaceId, query);
    }

    @Override
    public StoreHealth health() {
        return delegate.health();
    }
}
