package dev.runmetrics.core.record;

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
import java.util.concurrent.CopyOnWriteArrayList;

/** A store that only remembers the snapshots written to it, in order; queries are not needed here. */
class RecordingStore implements RunStore {
    final List<Run> runs = new CopyOnWriteArrayList<>();
    final List<StepRun> steps = new CopyOnWriteArrayList<>();

    @Override
    public void saveRun(String workspaceId, Run run) {
        runs.add(run);
    }

    @Override
    public void saveStep(String workspaceId, StepRun step) {
        steps.add(step);
    }

    Run lastRun() {
        return runs.get(runs.size() - 1);
    }

    StepRun lastStep() {
        return steps.get(steps.size() - 1);
    }

    @Override
    public void saveCheckpoint(String workspaceId, StepCheckpoint checkpoint) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ResumeClaim claimResume(String workspaceId, String runId, int expectedAttempt, String instanceId,
            Instant claimedAt) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void appendControlAudit(String workspaceId, ControlAudit entry) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Run> findRun(String workspaceId, String runId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<StepRun> findSteps(String workspaceId, String runId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Page<Run> findRuns(String workspaceId, RunQuery query) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Run> liveRuns(String workspaceId, int limit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<StepCheckpoint> findCheckpoints(String workspaceId, String runId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<ControlAudit> findControlAudit(String workspaceId, String runId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Rollup> rollups(String workspaceId, RollupQuery query) {
        throw new UnsupportedOperationException();
    }

    @Override
    public DurationBreakdown exactDurations(String workspaceId, DurationQuery query) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Map<String, DurationHistogram> exactExecutionTimes(String workspaceId, DurationQuery query) {
        throw new UnsupportedOperationException();
    }

    @Override
    public StepDurationReport stepDurations(String workspaceId, StepDurationQuery query) {
        throw new UnsupportedOperationException();
    }
}
