package dev.runmetrics.core.store;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.model.JsonValues;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of the control audit log: a request to resume, pause or cancel a run of the workspace,
 * whatever its outcome (also a request refused before it reached the orchestrator, for a missing
 * permission or token). Append-only; keyed by {@code (workspaceId, auditId)}. Immutable.
 *
 * @param workspaceId the tenant the request was made in (the run's)
 * @param auditId this entry's id (UUIDv7 string), so that a retried append does not duplicate
 * @param runId the run the request named
 * @param stepId the step a resume named, or null: for a pause or cancel, and for a resume refused
 *     before its body was read (unauthenticated, forbidden, unreadable body)
 * @param action what was asked
 * @param actor who asked: the token's subject or the host's user id, {@value #ANONYMOUS} for a
 *     request without a token, {@value #INVALID_TOKEN} for one whose token is not valid
 * @param at when the request was decided
 * @param attempt for a resume, the new attempt when accepted, else the run's attempt at the time
 *     (0 when it was not read); 0 for a pause or cancel
 * @param outcome how it ended
 * @param reason why it was refused, conflicted or failed; for an accepted pause or cancel, the
 *     reason the caller gave; else null
 * @param inputOverrides the input overrides a resume gave (JSON-like), or null for none or when
 *     the body was not read
 */
public record ControlAudit(String workspaceId, String auditId, String runId, String stepId, ControlAction action,
        String actor, Instant at, int attempt, ControlOutcome outcome, String reason,
        Map<String, Object> inputOverrides) {

    /** The actor of a request that presented no token. */
    public static final String ANONYMOUS = "anonymous";
    /** The actor of a request whose token is not valid (the token itself is never recorded). */
    public static final String INVALID_TOKEN = "invalid token";

    /**
     * @throws NullPointerException if a required field is null
     * @throws IllegalArgumentException if an id is blank or too long, the attempt is negative, or
     *     the overrides are not JSON-like
     */
    public ControlAudit {
        Checks.id("workspaceId", workspaceId);
        Checks.id("auditId", auditId);
        Checks.id("runId", runId);
        Checks.optionalId("stepId", stepId);
        Objects.requireNonNull(action, "action");
        Checks.id("actor", actor);
        Objects.requireNonNull(at, "at");
        Checks.atLeast("attempt", attempt, 0);
        Objects.requireNonNull(outcome, "outcome");
        inputOverrides = inputOverrides == null ? null : JsonValues.copyOfMap(inputOverrides);
    }

    /** Returns the entry of a legacy resume audit entry (action RESUME, no overrides). */
    public static ControlAudit of(ResumeAudit entry) {
        return new ControlAudit(entry.workspaceId(), entry.auditId(), entry.runId(), entry.stepId(),
                ControlAction.RESUME, entry.actor(), entry.at(), entry.attempt(), ControlOutcome.of(entry.outcome()),
                entry.reason(), null);
    }

    /**
     * Returns this entry as a legacy resume audit entry, or null if it is not one a
     * {@link ResumeAudit} can hold (a pause or cancel, or a resume without a step). Outcomes other
     * than accepted and conflict read as {@link ResumeOutcome#REFUSED}.
     */
    public ResumeAudit asResumeAudit() {
        if (action != ControlAction.RESUME || stepId == null) {
            return null;
        }
        return new ResumeAudit(workspaceId, auditId, runId, stepId, actor, at, attempt, outcome.asResumeOutcome(),
                reason);
    }
}
