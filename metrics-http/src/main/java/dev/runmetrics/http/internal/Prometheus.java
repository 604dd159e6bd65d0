package dev.runmetrics.http.internal;

import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.node.NodeDurationHistogram;
import dev.runmetrics.core.node.NodeMetrics;
import dev.runmetrics.core.node.NodeMetricsCollector;
import dev.runmetrics.core.node.WorkspaceNodeMetrics;
import dev.runmetrics.core.store.ControlAction;
import dev.runmetrics.core.store.ControlOutcome;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes the metrics exposition in the Prometheus text format (version 0.0.4) or, when the scraper
 * asks for it, in OpenMetrics 1.0 ({@code # EOF} at the end, counter families named without their
 * {@code _total} suffix). Every family has its {@code # HELP} and {@code # TYPE} once, then its
 * samples; label values are escaped (backslash, double quote, line feed). Durations are in
 * seconds, counters end in {@code _total}, node durations are cumulative histograms (they add up
 * across instances, so {@code histogram_quantile} works over many of them), and the run series
 * exist for every workspace and status from the start, at zero.
 */
public final class Prometheus {

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    public static final String OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /** The statuses a run attempt ends (or pauses) in, each a series of {@code runmetrics_runs_ended_total}. */
    private static final List<RunStatus> ENDED = List.of(RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED,
            RunStatus.TIMEOUT, RunStatus.PAUSED);

    private final StringBuilder out = new StringBuilder(4096);
    private final boolean openMetrics;

    private Prometheus(boolean openMetrics) {
        this.openMetrics = openMetrics;
    }

    /**
     * Returns whether an {@code Accept} header asks for OpenMetrics (as Prometheus' own scraper does)
     * rather than the classic text format.
     */
    public static boolean wantsOpenMetrics(String accept) {
        if (accept == null) {
            return false;
        }
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            if (!parts[0].strip().equalsIgnoreCase("application/openmetrics-text")) {
                continue;
            }
            boolean refused = false;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].strip().toLowerCase(Locale.ROOT);
                if (p.startsWith("q=")) {
                    try {
                        refused = Double.parseDouble(p.substring(2)) <= 0;
                    } catch (NumberFormatException e) {
                        refused = true;
                    }
                }
            }
            if (!refused) {
                return true;
            }
        }
        return false;
    }

    /**
     * The whole exposition: node metrics (if a collector is given), run counters of the given
     * workspaces and WebSocket state.
     */
    public static String render(WorkspaceNodeMetrics nodes, RunCounters runs, ControlAttempts control,
            Set<String> workspaces, EventHub hub, boolean openMetrics) {
        Prometheus p = new Prometheus(openMetrics);
        Set<String> sorted = new TreeSet<>(workspaces);
        if (nodes != null) {
            Map<String, NodeMetricsCollector> mine = new TreeMap<>();
            for (String ws : sorted) {
                nodes.find(ws).ifPresent(c -> mine.put(ws, c));
            }
            p.nodes(mine);
        }
        Map<String, Long> started = runs.started();
        p.family("runmetrics_runs_started_total", "counter", "Runs (and resumed attempts) started, as recorded by "
                + "this process since it started.");
        for (String ws : sorted) {
            p.sample("runmetrics_runs_started_total", started.getOrDefault(ws, 0L), "workspace", ws);
        }
        Map<RunCounters.Key, Long> ended = runs.ended();
        p.family("runmetrics_runs_ended_total", "counter", "Run attempts that ended (or paused), by status, as "
                + "recorded by this process since it started.");
        for (String ws : sorted) {
            for (RunStatus status : ENDED) {
                p.sample("runmetrics_runs_ended_total", ended.getOrDefault(new RunCounters.Key(ws, status.wireName()),
                        0L), "workspace", ws, "status", status.wireName());
            }
        }
        Map<ControlAttempts.Key, Long> actions = control.counts();
        p.family("runmetrics_control_actions_total", "counter", "Resume, pause and cancel requests naming a run of "
                + "the workspace, by outcome (also those refused for their token or role), as answered by this "
                + "process since it started.");
        for (String ws : sorted) {
            for (ControlAction action : ControlAction.values()) {
                for (ControlOutcome outcome : ControlOutcome.values()) {
                    p.sample("runmetrics_control_actions_total", actions.getOrDefault(new ControlAttempts.Key(ws,
                            action, outcome), 0L), "workspace", ws, "action", action.name().toLowerCase(Locale.ROOT),
                            "outcome", outcome.name().toLowerCase(Locale.ROOT));
                }
            }
        }
        p.family("runmetrics_websocket_clients", "gauge", "WebSocket clients connected now.");
        p.sample("runmetrics_websocket_clients", hub.clientCount());
        p.family("runmetrics_websocket_dropped_clients_total", "counter", "WebSocket clients dropped because they "
                + "did not keep up.");
        p.sample("runmetrics_websocket_dropped_clients_total", hub.droppedClients());
        if (openMetrics) {
            p.out.append("# EOF\n");
        }
        return p.out.toString();
    }

    /** The node series of each workspace's collector, every series labelled with its workspace. */
    private void nodes(Map<String, NodeMetricsCollector> byWorkspace) {
        Map<String, Map<String, NodeMetrics>> all = new TreeMap<>();
        byWorkspace.forEach((ws, c) -> all.put(ws, c.getAllNodeMetrics()));
        family("runmetrics_node_executions_total", "counter", "Executions of the node (successes plus failures).");
        each(all, (ws, n, m) -> sample("runmetrics_node_executions_total", m.totalExecutions(), "workspace", ws,
                "node", n));
        family("runmetrics_node_failures_total", "counter", "Failed executions of the node, by error category.");
        each(all, (ws, n, m) -> {
            sample("runmetrics_node_failures_total", m.timeoutErrors(), "workspace", ws, "node", n, "category",
                    "timeout");
            sample("runmetrics_node_failures_total", m.validationErrors(), "workspace", ws, "node", n, "category",
                    "validation");
            sample("runmetrics_node_failures_total", m.networkErrors(), "workspace", ws, "node", n, "category",
                    "network");
            sample("runmetrics_node_failures_total", m.otherErrors(), "workspace", ws, "node", n, "category",
                    "other");
        });
        family("runmetrics_node_retries_total", "counter", "Retries of the node.");
        each(all, (ws, n, m) -> sample("runmetrics_node_retries_total", m.retryCount(), "workspace", ws, "node", n));
        family("runmetrics_node_calls_total", "counter", "Calls of the node that ended, by outcome: a call is one "
                + "invocation with all its attempts (retries), and failed only if its last attempt failed.");
        each(all, (ws, n, m) -> {
            sample("runmetrics_node_calls_total", m.callCount() - m.failedCallCount(), "workspace", ws, "node", n,
                    "outcome", "succeeded");
            sample("runmetrics_node_calls_total", m.failedCallCount(), "workspace", ws, "node", n, "outcome",
                    "failed");
        });
        family("runmetrics_node_calls_by_attempts_total", "counter", "Calls of the node that ended, by the number "
                + "of attempts they took: 1 to " + NodeMetrics.TRACKED_ATTEMPTS + ", or more.");
        each(all, (ws, n, m) -> {
            List<Long> byAttempts = m.callsByAttempts();
            for (int i = 0; i < byAttempts.size(); i++) {
                sample("runmetrics_node_calls_by_attempts_total", byAttempts.get(i), "workspace", ws, "node", n,
                        "attempts", i < NodeMetrics.TRACKED_ATTEMPTS ? Integer.toString(i + 1) : "more");
            }
        });
        family("runmetrics_node_failure_ratio", "gauge", "Failed executions (attempts, retried ones included) over "
                + "executions of the node since it was created or reset, 0 to 1; per call, use "
                + "runmetrics_node_calls_total.");
        each(all, (ws, n, m) -> sample("runmetrics_node_failure_ratio", m.failureRate(), "workspace", ws, "node", n));
        family("runmetrics_node_last_duration_seconds", "gauge", "Duration of the node's latest execution.");
        each(all, (ws, n, m) -> {
            if (m.lastExecutionMs() != null) {
                sample("runmetrics_node_last_duration_seconds", m.lastExecutionMs() / 1000, "workspace", ws, "node",
                        n);
            }
        });
        family("runmetrics_node_window_duration_seconds", "gauge", "Percentiles (nearest rank) of the node's "
                + "durations over its rolling window of recent executions, not over all time; they do not "
                + "aggregate across instances (use runmetrics_node_duration_seconds for that).");
        each(all, (ws, n, m) -> {
            if (m.p50() != null) {
                sample("runmetrics_node_window_duration_seconds", m.p50() / 1000, "workspace", ws, "node", n,
                        "percentile", "p50");
                sample("runmetrics_node_window_duration_seconds", m.p90() / 1000, "workspace", ws, "node", n,
                        "percentile", "p90");
                sample("runmetrics_node_window_duration_seconds", m.p99() / 1000, "workspace", ws, "node", n,
                        "percentile", "p99");
            }
        });
        family("runmetrics_node_duration_seconds", "histogram", "Execution durations of the node since it was "
                + "created or reset (cumulative buckets).");
        each(all, (ws, n, m) -> {
            NodeDurationHistogram h = byWorkspace.get(ws).getDurationHistogram(n);
            List<Double> bounds = h.upperBoundsMs();
            for (int i = 0; i < bounds.size(); i++) {
                sample("runmetrics_node_duration_seconds_bucket", h.cumulativeCounts().get(i), "workspace", ws,
                        "node", n, "le", boundary(bounds.get(i) / 1000));
            }
            sample("runmetrics_node_duration_seconds_bucket", h.count(), "workspace", ws, "node", n, "le", "+Inf");
            sample("runmetrics_node_duration_seconds_sum", h.sumMs() / 1000, "workspace", ws, "node", n);
            sample("runmetrics_node_duration_seconds_count", h.count(), "workspace", ws, "node", n);
        });
    }

    private interface NodeSample {
        void write(String workspace, String node, NodeMetrics metrics);
    }

    private static void each(Map<String, Map<String, NodeMetrics>> all, NodeSample sample) {
        all.forEach((ws, nodes) -> nodes.forEach((n, m) -> sample.write(ws, n, m)));
    }

    private void family(String name, String type, String help) {
        // OpenMetrics names a counter's family without the _total its samples carry.
        String family = openMetrics && type.equals("counter") && name.endsWith("_total")
                ? name.substring(0, name.length() - "_total".length()) : name;
        out.append("# HELP ").append(family).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n"))
                .append('\n');
        out.append("# TYPE ").append(family).append(' ').append(type).append('\n');
    }

    private void sample(String name, double value, String... labels) {
        out.append(name);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(format(value)).append('\n');
    }

    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** A bucket bound as a float in its shortest form ({@code 0.001}, {@code 2.5}, {@code 300.0}). */
    static String boundary(double seconds) {
        return Double.toString(seconds);
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%s", v);
    }
}
