package dev.runmetrics.http.internal;

import dev.runmetrics.core.control.ControlAuditLog;
import dev.runmetrics.core.control.ResumeResult;
import dev.runmetrics.core.store.ControlAction;
import dev.runmetrics.core.store.ControlOutcome;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts for every resume, pause and cancel request the adapter attributes to a workspace: counts
 * it by workspace, action and outcome (for {@code runmetrics_control_actions_total}), and audits
 * what no orchestrator audits (a refused token or role, a malformed request, a pause or cancel)
 * through core's {@link ControlAuditLog}, which writes its log line. A resume that reached the
 * {@code ResumeHandler} is audited by the handler and only counted here.
 *
 * <p>An entry is written only to the workspace of the run it names, and only if the run is there:
 * a request naming another workspace's run (or none) is logged and counted in the caller's
 * workspace but leaves no entry in it. An unauthenticated request is attributed only when it names
 * a configured workspace (header {@code X-Workspace-Id} or {@code X-Workspace-Slug}) that holds the
 * run; it is audited off the request thread, so the 401 takes the same time whether or not the run
 * exists (at most {@value #UNAUTHENTICATED_QUEUE} wait; more are dropped with a warning).
 *
 * <p>Thread-safe; counting is lock-free.
 */
public final class ControlAttempts {

    private static final Logger LOG = LoggerFactory.getLogger(ControlAttempts.class);

    static final int UNAUTHENTICATED_QUEUE = 256;

    /** A counter key. */
    public record Key(String workspace, ControlAction action, ControlOutcome outcome) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = workspace.compareTo(o.workspace);
            if (c == 0) {
                c = action.compareTo(o.action);
            }
            return c != 0 ? c : outcome.compareTo(o.outcome);
        }
    }

    private final RunStore store;
    private final ControlAuditLog log;
    private final ConcurrentHashMap<Key, LongAdder> counts = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor unauthenticated;

    public ControlAttempts(RunStore store, Clock clock) {
        this.store = store;
        this.log = new ControlAuditLog(store, clock::wallTime);
        this.unauthenticated = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(UNAUTHENTICATED_QUEUE), r -> {
                    Thread t = new Thread(r, "runmetrics-unauthenticated-audit");
                    t.setDaemon(true);
                    return t;
                }, (r, pool) -> LOG.warn("an unauthenticated control request was not audited: {} wait already",
                        UNAUTHENTICATED_QUEUE));
        this.unauthenticated.allowCoreThreadTimeOut(true);
    }

    /** The action of a control route ({@code POST .../resume}, {@code .../pause}, {@code .../cancel}), or null. */
    public static ControlAction actionOf(Route route) {
        if (!route.method().equals("POST")) {
            return null;
        }
        return switch (route.template()) {
            case "/api/workflows/executions/{execution_id}/resume" -> ControlAction.RESUME;
            case "/api/workflows/executions/{execution_id}/pause" -> ControlAction.PAUSE;
            case "/api/workflows/executions/{execution_id}/cancel" -> ControlAction.CANCEL;
            default -> null;
        };
    }

    /** The outcome of a resume handler's answer. */
    public static ControlOutcome outcomeOf(ResumeResult result) {
        return result instanceof ResumeResult.Refused r ? r.reason().controlOutcome() : ControlOutcome.ACCEPTED;
    }

    /** Counts a resume the handler answered (and audited itself). */
    public void answeredByHandler(String workspaceId, ResumeResult result) {
        count(workspaceId, ControlAction.RESUME, outcomeOf(result));
    }

    /**
     * Counts and audits a request of an authenticated caller in its workspace, decided here: the
     * entry is stored if the run is in the workspace, else only logged.
     */
    public void decided(String workspaceId, String actor, String runId, String stepId, ControlAction action,
            ControlOutcome outcome, String reason, Map<String, ?> inputOverrides) {
        count(workspaceId, action, outcome);
        log.appendIfRunInWorkspace(log.entry(workspaceId, runId, stepId, action, actor, 0, outcome, reason,
                inputOverrides));
    }

    /**
     * Audits and counts, off the request thread, a request refused for its token, if the workspace
     * it named holds the run; otherwise nothing is written, counted or logged.
     *
     * @param workspaceId the configured workspace the request named, or null
     * @param runId the run id of the path, or null if it is not a well-formed id
     */
    public void unauthenticated(String workspaceId, String actor, String runId, ControlAction action, String reason) {
        if (workspaceId == null || runId == null) {
            return;
        }
        unauthenticated.execute(() -> {
            try {
                if (store.findRun(workspaceId, runId).isEmpty()) {
                    return;
                }
            } catch (RuntimeException e) {
                LOG.warn("an unauthenticated {} of run {} was not audited: the store could not be read", action,
                        runId);
                return;
            }
            count(workspaceId, action, ControlOutcome.UNAUTHENTICATED);
            log.append(log.entry(workspaceId, runId, null, action, actor, 0, ControlOutcome.UNAUTHENTICATED, reason,
                    null));
        });
    }

    private void count(String workspaceId, ControlAction action, ControlOutcome outcome) {
        counts.computeIfAbsent(new Key(workspaceId, action, outcome), k -> new LongAdder()).increment();
    }

    /** The counts so far, sorted. */
    public Map<Key, Long> counts() {
        Map<Key, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
