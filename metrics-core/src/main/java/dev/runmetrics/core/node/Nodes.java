package dev.runmetrics.core.node;

import java.util.Objects;

/**
 * Makes instrumented nodes ({@code createNode}): timed, retried, bounded in time and recorded.
 *
 * <pre>{@code
 * Node<String, User> fetchUser = Nodes.createNode(
 *         NodeConfig.builder("fetch-user").metricsCollector(collector).build(),
 *         id -> userService.load(id));
 * User user = fetchUser.apply("42");
 * }</pre>
 */
public final class Nodes {
    private Nodes() {
    }

    /**
     * Wraps {@code function} into a node that times every attempt, retries by the config's policy,
     * enforces its timeout, and, when the config has a collector, records each attempt's success or
     * failure (with its category) and each retry.
     *
     * @param config the node's configuration
     * @param function the node's work
     * @param <I> the input type
     * @param <O> the output type
     * @return the node; thread-safe
     * @throws NullPointerException if either argument is null
     */
    public static <I, O> Node<I, O> createNode(NodeConfig config, NodeFunction<I, O> function) {
        return new CreatedNode<>(Objects.requireNonNull(config, "config"), Objects.requireNonNull(function, "function"));
    }
}
