package dev.runmetrics.core.views;

import dev.runmetrics.core.store.StepCheckpoint;
import java.util.Objects;

/**
 * The answer of {@link RunHistoryView#stepOutput}: a step's checkpoint (its full output), or why
 * there is none. Immutable and thread-safe.
 */
public sealed interface StepOutput {

    /** The step's checkpoint of the attempt asked for (or of its latest attempt). */
    record Found(StepCheckpoint checkpoint) implements StepOutput {
        /** @throws NullPointerException if checkpoint is null */
        public Found {
            Objects.requireNonNull(checkpoint, "checkpoint");
        }
    }

    /** The workspace has no run with that id. */
    record NoRun() implements StepOutput {}

    /** The run has no checkpoint of that step (in that attempt). */
    record NoCheckpoint() implements StepOutput {}
}
