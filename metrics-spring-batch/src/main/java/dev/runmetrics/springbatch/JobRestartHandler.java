package dev.runmetrics.springbatch;

import dev.runmetrics.core.control.ResumeHandler;
import dev.runmetrics.core.control.ResumeResult.Reason;
import dev.runmetrics.core.control.ResumeResult;
import dev.runmetrics.core.model.Ids;
import dev.runmetrics.core.model.JsonValues;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.store.ResumeClaim;
import dev.runmetrics.core.store.ResumeOutcome;
import dev.runmetrics.core.store.RunStore;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;

/**
 * The Run Console's "resume from step" for Spring Batch jobs: restarts the failed or stopped job
 * execution of a run through Spring Batch's {@link JobOperator}, as the next attempt of the run.
 *
 * <pre>{@code
 * JobRestartHandler restarts = JobRestartHandler.builder(batch, jobOperator).build();
 * MetricsHttpServer.builder(store).resumeHandler(restarts)
 *         .pause(JobStopAction.pause(batch)).cancel(JobStopAction.cancel(batch));
 * }</pre>
 *
 * <h2>What "resume from step" means here</h2>
 * Spring Batch decides where a restart begins, not the caller: it runs the job instance again with
 * the same job parameters, runs again every step that did not complete (the step that failed or was
 * stopped, then the ones after it; the failed partitions of a partitioned step) and keeps every
 * completed step's work without running it again. So a resume is accepted for a step that failed
 * or stopped in the job instance's latest execution (or, when that execution failed or stopped
 * between steps, a step that has not completed yet), and the whole restart follows from there. A
 * request naming a completed step, or a step that has not run, is refused with
 * {@link Reason#STEP_NOT_RESUMABLE} and a message naming the steps Spring Batch would restart at;
 * a step the job does not have gets {@link Reason#STEP_NOT_FOUND}.
 *
 * <h2>Input overrides</h2>
 * Overrides become job parameters of the restarted execution where Spring Batch allows it: a
 * non-identifying parameter may be added, changed or removed (null); an identifying one may not
 * (it names the job instance: another value would start a new instance, not restart this one);
 * values are strings, integers (Long), other numbers (Double) or booleans. A job with a
 * {@code JobParametersIncrementer} takes no overrides ({@code JobOperator.start} would launch its
 * next instance instead), and the job's own {@code JobParametersValidator} must accept the result.
 * Refusals get {@link Reason#INVALID_OVERRIDES}. Without overrides the restart is
 * {@code JobOperator.restart(lastExecution)}; with them, {@code JobOperator.start(job, parameters)}
 * with the same identifying parameters, which Spring Batch treats as a restart of the instance.
 *
 * <h2>Other refusals</h2>
 * {@code NOT_FOUND} (no such run in the workspace), {@code RUN_ACTIVE} (queued or running, in
 * runmetrics or in the job repository), {@code RUN_NOT_RESUMABLE} (the run completed or was
 * cancelled, its job execution completed, was abandoned or is in an unknown state, the job is not
 * restartable, or the job repository does not hold the instance any more, as Spring Batch's
 * resourceless repository does not), {@code UNKNOWN_WORKFLOW} (not a run of a job instrumented by
 * the {@link JobRunRecorder}), {@code CONFLICT} (another resume claimed the run first),
 * {@code UNAVAILABLE} (the store or the job repository failed).
 *
 * <h2>Concurrency and audit</h2>
 * As {@code WorkflowRunner.resume}: the checks read the store and the job repository, then
 * {@link RunStore#claimResume} decides, so of concurrent resumes exactly one is accepted and the
 * others get {@code CONFLICT} (or {@code RUN_ACTIVE} once the winner runs). Every request appends
 * one audit entry. The accepted one returns at once: the restart call is made on the
 * {@link Builder#executor executor} (Spring Batch's default {@code JobOperator} runs the job on the
 * calling thread). Should Spring Batch refuse the restart even so (another process restarted the
 * instance in between), the claimed attempt is recorded failed with Spring Batch's reason and a
 * second audit entry ({@code REFUSED}) says so; the run can be resumed again.
 *
 * <p><b>Threads</b>: thread-safe.
 */
