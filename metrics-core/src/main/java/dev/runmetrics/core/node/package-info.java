/**
 * Node metrics: the {@link dev.runmetrics.core.node.NodeMetricsCollector} (rolling-window
 * percentiles, counts by {@link dev.runmetrics.core.node.ErrorCategory}, thresholds with
 * listeners, {@code toJSON()}), its pre-bound {@link dev.runmetrics.core.node.NodeMetricsHandle}
 * for hot paths, and the node factory {@link dev.runmetrics.core.node.Nodes#createNode} (timing,
 * {@link dev.runmetrics.core.node.RetryPolicy}, timeout, {@link dev.runmetrics.core.node.ErrorClassifier}).
 *
 * <p>This package stands alone: it knows nothing of runs, stores or views, so a host can embed the
 * collector without the rest of runmetrics. Durations are in milliseconds; every public type is
 * thread-safe unless its Javadoc says otherwise, and recording never throws into the caller for a
 * valid call (see each method for what is rejected).
 */
package dev.runmetrics.core.node;
