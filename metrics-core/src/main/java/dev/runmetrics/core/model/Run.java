package dev.runmetrics.core.model;

import dev.runmetrics.core.internal.Checks;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable snapshot of one run (an "execution", in the API's words) of a workflow in a
 * workspace.
 *
 * <p>A run has attempts: attempt 1 is the original execution, and each accepted resume from a step
 * starts the next one; step runs are kept per attempt, so earlier attempts stay in the history.
 * The lifecycle instants ({@link LifecycleTimes}) belong to the run as a whole: {@code queuedAt}
 * and {@code startedAt} are the first ones, {@code completedAt} is when the latest attempt ended
 * (null while it runs again). The time a run spent waiting between attempts (ended, failed or
 * paused, until a resume started the next attempt) is kept in {@code waitedBetweenAttempts}, so
 * that its {@linkplain #executionTime() execution time} is the time it spent executing: the sum of
 * its attempts' execution times, without the hours it may have waited for an operator.
 *
 * <p>Stores upsert runs keyed by {@code (workspaceId, runId)} and apply a snapshot only if its
 * {@code (attempt, updatedAt)} is not older than the stored one ({@link #isNewerThan}).
 *
 * <p>Build one with {@link #builder()} (or change a few fields of one with {@link #toBuilder()});
 * the canonical constructor takes the 19 fields in the order below and checks them the same way.
 * Immutable and thread-safe: the maps are deep unmodifiable copies ({@link JsonValues#copyOfMap}).
 *
 * @param workspaceId the tenant; every store query is scoped by it
 * @param runId the run's id: a canonical lowercase UUIDv7 string, time-ordered, made in process
 * @param workflowId the workflow's id, as the host names it
 * @param workflowName the workflow's display name (the live overview's {@code agentName}); never null
 * @param executionNumber the per-workflow sequence number, assigned by the store at the first
 *     write of the run; {@code 0} in snapshots that have not been through a store yet
 * @param status the current status
 * @param attempt the current attempt, from 1
 * @param queuedAt when the run was first queued
 * @param startedAt when the run first started, or null
 * @param completedAt when the latest attempt ended (terminal or paused), or null
 * @param waitedBetweenAttempts the time between each attempt's end and the start of the next one,
 *     summed over the run's resumes; {@link Duration#ZERO} for a run that was never resumed
 * @param inputSummary the run's input variables, bounded by {@link Summaries}, or null
 * @param resultsSummary the run's results, bounded by {@link Summaries}, or null
 * @param errorMessage why it failed, timed out, was cancelled or paused, or null
 * @param createdAt when the record was created (equals {@code queuedAt} for recorded runs)
 * @param updatedAt when this snapshot was taken; orders snapshots of the same attempt
 * @param instanceId the process (JVM) that owns the current attempt and writes its snapshots
 * @param heartbeatAt the owner's last sign of life; a {@code QUEUED} or {@code RUNNING} run whose
 *     heartbeat is older than the host's lease belongs to a dead process (interrupted)
 * @param attributes host-defined attributes set when the run is queued (JSON-like values), never
 *     null; well-known: {@value #USER_ID} and {@value #PRIORITY} (the live overview's
 *     {@code userId} and {@code priority}); kept by the recorder: {@value #PLANNED_STEPS} (the
 *     steps the orchestrator planned, {@link #plannedSteps()}) and {@value #STATUS_HISTORY} (the
 *     run's status changes, {@link #statusHistory()}), which replace a host's attribute of the
 *     same name
 */
public record Run(
        String workspaceId,
        String runId,
        String workflowId,
        String workflowName,
        long executionNumber,
        RunStatus status,
        int attempt,
        Instant queuedAt,
        Instant startedAt,
        Instant completedAt,
        Duration waitedBetweenAttempts,
        Map<String, Object> inputSummary,
        Map<String, Object> resultsSummary,
        String errorMessage,
        Instant createdAt,
        Instant updatedAt,
        String instanceId,
        Instant heartbeatAt,
        Map<String, Object> attributes) implements LifecycleTimes {

    /** Attribute key: who started the run (String). */
    public static final String USER_ID = "user_id";
    /** Attribute key: the run's queue priority (integer, higher first). */
    public static final String PRIORITY = "priority";
    /**
     * Attribute key: the steps of the workflow's definition, as the orchestrator planned them when
     * it queued the run (a list of {@code {step_id, step_name, step_order, node_name}}); absent
     * when the orchestrator does not know them in advance.
     */
    public static final String PLANNED_STEPS = "planned_steps";
    /** Attribute key: the run's status changes, oldest first ({@link RunStatusChange#toAttribute()}). */
    public static final String STATUS_HISTORY = "status_history";
    /** The most status changes kept: the first one (queued) and the latest ones. */
    public static final int MAX_STATUS_HISTORY = 200;

    /**
     * Checks the snapshot and copies the summaries.
     *
     * @throws NullPointerException if a required field is null
     * @throws IllegalArgumentException if an id is blank or too long, the attempt is below 1, the
     *     execution number is negative, or a summary is not JSON-like
     */
    public Run {
        Checks.id("workspaceId", workspaceId);
        Checks.id("runId", runId);
        Checks.id("workflowId", workflowId);
        Objects.requireNonNull(workflowName, "workflowName");
        Checks.atLeast("executionNumber", executionNumber, 0);
        Objects.requireNonNull(status, "status");
        Checks.atLeast("attempt", attempt, 1);
        Objects.requireNonNull(queuedAt, "queuedAt");
        Objects.requireNonNull(waitedBetweenAttempts, "waitedBetweenAttempts");
        if (waitedBetweenAttempts.isNegative()) {
            throw new IllegalArgumentException("waitedBetweenAttempts must not be negative, was "
                    + waitedBetweenAttempts);
        }
        inputSummary = JsonValues.copyOfMap(inputSummary);
        resultsSummary = JsonValues.copyOfMap(resultsSummary);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Checks.id("instanceId", instanceId);
        Objects.requireNonNull(heartbeatAt, "heartbeatAt");
        attributes = attributes == null ? Map.of() : JsonValues.copyOfMap(attributes);
    }

    /**
     * Execution time: the time the run spent executing, {@code completedAt - startedAt} less the
     * {@code waitedBetweenAttempts}; empty until it has both instants. For a run that was resumed
     * this is the sum of its attempts' execution times so far; its end-to-end latency
     * ({@link #endToEnd()}) still includes the waits.
     */
    @Override
    public Optional<Duration> executionTime() {
        return LifecycleTimes.super.executionTime().map(d -> {
            Duration active = d.minus(waitedBetweenAttempts);
            return active.isNegative() ? Duration.ZERO : active;
        });
    }

    /**
     * The steps the orchestrator planned for this run ({@value #PLANNED_STEPS}), in the order
     * given; empty when it named none. Entries that are not well-formed are left out.
     */
    public java.util.List<StepSpec> plannedSteps() {
        if (!(attributes.get(PLANNED_STEPS) instanceof java.util.List<?> list)) {
            return java.util.List.of();
        }
        java.util.List<StepSpec> specs = new java.util.ArrayList<>();
        for (Object item : list) {
            if (item instanceof Map<?, ?> m && m.get("step_id") instanceof String id
                    && m.get("node_name") instanceof String node) {
                try {
                    Object name = m.get("step_name");
                    int order = m.get("step_order") instanceof Number n ? n.intValue() : 0;
                    specs.add(new StepSpec(id, name instanceof String s ? s : id, Math.max(0, order), node));
                } catch (IllegalArgumentException e) {
                    // a malformed entry (a host's attribute of the same name): left out
                }
            }
        }
        return java.util.List.copyOf(specs);
    }

    /** Returns the attribute value {@value #PLANNED_STEPS} holds for these steps. */
    public static java.util.List<Object> plannedStepsAttribute(java.util.List<StepSpec> steps) {
        java.util.List<Object> out = new java.util.ArrayList<>();
        for (StepSpec step : steps) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("step_id", step.stepId());
            m.put("step_name", step.stepName());
            m.put("step_order", step.stepOrder());
            m.put("node_name", step.nodeName());
            out.add(m);
        }
        return out;
    }

    /**
     * The run's status changes as the recorder kept them ({@value #STATUS_HISTORY}), oldest
     * first; empty for a run recorded without them (before they were kept, or written to the
     * store by other means). Entries that are not well-formed are left out.
     */
    public java.util.List<RunStatusChange> statusHistory() {
        if (!(attributes.get(STATUS_HISTORY) instanceof java.util.List<?> list)) {
            return java.util.List.of();
        }
        java.util.List<RunStatusChange> changes = new java.util.ArrayList<>();
        for (Object item : list) {
            RunStatusChange change = RunStatusChange.fromAttribute(item);
            if (change != null) {
                changes.add(change);
            }
        }
        return java.util.List.copyOf(changes);
    }

    /**
     * Returns a copy with a status change added to its {@linkplain #statusHistory() history}: past
     * {@value #MAX_STATUS_HISTORY} changes, the oldest after the first are dropped.
     */
    public Run withStatusChange(RunStatusChange change) {
        java.util.List<Object> history = new java.util.ArrayList<>();
        if (attributes.get(STATUS_HISTORY) instanceof java.util.List<?> list) {
            history.addAll(list);
        }
        history.add(change.toAttribute());
        while (history.size() > MAX_STATUS_HISTORY) {
            history.remove(1);
        }
        Map<String, Object> attrs = new java.util.LinkedHashMap<>(attributes);
        attrs.put(STATUS_HISTORY, history);
        return toBuilder().attributes(attrs).build();
    }

    /**
     * Returns a builder with no fields set; see {@link Builder} for the required fields and the
     * defaults of the others.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder holding every field of this snapshot, to make a copy with a few changed. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Returns a copy with the store-assigned execution number (for store implementations). */
    public Run withExecutionNumber(long number) {
        return toBuilder().executionNumber(number).build();
    }

    /**
     * Returns the snapshot a successful resume claim stores: the next attempt, {@code QUEUED},
     * owned by {@code claimant}, with no completion instant or error, and the time from the ended
     * attempt's {@code completedAt} to the claim added to {@code waitedBetweenAttempts} (the
     * recorder adds the rest of the wait, until the attempt starts). Stores use it so that every
     * store claims the same way.
     */
    public Run claimedForResume(String claimant, Instant claimedAt) {
        return toBuilder().status(RunStatus.QUEUED).attempt(attempt + 1).completedAt(null).errorMessage(null)
                .waitedBetweenAttempts(waitedBetweenAttempts.plus(elapsed(completedAt, claimedAt)))
                .updatedAt(claimedAt).instanceId(claimant).heartbeatAt(claimedAt).build();
    }

    /** The time from {@code from} to {@code to}, zero if either is missing or it is negative. */
    static Duration elapsed(Instant from, Instant to) {
        if (from == null || to == null || !to.isAfter(from)) {
            return Duration.ZERO;
        }
        return Duration.between(from, to);
    }

    /**
     * Returns whether this snapshot is newer than {@code other} (a snapshot of the same run), so
     * that a store holding this one must not replace it by {@code other}: a later attempt wins,
     * then a later {@code updatedAt}. Equal snapshots are not newer, so a replayed write applies.
     */
    public boolean isNewerThan(Run other) {
        return attempt != other.attempt ? attempt > other.attempt : updatedAt.isAfter(other.updatedAt);
    }

    /**
     * Builds a {@link Run} by field name instead of 19 positional arguments.
     *
     * <p><b>Required</b> (no default): {@code workspaceId}, {@code runId}, {@code workflowId},
     * {@code queuedAt}, {@code updatedAt} and {@code instanceId}. <b>Defaults</b>, which describe a
     * run as the recorder queues it: {@code workflowName} = {@code workflowId},
     * {@code executionNumber} 0 (not yet stored), {@code status} {@link RunStatus#QUEUED},
     * {@code attempt} 1, {@code createdAt} = {@code queuedAt}, {@code heartbeatAt} =
     * {@code updatedAt}, {@code attributes} empty; {@code startedAt}, {@code completedAt}, the
     * summaries and {@code errorMessage} null. Defaults that name another field take its value
     * when {@link #build()} runs; {@link Run#toBuilder()} sets every field, so no default applies
     * to a copy.
     *
     * <p>A setter of a field that may not be null throws {@link NullPointerException} at once;
     * the other checks (blank or long ids, a count below its minimum, values that are not
     * JSON-like) are the canonical constructor's, made by {@code build()}. Maps are copied by
     * {@code build()}, not by their setter. A builder can build several runs.
     *
     * <p>Not thread-safe: use a builder from one thread (the runs it builds are immutable).
     */
    public static final class Builder {
        private String workspaceId;
        private String runId;
        private String workflowId;
        private String workflowName;
        private long executionNumber;
        private RunStatus status = RunStatus.QUEUED;
        private int attempt = 1;
        private Instant queuedAt;
        private Instant startedAt;
        private Instant completedAt;
        private Duration waitedBetweenAttempts = Duration.ZERO;
        private Map<String, Object> inputSummary;
        private Map<String, Object> resultsSummary;
        private String errorMessage;
        private Instant createdAt;
        private Instant updatedAt;
        private String instanceId;
        private Instant heartbeatAt;
        private Map<String, Object> attributes;

        private Builder() {
        }

        private Builder(Run run) {
            workspaceId = run.workspaceId;
            runId = run.runId;
            workflowId = run.workflowId;
            workflowName = run.workflowName;
            executionNumber = run.executionNumber;
            status = run.status;
            attempt = run.attempt;
            queuedAt = run.queuedAt;
            startedAt = run.startedAt;
            completedAt = run.completedAt;
            waitedBetweenAttempts = run.waitedBetweenAttempts;
            inputSummary = run.inputSummary;
            resultsSummary = run.resultsSummary;
            errorMessage = run.errorMessage;
            createdAt = run.createdAt;
            updatedAt = run.updatedAt;
            instanceId = run.instanceId;
            heartbeatAt = run.heartbeatAt;
            attributes = run.attributes;
        }

        /**
         * Sets the tenant (required).
         *
         * @throws NullPointerException if value is null
         */
        public Builder workspaceId(String value) {
            workspaceId = Objects.requireNonNull(value, "workspaceId");
            return this;
        }

        /**
         * Sets the run's id (required).
         *
         * @throws NullPointerException if value is null
         */
        public Builder runId(String value) {
            runId = Objects.requireNonNull(value, "runId");
            return this;
        }

        /**
         * Sets the workflow's id (required).
         *
         * @throws NullPointerException if value is null
         */
        public Builder workflowId(String value) {
            workflowId = Objects.requireNonNull(value, "workflowId");
            return this;
        }

        /**
         * Sets the workflow's display name (default: the workflow id).
         *
         * @throws NullPointerException if value is null
         */
        public Builder workflowName(String value) {
            workflowName = Objects.requireNonNull(value, "workflowName");
            return this;
        }

        /** Sets the store-assigned execution number (default 0: not stored yet). */
        public Builder executionNumber(long value) {
            executionNumber = value;
            return this;
        }

        /**
         * Sets the status (default {@link RunStatus#QUEUED}).
         *
         * @throws NullPointerException if value is null
         */
        public Builder status(RunStatus value) {
            status = Objects.requireNonNull(value, "status");
            return this;
        }

        /** Sets the current attempt (default 1). */
        public Builder attempt(int value) {
            attempt = value;
            return this;
        }

        /**
         * Sets when the run was first queued (required).
         *
         * @throws NullPointerException if value is null
         */
        public Builder queuedAt(Instant value) {
            queuedAt = Objects.requireNonNull(value, "queuedAt");
            return this;
        }

        /** Sets when the run first started, or null (the default). */
        public Builder startedAt(Instant value) {
            startedAt = value;
            return this;
        }

        /** Sets when the latest attempt ended, or null (the default). */
        public Builder completedAt(Instant value) {
            completedAt = value;
            return this;
        }

        /**
         * Sets the time the run waited between attempts (default {@link Duration#ZERO}).
         *
         * @throws NullPointerException if value is null
         */
        public Builder waitedBetweenAttempts(Duration value) {
            waitedBetweenAttempts = Objects.requireNonNull(value, "waitedBetweenAttempts");
            return this;
        }

        /** Sets the bounded input summary, or null (the default). */
        public Builder inputSummary(Map<String, ?> value) {
            inputSummary = cast(value);
            return this;
        }

        /** Sets the bounded results summary, or null (the default). */
        public Builder resultsSummary(Map<String, ?> value) {
            resultsSummary = cast(value);
            return this;
        }

        /** Sets why the run failed, timed out, was cancelled or paused, or null (the default). */
        public Builder errorMessage(String value) {
            errorMessage = value;
            return this;
        }

        /**
         * Sets when the record was created (default: {@code queuedAt}).
         *
         * @throws NullPointerException if value is null
         */
        public Builder createdAt(Instant value) {
            createdAt = Objects.requireNonNull(value, "createdAt");
            return this;
        }

        /**
         * Sets when this snapshot was taken (required).
         *
         * @throws NullPointerException if value is null
         */
        public Builder updatedAt(Instant value) {
            updatedAt = Objects.requireNonNull(value, "updatedAt");
            return this;
        }

        /**
         * Sets the process that owns the current attempt (required).
         *
         * @throws NullPointerException if value is null
         */
        public Builder instanceId(String value) {
            instanceId = Objects.requireNonNull(value, "instanceId");
            return this;
        }

        /**
         * Sets the owner's last sign of life (default: {@code updatedAt}).
         *
         * @throws NullPointerException if value is null
         */
        public Builder heartbeatAt(Instant value) {
            heartbeatAt = Objects.requireNonNull(value, "heartbeatAt");
            return this;
        }

        /** Sets the host-defined attributes; null means none (the default). */
        public Builder attributes(Map<String, ?> value) {
            attributes = cast(value);
            return this;
        }

        /**
         * Builds the run.
         *
         * @throws NullPointerException if a required field is not set
         * @throws IllegalArgumentException as the canonical constructor does
         */
        public Run build() {
            return new Run(workspaceId, runId, workflowId, workflowName != null ? workflowName : workflowId,
                    executionNumber, status, attempt, queuedAt, startedAt, completedAt, waitedBetweenAttempts, inputSummary,
                    resultsSummary, errorMessage, createdAt != null ? createdAt : queuedAt, updatedAt, instanceId,
                    heartbeatAt != null ? heartbeatAt : updatedAt, attributes);
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> cast(Map<String, ?> map) {
            return (Map<String, Object>) map; // checked and copied by the constructor
        }
    }
}
