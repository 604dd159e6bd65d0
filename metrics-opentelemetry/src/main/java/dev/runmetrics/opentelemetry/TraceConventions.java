package dev.runmetrics.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The names {@link OpenTelemetryRunListener} gives its spans, attributes and span events, so that
 * hosts can query them and tests can assert on them without spelling strings.
 *
 * <p>Where an OpenTelemetry semantic convention exists it is used: {@link #ERROR_TYPE} is the stable
 * {@code error.type}, and an error's message is the span status description (the convention's
 * {@code error.message} is deprecated in favour of it). Workflows, runs and steps have no released
 * semantic convention (a {@code workflow.*} namespace was proposed but not merged), so those names
 * are our own and live under {@code runmetrics.*}, as the naming guidelines ask of
 * application-specific names. metrics-opentelemetry's README has the full table.
 *
 * <p>Constants only; thread-safe.
 */
public final class TraceConventions {

    /** The instrumentation scope name of the tracer the listener uses. */
    public static final String INSTRUMENTATION_SCOPE = "dev.runmetrics.opentelemetry";

    /** A run attempt's span is named this prefix plus the workflow id: {@code run data_pipeline}. */
    public static final String RUN_SPAN_PREFIX = "run ";
    /** A step attempt's span is named this prefix plus the step id: {@code step transform_data}. */
    public static final String STEP_SPAN_PREFIX = "step ";

    // ---------------------------------------------------------------- attributes on every span

    /** The run's workspace (tenant). */
    public static final AttributeKey<String> WORKSPACE_ID = AttributeKey.stringKey("runmetrics.workspace.id");
    /** The workflow's id. */
    public static final AttributeKey<String> WORKFLOW_ID = AttributeKey.stringKey("runmetrics.workflow.id");
    /** The workflow's display name. */
    public static final AttributeKey<String> WORKFLOW_NAME = AttributeKey.stringKey("runmetrics.workflow.name");
    /** The run's id (a UUIDv7), the same in every attempt. */
    public static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("runmetrics.run.id");
    /** The run attempt the span belongs to, from 1 (each resume starts the next). */
    public static final AttributeKey<Long> RUN_ATTEMPT = AttributeKey.longKey("runmetrics.run.attempt");

    // ---------------------------------------------------------------- run spans

    /** The status the attempt ended in: {@code completed}, {@code failed}, {@code paused}, ... */
    public static final AttributeKey<String> RUN_STATUS = AttributeKey.stringKey("runmetrics.run.status");

    // ---------------------------------------------------------------- step spans

    /** The step's id within the workflow. */
    public static final AttributeKey<String> STEP_ID = AttributeKey.stringKey("runmetrics.step.id");
    /** The step's display name. */
    public static final AttributeKey<String> STEP_NAME = AttributeKey.stringKey("runmetrics.step.name");
    /** The step's 1-based position in the workflow definition (0 if the host has none). */
    public static final AttributeKey<Long> STEP_ORDER = AttributeKey.longKey("runmetrics.step.order");
    /** The node that executes the step (the collector's node name). */
    public static final AttributeKey<String> NODE_NAME = AttributeKey.stringKey("runmetrics.node.name");
    /** The status the step attempt ended in: {@code completed}, {@code failed}, {@code skipped}, ... */
    public static final AttributeKey<String> STEP_STATUS = AttributeKey.stringKey("runmetrics.step.status");
    /** How many times the step was retried in this attempt. */
    public static final AttributeKey<Long> STEP_RETRY_COUNT = AttributeKey.longKey("runmetrics.step.retry_count");
    /**
     * The prefix of a step's custom attributes ({@code model}, {@code tokens}, {@code cost},
     * {@code skip_reason}, ...): scalar values only, e.g. {@code runmetrics.step.attribute.model}.
     */
    public static final String STEP_ATTRIBUTE_PREFIX = "runmetrics.step.attribute.";

    // ---------------------------------------------------------------- errors

    /**
     * Semantic convention {@code error.type}: on a failed step, its error category ({@code TIMEOUT},
     * {@code VALIDATION}, {@code NETWORK}, {@code OTHER}); on a failed run, the category of its
     * first failed step; {@code TIMEOUT} on a timed-out run; {@value #ERROR_TYPE_OTHER} when none
     * is known. Also on retry events, for the failed try.
     */
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    /** The semantic convention's fallback value of {@link #ERROR_TYPE}. */
    public static final String ERROR_TYPE_OTHER = "_OTHER";
    /** The message of a failed try, on a retry event (a failed span carries it as its status description). */
    public static final AttributeKey<String> ERROR_MESSAGE = AttributeKey.stringKey("runmetrics.error.message");

    /**
     * True on the spans of a run the listener stopped following because more runs were open than
     * its bound: they end when they were dropped, not when the run ended.
     */
    public static final AttributeKey<Boolean> EVICTED = AttributeKey.booleanKey("runmetrics.evicted");

    // ---------------------------------------------------------------- span events

    /** On a run span: the attempt started executing (its first step started). */
    public static final String RUN_STARTED_EVENT = "runmetrics.run.started";
    /** On a run span, at its end: the attempt paused; {@link #REASON} says why. */
    public static final String RUN_PAUSED_EVENT = "runmetrics.run.paused";
    /** On a run span, at its start: this attempt resumes {@link #RESUMED_ATTEMPT}. */
    public static final String RUN_RESUMED_EVENT = "runmetrics.run.resumed";
    /** On a step span: a try started; {@link #STEP_TRY} is its number, from 1. */
    public static final String STEP_STARTED_EVENT = "runmetrics.step.started";
    /**
     * On a step span: a try failed and the step will be tried again; carries {@link #ERROR_TYPE},
     * {@link #ERROR_MESSAGE} and the new {@link #STEP_RETRY_COUNT}.
     */
    public static final String STEP_RETRY_EVENT = "runmetrics.step.retry";
    /** On a step span, at its end: the step paused (e.g. waits for approval); {@link #REASON} says why. */
    public static final String STEP_PAUSED_EVENT = "runmetrics.step.paused";

    /** On pause events: why it paused, shown to people. */
    public static final AttributeKey<String> REASON = AttributeKey.stringKey("runmetrics.reason");
    /** On a resume event: the attempt this one resumes. */
    public static final AttributeKey<Long> RESUMED_ATTEMPT = AttributeKey.longKey("runmetrics.run.resumed_attempt");
    /** On a step's started event: the number of the try, from 1. */
    public static final AttributeKey<Long> STEP_TRY = AttributeKey.longKey("runmetrics.step.try");

    private TraceConventions() {
    }
}
