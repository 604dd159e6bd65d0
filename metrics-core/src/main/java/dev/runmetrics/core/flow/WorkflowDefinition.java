package dev.runmetrics.core.flow;

import dev.runmetrics.core.internal.Checks;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A workflow: a directed acyclic graph of {@link StepDefinition}s with an id (the
 * {@code workflow_id} of its runs) and a display name.
 *
 * <p>{@link Builder#build()} validates the graph: at least one step, unique step ids, every
 * dependency names a step of the workflow, and no cycle; each violation is an
 * {@link IllegalArgumentException} naming the step. Steps keep the order they were added in;
 * a step without an explicit order gets its 1-based position.
 *
 * <pre>{@code
 * WorkflowDefinition wf = WorkflowDefinition.builder("basic_sequence").name("Basic Sequence")
 *         .step(StepDefinition.builder("initialize", in -> Map.of("records", 100)).build())
 *         .step(StepDefinition.builder("process", in -> Map.of("ok", true)).dependsOn("initialize").build())
 *         .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class WorkflowDefinition {
    private final String id;
    private final String name;
    private final List<StepDefinition> steps;
    private final Map<String, StepDefinition> byId;
    private final Map<String, List<String>> dependents;

    private WorkflowDefinition(String id, String name, List<StepDefinition> steps) {
        this.id = id;
        this.name = name;
        this.steps = List.copyOf(steps);
        Map<String, StepDefinition> map = new LinkedHashMap<>();
        Map<String, List<String>> down = new HashMap<>();
        for (StepDefinition s : steps) {
            map.put(s.id(), s);
            down.put(s.id(), new ArrayList<>());
        }
        for (StepDefinition s : steps) {
            for (String dep : s.dependsOn()) {
                down.get(dep).add(s.id());
            }
        }
        down.replaceAll((k, v) -> List.copyOf(v));
        this.byId = Collections.unmodifiableMap(map);
        this.dependents = Map.copyOf(down);
    }

    /**
     * Returns a builder.
     *
     * @param id the workflow's id
     * @return the builder
     * @throws NullPointerException if id is null
     * @throws IllegalArgumentException if it is blank or too long
     */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** Returns the workflow's id. */
    public String id() {
        return id;
    }

    /** Returns the display name. */
    public String name() {
        return name;
    }

    /** Returns the steps, in definition order. */
    public List<StepDefinition> steps() {
        return steps;
    }

    /** Returns the step with this id, if any. */
    public Optional<StepDefinition> step(String stepId) {
        return Optional.ofNullable(byId.get(stepId));
    }

    /** Returns the ids of the steps that depend directly on {@code stepId} (empty for an unknown id). */
    public List<String> dependentsOf(String stepId) {
        return dependents.getOrDefault(stepId, List.of());
    }

    /**
     * Returns the ids of every step {@code stepId} depends on, directly or transitively.
     *
     * @throws IllegalArgumentException if there is no such step
     */
    public Set<String> upstreamOf(String stepId) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(require(stepId).dependsOn());
        while (!todo.isEmpty()) {
            String s = todo.pop();
            if (seen.add(s)) {
                todo.addAll(byId.get(s).dependsOn());
            }
        }
        return Collections.unmodifiableSet(seen);
    }

    /**
     * Returns the ids of every step that depends on {@code stepId}, directly or transitively.
     *
     * @throws IllegalArgumentException if there is no such step
     */
    public Set<String> downstreamOf(String stepId) {
        require(stepId);
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(dependentsOf(stepId));
        while (!todo.isEmpty()) {
            String s = todo.pop();
            if (seen.add(s)) {
                todo.addAll(dependentsOf(s));
            }
        }
        return Collections.unmodifiableSet(seen);
    }

    private StepDefinition require(String stepId) {
        StepDefinition s = byId.get(stepId);
        if (s == null) {
            throw new IllegalArgumentException("workflow '" + id + "' has no step '" + stepId + "'");
        }
        return s;
    }

    @Override
    public String toString() {
        return "WorkflowDefinition[" + id + ", steps=" + steps + "]";
    }

    /** Builds a {@link WorkflowDefinition}. Not thread-safe. */
    public static final class Builder {
        private final String id;
        private String name;
        private final List<StepDefinition> steps = new ArrayList<>();

        private Builder(String id) {
            this.id = Checks.id("id", id);
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
         * Adds a step; dependencies may name steps added later.
         *
         * @param step the step
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder step(StepDefinition step) {
            steps.add(Objects.requireNonNull(step, "step"));
            return this;
        }

        /**
         * Builds the step and adds it, as {@link #step(StepDefinition)}.
         *
         * @param step the step's builder
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder step(StepDefinition.Builder step) {
            return step(step.build());
        }

        /**
         * Validates and builds the workflow.
         *
         * @return the workflow
         * @throws IllegalArgumentException naming the step, if the workflow has no step, a step id
         *     is used twice, a dependency names an unknown step, or the dependencies form a cycle
         */
        public WorkflowDefinition build() {
            if (steps.isEmpty()) {
                throw new IllegalArgumentException("workflow '" + id + "' has no step");
            }
            Map<String, StepDefinition> byId = new LinkedHashMap<>();
            List<StepDefinition> ordered = new ArrayList<>();
            for (int i = 0; i < steps.size(); i++) {
                StepDefinition s = steps.get(i);
                if (byId.put(s.id(), s) != null) {
                    throw new IllegalArgumentException("workflow '" + id + "' has two steps with id '" + s.id() + "'");
                }
                ordered.add(s.order() == 0 ? s.withOrder(i + 1) : s);
            }
            for (StepDefinition s : steps) {
                for (String dep : s.dependsOn()) {
                    if (!byId.containsKey(dep)) {
                        throw new IllegalArgumentException(
                                "step '" + s.id() + "' depends on unknown step '" + dep + "'");
                    }
                }
            }
            checkAcyclic(byId);
            return new WorkflowDefinition(id, name != null ? name : id, ordered);
        }

        private static void checkAcyclic(Map<String, StepDefinition> byId) {
            Map<String, Integer> state = new HashMap<>(); // absent: new, 1: on the path, 2: done
            for (String start : byId.keySet()) {
                visit(start, byId, state, new ArrayList<>());
            }
        }

        private static void visit(String stepId, Map<String, StepDefinition> byId, Map<String, Integer> state,
                List<String> path) {
            Integer s = state.get(stepId);
            if (s != null && s == 2) {
                return;
            }
            path.add(stepId);
            if (s != null) {
                List<String> cycle = path.subList(path.indexOf(stepId), path.size());
                throw new IllegalArgumentException("step '" + stepId + "' is part of a dependency cycle: "
                        + String.join(" -> ", cycle));
            }
            state.put(stepId, 1);
            for (String dep : byId.get(stepId).dependsOn()) {
                visit(dep, byId, state, path);
            }
            state.put(stepId, 2);
            path.remove(path.size() - 1);
        }
    }
}
