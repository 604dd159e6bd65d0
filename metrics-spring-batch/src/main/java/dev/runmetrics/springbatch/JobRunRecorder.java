package dev.runmetrics.springbatch;

import dev.runmetrics.core.control.ResumeAuditLog;
import dev.runmetrics.core.model.Ids;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepSpec;
import dev.runmetrics.core.node.ErrorCategory;
import dev.runmetrics.core.node.ErrorClassifier;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.ResumeAudit;
import dev.runmetrics.core.store.ResumeClaim;
import dev.runmetrics.core.store.ResumeOutcome;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.springbatch.ExecutionState.StepState;
import dev.runmetrics.springbatch.ExecutionState.StopRequest;
import java.lang.System.Logger.Level;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.AbstractJob;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.AbstractStep;
import org.springframework.batch.core.step.ListableStepLocator;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Records Spring Batch jobs as runmetrics runs: a {@link JobExecutionListener} and
 * {@link StepExecutionListener} that turns each job execution into a run attempt and each step
 * execution into a step of it, through a {@link RunRecorder}.
 *
 * <pre>{@code
 * JobRunRecorder batch = JobRunRecorder.builder("ws-1", recorder, store, jobRepository).build();
 * batch.instrument(job);          // or a JobRecordingPostProcessor bean: every Job and Step bean
 * }</pre>
 *
 * <h2>What is recorded</h2>
 * <ul>
 *   <li>A job execution is a run of the workflow named after the job ({@code workflowId} = job name),
 *       its job parameters (name to value) the run's input, its job instance id the run attribute
 *       {@value BatchAttributes#JOB_INSTANCE_ID}. It ends completed, failed (with the failing step
 *       and exception as the error), paused (Spring Batch {@code STOPPED}: restartable) or cancelled
 *       (a cancel from the Run Console, or {@code ABANDONED}); a completed run's results are its
 *       exit code and description.
 *   <li>A step execution is a step of the run, id and name = the step execution's name, so the
 *       workers of a partitioned step appear as {@code worker:partition0}, ... next to the manager
 *       step, and the steps inside a flow step next to the flow step. Its node is the step's name
 *       without the partition suffix. Its chunk counts (read, write, filter, skip, commit,
 *       rollback) and ids are step attributes ({@link BatchAttributes}); a failure is classified by
 *       the {@link ErrorClassifier} (default {@link ErrorClassifier#defaults()}).
 *   <li>A step the listener was not registered on still appears when its job ends, with its counts
 *       and status but without its times ({@value BatchAttributes#RECORDED_AFTER_JOB}).
 * </ul>
 *
 * <h2>Restarts are attempts of the same run</h2>
 * The run id is kept in the job execution context under {@value BatchAttributes#RUN_ID_CONTEXT_KEY}
 * (written to the job repository when the job starts). Spring Batch copies that context into the
 * execution that restarts a failed or stopped job instance, so every execution of one job instance
 * is one run, each a new attempt: a restart through {@link JobRestartHandler} claims the attempt
 * first, and a restart made directly through Spring Batch (a {@code JobOperator}, a command line
 * runner, a scheduler launching the same identifying parameters) is claimed here, with a
 * {@link ResumeAudit} entry whose actor is {@value #SPRING_BATCH_ACTOR}. When that claim cannot
 * be had (the run is unknown to the store, still running there, or was cancelled) the execution
 * becomes a new run, and the context points to it from then on.
 *
 * <h2>Failures</h2>
 * Like {@link RunRecorder}, it never throws into Spring Batch: a failing store or an unexpected
 * state is logged and the job goes on. The one write it makes to the job repository (the run id
 * in the context) is also contained.
 *
 * <p><b>Threads</b>: thread-safe; partition workers and concurrent jobs report in parallel. Register one
 * instance on many jobs and steps; registering it twice on the same job or step records once.
 */
public final class JobRunRecorder implements JobExecutionListener, StepExecutionListener {

    /** The audit actor of restarts made through Spring Batch directly, not through runmetrics. */
    public static final String SPRING_BATCH_ACTOR = "spring-batch";

    private static final System.Logger LOG = System.getLogger(JobRunRecorder.class.getName());
    /** How many ended job executions are remembered, so that a listener registered twice ends a run once. */
    private static final int ENDED_MEMORY = 4096;

    private final String workspaceId;
    private final RunRecorder recorder;
    private final RunStore store;
    private final JobRepository jobRepository;
    private final ErrorClassifier classifier;
    private final ResumeAuditLog audits;
    private final ConcurrentMap<String, Job> jobs = new ConcurrentHashMap<>();
    /**
     * The jobs and steps the listener is registered on. Weak, so that job- and step-scoped step
     * beans, a new instance per execution, are not kept; Spring Batch's jobs and steps do not
     * override {@code equals}, so this is by identity.
     */
    private final Set<Object> instrumented = Collections.newSetFromMap(Collections.synchronizedMap(new WeakHashMap<>()));
    /** Job executions in flight, by job execution id. */
    private final ConcurrentMap<Long, ExecutionState> live = new ConcurrentHashMap<>();
    /** The same, by run id. */
    private final ConcurrentMap<String, ExecutionState> liveByRun = new ConcurrentHashMap<>();
    /** Attempts claimed by {@link JobRestartHandler} whose job execution has not started yet, by run id. */
    private final ConcurrentMap<String, Run> pendingRestarts = new ConcurrentHashMap<>();
    private final Map<Long, Boolean> ended = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > ENDED_MEMORY;
        }
    });
    private final AtomicLong lastUnregisteredWarning = new AtomicLong(Long.MIN_VALUE);

    private JobRunRecorder(Builder b) {
        this.workspaceId = b.workspaceId;
        this.recorder = b.recorder;
        this.store = b.store;
        this.audits = new ResumeAuditLog(b.store, b.recorder::now);
        this.jobRepository = b.jobRepository;
        this.classifier = b.classifier;
    }

    /**
     * Returns a builder of a recorder of the jobs of one workspace.
     *
     * @param workspaceId the runmetrics workspace the runs are recorded in
     * @param recorder the recorder the runs go through
     * @param store the store {@code recorder} writes to (read for restarts, claimed for attempts)
     * @param jobRepository the jobs' repository (the run id is written to the job execution context)
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the workspace id is blank or too long
     */
    public static Builder builder(String workspaceId, RunRecorder recorder, RunStore store, JobRepository jobRepository) {
        return new Builder(workspaceId, recorder, store, jobRepository);
    }

    /** Returns the workspace the runs are recorded in. */
    public String workspaceId() {
        return workspaceId;
    }

    // ------------------------------------------------------------------ registration

    /**
     * Registers this listener on a job and on every step the job can list (a {@link ListableStepLocator}:
     * the steps of a simple job, the steps of a flow job and of its flows), and remembers the job by
     * name for {@link JobRestartHandler}. Steps the job does not list (the worker step of a
     * partitioned step, the steps inside a flow step) need {@link #instrument(Step)}, which
     * {@link JobRecordingPostProcessor} does for every step bean. Idempotent.
     *
     * @param job the job, an {@link AbstractJob} (as every job Spring Batch's builders make); the
     *     listener of another kind of job must be registered by its owner
     * @return the job
     * @throws NullPointerException if job is null
     */
    public <J extends Job> J instrument(J job) {
        Objects.requireNonNull(job, "job");
        jobs.put(job.getName(), job);
        if (job instanceof AbstractJob abstractJob) {
            if (instrumented.add(abstractJob)) {
                abstractJob.registerJobExecutionListener(this);
            }
        } else {
            LOG.log(Level.WARNING, "job " + job.getName() + " is a " + job.getClass().getName()
                    + ", not an AbstractJob: register the JobRunRecorder on it yourself");
        }
        if (job instanceof ListableStepLocator locator) {
            for (String name : locator.getStepNames()) {
                try {
                    instrument(locator.getStep(name));
                } catch (RuntimeException e) {
                    LOG.log(Level.DEBUG, "step " + name + " of job " + job.getName() + " not found", e);
                }
            }
        }
        return job;
    }

    /**
     * Registers this listener on a step (an {@link AbstractStep}, as every step Spring Batch's
     * builders make; other steps are left alone). Idempotent.
     *
     * @return the step
     * @throws NullPointerException if step is null
     */
    public <S extends Step> S instrument(S step) {
        Objects.requireNonNull(step, "step");
        if (step instanceof AbstractStep abstractStep && instrumented.add(abstractStep)) {
            abstractStep.registerStepExecutionListener(this);
        }
        return step;
    }

    // ------------------------------------------------------------------ jobs

    /** Records the start of a job execution: a new run, or the next attempt of its job instance's run. */
    @Override
    public void beforeJob(JobExecution jobExecution) {
        guard("beforeJob", () -> {
            if (!live.containsKey(jobExecution.getId()) && !ended.containsKey(jobExecution.getId())) {
                start(jobExecution);
            }
        });
    }

    /** Records the end of a job execution as the end of its run attempt. */
    @Override
    public void afterJob(JobExecution jobExecution) {
        guard("afterJob", () -> {
            if (ended.containsKey(jobExecution.getId())) {
                return;
            }
            // A job stopped before it began, or whose parameters were refused, gets no beforeJob.
            ExecutionState state = live.get(jobExecution.getId());
            if (state == null) {
                state = start(jobExecution);
            }
            try {
                reconcileSteps(state, jobExecution);
                end(state, jobExecution);
            } finally {
                ended.put(jobExecution.getId(), Boolean.TRUE);
                live.remove(jobExecution.getId(), state);
                liveByRun.remove(state.runId, state);
            }
        });
    }

    private ExecutionState start(JobExecution execution) {
        String jobName = execution.getJobInstance().getJobName();
        ExecutionContext context = execution.getExecutionContext();
        Object linked = context.get(BatchAttributes.RUN_ID_CONTEXT_KEY);
        ExecutionState state = null;
        if (linked instanceof String runId) {
            state = pendingRestarts.remove(runId) != null ? new ExecutionState(runId, execution)
                    : claimRestart(execution, runId);
        }
        if (state == null) {
            Map<String, Object> attributes = Map.of(BatchAttributes.JOB_INSTANCE_ID, execution.getJobInstanceId());
            String runId = recorder.runQueued(workspaceId, jobName, jobName,
                    BatchValues.parameters(execution.getJobParameters()), attributes);
            context.putString(BatchAttributes.RUN_ID_CONTEXT_KEY, runId);
            try {
                jobRepository.updateExecutionContext(execution);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "the run id of job execution " + execution.getId() + " was not written to the"
                        + " job repository yet; Spring Batch writes the context after the first step", e);
            }
            state = new ExecutionState(runId, execution);
        }
        live.put(execution.getId(), state);
        liveByRun.put(state.runId, state);
        recorder.runStarted(workspaceId, state.runId);
        return state;
    }

    /** Claims the next attempt of a run for a restart made outside runmetrics; null if it cannot be had. */
    private ExecutionState claimRestart(JobExecution execution, String runId) {
        try {
            Optional<Run> stored = store.findRun(workspaceId, runId);
            if (stored.isEmpty()
                    || (stored.get().status() != RunStatus.FAILED && stored.get().status() != RunStatus.PAUSED)) {
                LOG.log(Level.INFO, "job execution " + execution.getId() + " restarts run " + runId + ", which is "
                        + stored.map(r -> r.status().wireName()).orElse("not in the store") + ": recorded as a new run");
                return null;
            }
            Run run = stored.get();
            ResumeClaim claim = store.claimResume(workspaceId, runId, run.attempt(), recorder.instanceId(), recorder.now());
            if (!(claim instanceof ResumeClaim.Claimed claimed)) {
                LOG.log(Level.INFO, "job execution " + execution.getId() + " could not claim run " + runId
                        + " (" + claim + "): recorded as a new run");
                return null;
            }
            audit(workspaceId, runId, RestartPoint.previousFailedStep(jobRepository, execution), SPRING_BATCH_ACTOR,
                    claimed.run().attempt(), ResumeOutcome.ACCEPTED, null);
            recorder.runResumed(workspaceId, claimed.run());
            return new ExecutionState(runId, execution);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "job execution " + execution.getId() + " could not claim run " + runId
                    + ": recorded as a new run", e);
            return null;
        }
    }

    private void end(ExecutionState state, JobExecution execution) {
        BatchStatus status = execution.getStatus();
        StopRequest stop = state.stopRequest();
        String runId = state.runId;
        switch (status) {
            case COMPLETED -> {
                Map<String, Object> results = BatchValues.exit(execution.getExitStatus());
                results.put(BatchAttributes.BATCH_STATUS, status.name());
                results.put(BatchAttributes.JOB_EXECUTION_ID, execution.getId());
                recorder.runCompleted(workspaceId, runId, results);
            }
            case STOPPED -> {
                if (stop != null && stop.cancel()) {
                    // A cancelled run is over for Spring Batch too: an abandoned execution is not restarted.
                    execution.upgradeStatus(BatchStatus.ABANDONED);
                    recorder.runCancelled(workspaceId, runId, stopReason(stop, execution));
                } else {
                    recorder.runPaused(workspaceId, runId, stopReason(stop, execution));
                }
            }
            case ABANDONED -> recorder.runCancelled(workspaceId, runId, stopReason(stop, execution));
            default -> recorder.runFailed(workspaceId, runId, jobFailure(execution));
        }
    }

    private static String stopReason(StopRequest stop, JobExecution execution) {
        if (stop != null && stop.reason() != null && !stop.reason().isBlank()) {
            return stop.reason();
        }
        return (stop != null && stop.cancel() ? "cancelled" : "stopped") + ": job execution " + execution.getId()
                + " ended " + execution.getStatus() + " (exit code " + execution.getExitStatus().getExitCode() + ")";
    }

    /** The failure that ended the job: its last failed step's (a flow may go on past a failed step), else its own. */
    private static String jobFailure(JobExecution execution) {
        StepExecution failed = null;
        for (StepExecution step : execution.getStepExecutions()) {
            if ((step.getStatus() == BatchStatus.FAILED || step.getStatus() == BatchStatus.UNKNOWN)
                    && (failed == null || step.getId() > failed.getId())) {
                failed = step;
            }
        }
        if (failed != null) {
            return BatchValues.bounded("step " + failed.getStepName() + " " + lower(failed.getStatus()) + ": "
                    + BatchValues.failure(failed.getFailureExceptions(), failed.getExitStatus()));
        }
        return BatchValues.bounded("job execution " + execution.getId() + " " + lower(execution.getStatus()) + ": "
                + BatchValues.failure(execution.getFailureExceptions(), execution.getExitStatus()));
    }

    private static String lower(BatchStatus status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    /** Ends every step the listener saw start but not end, and records those it never saw. */
    private void reconcileSteps(ExecutionState state, JobExecution execution) {
        for (StepExecution step : execution.getStepExecutions()) {
            StepState seen = state.steps.get(step.getId());
            if (seen == null) {
                String name = step.getStepName();
                StepState late = new StepState(name);
                if (state.steps.putIfAbsent(step.getId(), late) == null) {
                    recorder.stepStarted(workspaceId, state.runId, spec(state, name), null);
                    recorder.stepAttributes(workspaceId, state.runId, name, Map.of(BatchAttributes.RECORDED_AFTER_JOB, true));
                    endStep(state, step, late);
                }
            } else if (!seen.ended()) {
                endStep(state, step, seen);
            }
        }
    }

    // ------------------------------------------------------------------ steps

    /** Records that a step execution started. */
    @Override
    public void beforeStep(StepExecution stepExecution) {
        guard("beforeStep", () -> {
            ExecutionState state = live.get(stepExecution.getJobExecutionId());
            if (state == null) {
                warnUnregistered(stepExecution);
                return;
            }
            String name = stepExecution.getStepName();
            if (state.steps.putIfAbsent(stepExecution.getId(), new StepState(name)) == null) {
                recorder.stepStarted(workspaceId, state.runId, spec(state, name), null);
            }
        });
    }

    /** Records that a step execution ended, with its chunk counts; leaves its exit status alone. */
    @Override
    public ExitStatus afterStep(StepExecution stepExecution) {
        guard("afterStep", () -> {
            ExecutionState state = live.get(stepExecution.getJobExecutionId());
            StepState step = state == null ? null : state.steps.get(stepExecution.getId());
            if (step != null) {
                endStep(state, stepExecution, step);
            }
        });
        return null;
    }

    private StepSpec spec(ExecutionState state, String stepName) {
        return new StepSpec(stepName, stepName, state.nextOrder(), BatchValues.nodeName(stepName));
    }

    private void endStep(ExecutionState state, StepExecution execution, StepState step) {
        if (!step.end()) {
            return;
        }
        String runId = state.runId;
        recorder.stepAttributes(workspaceId, runId, step.stepId, BatchValues.stepAttributes(execution));
        StopRequest stop = state.stopRequest();
        switch (execution.getStatus()) {
            case COMPLETED -> recorder.stepCompleted(workspaceId, runId, step.stepId,
                    BatchValues.exit(execution.getExitStatus()));
            case STOPPED -> {
                String reason = stop != null && stop.reason() != null ? stop.reason()
                        : "stopped (exit code " + execution.getExitStatus().getExitCode() + ")";
                if (stop != null && stop.cancel()) {
                    recorder.stepCancelled(workspaceId, runId, step.stepId, reason);
                } else {
                    recorder.stepPaused(workspaceId, runId, step.stepId, reason);
                }
            }
            case ABANDONED -> recorder.stepCancelled(workspaceId, runId, step.stepId, "abandoned");
            case FAILED, UNKNOWN -> {
                Throwable first = BatchValues.firstFailure(execution.getFailureExceptions());
                recorder.stepFailed(workspaceId, runId, step.stepId,
                        BatchValues.failure(execution.getFailureExceptions(), execution.getExitStatus()),
                        first == null ? ErrorCategory.OTHER.name() : classify(first).name());
            }
            default -> recorder.stepFailed(workspaceId, runId, step.stepId, "the step execution did not end"
                    + " before its job (status " + execution.getStatus() + ")", ErrorCategory.OTHER.name());
        }
    }

    private ErrorCategory classify(Throwable error) {
        try {
            ErrorCategory category = classifier.classify(error);
            return category == null ? ErrorCategory.OTHER : category;
        } catch (RuntimeException e) {
            return ErrorCategory.OTHER;
        }
    }

    private void warnUnregistered(StepExecution step) {
        long now = System.nanoTime();
        long last = lastUnregisteredWarning.get();
        if ((last == Long.MIN_VALUE || now - last > 10_000_000_000L) && lastUnregisteredWarning.compareAndSet(last, now)) {
            LOG.log(Level.WARNING, "step " + step.getStepName() + " of job execution " + step.getJobExecutionId()
                    + " started, but its job did not: register the JobRunRecorder on the job too");
        }
    }

    // ------------------------------------------------------------------ for the restart handler and stop actions

    RunRecorder recorder() {
        return recorder;
    }

    RunStore store() {
        return store;
    }

    JobRepository jobRepository() {
        return jobRepository;
    }

    /** The instrumented job of that name, or null. */
    Job job(String name) {
        return jobs.get(name);
    }

    /** The job execution in flight here recorded as that run, or null. */
    ExecutionState liveRun(String runId) {
        return liveByRun.get(runId);
    }

    /**
     * Takes up the attempt a {@link JobRestartHandler} claimed: the next job execution of the run's
     * job instance becomes that attempt. The recorder holds the run {@code QUEUED} until then.
     */
    void expectRestart(Run claimed) {
        pendingRestarts.put(claimed.runId(), claimed);
        recorder.runResumed(workspaceId, claimed);
    }

    /**
     * Ends a claimed attempt that Spring Batch did not start, unless a job execution has taken it
     * up meanwhile; returns whether it ended it.
     */
    boolean restartFailed(Run claimed, String message) {
        if (!pendingRestarts.remove(claimed.runId(), claimed)) {
            return false;
        }
        recorder.runStarted(workspaceId, claimed.runId());
        recorder.runFailed(workspaceId, claimed.runId(), BatchValues.bounded(message));
        return true;
    }

    /**
     * Audits the answer to a resume request (a refusal for a run not in the workspace is logged,
     * not stored) and returns it; a failure to store it is logged, never thrown.
     */
    <R extends dev.runmetrics.core.control.ResumeResult> R auditAnswer(String ws, String actor, String runId,
            String stepId, java.util.Map<String, ?> inputOverrides, R result) {
        return audits.record(ws, actor, runId, stepId, inputOverrides, result);
    }

    /** Appends a resume audit entry; a failure to store it is logged, never thrown. */
    void audit(String ws, String runId, String stepId, String actor, int attempt, ResumeOutcome outcome,
            String reason) {
        audits.append(ws, runId, stepId, actor, attempt, outcome, reason);
    }

    private static void guard(String call, Runnable body) {
        try {
            body.run();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            LOG.log(Level.WARNING, "JobRunRecorder." + call + " failed; the job goes on", e);
        }
    }

    @Override
    public String toString() {
        return "JobRunRecorder{workspaceId=" + workspaceId + ", jobs=" + jobs.keySet() + ", inFlight=" + live.size()
                + ", recorder=" + recorder + "}";
    }

    /** Configures a {@link JobRunRecorder}. Not thread-safe; build once. */
    public static final class Builder {
        private final String workspaceId;
        private final RunRecorder recorder;
        private final RunStore store;
        private final JobRepository jobRepository;
        private ErrorClassifier classifier = ErrorClassifier.defaults();

        private Builder(String workspaceId, RunRecorder recorder, RunStore store, JobRepository jobRepository) {
            this.workspaceId = Ids.require("workspaceId", workspaceId);
            this.recorder = Objects.requireNonNull(recorder, "recorder");
            this.store = Objects.requireNonNull(store, "store");
            this.jobRepository = Objects.requireNonNull(jobRepository, "jobRepository");
        }

        /**
         * Sets how step failures map to error categories (default {@link ErrorClassifier#defaults()}).
         *
         * @throws NullPointerException if classifier is null
         */
        public Builder errorClassifier(ErrorClassifier classifier) {
            this.classifier = Objects.requireNonNull(classifier, "classifier");
            return this;
        }

        /** Builds the recorder. */
        public JobRunRecorder build() {
            return new JobRunRecorder(this);
        }

        @Override
        public String toString() {
            return "JobRunRecorder.Builder{workspaceId=" + workspaceId + ", classifier=" + classifier + "}";
        }
    }
}
