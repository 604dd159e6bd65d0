package dev.runmetrics.springbatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.runmetrics.core.control.ResumeResult;
import dev.runmetrics.core.control.ResumeResult.Reason;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

/** The Run Console's pause and cancel stop the job execution through Spring Batch. */
class JobStopTest {

    static BatchContext batch;
    static ExecutorService jobs;
    static ExecutorService restarts;
    static JobRestartHandler handler;
    static JobStopAction pause;
    static JobStopAction cancel;

    @BeforeAll
    static void start() {
        batch = BatchContext.shared();
        jobs = Executors.newCachedThreadPool();
        restarts = Executors.newSingleThreadExecutor();
        handler = JobRestartHandler.builder(batch.batch(), batch.operator()).executor(restarts).build();
        pause = JobStopAction.pause(batch.batch());
        cancel = JobStopAction.cancel(batch.batch());
    }

    @AfterAll
    static void stop() {
        jobs.shutdownNow();
        restarts.shutdownNow();
    }

    /** Starts the stoppable job in the background and returns once its reader waits at item 11. */
    private static Future<JobExecution> startGated(String testCase) throws Exception {
        batch.behaviour().closeGate(testCase);
        Future<JobExecution> execution = jobs.submit(() -> batch.run("stoppable", testCase));
        assertThat(batch.behaviour().awaitGate(testCase)).as("the reader reached its gate").isTrue();
        return execution;
    }

    private static String liveRunId(String testCase) {
        return batch.store().findRuns(TestJobs.WORKSPACE, dev.runmetrics.core.store.RunQuery.latest("stoppable", 50))
                .items().stream().filter(r -> testCase.equals(r.inputSummary().get("case"))).findFirst()
                .orElseThrow().runId();
    }

    @Test
    void aPausedJobStopsAtAChunkBoundaryAndItsRestartContinuesFromTheLastCommit() throws Exception {
        Future<JobExecution> first = startGated("pause-resume");
        batch.flush();
        String runId = liveRunId("pause-resume");

        assertThat(pause.apply(TestJobs.WORKSPACE, runId, "maintenance window")).isTrue();
        assertThat(pause.apply(TestJobs.WORKSPACE, runId, "twice")).as("a second stop request").isFalse();
        batch.behaviour().open("pause-resume");
        JobExecution stopped = first.get(60, TimeUnit.SECONDS);
        assertThat(stopped.getStatus()).isEqualTo(BatchStatus.STOPPED);

        Run paused = batch.run(runId);
        assertThat(paused.status()).isEqualTo(RunStatus.PAUSED);
        assertThat(paused.errorMessage()).isEqualTo("maintenance window");
        StepRun ingest = batch.step(runId, "ingest", 1);
        assertThat(ingest.status()).isEqualTo(RunStatus.PAUSED);
        long writtenBefore = (Long) ingest.attributes().get(BatchAttributes.WRITE_COUNT);
        assertThat(writtenBefore).isBetween(10L, 39L);
        assertThat(pause.apply(TestJobs.WORKSPACE, runId, null)).as("pausing a paused run").isFalse();

        ResumeResult resumed = handler.resume(TestJobs.WORKSPACE, "erin", runId, "ingest", null);
        assertThat(resumed).isEqualTo(new ResumeResult.Accepted(runId, "ingest", 2));
        BatchContext.drain(restarts);

        Run run = batch.run(runId);
        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(run.attempt()).isEqualTo(2);
        assertThat(batch.steps(runId)).extracting(StepRun::attempt, StepRun::stepId, StepRun::status).containsExactly(
                tuple(1, "ingest", RunStatus.PAUSED), tuple(2, "ingest", RunStatus.COMPLETED));
        assertThat(batch.step(runId, "ingest", 2).attributes())
                .containsEntry(BatchAttributes.WRITE_COUNT, 40L - writtenBefore);
        // Every item written once: the restart went on from the stopped execution's last commit.
        assertThat(batch.behaviour().written("pause-resume")).containsExactlyElementsOf(TestJobs.oneTo(40));
    }

    @Test
    void aCancelledJobIsAbandonedSoThatNeitherRunmetricsNorSpringBatchRestartsIt() throws Exception {
        Future<JobExecution> first = startGated("cancel");
        batch.flush();
        String runId = liveRunId("cancel");

        assertThat(cancel.apply("ws-other", runId, null)).as("another workspace").isFalse();
        assertThat(cancel.apply(TestJobs.WORKSPACE, runId, "wrong input file")).isTrue();
        batch.behaviour().open("cancel");
        JobExecution ended = first.get(60, TimeUnit.SECONDS);

        Run run = batch.run(runId);
        assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(run.errorMessage()).isEqualTo("wrong input file");
        assertThat(batch.step(runId, "ingest", 1).status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(batch.repository().getJobExecution(ended.getId()).getStatus()).isEqualTo(BatchStatus.ABANDONED);

        ResumeResult resumed = handler.resume(TestJobs.WORKSPACE, "erin", runId, "ingest", null);
        assertThat(resumed).extracting(r -> ((ResumeResult.Refused) r).reason()).isEqualTo(Reason.RUN_NOT_RESUMABLE);
        assertThat(batch.behaviour().written("cancel")).hasSizeLessThan(40);
    }

    @Test
    void aPauseFromAnotherProcessReachesTheJobThroughTheJobRepository() throws Exception {
        Future<JobExecution> first = startGated("pause-elsewhere");
        batch.flush();
        String runId = liveRunId("pause-elsewhere");
        // Another process: its own recorder, the same store and job repository, the run not in flight there.
        JobRunRecorder console = JobRunRecorder.builder(TestJobs.WORKSPACE,
                dev.runmetrics.core.record.RunRecorder.builder(batch.store()).build(), batch.store(),
                batch.repository()).build();

        assertThat(JobStopAction.cancel(console).apply(TestJobs.WORKSPACE, runId, null))
                .as("a cancel cannot reach another process").isFalse();
        assertThat(JobStopAction.pause(console).apply(TestJobs.WORKSPACE, runId, "from the console")).isTrue();
        batch.behaviour().open("pause-elsewhere");
        assertThat(first.get(60, TimeUnit.SECONDS).getStatus()).isEqualTo(BatchStatus.STOPPED);

        Run run = batch.run(runId);
        assertThat(run.status()).isEqualTo(RunStatus.PAUSED);
        assertThat(batch.step(runId, "ingest", 1).status()).isEqualTo(RunStatus.PAUSED);
        assertThat(batch.behaviour().written("pause-elsewhere")).hasSizeLessThan(40);
    }

    @Test
    void onlyARunningJobCanBePausedOrCancelled() throws Exception {
        JobExecution done = batch.run("restartable", "stop-ended", Map.of());
        batch.flush();
        String runId = BatchContext.runId(done);
        assertThat(pause.apply(TestJobs.WORKSPACE, runId, null)).isFalse();
        assertThat(cancel.apply(TestJobs.WORKSPACE, runId, null)).isFalse();
        assertThat(pause.apply(TestJobs.WORKSPACE, "0190c0de-0000-7000-8000-000000000000", null)).isFalse();
        assertThat(batch.run(runId).status()).isEqualTo(RunStatus.COMPLETED);
    }
}
