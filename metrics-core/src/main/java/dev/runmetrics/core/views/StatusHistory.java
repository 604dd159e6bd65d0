package dev.runmetrics.core.views;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.RunStatusChange;
import dev.runmetrics.core.model.RunStatusChange.Event;
import dev.runmetrics.core.store.ControlAction;
import dev.runmetrics.core.store.ControlAudit;
import dev.runmetrics.core.store.ControlOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds a run's status history from the changes the recorder kept with it
 * ({@link Run#statusHistory()}) and names the operator of each change that an accepted control
 * request caused:
 *
 * <ul>
 *   <li>a {@code resumed} change of attempt N: the accepted resume whose audit names attempt N;
 *   <li>a {@code paused} or {@code cancelled} change: the latest accepted pause (or cancel) decided
 *       after the change before it and no later than it (with {@value #SLACK_SECONDS} s of slack,
 *       since the orchestrator may act before the adapter writes the audit entry), not yet matched.
 * </ul>
 *
 * <p>A run recorded without kept changes gets a reconstruction from its snapshot (which is
 * overwritten, so it holds only the latest attempt's end): queued, started (first start), the
 * accepted resumes of the audit, and the current status at its {@code completedAt}; those entries
 * say {@code recorded == false}. Stateless.
 */
final class StatusHistory {

    static final int SLACK_SECONDS = 1;

    private StatusHistory() {
    }

    static List<StatusHistoryEntry> of(Run run, List<ControlAudit> audit) {
        List<RunStatusChange> changes = run.statusHistory();
        boolean recorded = !changes.isEmpty();
        if (!recorded) {
            changes = reconstruct(run, audit);
        }
        List<ControlAudit> accepted = audit.stream().filter(a -> a.outcome() == ControlOutcome.ACCEPTED).toList();
        Set<String> used = new HashSet<>();
        List<StatusHistoryEntry> out = new ArrayList<>();
        Instant previous = Instant.MIN;
        for (RunStatusChange c : changes) {
            String actor = null;
            ControlAudit match = switch (c.event()) {
                case RESUMED -> accepted.stream().filter(a -> a.action() == ControlAction.RESUME
                        && a.attempt() == c.attempt() && !used.contains(a.auditId())).findFirst().orElse(null);
                case PAUSED -> during(accepted, used, ControlAction.PAUSE, previous, c.at());
                case CANCELLED -> during(accepted, used, ControlAction.CANCEL, previous, c.at());
                default -> null;
            };
            if (match != null) {
                used.add(match.auditId());
                actor = match.actor();
            }
            out.add(new StatusHistoryEntry(c.event(), c.status(), c.attempt(), c.at(), actor, c.message(), recorded));
            previous = c.at();
        }
        return List.copyOf(out);
    }

    private static ControlAudit during(List<ControlAudit> accepted, Set<String> used, ControlAction action,
            Instant after, Instant at) {
        Instant from = after == Instant.MIN ? after : after.minus(Duration.ofSeconds(SLACK_SECONDS));
        Instant to = at.plus(Duration.ofSeconds(SLACK_SECONDS));
        ControlAudit found = null;
        for (ControlAudit a : accepted) {
            if (a.action() == action && !used.contains(a.auditId()) && !a.at().isBefore(from) && !a.at().isAfter(to)) {
                found = a; // oldest first: the last one wins
            }
        }
        return found;
    }

    private static List<RunStatusChange> reconstruct(Run run, List<ControlAudit> audit) {
        List<RunStatusChange> out = new ArrayList<>();
        out.add(new RunStatusChange(Event.QUEUED, RunStatus.QUEUED, 1, run.queuedAt(), null));
        if (run.startedAt() != null) {
            out.add(new RunStatusChange(Event.STARTED, RunStatus.RUNNING, 1, run.startedAt(), null));
        }
        for (ControlAudit a : audit) {
            if (a.action() == ControlAction.RESUME && a.outcome() == ControlOutcome.ACCEPTED && a.attempt() > 1
                    && a.attempt() <= run.attempt()) {
                out.add(new RunStatusChange(Event.RESUMED, RunStatus.QUEUED, a.attempt(), a.at(), null));
            }
        }
        Event end = switch (run.status()) {
            case COMPLETED -> Event.COMPLETED;
            case FAILED -> Event.FAILED;
            case CANCELLED -> Event.CANCELLED;
            case TIMEOUT -> Event.TIMEOUT;
            case PAUSED -> Event.PAUSED;
            default -> null;
        };
        if (end != null && run.completedAt() != null) {
            out.add(new RunStatusChange(end, run.status(), run.attempt(), run.completedAt(), run.errorMessage()));
        }
        out.sort(java.util.Comparator.comparing(RunStatusChange::at));
        return out;
    }
}
