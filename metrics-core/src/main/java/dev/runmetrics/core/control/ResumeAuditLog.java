package dev.runmetrics.core.control;

import dev.runmetrics.core.store.ControlAction;
import dev.runmetrics.core.store.ControlOutcome;
import dev.runmetrics.core.store.ResumeOutcome;
import dev.runmetrics.core.store.RunStore;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes the resume entries of one orchestrator to the control audit log ({@link ControlAuditLog}):
 * one entry per resume request, accepted or refused, with a new audit id and the time from the
 * orchestrator's clock, and one log line. Every {@link ResumeHandler} (the reference runner and
 * each engine adapter) audits through it, so all audit the same way. A request refused as
 * {@link ResumeResult.Reason#NOT_FOUND} is stored only if its run is in the workspace, else logged
 * only: it may name another workspace's run, which must not be recorded in the caller's workspace. A failed
 * append is logged and never thrown: it does not undo an accepted claim and never fails the caller.
 *
 * <p>Thread-safe.
 */
public final class ResumeAuditLog {

    private final ControlAuditLog log;

    /**
     * @param store where entries are appended
     * @param now the time of each entry (the orchestrator's recorder's {@code now}, so entries and
     *     run events share a clock)
     * @throws NullPointerException if an argument is null
     */
    public ResumeAuditLog(RunStore store, Supplier<Instant> now) {
        this.log = new ControlAuditLog(store, now);
    }

    /** Audits a request's answer and returns it unchanged (without the request's input overrides). */
    public <R extends ResumeResult> R record(String ws, String actor, String runId, String stepId, R result) {
        return record(ws, actor, runId, stepId, null, result);
    }

    /**
     * Audits a request's answer, with the input overrides it gave (their keys are logged, never
     * their values), and returns the answer unchanged.
     */
    public <R extends ResumeResult> R record(String ws, String actor, String runId, String stepId,
            Map<String, ?> inputOverrides, R result) {
        if (result instanceof ResumeResult.Accepted a) {
            log.append(log.entry(ws, runId, stepId, ControlAction.RESUME, actor, a.attempt(), ControlOutcome.ACCEPTED,
                    null, inputOverrides));
        } else {
            ResumeResult.Refused r = (ResumeResult.Refused) result;
            var entry = log.entry(ws, runId, stepId, ControlAction.RESUME, actor, r.attempt(),
                    r.reason().controlOutcome(), r.message(), inputOverrides);
            if (r.reason() == ResumeResult.Reason.NOT_FOUND) {
                // Not found may be the run (maybe another workspace's) or, for some handlers, its step.
                log.appendIfRunInWorkspace(entry);
            } else {
                log.append(entry);
            }
        }
        return result;
    }

    /** Refuses a request, audits the refusal, and returns it. */
    public ResumeResult.Refused refuse(String ws, String actor, String runId, String stepId,
            ResumeResult.Reason reason, String message, int attempt) {
        return record(ws, actor, runId, stepId, new ResumeResult.Refused(reason, message, attempt));
    }

    /** Refuses a request that gave input overrides, audits the refusal, and returns it. */
    public ResumeResult.Refused refuse(String ws, String actor, String runId, String stepId,
            Map<String, ?> inputOverrides, ResumeResult.Reason reason, String message, int attempt) {
        return record(ws, actor, runId, stepId, inputOverrides, new ResumeResult.Refused(reason, message, attempt));
    }

    /**
     * Appends one entry as given (for an outcome that is not the answer to a request, such as a
     * claim an engine made for a restart it started itself, or a claimed attempt that failed to start).
     */
    public void append(String ws, String runId, String stepId, String actor, int attempt, ResumeOutcome outcome,
            String reason) {
        log.append(log.entry(ws, runId, stepId, ControlAction.RESUME, actor, attempt, ControlOutcome.of(outcome),
                reason, null));
    }
}