public final class JobRestartHandler implements ResumeHandler {

    private static final System.Logger LOG = System.getLogger(JobRestartHandler.class.getName());

    private final JobRunRecorder batch;
    private final JobOperator operator;
    private final Executor executor;

    private JobRestartHandler(Builder b) {
        this.batch = b.batch;
        this.operator = b.operator;
        this.executor = b.executor != null ? b.executor : new RestartThreads();
    }

    /**
     * Returns a builder of a handler restarting the jobs {@code batch} records, through {@code operator}.
     *
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(JobRunRecorder batch, JobOperator operator) {
        return new Builder(batch, operator);
    }

    /** Restarts the run's job instance; see the class documentation for what is accepted. */
    @Override
    public ResumeResult resume(String workspaceId, String actor, String runId, String stepId,
            Map<String, ?> inputOverrides) {
        Ids.require("workspaceId", workspaceId);
        Ids.require("actor", actor);
        Ids.require("runId", runId);
        Ids.require("stepId", stepId);
        Object decision = plan(workspaceId, runId, stepId, inputOverrides);
        if (decision instanceof ResumeResult.Refused refused) {
            return refuse(workspaceId, actor, runId, stepId, inputOverrides, refused);
        }
        Plan plan = (Plan) decision;
        RunStore store = batch.store();
        ResumeClaim claim;
        try {
            claim = store.claimResume(workspaceId, runId, plan.run.attempt(), batch.recorder().instanceId(),
                    batch.recorder().now());
        } catch (RuntimeException e) {
            return refuse(workspaceId, actor, runId, stepId, inputOverrides, new ResumeResult.Refused(Reason.UNAVAILABLE,
                    "the run could not be claimed: " + describe(e), plan.run.attempt()));
        }
        if (claim instanceof ResumeClaim.NotFound) {
            return refuse(workspaceId, actor, runId, stepId, inputOverrides,
                    new ResumeResult.Refused(Reason.NOT_FOUND, "run " + runId + " not found", 0));
        }
        if (claim instanceof ResumeClaim.Conflict conflict) {
            Run now = conflict.current();
            String message = now.attempt() != plan.run.attempt()
                    ? "run " + runId + " was resumed by another request (it is now attempt " + now.attempt() + ", "
                            + now.status().wireName() + ")"
                    : "run " + runId + " changed meanwhile (it is now " + now.status().wireName() + ")";
            return refuse(workspaceId, actor, runId, stepId, inputOverrides, new ResumeResult.Refused(Reason.CONFLICT, message,
                    now.attempt()));
        }
        Run claimed = ((ResumeClaim.Claimed) claim).run();
        ResumeResult.Accepted accepted = new ResumeResult.Accepted(runId, stepId, claimed.attempt());
        batch.auditAnswer(workspaceId, actor, runId, stepId, inputOverrides, accepted);
        batch.expectRestart(claimed);
        try {
            executor.execute(() -> restart(plan, claimed, stepId, actor));
        } catch (RejectedExecutionException e) {
            notRestarted(claimed, stepId, actor, "the restart could not be scheduled: " + describe(e));
        }
        return accepted;
    }

    private void restart(Plan plan, Run claimed, String stepId, String actor) {
        try {
            if (plan.parameters == null) {
                operator.restart(plan.last);
            } else {
                operator.start(plan.job, plan.parameters);
            }
        } catch (Exception e) {
            notRestarted(claimed, stepId, actor, "Spring Batch refused the restart of job execution "
                    + plan.last.getId() + ": " + describe(e));
        }
    }

    private void notRestarted(Run claimed, String stepId, String actor, String message) {
        if (batch.restartFailed(claimed, message)) {
            batch.audit(claimed.workspaceId(), claimed.runId(), stepId, actor, claimed.attempt(), ResumeOutcome.REFUSED,
                    message);
        } else {
            // A job execution of the instance took the attempt up (a restart made elsewhere at the same time).
            LOG.log(Level.INFO, "run " + claimed.runId() + " attempt " + claimed.attempt()
                    + " runs in another job execution; this restart call ended: " + message);
        }
    }

