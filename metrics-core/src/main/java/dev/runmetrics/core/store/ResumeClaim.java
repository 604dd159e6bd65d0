package dev.runmetrics.core.store;

import dev.runmetrics.core.model.Run;
import java.util.Objects;

/**
 * The result of {@link RunStore#claimResume}: exactly one of concurrent claims on the same run
 * and attempt is {@link Claimed}; the others are {@link Conflict}.
 */
public sealed interface ResumeClaim {

    /**
     * The claim won: the store now holds {@code run}, the next attempt in status
     * {@code QUEUED}, owned by the claimant.
     *
     * @param run the stored snapshot after the claim
     */
    record Claimed(Run run) implements ResumeClaim {
        /** @throws NullPointerException if run is null */
        public Claimed {
            Objects.requireNonNull(run, "run");
        }
    }

    /** No run with that id in that workspace (including another workspace's run). */
    record NotFound() implements ResumeClaim {}

    /**
     * The claim lost or was not allowed: the run's attempt is no longer the expected one (another
     * resume won) or its status is not {@code FAILED} or {@code PAUSED} (for example still running).
     *
     * @param current the stored snapshot, unchanged by this claim
     */
    record Conflict(Run current) implements ResumeClaim {
        /** @throws NullPointerException if current is null */
        public Conflict {
            Objects.requireNonNull(current, "current");
        }
    }
}
