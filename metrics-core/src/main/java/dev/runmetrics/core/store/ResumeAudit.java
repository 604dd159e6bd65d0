package dev.runmetrics.core.store;

import dev.runmetrics.core.internal.Checks;
import java.time.Instant;
import java.util.Objects;

/**
 * A resume entry of the control audit log, as callers written before pause and cancel were audited
 * see it ({@link ControlAudit} is the whole entry: {@link ControlAudit#of} and
 * {@link ControlAudit#asResumeAudit} convert). Keyed by {@code (workspaceId, auditId)}.
 *
 * @param workspaceId the tenant the request was made in
 * @param auditId this entry's id (UUIDv7 string), so that a retried append does not duplicate
 * @param runId the run the request named (may not exist)
 * @param stepId the step the request named (may not exist)
 * @param actor who asked (the HTTP adapter's token subject, or the host's user id)
 * @param at when the request was decided
 * @param attempt the new attempt when accepted, else the run's attempt at the time, or 0 if the
 *     run was not found
 * @param outcome how it ended
 * @param reason why it was refused or conflicted, or null when accepted
 */
public record ResumeAudit(String workspaceId, String auditId, String runId, String stepId, String actor, Instant at,
        int attempt, ResumeOutcome outcome, String reason) {

    /**
     * @throws NullPointerException if a required field is null
     * @throws IllegalArgumentException if an id is blank or too long or the attempt is negative
     */
    public ResumeAudit {
        Checks.id("workspaceId", workspaceId);
        Checks.id("auditId", auditId);
        Checks.id("runId", runId);
        Checks.id("stepId", stepId);
        Checks.id("actor", actor);
        Objects.requireNonNull(at, "at");
        Checks.atLeast("attempt", attempt, 0);
        Objects.requireNonNull(outcome, "outcome");
    }
}
