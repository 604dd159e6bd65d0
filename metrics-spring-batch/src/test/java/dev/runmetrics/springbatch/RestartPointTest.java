package dev.runmetrics.springbatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.SimpleJob;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;

/** Which steps a restart of a job instance runs again. */
class RestartPointTest {

    private static final JobInstance INSTANCE = new JobInstance(1, "nightly");
    private static long ids = 100;

    private static Step step(String name) {
        return new Step() {
            @Override
            public String getName() {
                return name;
            }

            @Override
            public void execute(StepExecution stepExecution) {}
        };
    }

    private static SimpleJob job() {
        SimpleJob job = new SimpleJob("nightly");
        job.setSteps(List.of(step("extract"), step("transform"), step("load")));
        return job;
    }

    private static JobExecution execution(BatchStatus status, Object... stepsAndStatuses) {
        JobExecution execution = new JobExecution(ids++, INSTANCE, new JobParameters());
        execution.setStatus(status);
        for (int i = 0; i < stepsAndStatuses.length; i += 2) {
            StepExecution step = new StepExecution(ids++, (String) stepsAndStatuses[i], execution);
            step.setStatus((BatchStatus) stepsAndStatuses[i + 1]);
            execution.addStepExecution(step);
        }
        return execution;
    }

    @Test
    void theStepsThatFailedOrStoppedInTheLatestExecutionAreWhereTheRestartBegins() {
        JobExecution last = execution(BatchStatus.FAILED, "extract", BatchStatus.COMPLETED, "transform",
                BatchStatus.FAILED);
        assertThat(RestartPoint.restartableSteps(job(), last, List.of(last))).containsExactly("transform");

        JobExecution partitioned = execution(BatchStatus.STOPPED, "sum", BatchStatus.STOPPED, "sum:partition0",
                BatchStatus.COMPLETED, "sum:partition1", BatchStatus.STOPPED);
        assertThat(RestartPoint.restartableSteps(job(), partitioned, List.of(partitioned)))
                .containsExactly("sum", "sum:partition1");
    }

    @Test
    void whenTheLatestExecutionEndedBetweenStepsTheStepsNotYetCompletedAre() {
        JobExecution first = execution(BatchStatus.FAILED, "extract", BatchStatus.COMPLETED, "transform",
                BatchStatus.FAILED);
        JobExecution second = execution(BatchStatus.STOPPED, "transform", BatchStatus.COMPLETED);
        assertThat(RestartPoint.restartableSteps(job(), second, List.of(first, second))).containsExactly("load");
        assertThat(RestartPoint.knownSteps(job(), List.of(first, second)))
                .containsExactlyInAnyOrder("extract", "transform", "load");
    }
}
