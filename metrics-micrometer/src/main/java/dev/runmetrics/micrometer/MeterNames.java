package dev.runmetrics.micrometer;

/**
 * The names and tag keys of the meters a {@link MicrometerBridge} registers, in Micrometer's
 * convention: lowercase, dot-separated, no unit in the name (the registry adds its base unit, so the
 * Prometheus registry renders {@code runmetrics.node.duration} as
 * {@code runmetrics_node_duration_seconds}). Constants, so that dashboards and tests can name them.
 */
public final class MeterNames {
    private MeterNames() {
    }

    /** Timer: each node execution's duration; tags workspace (if set), node, outcome. */
    public static final String NODE_DURATION = "runmetrics.node.duration";
    /** Counter: node executions; tags workspace (if set), node, outcome, error.category. */
    public static final String NODE_EXECUTIONS = "runmetrics.node.executions";
    /** Counter: node retries; tags workspace (if set), node. */
    public static final String NODE_RETRIES = "runmetrics.node.retries";
    /**
     * Counter: node calls that ended (a call is one invocation with all its attempts, and fails only
     * when its last attempt fails); tags workspace (if set), node, outcome, attempts.
     */
    public static final String NODE_CALLS = "runmetrics.node.calls";
    /** Function counter: how often a collector's observers (this bridge among them) threw; no tags. */
    public static final String NODE_OBSERVER_FAILURES = "runmetrics.node.observer.failures";

    /** Timer: a run's queue wait (queued to first started); tags workspace, workflow. */
    public static final String RUN_QUEUE_WAIT = "runmetrics.run.queue.wait";
    /** Timer: a run's execution time (first started to ended); tags workspace, workflow, status. */
    public static final String RUN_EXECUTION = "runmetrics.run.execution";
    /** Timer: a run's end-to-end latency (queued to ended); tags workspace, workflow, status. */
    public static final String RUN_LATENCY = "runmetrics.run.latency";
    /** Counter: run attempts that ended (or paused); tags workspace, workflow, status. */
    public static final String RUNS_ENDED = "runmetrics.runs.ended";
    /** Gauge: runs executing now in this process; tags workspace, workflow. */
    public static final String RUNS_RUNNING = "runmetrics.runs.running";
    /** Gauge: runs waiting for a worker now in this process; tags workspace, workflow. */
    public static final String RUNS_QUEUED = "runmetrics.runs.queued";

    /** Timer: a step's queue wait (scheduled to first try started); tags workspace, workflow, step. */
    public static final String STEP_QUEUE_WAIT = "runmetrics.step.queue.wait";
    /** Timer: a step's execution time (first try started to ended); tags workspace, workflow, step, status. */
    public static final String STEP_EXECUTION = "runmetrics.step.execution";
    /** Timer: a step's end-to-end latency (scheduled to ended); tags workspace, workflow, step, status. */
    public static final String STEP_LATENCY = "runmetrics.step.latency";
    /** Counter: step tries that failed and were tried again; tags workspace, workflow, step. */
    public static final String STEP_RETRIES = "runmetrics.step.retries";

    /** Counter: records and events not published because a cardinality cap was reached; tag kind. */
    public static final String DROPPED = "runmetrics.meters.dropped";

    /** Tag key: the workspace (tenant) id. */
    public static final String WORKSPACE = "workspace";
    /** Tag key: the node's name. */
    public static final String NODE = "node";
    /** Tag key: {@code success} or {@code failure}. */
    public static final String OUTCOME = "outcome";
    /**
     * Tag key of {@link #NODE_CALLS}: how many attempts the call took, {@code 1} to {@code 10}, or
     * {@code more}.
     */
    public static final String ATTEMPTS = "attempts";
    /** Tag key: {@code none}, {@code timeout}, {@code validation}, {@code network} or {@code other}. */
    public static final String ERROR_CATEGORY = "error.category";
    /** Tag key: the workflow's id. */
    public static final String WORKFLOW = "workflow";
    /** Tag key: the step's id within its workflow. */
    public static final String STEP = "step";
    /** Tag key: how the run or step ended: {@code completed}, {@code failed}, {@code cancelled}, {@code timeout}, {@code paused}, {@code skipped}. */
    public static final String STATUS = "status";
    /** Tag key of {@link #DROPPED}: {@code node}, {@code workflow} or {@code step}. */
    public static final String KIND = "kind";
}
