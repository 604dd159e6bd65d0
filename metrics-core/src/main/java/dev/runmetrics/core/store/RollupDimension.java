package dev.runmetrics.core.store;

import dev.runmetrics.core.model.RunStatus;

/** What a {@link Rollup}'s subject names, and which records feed it. */
public enum RollupDimension {
    /** Subject: a workflow id. Fed by runs when an attempt ends (terminal status). */
    WORKFLOW,
    /** As {@link #WORKFLOW}, only attempts that ended {@code COMPLETED} (statistics by status). */
    WORKFLOW_COMPLETED,
    /** As {@link #WORKFLOW}, only attempts that ended {@code FAILED}. */
    WORKFLOW_FAILED,
    /** As {@link #WORKFLOW}, only attempts that ended {@code CANCELLED}. */
    WORKFLOW_CANCELLED,
    /** As {@link #WORKFLOW}, only attempts that ended {@code TIMEOUT}. */
    WORKFLOW_TIMEOUT,
    /** As {@link #WORKFLOW}, only attempts that ended {@code SKIPPED}. */
    WORKFLOW_SKIPPED,
    /** Subject: a node name (an "agent" in the live overview). Fed by step runs when they end. */
    NODE,
    /**
     * Subject: a model name (the step attribute {@code model}). Fed by step runs that carry it when
     * they end; carries the sums of their {@code tokens} and {@code cost} attributes.
     */
    MODEL;

    /**
     * The WORKFLOW rollups of the attempts that ended in {@code status}: they hold the same counts
     * and histograms as {@link #WORKFLOW}, split by final status, so statistics filtered by status
     * are read from rollups too.
     *
     * @throws IllegalArgumentException if the status does not end an attempt
     */
    public static RollupDimension workflowEndedAs(RunStatus status) {
        return switch (status) {
            case COMPLETED -> WORKFLOW_COMPLETED;
            case FAILED -> WORKFLOW_FAILED;
            case CANCELLED -> WORKFLOW_CANCELLED;
            case TIMEOUT -> WORKFLOW_TIMEOUT;
            case SKIPPED -> WORKFLOW_SKIPPED;
            default -> throw new IllegalArgumentException("status " + status.wireName() + " does not end an attempt");
        };
    }
}
