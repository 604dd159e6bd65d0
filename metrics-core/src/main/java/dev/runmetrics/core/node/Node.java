package dev.runmetrics.core.node;

/**
 * A named, instrumented node, made by {@link Nodes#createNode}: calling it runs the node function
 * with the configured timing, retries, timeout and metrics.
 *
 * <p>Thread-safe: a node may be called from any number of threads at once.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public interface Node<I, O> {

    /** @return the node's name, as recorded in metrics */
    String name();

    /**
     * Runs the node: each attempt is timed and recorded; a failure that the retry policy allows is
     * retried after its backoff; the last failure is thrown (earlier attempts' failures are attached
     * to it as suppressed exceptions).
     *
     * @param input the input
     * @return the output of the first successful attempt
     * @throws Exception the failure of the last attempt, or {@link NodeTimeoutException} if it timed
     *         out, or {@link InterruptedException} if the calling thread was interrupted (its
     *         interrupt flag is then set)
     */
    O apply(I input) throws Exception;
}
