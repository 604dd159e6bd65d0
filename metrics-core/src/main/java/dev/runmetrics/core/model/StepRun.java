package dev.runmetrics.core.model;

import dev.runmetrics.core.internal.Checks;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable snapshot of one step of one attempt of a run (a step execution of the run detail,
 * and an entry of the run's timeline).
 *
 * <p>Keyed by {@code (workspaceId, runId, stepId, attempt)}: retries of a step within an attempt
 * update the same step run ({@code retryCount} grows, {@code queuedAt} and {@code startedAt} keep
 * the first try's instants); a resume creates new step runs under the next attempt.
 *
 * <p>Well-known attributes, which the live overview aggregates as model usage: {@value #MODEL}
 * (String), {@value #TOKENS} (integer) and {@value #COST} (number). Other attributes are kept and
 * shown but not aggregated.
 *
 * <p>Build one with {@link #builder()} (or change a few fields of one with {@link #toBuilder()});
 * the canonical constructor takes the 18 fields in the order below and checks them the same way.
 * Immutable and thread-safe: the maps are deep unmodifiable copies ({@link JsonValues#copyOfMap}).
 *
 * @param workspaceId the tenant
 * @param runId the run this step belongs to
 * @param stepId the step's id within the workflow definition
 * @param stepName the step's display name
 * @param stepOrder the step's position in the workflow (1-based, from the definition)
 * @param nodeName the node that executes the step (the live overview's "agent"; the node whose
 *     metrics the node collector keeps)
 * @param attempt the run attempt this step run belongs to, from 1
 * @param status the current status
 * @param queuedAt when the step was first scheduled in this attempt
 * @param startedAt when its first try started, or null
 * @param completedAt when it reached a terminal or paused status, or null
 * @param retryCount how many times it was retried in this attempt
 * @param errorMessage the last error, or null (cleared when a retry completes)
 * @param errorCategory the name of the last error's category ({@code ErrorCategory}, e.g.
 *     {@code "TIMEOUT"}), or null
 * @param inputSummary the step's input, bounded by {@link Summaries}, or null
 * @param outputSummary the step's output, bounded by {@link Summaries}, or null
 * @param attributes custom attributes (JSON-like values), never null
 * @param updatedAt when this snapshot was taken; orders snapshots of the same step run
 */
public record StepRun(
        String workspaceId,
        String runId,
        String stepId,
        String stepName,
        int stepOrder,
        String nodeName,
        int attempt,
        RunStatus status,
        Instant queuedAt,
        Instant startedAt,
        Instant completedAt,
        int retryCount,
        String errorMessage,
        String errorCategory,
        Map<String, Object> inputSummary,
        Map<String, Object> outputSummary,
        Map<String, Object> attributes,
        Instant updatedAt) implements LifecycleTimes {

    /** Attribute key: the model a step called (String). */
    public static final String MODEL = "model";
    /** Attribute key: tokens the step used (integer). */
    public static final String TOKENS = "tokens";
    /** Attribute key: what the step cost, in the host's currency unit (number). */
    public static final String COST = "cost";

    /**
     * Checks the snapshot and copies the maps.
     *
     * @throws NullPointerException if a required field is null
     * @throws IllegalArgumentException if an id is blank or too long, a count is out of range, or a
     *     map is not JSON-like
     */
    public StepRun {
        Checks.id("workspaceId", workspaceId);
        Checks.id("runId", runId);
        Checks.id("stepId", stepId);
        Objects.requireNonNull(stepName, "stepName");
        Checks.atLeast("stepOrder", stepOrder, 0);
        Checks.id("nodeName", nodeName);
        Checks.atLeast("attempt", attempt, 1);
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(queuedAt, "queuedAt");
        Checks.atLeast("retryCount", retryCount, 0);
        inputSummary = JsonValues.copyOfMap(inputSummary);
        outputSummary = JsonValues.copyOfMap(outputSummary);
        attributes = attributes == null ? Map.of() : JsonValues.copyOfMap(attributes);
        Objects.requireNonNull(updatedAt, "updatedAt");
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

    /**
     * Returns whether this snapshot is newer than {@code other} (same key), so that a store holding
     * this one must not replace it by {@code other}.
     */
    public boolean isNewerThan(StepRun other) {
        return updatedAt.isAfter(other.updatedAt);
    }

    /**
     * Builds a {@link StepRun} by field name instead of 18 positional arguments.
     *
     * <p><b>Required</b> (no default): {@code workspaceId}, {@code runId}, {@code stepId},
     * {@code stepName}, {@code nodeName} (the last three also set together by
     * {@link #spec(StepSpec)}), {@code queuedAt} and {@code updatedAt}. <b>Defaults</b>:
     * {@code stepOrder} 0 (no position, as in {@link StepSpec}), {@code attempt} 1, {@code status}
     * {@link RunStatus#QUEUED}, {@code retryCount} 0, {@code attributes} empty; {@code startedAt},
     * {@code completedAt}, the error, its category and the summaries null.
     *
     * <p>A setter of a field that may not be null throws {@link NullPointerException} at once;
     * the other checks (blank or long ids, a count below its minimum, values that are not
     * JSON-like) are the canonical constructor's, made by {@link #build()}. Maps are copied by
     * {@code build()}, not by their setter. A builder can build several step runs.
     *
     * <p>Not thread-safe: use a builder from one thread (the step runs it builds are immutable).
     */
    public static final class Builder {
        private String workspaceId;
        private String runId;
        private String stepId;
        private String stepName;
        private int stepOrder;
        private String nodeName;
        private int attempt = 1;
        private RunStatus status = RunStatus.QUEUED;
        private Instant queuedAt;
        private Instant startedAt;
        private Instant completedAt;
        private int retryCount;
        private String errorMessage;
        private String errorCategory;
        private Map<String, Object> inputSummary;
        private Map<String, Object> outputSummary;
        private Map<String, Object> attributes;
        private Instant updatedAt;

        private Builder() {
        }

        private Builder(StepRun step) {
            workspaceId = step.workspaceId;
            runId = step.runId;
            stepId = step.stepId;
            stepName = step.stepName;
            stepOrder = step.stepOrder;
            nodeName = step.nodeName;
            attempt = step.attempt;
            status = step.status;
            queuedAt = step.queuedAt;
            startedAt = step.startedAt;
            completedAt = step.completedAt;
            retryCount = step.retryCount;
            errorMessage = step.errorMessage;
            errorCategory = step.errorCategory;
            inputSummary = step.inputSummary;
            outputSummary = step.outputSummary;
            attributes = step.attributes;
            updatedAt = step.updatedAt;
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
         * Sets the run the step belongs to (required).
         *
         * @throws NullPointerException if value is null
         */
        public Builder runId(String value) {
            runId = Objects.requireNonNull(value, "runId");
            return this;
        }

        /**
         * Sets the step's id, display name, position and node from the definition's step.
         *
         * @throws NullPointerException if spec is null
         */
        public Builder spec(StepSpec spec) {
            stepId = spec.stepId();
            stepName = spec.stepName();
            stepOrder = spec.stepOrder();
            nodeName = spec.nodeName();
            return this;
        }

        /**
         * Sets the step's id within the workflow (required).
         *
         * @throws NullPointerException if value is null
         */
        public Builder stepId(String value) {
            stepId = Objects.requireNonNull(value, "stepId");
            return this;
        }

        /**
         * Sets the step's display name (required).
         *
         * @throws NullPointerException if value is null
         */
        public Builder stepName(String value) {
            stepName = Objects.requireNonNull(value, "stepName");
            return this;
        }

        /** Sets the step's 1-based position in the workflow (default 0: none). */
        public Builder stepOrder(int value) {
            stepOrder = value;
            return this;
        }

        /**
         * Sets the node that executes the step (required).
         *
         * @throws NullPointerException if value is null
         */
        public Builder nodeName(String value) {
            nodeName = Objects.requireNonNull(value, "nodeName");
            return this;
        }

        /** Sets the run attempt the step run belongs to (default 1). */
        public Builder attempt(int value) {
            attempt = value;
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

        /**
         * Sets when the step was first scheduled in this attempt (required).
         *
         * @throws NullPointerException if value is null
         */
        public Builder queuedAt(Instant value) {
            queuedAt = Objects.requireNonNull(value, "queuedAt");
            return this;
        }

        /** Sets when its first try started, or null (the default). */
        public Builder startedAt(Instant value) {
            startedAt = value;
            return this;
        }

        /** Sets when it reached a terminal or paused status, or null (the default). */
        public Builder completedAt(Instant value) {
            completedAt = value;
            return this;
        }

        /** Sets how many times it was retried in this attempt (default 0). */
        public Builder retryCount(int value) {
            retryCount = value;
            return this;
        }

        /** Sets the last error, or null (the default). */
        public Builder errorMessage(String value) {
            errorMessage = value;
            return this;
        }

        /** Sets the name of the last error's category, or null (the default). */
        public Builder errorCategory(String value) {
            errorCategory = value;
            return this;
        }

        /** Sets the bounded input summary, or null (the default). */
        public Builder inputSummary(Map<String, ?> value) {
            inputSummary = cast(value);
            return this;
        }

        /** Sets the bounded output summary, or null (the default). */
        public Builder outputSummary(Map<String, ?> value) {
            outputSummary = cast(value);
            return this;
        }

        /** Sets the custom attributes; null means none (the default). */
        public Builder attributes(Map<String, ?> value) {
            attributes = cast(value);
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
         * Builds the step run.
         *
         * @throws NullPointerException if a required field is not set
         * @throws IllegalArgumentException as the canonical constructor does
         */
        public StepRun build() {
            return new StepRun(workspaceId, runId, stepId, stepName, stepOrder, nodeName, attempt, status, queuedAt,
                    startedAt, completedAt, retryCount, errorMessage, errorCategory, inputSummary, outputSummary,
                    attributes, updatedAt);
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> cast(Map<String, ?> map) {
            return (Map<String, Object>) map; // checked and copied by the constructor
        }
    }
}
