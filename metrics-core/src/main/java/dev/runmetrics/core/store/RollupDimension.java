package dev.runmetrics.core.store;

/** What a {@link Rollup}'s subject names, and which records feed it. */
public enum RollupDimension {
    /** Subject: a workflow id. Fed by runs when an attempt ends (terminal status). */
    WORKFLOW,
    /** Subject: a node name (an "agent" in the live overview). Fed by step runs when they end. */
    NODE,
    /**
     * Subject: a model name (the step attribute {@code model}). Fed by step runs that carry it when
     * they end; carries the sums of their {@code tokens} and {@code cost} attributes.
     */
    MODEL
}
