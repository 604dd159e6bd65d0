package dev.runmetrics.core.flow;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.model.StepSpec;
import dev.runmetrics.core.node.Node;
import dev.runmetrics.core.node.NodeConfig;
import dev.runmetrics.core.node.NodeFunction;
import dev.runmetrics.core.node.Nodes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of a {@link WorkflowDefinition}: an id, a display name, an order, the steps it depends
 * on, an optional {@link StepCondition}, and its work, run as a node made by
 * {@link Nodes#createNode} from the step's {@link NodeConfig} (so timing, retries, timeout and
 * node metrics come from the node factory).
 *
 * <p>The work receives a {@link StepInput} and returns the step's output: a JSON-like value (see
 * {@link dev.runmetrics.core.model.JsonValues}), which is checkpointed, or a {@link PauseRequest}.
 * A value that is not JSON-like fails the step. It may be called from any worker thread, and
 * again in a later attempt of the same run (resume), so it must be thread-safe.
 *
 * <p>Immutable and thread-safe.
 */
public final class StepDefinition {
    private final String id;
    private final String name;
    private final int order;
    private final List<String> dependsOn;
    private final StepCondition condition;
    private final NodeConfig nodeConfig;
    private final Node<Invocation, Object> node;

    private StepDefinition(String id, String name, int order, List<String> dependsOn, StepCondition condition,
            NodeConfig nodeConfig, Node<Invocation, Object> node) {
        this.id = id;
        this.name = name;
        this.order = order;
        this.dependsOn = dependsOn;
        this.condition = condition;
        this.nodeConfig = nodeConfig;
        this.node = node;
    }

    /**
     * Returns a builder of a step.
     *
     * @param id the step's id, unique in its workflow; must not start with {@code $} (reserved)
     * @param work what the step does
     * @return the builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the id is blank, too long or starts with {@code $}
     */
    public static Builder builder(String id, NodeFunction<StepInput, ?> work) {
        return new Builder(id, work);
    }

    /** Returns the step's id. */
    public String id() {
        return id;
    }

    /** Returns the display name ({@code step_name} in the API). */
    public String name() {
        return name;
    }

    /** Returns the 1-based position ({@code step_order} in the API). */
    public int order() {
        return order;
    }

    /** Returns the ids of the steps this one depends on, in the order given. */
    public List<String> dependsOn() {
        return dependsOn;
    }

    /** Returns the condition on the workflow input, if any. */
    public Optional<StepCondition> condition() {
        return Optional.ofNullable(condition);
    }

    /** Returns the configuration of the step's node. */
    public NodeConfig nodeConfig() {
        return nodeConfig;
    }

    /** Returns the name of the step's node, as recorded in node metrics and step runs. */
    public String nodeName() {
        return nodeConfig.name();
    }

    Node<Invocation, Object> node() {
        return node;
    }

    StepSpec spec() {
        return new StepSpec(id, name, order, nodeConfig.name());
    }

    StepDefinition withOrder(int newOrder) {
        return new StepDefinition(id, name, newOrder, dependsOn, condition, nodeConfig, node);
    }

    @Override
    public String toString() {
        return "Step[" + id + (dependsOn.isEmpty() ? "" : " <- " + dependsOn)
                + (condition == null ? "" : " if " + condition) + "]";
    }

    /** Builds a {@link StepDefinition}. Each setter checks its argument at once. Not thread-safe. */
    public static final class Builder {
        private final String id;
        private final NodeFunction<StepInput, ?> work;
        private String name;
        private int order;
        private final List<String> dependsOn = new ArrayList<>();
        private StepCondition condition;
        private NodeConfig nodeConfig;

        private Builder(String id, NodeFunction<StepInput, ?> work) {
            Checks.id("id", id);
            if (id.startsWith("$")) {
                throw new IllegalArgumentException("step id '" + id + "' must not start with '$' (reserved)");
            }
            this.id = id;
            this.work = Objects.requireNonNull(work, "work");
        }

        /**
         * @param name the display name; default: the id
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * @param order the 1-based position; default (0): the position in the workflow definition
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder order(int order) {
            this.order = Checks.atLeast("order", order, 0);
            return this;
        }

        /**
         * Adds dependencies: this step runs after each of them completed or was skipped.
         *
         * @param stepIds the ids of the steps this one depends on
         * @return this builder
         * @throws NullPointerException if an id is null
         * @throws IllegalArgumentException if an id is blank, repeated, or this step's own id
         */
        public Builder dependsOn(String... stepIds) {
            for (String dep : stepIds) {
                Checks.id("dependency", dep);
                if (dep.equals(id)) {
                    throw new IllegalArgumentException("step '" + id + "' depends on itself (a cycle)");
                }
                if (dependsOn.contains(dep)) {
                    throw new IllegalArgumentException("step '" + id + "' lists dependency '" + dep + "' twice");
                }
                dependsOn.add(dep);
            }
            return this;
        }

        /**
         * @param condition when false for the workflow input, the step is skipped
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder condition(StepCondition condition) {
            this.condition = Objects.requireNonNull(condition, "condition");
            return this;
        }

        /**
         * @param config the node's configuration (name, metrics collector, retry policy, timeout);
         *     default {@code NodeConfig.of(id)}
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder nodeConfig(NodeConfig config) {
            this.nodeConfig = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Builds the step and creates its node. */
        public StepDefinition build() {
            NodeConfig config = nodeConfig != null ? nodeConfig : NodeConfig.of(id);
            NodeFunction<StepInput, ?> w = work;
            Node<Invocation, Object> node = Nodes.createNode(config, (Invocation invocation) -> invocation.call(w));
            return new StepDefinition(id, name != null ? name : id, order, List.copyOf(dependsOn), condition, config,
                    node);
        }
    }
}