    /** Returns a {@link Plan}, or the {@link ResumeResult.Refused} that ends the request. */
    private Object plan(String ws, String runId, String stepId, Map<String, ?> inputOverrides) {
        RunStore store = batch.store();
        Run run;
        try {
            run = store.findRun(ws, runId).orElse(null);
        } catch (RuntimeException e) {
            return new ResumeResult.Refused(Reason.UNAVAILABLE, "the store could not be read: " + describe(e), 0);
        }
        if (run == null) {
            return new ResumeResult.Refused(Reason.NOT_FOUND, "run " + runId + " not found", 0);
        }
        int attempt = run.attempt();
        if (run.status() == RunStatus.QUEUED || run.status() == RunStatus.RUNNING || batch.liveRun(runId) != null) {
            return new ResumeResult.Refused(Reason.RUN_ACTIVE, "run " + runId + " is " + run.status().wireName()
                    + " (attempt " + attempt + "); only a failed or paused run can be resumed", attempt);
        }
        if (run.status() != RunStatus.FAILED && run.status() != RunStatus.PAUSED) {
            return new ResumeResult.Refused(Reason.RUN_NOT_RESUMABLE, "run " + runId + " is "
                    + run.status().wireName() + "; only a failed or paused run can be resumed", attempt);
        }
        Object instanceId = run.attributes().get(BatchAttributes.JOB_INSTANCE_ID);
        Job job = batch.job(run.workflowId());
        if (!ws.equals(batch.workspaceId()) || !(instanceId instanceof Number) || job == null) {
            return new ResumeResult.Refused(Reason.UNKNOWN_WORKFLOW, "run " + runId + " of workflow '"
                    + run.workflowId() + "' is not a run of a Spring Batch job instrumented here", attempt);
        }
        Map<String, Object> overrides;
        try {
            overrides = inputOverrides == null ? Map.of() : JsonValues.copyOfMap(inputOverrides);
        } catch (IllegalArgumentException e) {
            return new ResumeResult.Refused(Reason.INVALID_OVERRIDES,
                    "input overrides must be a JSON object of JSON-like values: " + e.getMessage(), attempt);
        }
        JobRepository repository = batch.jobRepository();
        JobExecution last;
        List<JobExecution> executions;
        List<StepRun> steps;
        try {
            JobInstance instance = repository.getJobInstance(((Number) instanceId).longValue());
            last = instance == null ? null : repository.getLastJobExecution(instance);
            if (last == null) {
                return new ResumeResult.Refused(Reason.RUN_NOT_RESUMABLE, "the job repository holds no execution of"
                        + " job instance " + instanceId + " of run " + runId + ", so Spring Batch cannot restart it",
                        attempt);
            }
            executions = repository.getJobExecutions(instance);
            steps = store.findSteps(ws, runId);
        } catch (UnsupportedOperationException e) {
            return new ResumeResult.Refused(Reason.RUN_NOT_RESUMABLE, "the job repository cannot look up job"
                    + " instance " + instanceId + " (" + describe(e) + "); restarts need a persistent one", attempt);
        } catch (RuntimeException e) {
            return new ResumeResult.Refused(Reason.UNAVAILABLE, "the job repository or the store could not be read: "
                    + describe(e), attempt);
        }
        Object refusal = checkExecution(run, job, last, attempt);
        if (refusal != null) {
            return refusal;
        }
        Set<String> restartable = RestartPoint.restartableSteps(job, last, executions);
        if (!restartable.contains(stepId)) {
            boolean known = RestartPoint.knownSteps(job, executions).contains(stepId)
                    || steps.stream().anyMatch(s -> s.stepId().equals(stepId));
            if (!known) {
                return new ResumeResult.Refused(Reason.STEP_NOT_FOUND, "step '" + stepId + "' not found in job '"
                        + job.getName() + "'", attempt);
            }
            return new ResumeResult.Refused(Reason.STEP_NOT_RESUMABLE, "Spring Batch restarts job '" + job.getName()
                    + "' at the step(s) that did not complete " + restartable + " and keeps the completed ones;"
                    + " it cannot start again at '" + stepId + "'", attempt);
        }
        JobParameters parameters = null;
        if (!overrides.isEmpty()) {
            if (job.getJobParametersIncrementer() != null) {
                return new ResumeResult.Refused(Reason.INVALID_OVERRIDES, "job '" + job.getName() + "' has a"
                        + " JobParametersIncrementer, with which Spring Batch launches its next instance instead of"
                        + " taking parameters; resume it without input overrides", attempt);
            }
            ParameterOverrides.Result result = ParameterOverrides.apply(last.getJobParameters(), overrides);
            if (result.refusal() != null) {
                return new ResumeResult.Refused(Reason.INVALID_OVERRIDES, result.refusal(), attempt);
            }
            try {
                job.getJobParametersValidator().validate(result.parameters());
            } catch (InvalidJobParametersException e) {
                return new ResumeResult.Refused(Reason.INVALID_OVERRIDES, "job '" + job.getName()
                        + "' refuses the parameters: " + e.getMessage(), attempt);
            }
            parameters = result.parameters();
        }
        return new Plan(run, job, last, parameters);
    }

