package dev.runmetrics.core.node;

/**
 * Sees every record of a {@link NodeMetricsCollector}'s nodes as it happens, so that another
 * metrics system (a Micrometer registry, say) can be fed from the same calls. Attached with
 * {@link NodeMetricsCollector#addObserver(NodeObserver)}; a collector without observers pays one
 * field read per record for this hook.
 *
 * <p>The observer is asked once per node for that node's {@link Records} ({@link #forNode}), and
 * the node's handle then calls those directly: no look-up by name on the record path.
 *
 * <p>Thread-safety: {@link #forNode} may be called from several threads at once (for different
 * nodes), and a node's {@link Records} from every thread that records the node, concurrently. An
 * implementation must be thread-safe and cheap: it runs on the caller's thread, inside the
 * recording call. Anything it throws is caught, logged and counted
 * ({@link NodeMetricsCollector#observerFailures()}); the record itself and the caller go on.
 */
public interface NodeObserver {

    /**
     * Returns what is told of one node's records. Called once per node and observer: when the
     * observer is added for the nodes that exist then, and when a node is first created after that.
     *
     * @param nodeName the node's name
     * @return the node's receiver, or null to leave this node unobserved
     */
    Records forNode(String nodeName);

    /**
     * Receives one node's records, with the values the collector recorded (durations already
     * clamped into range). Thread-safe, see {@link NodeObserver}.
     */
    interface Records {

        /**
         * A successful execution was recorded.
         *
         * @param durationMs how long it took, in milliseconds: finite, from 0 to
         *     {@link NodeMetricsCollector#MAX_DURATION_MS}
         */
        void onSuccess(double durationMs);

        /**
         * A failed execution was recorded.
         *
         * @param durationMs how long it took, in milliseconds, as for {@link #onSuccess}
         * @param category its category, never null
         */
        void onFailure(double durationMs, ErrorCategory category);

        /**
         * A retry was recorded.
         *
         * @param attemptNumber the attempt about to start (2 for the first retry)
         */
        void onRetry(int attemptNumber);

        /**
         * A call ended (see {@link NodeMetricsCollector#recordCall}), told after its last attempt's
         * {@link #onSuccess} or {@link #onFailure}. On a node that records no calls, each
         * execution is a call of one attempt, and is told here too, so the calls an observer sees
         * are the node's {@link NodeMetrics#callCount()}. Does nothing by default.
         *
         * @param attempts how many attempts it took, at least 1
         * @param succeeded whether its last attempt succeeded
         */
        default void onCall(int attempts, boolean succeeded) {
        }
    }
}
