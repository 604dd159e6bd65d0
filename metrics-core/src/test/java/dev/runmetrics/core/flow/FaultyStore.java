package dev.runmetrics.core.flow;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.store.ForwardingRunStore;
import dev.runmetrics.core.store.ResumeClaim;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.store.RunStoreException;
import dev.runmetrics.core.store.RunStoreUnavailableException;
import dev.runmetrics.core.store.StepCheckpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Delegates to a real store, but fails the writes the test selects, and lets a test hold claims
 * at a gate so that concurrent resumes all reach the claim before any of them is decided.
 */
final class FaultyStore extends ForwardingRunStore {
    volatile boolean failSnapshots;
    volatile Predicate<StepCheckpoint> failCheckpoint = c -> false;
    /** While true, every checkpoint write is refused as the store being unavailable (an outage). */
    volatile boolean checkpointsUnavailable;
    final AtomicInteger checkpointCalls = new AtomicInteger();
    volatile Runnable beforeClaim = () -> { };
    volatile Runnable beforeFindSteps = () -> { };

    FaultyStore(RunStore delegate) {
        super(delegate);
    }

    @Override
    public void saveRun(String workspaceId, Run run) {
        if (failSnapshots) {
            throw new RunStoreException("database down (test)");
        }
        super.saveRun(workspaceId, run);
    }

    @Override
    public void saveStep(String workspaceId, StepRun step) {
        if (failSnapshots) {
            throw new RunStoreException("database down (test)");
        }
        super.saveStep(workspaceId, step);
    }

    @Override
    public void saveCheckpoint(String workspaceId, StepCheckpoint checkpoint) {
        checkpointCalls.incrementAndGet();
        if (checkpointsUnavailable) {
            throw new RunStoreUnavailableException("database unavailable (test)", Duration.ofSeconds(1), null);
        }
        if (failCheckpoint.test(checkpoint)) {
            throw new RunStoreException("checkpoint write failed (test)");
        }
        super.saveCheckpoint(workspaceId, checkpoint);
    }

    @Override
    public ResumeClaim claimResume(String workspaceId, String runId, int expectedAttempt, String instanceId,
            Instant claimedAt) {
        beforeClaim.run();
        return super.claimResume(workspaceId, runId, expectedAttempt, instanceId, claimedAt);
    }

    @Override
    public List<StepRun> findSteps(String workspaceId, String runId) {
        beforeFindSteps.run();
        return super.findSteps(workspaceId, runId);
    }
}
