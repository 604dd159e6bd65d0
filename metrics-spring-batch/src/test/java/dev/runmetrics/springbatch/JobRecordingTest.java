package dev.runmetrics.springbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.node.ErrorCategory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.support.JdbcTransactionManager;

/** Job executions become runs and step executions steps, with their counts, names and failures. */
class JobRecordingTest {

    static BatchContext batch;

    @BeforeAll
    static void start() {
        batch = BatchContext.shared();
    }

    @Test
    void aJobExecutionIsARunOfTheJobWithItsParametersAsInput() throws Exception {
        JobExecution execution = batch.run("restartable", "recorded-run", Map.of("mode", "full"));
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);

        Run run = batch.run(BatchContext.runId(execution));
        assertThat(run.workflowId()).isEqualTo("restartable");
        assertThat(run.workflowName()).isEqualTo("restartable");
        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(run.attempt()).isEqualTo(1);
        assertThat(run.inputSummary()).isEqualTo(Map.of("case", "recorded-run", "mode", "full"));
        assertThat(run.attributes()).containsEntry(BatchAttributes.JOB_INSTANCE_ID, execution.getJobInstanceId());
        assertThat(run.resultsSummary()).containsEntry(BatchAttributes.EXIT_CODE, "COMPLETED")
                .containsEntry(BatchAttributes.BATCH_STATUS, "COMPLETED")
                .containsEntry(BatchAttributes.JOB_EXECUTION_ID, execution.getId());
        assertThat(batch.steps(run.runId())).extracting(StepRun::stepId, StepRun::stepOrder, StepRun::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("prepare", 1, RunStatus.COMPLETED),
                        org.assertj.core.groups.Tuple.tuple("transform", 2, RunStatus.COMPLETED),
                        org.assertj.core.groups.Tuple.tuple("publish", 3, RunStatus.COMPLETED));
    }

    @Test
    void taskletAndChunkStepsCarryTheirChunkCountsAsAttributes() throws Exception {
        JobExecution execution = batch.run("chunked", "chunk-counts");
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        String runId = BatchContext.runId(execution);
        StepExecution load = execution.getStepExecutions().stream().filter(s -> s.getStepName().equals("load"))
                .findFirst().orElseThrow();

        StepRun recorded = batch.step(runId, "load", 1);
        assertThat(recorded.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(recorded.nodeName()).isEqualTo("load");
        assertThat(recorded.attributes())
                .containsEntry(BatchAttributes.READ_COUNT, 10L)
                .containsEntry(BatchAttributes.FILTER_COUNT, 2L)
                .containsEntry(BatchAttributes.PROCESS_SKIP_COUNT, 1L)
                .containsEntry(BatchAttributes.SKIP_COUNT, 1L)
                .containsEntry(BatchAttributes.WRITE_COUNT, 7L)
                .containsEntry(BatchAttributes.COMMIT_COUNT, load.getCommitCount())
                .containsEntry(BatchAttributes.ROLLBACK_COUNT, load.getRollbackCount())
                .containsEntry(BatchAttributes.READ_SKIP_COUNT, 0L)
                .containsEntry(BatchAttributes.WRITE_SKIP_COUNT, 0L)
                .containsEntry(BatchAttributes.STEP_EXECUTION_ID, load.getId())
                .containsEntry(BatchAttributes.JOB_EXECUTION_ID, execution.getId())
                .containsEntry(BatchAttributes.EXIT_CODE, "COMPLETED");
        assertThat(load.getCommitCount()).isPositive();
        assertThat(batch.behaviour().written("chunk-counts")).containsExactly(1, 2, 3, 4, 6, 8, 9);

        StepRun count = batch.step(runId, "count", 1);
        assertThat(count.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(count.attributes()).containsEntry(BatchAttributes.READ_COUNT, 0L)
                .containsEntry(BatchAttributes.COMMIT_COUNT, 1L);
        assertThat(count.outputSummary()).containsEntry(BatchAttributes.EXIT_CODE, "COMPLETED");
    }

    @Test
    void aConditionalFlowRecordsTheFailedStepItsClassifiedErrorAndThePathTaken() throws Exception {
        JobExecution execution = batch.run("conditional", "flow-fallback", Map.of("valid", "no"));
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        String runId = BatchContext.runId(execution);

        assertThat(batch.run(runId).status()).isEqualTo(RunStatus.COMPLETED);
        List<StepRun> steps = batch.steps(runId);
        assertThat(steps).extracting(StepRun::stepId).containsExactly("check", "fallback");
        StepRun check = steps.get(0);
        assertThat(check.status()).isEqualTo(RunStatus.FAILED);
        assertThat(check.errorCategory()).isEqualTo(ErrorCategory.VALIDATION.name());
        assertThat(check.errorMessage()).isEqualTo("IllegalArgumentException: record 7 has no customer id");
        assertThat(steps.get(1).status()).isEqualTo(RunStatus.COMPLETED);

        JobExecution valid = batch.run("conditional", "flow-release", Map.of("valid", "yes"));
        assertThat(batch.steps(BatchContext.runId(valid))).extracting(StepRun::stepId, StepRun::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("check", RunStatus.COMPLETED),
                org.assertj.core.groups.Tuple.tuple("release", RunStatus.COMPLETED));
    }

    @Test
    void partitionWorkersAndTheStepsOfAFlowStepAreRecordedUnderTheirNames() throws Exception {
        JobExecution execution = batch.run("partitioned", "partitions");
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(batch.behaviour().sum("partitions")).isEqualTo(5050);
        String runId = BatchContext.runId(execution);

        List<StepRun> steps = batch.steps(runId);
        assertThat(steps).extracting(StepRun::stepId).containsExactlyInAnyOrder("sum", "sumWorker:partition0",
                "sumWorker:partition1", "sumWorker:partition2", "sumWorker:partition3", "reportFlow", "reportA",
                "reportB");
        assertThat(steps).allSatisfy(s -> assertThat(s.status()).isEqualTo(RunStatus.COMPLETED));
        for (int i = 0; i < 4; i++) {
            StepRun worker = batch.step(runId, "sumWorker:partition" + i, 1);
            assertThat(worker.nodeName()).isEqualTo("sumWorker");
            assertThat(worker.attributes()).containsEntry(BatchAttributes.PARTITION, "partition" + i)
                    .containsEntry(BatchAttributes.READ_COUNT, 25L).containsEntry(BatchAttributes.WRITE_COUNT, 25L);
        }
        // The manager step's counts are its workers' together (Spring Batch aggregates them).
        assertThat(batch.step(runId, "sum", 1).attributes()).containsEntry(BatchAttributes.READ_COUNT, 100L);
        assertThat(batch.step(runId, "reportFlow", 1).attributes()).doesNotContainKey(BatchAttributes.PARTITION);
        assertThat(steps).noneSatisfy(s -> assertThat(s.attributes()).containsKey(BatchAttributes.RECORDED_AFTER_JOB));
    }

    @Test
    void aStepTheListenerIsNotRegisteredOnIsRecordedWhenItsJobEnds() throws Exception {
        JdbcTransactionManager tx = batch.context.getBean(JdbcTransactionManager.class);
        Step unlistened = new StepBuilder("unlistened", batch.repository())
                .tasklet((contribution, chunk) -> {
                    contribution.incrementWriteCount(3);
                    return RepeatStatus.FINISHED;
                }, tx).build();
        Job job = new JobBuilder("hand_built", batch.repository()).listener(batch.batch()).start(unlistened).build();

        JobExecution execution = batch.operator().start(job, BatchContext.parameters("after-job", Map.of()));
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);

        StepRun step = batch.step(BatchContext.runId(execution), "unlistened", 1);
        assertThat(step.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(step.attributes()).containsEntry(BatchAttributes.RECORDED_AFTER_JOB, true)
                .containsEntry(BatchAttributes.WRITE_COUNT, 3L);
    }

    @Test
    void aFailedJobIsAFailedRunNamingTheStepAndTheError() throws Exception {
        batch.behaviour().failTimes("fails", 1);
        JobExecution execution = batch.run("restartable", "fails");
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.FAILED);
        String runId = BatchContext.runId(execution);

        Run run = batch.run(runId);
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.errorMessage()).isEqualTo("step transform failed: IllegalStateException: transform failed on purpose");
        StepRun transform = batch.step(runId, "transform", 1);
        assertThat(transform.status()).isEqualTo(RunStatus.FAILED);
        assertThat(transform.errorCategory()).isEqualTo(ErrorCategory.OTHER.name());
        assertThat(batch.steps(runId)).extracting(StepRun::stepId).containsExactly("prepare", "transform");
    }
}
