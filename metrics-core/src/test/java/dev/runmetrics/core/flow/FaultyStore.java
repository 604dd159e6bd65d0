package dev.runmetrics.core.flow;

import dev.runmetrics.core.run.DurationQuery;
import dev.runmetrics.core.run.Page;
import dev.runmetrics.core.run.ResumeAudit;
import dev.runmetrics.core.run.ResumeClaim;
import dev.runmetrics.core.run.RollupQuery;
import dev.runmetrics.core.run.Run;
import dev.runmetrics.core.run.RunQuery;
import dev.runmetrics.core.run.RunStore;
import dev.runmetrics.core.run.RunStoreException;
import dev.runmetrics.core.run.StepCheckpoint;
import dev.runmetrics.core.run.StepRun;
import dev.runmetrics.core.stats.DurationBreakdown;
import dev.runmetrics.core.stats.Rollup;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Delegates to a real store, but fails the writes the test selects, and lets a test hold claims
 * at a gate so that concurrent resumes all reach the claim before any of them is decided.
 */
final class FaultyStore implements RunStore {
    private final RunStore delegate;
    volatile boolean failSnapshots;
    volatile Predicate<StepCheckpoint> failCheckpoint = c -> false;
    volatile Runnable beforeClaim = () -> { };
    volatile Runnable beforeFindSteps = () -> { };

    FaultyStore(RunStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public void saveRun(String workspaceId, Run run) {
        if (failSnapshots) {
            throw new RunStoreException("database down (test)");
        }
        delegate.saveRun(workspaceId, run);
    }

    @Override
    public void saveStep(String workspaceId, StepRun step) {
        if (failSnapshots) {
            throw new RunStoreException("database down (test)");
        }
        delegate.saveStep(workspaceId, step);
    }

    @Override
    public void saveCheckpoint(String workspaceId, StepCheckpoint checkpoint) {
        if (failCheckpoint.test(checkpoint)) {
            throw new RunStoreException("checkpoint write failed (test)");
        }
        delegate.saveCheckpoint(workspaceId, checkpoint);
    }

    @Override
    public ResumeClaim claimResume(String workspaceId, String runId, int expectedAttempt, String instanceId,
            Instant claimedAt) {
        beforeClaim.run();
        return delegate.claimResume(workspaceId, runId, expectedAttempt, instanceId, claimedAt);
    }

    @Override
    public void appendResumeAudit(String workspaceId, ResumeAudit entry) {
        delegate.appendResumeAudit(workspaceId, entry);
    }

    @Override
    public Optional<Run> findRun(String workspaceId, String runId) {
        return delegate.findRun(workspaceId, runId);
    }

    @Override
    public List<StepRun> findSteps(String workspaceId, String runId) {
        beforeFindSteps.run();
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
    public List<ResumeAudit> findResumeAudit(String workspaceId, String runId) {
        return delegate.findResumeAudit(workspaceId, runId);
    }

    @Override
    public List<Rollup> rollups(String workspaceId, RollupQuery query) {
        return delegate.rollups(workspaceId, query);
    }

    @Override
    public DurationBreakdown exactDurations(String workspaceId, DurationQuery query) {
        return delegate.exactDurations(workspaceId, query);
    }
}
