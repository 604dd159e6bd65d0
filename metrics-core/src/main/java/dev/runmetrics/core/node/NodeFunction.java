package dev.runmetrics.core.node;

/**
 * The work of a node: a function from its input to its output that may fail.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
@FunctionalInterface
public interface NodeFunction<I, O> {

    /**
     * Runs the node's work once.
     *
     * @param input the input
     * @return the output
     * @throws Exception any failure; it is categorised, counted, and possibly retried
     */
    O apply(I input) throws Exception;
}
