package dev.runmetrics.core.model;

import dev.runmetrics.core.internal.Checks;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable snapshot of one run (seed 003's "execution") of a workflow in a workspace.
 *
 * <p>A run has attempts: attempt 1 is the original execution, and each accepted resume (seed 002)
 * starts the next one; step runs are kept per attempt, so earlier attempts stay in the history.
 * The lifecycle instants ({@link LifecycleTimes}) belong to the run as a whole: {@code queuedAt}
 * and {@code startedAt} are the first ones, {@code completedAt} is when the latest attempt ended
 * (null while it runs again).
 *
 * <p>Stores upsert runs keyed by {@code (workspaceId, runId)} and apply a snapshot only if its
 * {@code (attempt, updatedAt)} is not older than the stored one (see {@link RunStore#saveRun}).
 *
 * @param workspaceId the tenant; every store query is scoped by it
 * @param runId the run's id: a canonical lowercase UUIDv7 string, time-ordered, made in process
 * @param workflowId the workflow's id, as the host names it
 * @param workflowName the workflow's display name (seed 001's {@code agentName}); never null
 * @param executionNumber the per-workflow sequence number, assigned by the store at the first
 *     write of the run; {@code 0} in snapshots that have not been through a store yet
 * @param status the current status
 * @param attempt the current attempt, from 1
 * @param queuedAt when the run was first queued
 * @param startedAt when the run first started, or null
 * @param completedAt when the latest attempt ended (terminal or paused), or null
 * @param inputSummary the run's input variables, bounded by {@link Summaries}, or null
 * @param resultsSummary the run's results, bounded by {@link Summaries}, or null
 * @param errorMessage why it failed, timed out, was cancelled or paused, or null
 * @param createdAt when the record was created (equals {@code queuedAt} for recorded runs)
 * @param updatedAt when this snapshot was taken; orders snapshots of the same attempt
 * @param instanceId the process (JVM) that owns the current attempt and writes its snapshots
 * @param heartbeatAt the owner's last sign of life; a {@code QUEUED} or {@code RUNNING} run whose
 *     heartbeat is older than the host's lease belongs to a dead process (interrupted)
 * @param attributes host-defined attributes set when the run is queued (JSON-like values), never
 *     null; well-known: {@value #USER_ID} and {@value #PRIORITY} (seed 001's {@code userId} and
 *     {@code priority})
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
        inputSummary = JsonValues.copyOfMap(inputSummary);
        resultsSummary = JsonValues.copyOfMap(resultsSummary);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Checks.id("instanceId", instanceId);
        Objects.requireNonNull(heartbeatAt, "heartbeatAt");
        attributes = attributes == null ? Map.of() : JsonValues.copyOfMap(attributes);
    }

    /** Returns a copy with the store-assigned execution number (for store implementations). */
    public Run withExecutionNumber(long number) {
        return new Run(workspaceId, runId, workflowId, workflowName, number, status, attempt, queuedAt, startedAt,
                completedAt, inputSummary, resultsSummary, errorMessage, createdAt, updatedAt, instanceId, heartbeatAt,
                attributes);
    }

    /**
     * Returns the snapshot a successful resume claim stores: the next attempt, {@code QUEUED},
     * owned by {@code claimant}, with no completion instant or error. Stores use it so that every
     * store claims the same way.
     */
    public Run claimedForResume(String claimant, Instant claimedAt) {
        return new Run(workspaceId, runId, workflowId, workflowName, executionNumber, RunStatus.QUEUED, attempt + 1,
                queuedAt, startedAt, null, inputSummary, resultsSummary, null, createdAt, claimedAt, claimant,
                claimedAt, attributes);
    }

    /**
     * Returns whether this snapshot is newer than {@code other} (a snapshot of the same run), so
     * that a store holding this one must not replace it by {@code other}: a later attempt wins,
     * then a later {@code updatedAt}. Equal snapshots are not newer, so a replayed write applies.
     */
    public boolean isNewerThan(Run other) {
        return attempt != other.attempt ? attempt > other.attempt : updatedAt.isAfter(other.updatedAt);
    }
}
