package dev.runmetrics.core.flow;

/**
 * What a {@link WorkflowRunner} does with a completed step whose checkpoint the store cannot take
 * because it is unavailable ({@link dev.runmetrics.core.store.RunStoreUnavailableException}: its
 * database is down or hung). Any other store failure fails the step under either policy.
 */
public enum CheckpointPolicy {
    /**
     * The step fails: a step counts as completed only once its output is stored, so every
     * completed step can be restored by a resume. Workflows stop making progress while the store
     * is down.
     */
    REQUIRED,
    /**
     * The step completes (its output goes downstream in the same attempt) and the runner keeps
     * the checkpoint in memory and writes it when the store is back; meanwhile a resume of that
     * run through this runner is refused as unavailable, and anywhere else the step counts as
     * never checkpointed. Workflows keep running through an outage. The default; see
     * {@link WorkflowRunner.Builder#checkpointPolicy} for exactly what is guaranteed.
     */
    DEFERRED
}
