package dev.runmetrics.core.control;

import dev.runmetrics.core.model.Ids;
import dev.runmetrics.core.model.JsonValues;
import dev.runmetrics.core.store.ControlAction;
import dev.runmetrics.core.store.ControlAudit;
import dev.runmetrics.core.store.ControlOutcome;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.time.Clock;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Writes the control audit log (resume, pause and cancel requests): makes each {@link ControlAudit}
 * with a new id and the time from the given clock, writes one log line for it, and appends it to
 * the store. The orchestrators audit resumes through it ({@link ResumeAuditLog}), and the HTTP
 * adapter audits through it what never reaches an orchestrator (a refused token or role, a
 * malformed request, a pause or cancel), so every entry is logged the same way.
 *
 * <p>The log line (logger {@code dev.runmetrics.core.control.ControlAuditLog}; INFO, or WARNING for
 * a forbidden, unauthenticated, unavailable or failed request) names the action, outcome,
 * workspace, run, step, actor, attempt and reason, and the keys of the input overrides, never
 * their values (they may hold secrets). Free text is quoted with its control characters escaped,
 * so a reason cannot forge a log line.
 *
 * <p>A failed append is logged and never thrown: auditing never fails the request it records.
 *
 * <p>Thread-safe.
 */
public final class ControlAuditLog {

    private static final System.Logger LOG = System.getLogger(ControlAuditLog.class.getName());

    /** At most this many override keys are named in a log line, each at most {@value #MAX_LOGGED_TEXT} chars. */
    static final int MAX_LOGGED_KEYS = 20;
    static final int MAX_LOGGED_TEXT = 200;

    private final RunStore store;
    private final Supplier<Instant> now;
    private final Supplier<String> ids;

    /**
     * @param store where entries are appended
     * @param now the time of each entry
     * @throws NullPointerException if an argument is null
     */
    public ControlAuditLog(RunStore store, Supplier<Instant> now) {
        this.store = Objects.requireNonNull(store, "store");
        this.now = Objects.requireNonNull(now, "now");
        this.ids = Ids.generator(Clock.system());
    }

    /**
     * Returns a new entry with a new audit id and the current time. Overrides that are not
     * JSON-like (a request refused for them) are left out.
     *
     * @throws NullPointerException if a required argument is null
     * @throws IllegalArgumentException if an id or the actor is blank or too long
     */
    public ControlAudit entry(String ws, String runId, String stepId, ControlAction action, String actor, int attempt,
            ControlOutcome outcome, String reason, Map<String, ?> inputOverrides) {
        Map<String, Object> overrides;
        try {
            overrides = inputOverrides == null ? null : JsonValues.copyOfMap(inputOverrides);
        } catch (IllegalArgumentException e) {
            overrides = null;
        }
        return new ControlAudit(ws, ids.get(), runId, stepId, action, actor, now.get(), attempt, outcome, reason,
                overrides);
    }

    /** Logs the entry and appends it to the store; a failed append is logged, never thrown. */
    public void append(ControlAudit entry) {
        Objects.requireNonNull(entry, "entry");
        log(entry, null);
        try {
            store.appendControlAudit(entry.workspaceId(), entry);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the audit entry " + entry.auditId() + " (" + entry.action() + " of run "
                    + entry.runId() + ", " + entry.outcome() + ") was not stored", e);
        }
    }

    /**
     * Logs the entry and appends it if its run is in its workspace, else logs it only
     * ({@link #logOnly}): the rule for a request that may name another workspace's run. A store
     * that cannot tell is not written to either.
     */
    public void appendIfRunInWorkspace(ControlAudit entry) {
        Objects.requireNonNull(entry, "entry");
        boolean found;
        try {
            found = store.findRun(entry.workspaceId(), entry.runId()).isPresent();
        } catch (RuntimeException e) {
            logOnly(entry, "not audited: the store could not be read");
            return;
        }
        if (found) {
            append(entry);
        } else {
            logOnly(entry);
        }
    }

    /**
     * Logs the entry without storing it: for a request naming a run that is not in the workspace,
     * which is not written to the workspace's log (it may be another workspace's run, and made-up
     * ids must not fill the log).
     */
    public void logOnly(ControlAudit entry) {
        logOnly(entry, "not audited: no such run in the workspace");
    }

    /** Logs the entry without storing it, saying why it is not stored. */
    public void logOnly(ControlAudit entry, String why) {
        Objects.requireNonNull(entry, "entry");
        log(entry, Objects.requireNonNull(why, "why"));
    }

    private static void log(ControlAudit e, String note) {
        Level level = switch (e.outcome()) {
            case FORBIDDEN, UNAUTHENTICATED, UNAVAILABLE, ERROR -> Level.WARNING;
            default -> Level.INFO;
        };
        if (!LOG.isLoggable(level)) {
            return;
        }
        StringBuilder line = new StringBuilder(200).append("control action=").append(e.action())
                .append(" outcome=").append(e.outcome())
                .append(" workspace=").append(quoted(e.workspaceId()))
                .append(" run=").append(quoted(e.runId()))
                .append(" step=").append(e.stepId() == null ? "-" : quoted(e.stepId()))
                .append(" actor=").append(quoted(e.actor()))
                .append(" attempt=").append(e.attempt())
                .append(" reason=").append(e.reason() == null ? "-" : quoted(e.reason()))
                .append(" override_keys=").append(keys(e.inputOverrides()))
                .append(" audit_id=").append(e.auditId());
        if (note != null) {
            line.append(" (").append(note).append(')');
        }
        LOG.log(level, line.toString());
    }

    private static String keys(Map<String, Object> overrides) {
        if (overrides == null) {
            return "-";
        }
        List<String> names = new ArrayList<>();
        for (String key : overrides.keySet()) {
            if (names.size() == MAX_LOGGED_KEYS) {
                names.add("... " + (overrides.size() - MAX_LOGGED_KEYS) + " more");
                break;
            }
            names.add(quoted(key));
        }
        return "[" + String.join(", ", names) + "]";
    }

    /** The text in double quotes, truncated, with quotes, backslashes and control characters escaped. */
    static String quoted(String text) {
        String s = text.length() > MAX_LOGGED_TEXT ? text.substring(0, MAX_LOGGED_TEXT) + "..." : text;
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || c == '\u0085') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
