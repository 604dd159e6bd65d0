package dev.runmetrics.core.flow;

import static dev.runmetrics.core.flow.RunnerFixture.WS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.control.ResumeResult;
import dev.runmetrics.core.control.ResumeResult.Reason;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.store.ResumeOutcome;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a step does when the store is unavailable for its checkpoint: under the default
 * {@link CheckpointPolicy#DEFERRED} it completes and the checkpoint is written when the store is
 * back (and the run cannot be resumed until then); under {@link CheckpointPolicy#REQUIRED} it fails.
 */
class CheckpointPolicyTest {

    /** Retries that never come during a test: only the calls the test makes write deferred checkpoints. */
    private static final Duration NEVER = Duration.ofHours(1);

    private RunnerFixture f;

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void byDefaultStepsCompleteWhileTheStoreIsUnavailableAndTheirCheckpointsAreWrittenWhenItIsBack()
            throws Exception {
        f = new RunnerFixture(2, b -> b.deferredCheckpoints(100, Duration.ofMillis(20)));
        assertThat(f.runner.checkpointPolicy()).isEqualTo(CheckpointPolicy.DEFERRED);
        f.store.checkpointsUnavailable = true;
        String runId = f.submit("basic_sequence", Map.of("n", 1));
        RunOutcome outcome = f.await(runId);

        assertThat(outcome.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(f.checkpoints(runId, 1)).isEmpty();
        assertThat(f.runner.deferredCheckpoints()).isEqualTo(4); // the input and three steps

        f.store.checkpointsUnavailable = false;
        eventually(() -> f.runner.deferredCheckpoints() == 0, "the deferred checkpoints are written");
        assertThat(f.checkpoints(runId, 1)).containsOnlyKeys("initialize", "process", "finalize");
        assertThat(f.checkpoints(runId, 1)).isEqualTo(outcome.outputs());
    }

    @Test
    void whileCheckpointsWaitNewOnesJoinThemWithoutCallingTheStore() throws Exception {
        f = new RunnerFixture(1, b -> b.deferredCheckpoints(100, NEVER));
        f.store.checkpointsUnavailable = true;
        String runId = f.submit("data_pipeline", Map.of("records", 10));
        assertThat(f.await(runId).status()).isEqualTo(RunStatus.COMPLETED);

        // The input's write failed (1 call) and the retry thread tried it once (1 call); the seven
        // steps' checkpoints joined the queue without a call each.
        assertThat(f.runner.deferredCheckpoints()).isEqualTo(8);
        assertThat(f.store.checkpointCalls.get()).isLessThanOrEqualTo(2);
    }

    @Test
    void aRunWithDeferredCheckpointsIsNotResumedUntilTheyAreStored() throws Exception {
        f = new RunnerFixture(2, b -> b.deferredCheckpoints(100, NEVER));
        f.store.checkpointsUnavailable = true;
        f.failing.add("transform_data");
        String runId = f.submit("data_pipeline", Map.of("records", 10));
        assertThat(f.await(runId).status()).isEqualTo(RunStatus.FAILED);
        f.failing.remove("transform_data");

        ResumeResult refused = f.runner.resume(WS, "alice", runId, "transform_data", null);
        assertThat(refused).isInstanceOf(ResumeResult.Refused.class);
        assertThat(((ResumeResult.Refused) refused).reason()).isEqualTo(Reason.UNAVAILABLE);
        assertThat(((ResumeResult.Refused) refused).message()).contains("not stored yet");
        assertThat(f.memory.findRun(WS, runId).orElseThrow().attempt()).isEqualTo(1);

        // The store is back: the resume first writes the run's deferred checkpoints, then restores them.
        f.store.checkpointsUnavailable = false;
        ResumeResult accepted = f.runner.resume(WS, "alice", runId, "transform_data", null);
        assertThat(accepted).isEqualTo(new ResumeResult.Accepted(runId, "transform_data", 2));
        RunOutcome outcome = f.await(runId);
        assertThat(outcome.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(outcome.restoredSteps()).containsExactlyInAnyOrder("validate_source", "extract_data");
        assertThat(f.calls("validate_source")).isEqualTo(1);
        assertThat(f.calls("extract_data")).isEqualTo(1);
        assertThat(f.memory.findResumeAudit(WS, runId)).extracting(a -> a.outcome())
                .containsExactly(ResumeOutcome.REFUSED, ResumeOutcome.ACCEPTED);
    }

    @Test
    void underRequiredAStepWhoseCheckpointTheUnavailableStoreRefusesFails() throws Exception {
        f = new RunnerFixture(2, b -> b.checkpointPolicy(CheckpointPolicy.REQUIRED));
        f.store.checkpointsUnavailable = true;
        String runId = f.submit("basic_sequence", Map.of());
        RunOutcome outcome = f.await(runId);

        assertThat(outcome.status()).isEqualTo(RunStatus.FAILED);
        assertThat(outcome.steps()).containsExactly(Map.entry("initialize", RunStatus.FAILED));
        assertThat(f.step(runId, "initialize", 1).errorMessage())
                .contains("checkpoint of step 'initialize' was not stored").contains("database unavailable");
        assertThat(f.runner.deferredCheckpoints()).isZero();
    }

    @Test
    void beyondItsBoundADeferredCheckpointFailsItsStep() throws Exception {
        f = new RunnerFixture(1, b -> b.deferredCheckpoints(2, NEVER));
        f.store.checkpointsUnavailable = true;
        String runId = f.submit("basic_sequence", Map.of());
        RunOutcome outcome = f.await(runId);

        // The input and initialize fill the two places; process cannot be kept and fails.
        assertThat(outcome.status()).isEqualTo(RunStatus.FAILED);
        assertThat(outcome.steps()).containsExactly(Map.entry("initialize", RunStatus.COMPLETED),
                Map.entry("process", RunStatus.FAILED));
        assertThat(f.step(runId, "process", 1).errorMessage()).contains("maxDeferredCheckpoints");
        assertThat(f.runner.deferredCheckpoints()).isEqualTo(2);
    }

    @Test
    void aCheckpointFailureThatIsNotAnOutageFailsTheStepUnderTheDefaultPolicyToo() throws Exception {
        f = new RunnerFixture(2);
        f.store.failCheckpoint = c -> c.stepId().equals("process");
        String runId = f.submit("basic_sequence", Map.of());

        assertThat(f.await(runId).steps()).containsEntry("process", RunStatus.FAILED);
        assertThat(f.runner.deferredCheckpoints()).isZero();
    }

    private static void eventually(BooleanSupplier check, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!check.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }
}
