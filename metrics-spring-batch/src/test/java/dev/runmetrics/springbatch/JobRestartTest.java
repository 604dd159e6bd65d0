package dev.runmetrics.springbatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.runmetrics.core.control.ResumeResult;
import dev.runmetrics.core.control.ResumeResult.Reason;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.store.ResumeAudit;
import dev.runmetrics.core.store.ResumeOutcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

/** A failed job resumed from the Run Console is restarted by Spring Batch as the next attempt of its run. */
class JobRestartTest {

    static BatchContext batch;
    static ExecutorService restarts;
    static JobRestartHandler handler;

    @BeforeAll
    static void start() {
        batch = BatchContext.shared();
        restarts = Executors.newSingleThreadExecutor();
        handler = JobRestartHandler.builder(batch.batch(), batch.operator()).executor(restarts).build();
    }

    @AfterAll
    static void stop() {
        restarts.shutdownNow();
    }

    /** Runs the restartable job with its transform step failing once; returns the failed run's id. */
    private static String failedRun(String testCase) throws Exception {
        batch.behaviour().failTimes(testCase, 1);
        JobExecution execution = batch.run("restartable", testCase, Map.of("mode", "first"));
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.FAILED);
        String runId = BatchContext.runId(execution);
        assertThat(batch.run(runId).status()).isEqualTo(RunStatus.FAILED);
        return runId;
    }

    private static List<ResumeAudit> audit(String runId) {
        return batch.store().findResumeAudit(TestJobs.WORKSPACE, runId);
    }

    @Test
    void aFailedJobResumedAtItsFailedStepCompletesWithoutRunningTheCompletedStepsAgain() throws Exception {
        String runId = failedRun("restart-once");

        ResumeResult result = handler.resume(TestJobs.WORKSPACE, "alice", runId, "transform", null);
        assertThat(result).isEqualTo(new ResumeResult.Accepted(runId, "transform", 2));
        BatchContext.drain(restarts);

        Run run = batch.run(runId);
        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(run.attempt()).isEqualTo(2);
        assertThat(batch.steps(runId)).extracting(StepRun::attempt, StepRun::stepId, StepRun::status).containsExactly(
                tuple(1, "prepare", RunStatus.COMPLETED),
                tuple(1, "transform", RunStatus.FAILED),
                tuple(2, "transform", RunStatus.COMPLETED),
                tuple(2, "publish", RunStatus.COMPLETED));
        Behaviour b = batch.behaviour();
        assertThat(b.runs("restart-once", "prepare")).isEqualTo(1);
        assertThat(b.runs("restart-once", "transform")).isEqualTo(2);
        assertThat(b.runs("restart-once", "publish")).isEqualTo(1);
        // One job instance, two executions: Spring Batch's own restart.
        long instance = ((Number) run.attributes().get(BatchAttributes.JOB_INSTANCE_ID)).longValue();
        assertThat(batch.repository().getJobExecutions(batch.repository().getJobInstance(instance))).hasSize(2);
        assertThat(audit(runId)).singleElement().satisfies(a -> {
            assertThat(a.actor()).isEqualTo("alice");
            assertThat(a.stepId()).isEqualTo("transform");
            assertThat(a.attempt()).isEqualTo(2);
            assertThat(a.outcome()).isEqualTo(ResumeOutcome.ACCEPTED);
        });
    }

    @Test
    void resumingFromAStepSpringBatchWouldNotStartAtIsRefusedWithTheReason() throws Exception {
        String runId = failedRun("refusals");

        ResumeResult completedStep = handler.resume(TestJobs.WORKSPACE, "bob", runId, "prepare", null);
        assertThat(completedStep).isInstanceOfSatisfying(ResumeResult.Refused.class, r -> {
            assertThat(r.reason()).isEqualTo(Reason.STEP_NOT_RESUMABLE);
            assertThat(r.message()).isEqualTo("Spring Batch restarts job 'restartable' at the step(s) that did not"
                    + " complete [transform] and keeps the completed ones; it cannot start again at 'prepare'");
            assertThat(r.attempt()).isEqualTo(1);
        });
        ResumeResult notYetRun = handler.resume(TestJobs.WORKSPACE, "bob", runId, "publish", null);
        assertThat(notYetRun).extracting(r -> ((ResumeResult.Refused) r).reason()).isEqualTo(Reason.STEP_NOT_RESUMABLE);
        ResumeResult unknown = handler.resume(TestJobs.WORKSPACE, "bob", runId, "no_such_step", null);
        assertThat(unknown).extracting(r -> ((ResumeResult.Refused) r).reason()).isEqualTo(Reason.STEP_NOT_FOUND);
        ResumeResult otherWorkspace = handler.resume("ws-other", "bob", runId, "transform", null);
        assertThat(otherWorkspace).extracting(r -> ((ResumeResult.Refused) r).reason()).isEqualTo(Reason.NOT_FOUND);

        assertThat(audit(runId)).extracting(ResumeAudit::stepId, ResumeAudit::outcome).containsExactly(
                tuple("prepare", ResumeOutcome.REFUSED), tuple("publish", ResumeOutcome.REFUSED),
                tuple("no_such_step", ResumeOutcome.REFUSED));
        assertThat(batch.run(runId).status()).isEqualTo(RunStatus.FAILED);
        assertThat(batch.behaviour().runs("refusals", "transform")).isEqualTo(1);

        // Once completed, the run is over for Spring Batch too.
        assertThat(handler.resume(TestJobs.WORKSPACE, "bob", runId, "transform", null).accepted()).isTrue();
        BatchContext.drain(restarts);
        batch.flush();
        ResumeResult again = handler.resume(TestJobs.WORKSPACE, "bob", runId, "transform", null);
        assertThat(again).extracting(r -> ((ResumeResult.Refused) r).reason()).isEqualTo(Reason.RUN_NOT_RESUMABLE);
    }

    @Test
    void inputOverridesBecomeNonIdentifyingJobParametersOfTheRestart() throws Exception {
        String runId = failedRun("overrides");

        ResumeResult identifying = handler.resume(TestJobs.WORKSPACE, "carol", runId, "transform",
                Map.of("case", "another-instance"));
        assertThat(identifying).isInstanceOfSatisfying(ResumeResult.Refused.class, r -> {
            assertThat(r.reason()).isEqualTo(Reason.INVALID_OVERRIDES);
            assertThat(r.message()).startsWith("'case' is an identifying job parameter");
        });
        ResumeResult nested = handler.resume(TestJobs.WORKSPACE, "carol", runId, "transform",
                Map.of("mode", Map.of("deep", true)));
        assertThat(nested).extracting(r -> ((ResumeResult.Refused) r).reason()).isEqualTo(Reason.INVALID_OVERRIDES);
        Map<String, Object> notJson = new HashMap<>();
        notJson.put("mode", new Object());
        assertThat(handler.resume(TestJobs.WORKSPACE, "carol", runId, "transform", notJson))
                .extracting(r -> ((ResumeResult.Refused) r).reason()).isEqualTo(Reason.INVALID_OVERRIDES);

        ResumeResult accepted = handler.resume(TestJobs.WORKSPACE, "carol", runId, "transform",
                Map.of("mode", "repair", "limit", 5, "case", "overrides"));
        assertThat(accepted.accepted()).isTrue();
        BatchContext.drain(restarts);

        assertThat(batch.run(runId).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(batch.behaviour().seen("overrides", "mode")).isEqualTo("repair");
        long instance = ((Number) batch.run(runId).attributes().get(BatchAttributes.JOB_INSTANCE_ID)).longValue();
        JobExecution restart = batch.repository().getLastJobExecution(batch.repository().getJobInstance(instance));
        assertThat(restart.getJobParameters().getString("mode")).isEqualTo("repair");
        assertThat(restart.getJobParameters().getLong("limit")).isEqualTo(5L);
        assertThat(restart.getJobParameters().getParameter("limit").identifying()).isFalse();
        assertThat(restart.getJobInstanceId()).isEqualTo(instance);
    }

    @Test
    void aRestartMadeThroughSpringBatchDirectlyIsTheNextAttemptOfTheSameRun() throws Exception {
        String runId = failedRun("direct-restart");
        long instance = ((Number) batch.run(runId).attributes().get(BatchAttributes.JOB_INSTANCE_ID)).longValue();
        JobExecution failed = batch.repository().getLastJobExecution(batch.repository().getJobInstance(instance));

        JobExecution restart = batch.operator().restart(failed);
        assertThat(restart.getStatus()).isEqualTo(BatchStatus.COMPLETED);

        assertThat(BatchContext.runId(restart)).isEqualTo(runId);
        Run run = batch.run(runId);
        assertThat(run.attempt()).isEqualTo(2);
        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(batch.steps(runId)).filteredOn(s -> s.attempt() == 2).extracting(StepRun::stepId)
                .containsExactly("transform", "publish");
        assertThat(audit(runId)).singleElement().satisfies(a -> {
            assertThat(a.actor()).isEqualTo(JobRunRecorder.SPRING_BATCH_ACTOR);
            assertThat(a.stepId()).isEqualTo("transform");
            assertThat(a.outcome()).isEqualTo(ResumeOutcome.ACCEPTED);
        });
    }

    @Test
    void ofConcurrentResumesExactlyOneRestartsTheJobAndEachIsAudited() throws Exception {
        String runId = failedRun("concurrent");
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ResumeResult>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                String actor = "operator-" + i;
                results.add(pool.submit(() -> {
                    go.await();
                    return handler.resume(TestJobs.WORKSPACE, actor, runId, "transform", null);
                }));
            }
            go.countDown();
            List<ResumeResult> answers = new ArrayList<>();
            for (Future<ResumeResult> f : results) {
                answers.add(f.get(60, TimeUnit.SECONDS));
            }
            BatchContext.drain(restarts);

            assertThat(answers).filteredOn(ResumeResult::accepted).singleElement()
                    .isEqualTo(new ResumeResult.Accepted(runId, "transform", 2));
            assertThat(answers).filteredOn(r -> !r.accepted()).hasSize(callers - 1)
                    .allSatisfy(r -> assertThat(((ResumeResult.Refused) r).reason()).isIn(Reason.CONFLICT,
                            Reason.RUN_ACTIVE));
            assertThat(audit(runId)).hasSize(callers)
                    .filteredOn(a -> a.outcome() == ResumeOutcome.ACCEPTED).hasSize(1);
            Run run = batch.run(runId);
            assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(run.attempt()).isEqualTo(2);
            assertThat(batch.behaviour().runs("concurrent", "transform")).isEqualTo(2);
            long instance = ((Number) run.attributes().get(BatchAttributes.JOB_INSTANCE_ID)).longValue();
            assertThat(batch.repository().getJobExecutions(batch.repository().getJobInstance(instance))).hasSize(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRestartThatCannotBeMadeAfterItsClaimEndsTheClaimedAttemptFailedAndIsAuditedAgain() throws Exception {
        String runId = failedRun("not-scheduled");
        JobRestartHandler full = JobRestartHandler.builder(batch.batch(), batch.operator())
                .executor(task -> {
                    throw new RejectedExecutionException("no thread left");
                }).build();

        assertThat(full.resume(TestJobs.WORKSPACE, "frank", runId, "transform", null))
                .isEqualTo(new ResumeResult.Accepted(runId, "transform", 2));
        Run run = batch.run(runId);
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.attempt()).isEqualTo(2);
        assertThat(run.errorMessage()).startsWith("the restart could not be scheduled: RejectedExecutionException");
        assertThat(audit(runId)).extracting(ResumeAudit::attempt, ResumeAudit::outcome).containsExactly(
                tuple(2, ResumeOutcome.ACCEPTED), tuple(2, ResumeOutcome.REFUSED));

        // Spring Batch never saw that attempt: the next resume restarts the same failed execution.
        assertThat(handler.resume(TestJobs.WORKSPACE, "frank", runId, "transform", null))
                .isEqualTo(new ResumeResult.Accepted(runId, "transform", 3));
        BatchContext.drain(restarts);
        assertThat(batch.run(runId).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(batch.steps(runId)).filteredOn(s -> s.attempt() == 3).extracting(StepRun::stepId)
                .containsExactly("transform", "publish");
    }

    @Test
    void aResumeOfARunningOrUnknownRunIsRefused() throws Exception {
        assertThat(handler.resume(TestJobs.WORKSPACE, "dave", "0190c0de-0000-7000-8000-000000000000", "transform", null))
                .extracting(r -> ((ResumeResult.Refused) r).reason()).isEqualTo(Reason.NOT_FOUND);
        JobExecution done = batch.run("restartable", "completed-run");
        batch.flush();
        ResumeResult completed = handler.resume(TestJobs.WORKSPACE, "dave", BatchContext.runId(done), "transform", null);
        assertThat(completed).isInstanceOfSatisfying(ResumeResult.Refused.class, r -> {
            assertThat(r.reason()).isEqualTo(Reason.RUN_NOT_RESUMABLE);
            assertThat(r.message()).contains("is completed");
        });
    }
}
