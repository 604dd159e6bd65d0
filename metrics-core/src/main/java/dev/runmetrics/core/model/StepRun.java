package dev.runmetrics.core.model;

import dev.runmetrics.core.internal.Checks;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable snapshot of one step of one attempt of a run (seed 003's step execution and
 * timeline entry).
 *
 * <p>Keyed by {@code (workspaceId, runId, stepId, attempt)}: retries of a step within an attempt
 * update the same step run ({@code retryCount} grows, {@code queuedAt} and {@code startedAt} keep
 * the first try's instants); a resume creates new step runs under the next attempt.
 *
 * <p>Well-known attributes, which the seed 001 view aggregates as model usage: {@value #MODEL}
 * (String), {@value #TOKENS} (integer) and {@value #COST} (number). Other attributes are kept and
 * shown but not aggregated.
 *
 * @param workspaceId the tenant
 * @param runId the run this step belongs to
 * @param stepId the step's id within the workflow definition
 * @param stepName the step's display name
 * @param stepOrder the step's position in the workflow (1-based, from the definition)
 * @param nodeName the node that executes the step (seed 001's "agent"; seed 004's node)
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
     * Returns whether this snapshot is newer than {@code other} (same key), so that a store holding
     * this one must not replace it by {@code other}.
     */
    public boolean isNewerThan(StepRun other) {
        return updatedAt.isAfter(other.updatedAt);
    }
}
