package dev.runmetrics.springbatch;

/**
 * The names under which Spring Batch's data is kept in runmetrics: the job execution context key
 * that links a job instance to its run, the run and step attributes, and the keys of a run's
 * results. They are JSON field names (snake case), stable across versions.
 */
public final class BatchAttributes {

    private BatchAttributes() {}

    /**
     * The job execution context key holding the runmetrics run id of the job instance. Spring Batch
     * copies a job execution's context into the execution that restarts it, so every execution of
     * one job instance carries the same run id.
     */
    public static final String RUN_ID_CONTEXT_KEY = "runmetrics.run_id";

    /** Run attribute: the Spring Batch job instance id (long). */
    public static final String JOB_INSTANCE_ID = "job_instance_id";

    /** Step attribute and run result: the job execution of this attempt (long). */
    public static final String JOB_EXECUTION_ID = "job_execution_id";
    /** Step attribute: the step execution (long). */
    public static final String STEP_EXECUTION_ID = "step_execution_id";
    /** Step attribute: the partition name of a partitioned step's worker ({@code partition0}). */
    public static final String PARTITION = "partition";
    /** Step attribute: items read. */
    public static final String READ_COUNT = "read_count";
    /** Step attribute: items written. */
    public static final String WRITE_COUNT = "write_count";
    /** Step attribute: items filtered out by the processor. */
    public static final String FILTER_COUNT = "filter_count";
    /** Step attribute: items skipped, in read, process and write together. */
    public static final String SKIP_COUNT = "skip_count";
    /** Step attribute: items skipped in read. */
    public static final String READ_SKIP_COUNT = "read_skip_count";
    /** Step attribute: items skipped in process. */
    public static final String PROCESS_SKIP_COUNT = "process_skip_count";
    /** Step attribute: items skipped in write. */
    public static final String WRITE_SKIP_COUNT = "write_skip_count";
    /** Step attribute: committed transactions (chunks). */
    public static final String COMMIT_COUNT = "commit_count";
    /** Step attribute: rolled back transactions. */
    public static final String ROLLBACK_COUNT = "rollback_count";
    /** Step attribute, step output and run result: the Spring Batch exit code. */
    public static final String EXIT_CODE = "exit_code";
    /** Step output and run result: the Spring Batch exit description, when not empty. */
    public static final String EXIT_DESCRIPTION = "exit_description";
    /** Run result: the Spring Batch status of the job execution ({@code COMPLETED}). */
    public static final String BATCH_STATUS = "batch_status";
    /**
     * Step attribute, {@code true} when the step execution was not seen by the listener while it ran
     * (the listener was not registered on that step) and was recorded when its job ended: its
     * counts and status are right, its times are not.
     */
    public static final String RECORDED_AFTER_JOB = "recorded_after_job";
}
