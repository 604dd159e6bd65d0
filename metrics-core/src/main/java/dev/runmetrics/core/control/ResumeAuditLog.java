package dev.runmetrics.core.control;

import dev.runmetrics.core.model.Ids;
import dev.runmetrics.core.store.ResumeAudit;
import dev.runmetrics.core.store.ResumeOutcome;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.time.Clock;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Writes the resume audit entries of one orchestrator: one {@link ResumeAudit} per resume request,
 * accepted or refused, with a new audit id and the time from the orchestrator's clock. Every
 * {@link ResumeHandler} (the reference runner and each engine adapter) audits through it, so all
 * audit the same way. A failed append is logged and never thrown: it does not undo an accepted
 * claim and never fails the caller.
 *
 * <p>Thread-safe.
 */
public final class ResumeAuditLog {

    private static final System.Logger LOG = System.getLogger(ResumeAuditLog.class.getName());

    private final RunStore store;
    private final Supplier<Instant> now;
    private final Supplier<String> ids;

    /**
     * @param store where entries are appended
     * @param now the time of each entry (the orchestrator's recorder's {@code now}, so entries and
     *     run events share a clock)
     * @throws NullPointerException if an argument is null
     */
    public ResumeAuditLog(RunStore store, Supplier<Instant> now) {
        this.store = Objects.requireNonNull(store, "store");
        this.now = Objects.requireNonNull(now, "now");
        this.ids = Ids.generator(Clock.system());
    }

    /** Audits a request's answer and returns it unchanged. */
    public <R extends ResumeResult> R record(String ws, String actor, String runId, String stepId, R result) {
        if (result instanceof ResumeResult.Accepted a) {
            append(ws, runId, stepId, actor, a.attempt(), ResumeOutcome.ACCEPTED, null);
        } else {
            ResumeResult.Refused r = (ResumeResult.Refused) result;
            append(ws, runId, stepId, actor, r.attempt(), r.reason().outcome(), r.message());
        }
        return result;
    }

    /** Refuses a request, audits the refusal, and returns it. */
    public ResumeResult.Refused refuse(String ws, String actor, String runId, String stepId,
            ResumeResult.Reason reason, String message, int attempt) {
        return record(ws, actor, runId, stepId, new ResumeResult.Refused(reason, message, attempt));
    }

    /**
     * Appends one entry as given (for an outcome that is not the answer to a request, such as a
     * claim an engine made for a restart it started itself, or a claimed attempt that failed to start).
     */
    public void append(String ws, String runId, String stepId, String actor, int attempt, ResumeOutcome outcome,
            String reason) {
        try {
            store.appendResumeAudit(ws, new ResumeAudit(ws, ids.get(), runId, stepId, actor, now.get(), attempt,
                    outcome, reason));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the audit entry of a resume of run " + runId + " (" + outcome + ") was not stored",
                    e);
        }
    }
}
