package dev.runmetrics.springbatch;

import dev.runmetrics.core.control.RunAction;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.springbatch.ExecutionState.StopRequest;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.Optional;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.StepLocator;
import org.springframework.batch.core.step.tasklet.StoppableTasklet;
import org.springframework.batch.core.step.tasklet.TaskletStep;

/**
 * The Run Console's pause and cancel for Spring Batch jobs: both stop the run's job execution the
 * way Spring Batch stops one, which it honours at the next chunk or step boundary (a running
 * tasklet finishes first, unless it is a {@link StoppableTasklet}, which is told to stop); the run
 * stays running until the job execution has ended.
 *
 * <ul>
 *   <li>{@link #pause}: the job execution ends {@code STOPPED}, which Spring Batch can restart; the
 *       run and its stopped step are recorded paused, and {@link JobRestartHandler} resumes it.
 *       Also for a job execution running in another process that shares the job repository; that
 *       process's recorder records it paused.
 *   <li>{@link #cancel}: the same stop, and then the job execution is marked {@code ABANDONED} as it
 *       ends, so that Spring Batch will not restart it either; the run and its stopped step are
 *       recorded cancelled. Only for job executions in flight in this process (the intent has no
 *       way to reach another one): otherwise it returns false.
 * </ul>
 *
 * <h2>How it stops, and why not {@code JobOperator.stop}</h2>
 * A job execution stops when its status is {@code STOPPING}: every step checks it at its updates
 * (after each chunk or tasklet iteration, and as it starts) and ends {@code STOPPED}. For a job
 * execution in flight in this process the action sets that status on the job execution the job's
 * thread works on, and tells its running {@code StoppableTasklet}s; for one in another process it
 * writes the status to the {@link JobRepository}, where that process's steps read it.
 * {@code JobOperator.stop(JobExecution)} does the latter too, and more, which in Spring Batch 6.0
 * breaks the restart this console offers next: it writes each running step execution from the
 * stopping thread (racing the step's own writes under optimistic locking; when the step loses it
 * ends {@code UNKNOWN}, which Spring Batch never restarts), and it registers and then releases the
 * running step's step scope on the stopping thread, which destroys the step's {@code @StepScope}
 * beans while it runs: its reader is replaced by a fresh one that reads from the first item again,
 * and the restart goes on from that wrong position.
 *
 * <p>{@link #apply} returns false (the HTTP adapter answers 409) when the run is not in the workspace
 * of the {@link JobRunRecorder}, is not a run of a job execution that is starting or started, or a
 * stop was already requested. The reason given is the run's and the step's recorded reason.
 *
 * <p><b>Threads</b>: thread-safe; of concurrent requests on one run, one stops it.
 */
public final class JobStopAction implements RunAction {

    private static final System.Logger LOG = System.getLogger(JobStopAction.class.getName());

    private final JobRunRecorder batch;
    private final boolean cancel;

    private JobStopAction(JobRunRecorder batch, boolean cancel) {
        this.batch = Objects.requireNonNull(batch, "batch");
        this.cancel = cancel;
    }

    /**
     * Returns the pause action: stop the job execution, record the run paused (restartable).
     *
     * @throws NullPointerException if batch is null
     */
    public static JobStopAction pause(JobRunRecorder batch) {
        return new JobStopAction(batch, false);
    }

    /**
     * Returns the cancel action: stop the job execution, mark it abandoned, record the run cancelled.
     *
     * @throws NullPointerException if batch is null
     */
    public static JobStopAction cancel(JobRunRecorder batch) {
        return new JobStopAction(batch, true);
    }

    @Override
    public boolean apply(String workspaceId, String runId, String reason) {
        if (!batch.workspaceId().equals(workspaceId) || runId == null) {
            return false;
        }
        try {
            ExecutionState state = batch.liveRun(runId);
            if (state != null) {
                return stopHere(state, new StopRequest(cancel, reason));
            }
            return !cancel && stopElsewhere(workspaceId, runId);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the job execution of run " + runId + " was not stopped", e);
            return false;
        }
    }

    private boolean stopHere(ExecutionState state, StopRequest request) {
        JobExecution execution = state.execution;
        if (!running(execution.getStatus()) || !state.requestStop(request)) {
            return false;
        }
        execution.setStatus(BatchStatus.STOPPING);
        Job job = batch.job(execution.getJobInstance().getJobName());
        if (job instanceof StepLocator locator) {
            for (StepExecution step : execution.getStepExecutions()) {
                if (step.getStatus().isRunning()) {
                    try {
                        if (locator.getStep(step.getStepName()) instanceof TaskletStep tasklet
                                && tasklet.getTasklet() instanceof StoppableTasklet stoppable) {
                            stoppable.stop(step);
                        }
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "the tasklet of step " + step.getStepName() + " was not told to stop", e);
                    }
                }
            }
        }
        return true;
    }

    /** Stops the running job execution of a run recorded by another process, through the job repository. */
    private boolean stopElsewhere(String ws, String runId) {
        Optional<Run> run = batch.store().findRun(ws, runId);
        if (run.isEmpty() || run.get().status() != RunStatus.RUNNING) {
            return false;
        }
        Object instanceId = run.get().attributes().get(BatchAttributes.JOB_INSTANCE_ID);
        if (!(instanceId instanceof Number n)) {
            return false;
        }
        JobRepository repository = batch.jobRepository();
        JobInstance instance = repository.getJobInstance(n.longValue());
        JobExecution last = instance == null ? null : repository.getLastJobExecution(instance);
        if (last == null || !running(last.getStatus())
                || !runId.equals(last.getExecutionContext().get(BatchAttributes.RUN_ID_CONTEXT_KEY))) {
            return false;
        }
        last.setStatus(BatchStatus.STOPPING);
        repository.update(last); // takes up the stored status first if it moved on meanwhile
        return last.getStatus() == BatchStatus.STOPPING;
    }

    private static boolean running(BatchStatus status) {
        return status == BatchStatus.STARTING || status == BatchStatus.STARTED;
    }

    @Override
    public String toString() {
        return "JobStopAction{" + (cancel ? "cancel" : "pause") + ", workspaceId=" + batch.workspaceId() + "}";
    }
}
