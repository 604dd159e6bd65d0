package dev.runmetrics.core.control;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.store.ControlOutcome;
import dev.runmetrics.core.store.ResumeOutcome;
import java.util.Objects;

/** The answer to a {@link ResumeHandler#resume} request: accepted with its new attempt, or refused. */
public sealed interface ResumeResult {

    /** Returns whether the resume was accepted. */
    default boolean accepted() {
        return this instanceof Accepted;
    }

    /**
     * The resume won its claim: the run's new attempt is scheduled and runs in the background.
     *
     * @param runId the run
     * @param stepId the step it starts again from
     * @param attempt the new attempt (2 for the first resume)
     */
    record Accepted(String runId, String stepId, int attempt) implements ResumeResult {
        /**
         * @throws NullPointerException if an id is null
         * @throws IllegalArgumentException if an id is malformed or the attempt is below 2
         */
        public Accepted {
            Checks.id("runId", runId);
            Checks.id("stepId", stepId);
            Checks.atLeast("attempt", attempt, 2);
        }
    }

    /**
     * The resume was not done.
     *
     * @param reason the kind of refusal, which decides the HTTP status
     * @param message why, for people (names the run, step or status concerned)
     * @param attempt the run's attempt when it was refused, or 0 if the run was not found
     */
    record Refused(Reason reason, String message, int attempt) implements ResumeResult {
        /**
         * @throws NullPointerException if reason or message is null
         * @throws IllegalArgumentException if the attempt is negative
         */
        public Refused {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
            Checks.atLeast("attempt", attempt, 0);
        }
    }

    /** Why a resume was refused, with the HTTP status an adapter answers it with. */
    enum Reason {
        /** No such run in the workspace (also another workspace's run): 404. */
        NOT_FOUND(404),
        /** The run's workflow has no step with that id: 404. */
        STEP_NOT_FOUND(404),
        /** The step is not failed or paused in the run (or cannot be restored upstream): 422. */
        STEP_NOT_RESUMABLE(422),
        /** The run ended in a status that is not resumable (completed, cancelled, timeout): 422. */
        RUN_NOT_RESUMABLE(422),
        /** The run's workflow definition is not known to the orchestrator: 422. */
        UNKNOWN_WORKFLOW(422),
        /** The input overrides are not a JSON-like object: 400. */
        INVALID_OVERRIDES(400),
        /** The run is queued or running: 409. */
        RUN_ACTIVE(409),
        /** Another resume of the same run won the claim, or the run changed meanwhile: 409. */
        CONFLICT(409),
        /** The store could not be read or written; nothing was resumed: 503. */
        UNAVAILABLE(503);

        private final int httpStatus;

        Reason(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        /** Returns the HTTP status an adapter answers this refusal with. */
        public int httpStatus() {
            return httpStatus;
        }

        /** Returns the audit outcome of this refusal: {@code CONFLICT} for a lost claim, else {@code REFUSED}. */
        public ResumeOutcome outcome() {
            return this == CONFLICT ? ResumeOutcome.CONFLICT : ResumeOutcome.REFUSED;
        }

        /**
         * Returns the control audit outcome of this refusal: {@code NOT_FOUND} for an unknown run or
         * step, {@code INVALID} for bad overrides, {@code CONFLICT} for a lost claim,
         * {@code UNAVAILABLE} for a store failure, else {@code REFUSED}.
         */
        public ControlOutcome controlOutcome() {
            return switch (this) {
                case NOT_FOUND, STEP_NOT_FOUND -> ControlOutcome.NOT_FOUND;
                case INVALID_OVERRIDES -> ControlOutcome.INVALID;
                case CONFLICT -> ControlOutcome.CONFLICT;
                case UNAVAILABLE -> ControlOutcome.UNAVAILABLE;
                case STEP_NOT_RESUMABLE, RUN_NOT_RESUMABLE, UNKNOWN_WORKFLOW, RUN_ACTIVE -> ControlOutcome.REFUSED;
            };
        }
    }
}