    private static ResumeResult.Refused checkExecution(Run run, Job job, JobExecution last, int attempt) {
        Object linked = last.getExecutionContext().get(BatchAttributes.RUN_ID_CONTEXT_KEY);
        BatchStatus status = last.getStatus();
        String which = "job execution " + last.getId() + " of run " + run.runId();
        if (!run.runId().equals(linked)) {
            return new ResumeResult.Refused(Reason.RUN_NOT_RESUMABLE, "the latest execution of the job instance of run "
                    + run.runId() + " (" + last.getId() + ") belongs to " + (linked == null ? "no run" : "run " + linked),
                    attempt);
        }
        if (status.isRunning()) {
            return new ResumeResult.Refused(Reason.RUN_ACTIVE, which + " is " + status + " in the job repository",
                    attempt);
        }
        if (status != BatchStatus.FAILED && status != BatchStatus.STOPPED) {
            String why = switch (status) {
                case COMPLETED -> "completed";
                case ABANDONED -> "abandoned, which Spring Batch never restarts";
                default -> status + "; Spring Batch restarts only failed or stopped executions (an UNKNOWN one"
                        + " needs an operator to decide first)";
            };
            return new ResumeResult.Refused(Reason.RUN_NOT_RESUMABLE, which + " is " + why, attempt);
        }
        if (!job.isRestartable()) {
            return new ResumeResult.Refused(Reason.RUN_NOT_RESUMABLE, "job '" + job.getName()
                    + "' is not restartable (preventRestart)", attempt);
        }
        return null;
    }

    private ResumeResult.Refused refuse(String ws, String actor, String runId, String stepId,
            Map<String, ?> inputOverrides, ResumeResult.Refused refused) {
        return batch.auditAnswer(ws, actor, runId, stepId, inputOverrides, refused);
    }

    private static String describe(Throwable e) {
        return BatchValues.describe(e);
    }

    private record Plan(Run run, Job job, JobExecution last, JobParameters parameters) {}

    /** The default executor: a thread per restart, named for it; not a daemon, as a job's own thread is not. */
    private static final class RestartThreads implements Executor {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public void execute(Runnable task) {
            new Thread(task, "runmetrics-batch-restart-" + count.incrementAndGet()).start();
        }
    }

    @Override
    public String toString() {
        return "JobRestartHandler{batch=" + batch + ", operator=" + operator + "}";
    }

    /** Configures a {@link JobRestartHandler}. Not thread-safe; build once. */
    public static final class Builder {
        private final JobRunRecorder batch;
        private final JobOperator operator;
        private Executor executor;

        private Builder(JobRunRecorder batch, JobOperator operator) {
            this.batch = Objects.requireNonNull(batch, "batch");
            this.operator = Objects.requireNonNull(operator, "operator");
        }

        /**
         * Sets where the restart call runs (default: a new thread per restart). With Spring Batch's
         * default synchronous {@code JobOperator} the job runs there, on that thread.
         *
         * @throws NullPointerException if executor is null
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** Builds the handler. */
        public JobRestartHandler build() {
            return new JobRestartHandler(this);
        }

        @Override
        public String toString() {
            return "JobRestartHandler.Builder{operator=" + operator + ", executor=" + executor + "}";
        }
    }
}
