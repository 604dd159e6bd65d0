package dev.runmetrics.springbatch;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.ListableStepLocator;
import org.springframework.batch.core.step.StepExecution;

/**
 * Where Spring Batch restarts a job instance: it runs again every step whose last execution did
 * not complete (a simple job from its first such step on, a flow job by walking the flow again and
 * skipping the completed steps) and keeps the completed ones. So the steps one can "resume from"
 * are the steps that failed or stopped in the latest execution; when that execution failed or
 * stopped between steps (none of its steps failed), the steps of the job that have not completed.
 * Stateless.
 */
final class RestartPoint {

    private RestartPoint() {}

    /**
     * The step names a restart of the instance of {@code last} runs again, in execution order.
     *
     * @param job the job, to list its steps (may be null or not a {@link ListableStepLocator})
     * @param executions every execution of the job instance, {@code last} among them
     */
    static Set<String> restartableSteps(Job job, JobExecution last, List<JobExecution> executions) {
        Set<String> failed = new LinkedHashSet<>();
        for (StepExecution step : ordered(last.getStepExecutions())) {
            if (step.getStatus() == BatchStatus.FAILED || step.getStatus() == BatchStatus.STOPPED) {
                failed.add(step.getStepName());
            }
        }
        if (!failed.isEmpty() || !(job instanceof ListableStepLocator locator)) {
            return failed;
        }
        Set<String> completed = new LinkedHashSet<>();
        for (JobExecution execution : executions) {
            for (StepExecution step : execution.getStepExecutions()) {
                if (step.getStatus() == BatchStatus.COMPLETED) {
                    completed.add(step.getStepName());
                }
            }
        }
        Set<String> pending = new LinkedHashSet<>(locator.getStepNames());
        pending.removeAll(completed);
        return pending;
    }

    /** Every step name the job or its executions know. */
    static Set<String> knownSteps(Job job, List<JobExecution> executions) {
        Set<String> known = new LinkedHashSet<>();
        if (job instanceof ListableStepLocator locator) {
            known.addAll(locator.getStepNames());
        }
        for (JobExecution execution : executions) {
            for (StepExecution step : execution.getStepExecutions()) {
                known.add(step.getStepName());
            }
        }
        return known;
    }

    /**
     * The first step that failed or stopped in the execution before {@code restart} (the step a
     * restart made outside runmetrics continues from), for the audit log; the job name if none is
     * known.
     */
    static String previousFailedStep(JobRepository repository, JobExecution restart) {
        try {
            JobExecution previous = null;
            for (JobExecution e : repository.getJobExecutions(restart.getJobInstance())) {
                if (e.getId() < restart.getId() && (previous == null || e.getId() > previous.getId())) {
                    previous = e;
                }
            }
            if (previous != null) {
                for (StepExecution step : ordered(previous.getStepExecutions())) {
                    if (step.getStatus() == BatchStatus.FAILED || step.getStatus() == BatchStatus.STOPPED) {
                        return step.getStepName();
                    }
                }
            }
        } catch (RuntimeException e) {
            // only the audit entry's step is at stake
        }
        return restart.getJobInstance().getJobName();
    }

    private static List<StepExecution> ordered(Collection<StepExecution> steps) {
        return steps.stream().sorted((a, b) -> Long.compare(a.getId(), b.getId())).toList();
    }
}
