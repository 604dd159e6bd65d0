package dev.runmetrics.http.internal;

import dev.runmetrics.core.node.NodeMetrics;
import dev.runmetrics.core.node.NodeMetricsCollector;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes the Prometheus text exposition format (version 0.0.4): every family with its
 * {@code # HELP} and {@code # TYPE} once, then its samples; label values escaped (backslash,
 * double quote, line feed).
 */
public final class Prometheus {

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(4096);

    /** The whole exposition: node metrics (if a collector is given), run counters and WebSocket state. */
    public static String render(NodeMetricsCollector collector, RunCounters runs, Set<String> workspaces,
            EventHub hub) {
        Prometheus p = new Prometheus();
        if (collector != null) {
            p.nodes(collector.getAllNodeMetrics());
        }
        p.family("runmetrics_runs_started_total", "counter", "Runs (and resumed attempts) started, as recorded by "
                + "this process since it started.");
        runs.started().forEach((ws, n) -> {
            if (workspaces.contains(ws)) {
                p.sample("runmetrics_runs_started_total", n, "workspace", ws);
            }
        });
        p.family("runmetrics_runs_ended_total", "counter", "Run attempts that ended (or paused), by status, as "
                + "recorded by this process since it started.");
        runs.ended().forEach((key, n) -> {
            if (workspaces.contains(key.workspace())) {
                p.sample("runmetrics_runs_ended_total", n, "workspace", key.workspace(), "status", key.status());
            }
        });
        p.family("runmetrics_websocket_clients", "gauge", "WebSocket clients connected now.");
        p.sample("runmetrics_websocket_clients", hub.clientCount());
        p.family("runmetrics_websocket_dropped_clients_total", "counter", "WebSocket clients dropped because they "
                + "did not keep up.");
        p.sample("runmetrics_websocket_dropped_clients_total", hub.droppedClients());
        return p.out.toString();
    }

    private void nodes(Map<String, NodeMetrics> nodes) {
        family("runmetrics_node_executions_total", "counter", "Executions of the node (successes plus failures).");
        nodes.forEach((n, m) -> sample("runmetrics_node_executions_total", m.totalExecutions(), "node", n));
        family("runmetrics_node_failures_total", "counter", "Failed executions of the node, by error category.");
        nodes.forEach((n, m) -> {
            sample("runmetrics_node_failures_total", m.timeoutErrors(), "node", n, "category", "timeout");
            sample("runmetrics_node_failures_total", m.validationErrors(), "node", n, "category", "validation");
            sample("runmetrics_node_failures_total", m.networkErrors(), "node", n, "category", "network");
            sample("runmetrics_node_failures_total", m.otherErrors(), "node", n, "category", "other");
        });
        family("runmetrics_node_retries_total", "counter", "Retries of the node.");
        nodes.forEach((n, m) -> sample("runmetrics_node_retries_total", m.retryCount(), "node", n));
        family("runmetrics_node_failure_ratio", "gauge", "Failures over executions of the node, 0 to 1.");
        nodes.forEach((n, m) -> sample("runmetrics_node_failure_ratio", m.failureRate(), "node", n));
        family("runmetrics_node_last_duration_milliseconds", "gauge", "Duration of the node's latest execution.");
        nodes.forEach((n, m) -> {
            if (m.lastExecutionMs() != null) {
                sample("runmetrics_node_last_duration_milliseconds", m.lastExecutionMs(), "node", n);
            }
        });
        family("runmetrics_node_duration_milliseconds", "summary", "Execution durations of the node: quantiles "
                + "over its rolling window (nearest rank), sum and count over all executions.");
        nodes.forEach((n, m) -> {
            if (m.p50() != null) {
                sample("runmetrics_node_duration_milliseconds", m.p50(), "node", n, "quantile", "0.5");
                sample("runmetrics_node_duration_milliseconds", m.p90(), "node", n, "quantile", "0.9");
                sample("runmetrics_node_duration_milliseconds", m.p99(), "node", n, "quantile", "0.99");
            }
            double sum = m.avgExecutionMs() == null ? 0 : m.avgExecutionMs() * m.totalExecutions();
            sample("runmetrics_node_duration_milliseconds_sum", sum, "node", n);
            sample("runmetrics_node_duration_milliseconds_count", m.totalExecutions(), "node", n);
        });
    }

    private void family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n"))
                .append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
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
