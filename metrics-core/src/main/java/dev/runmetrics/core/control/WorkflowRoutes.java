package dev.runmetrics.core.control;

import dev.runmetrics.core.model.Ids;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.store.RunStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which of several orchestrators acts on a run, by the run's workflow id: the shared part of
 * {@link ResumeHandlers#byWorkflow} and {@link RunActions#byWorkflow}. Immutable once built.
 *
 * @param <T> what is routed to (a resume handler, a run action)
 */
final class WorkflowRoutes<T> {

    private final RunStore store;
    private final Map<String, T> routes;
    private final T otherwise;

    private WorkflowRoutes(RunStore store, Map<String, T> routes, T otherwise) {
        this.store = store;
        this.routes = Map.copyOf(routes);
        this.otherwise = otherwise;
    }

    /** Reads the run; empty if the workspace has no such run. Store failures are thrown. */
    Optional<Run> run(String workspaceId, String runId) {
        return store.findRun(workspaceId, runId);
    }

    /** The target of a workflow: its route, else the fallback; null if neither. */
    T target(String workflowId) {
        T routed = routes.get(workflowId);
        return routed != null ? routed : otherwise;
    }

    RunStore store() {
        return store;
    }

    @Override
    public String toString() {
        return "routes=" + routes + (otherwise == null ? "" : ", otherwise=" + otherwise);
    }

    /** Collects the routes; each setter checks its argument at once. Not thread-safe. */
    static final class Builder<T> {
        private final RunStore store;
        private final Map<String, T> routes = new LinkedHashMap<>();
        private T otherwise;

        Builder(RunStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        void route(String workflowId, T target) {
            Ids.require("workflowId", workflowId);
            Objects.requireNonNull(target, "target");
            if (routes.putIfAbsent(workflowId, target) != null) {
                throw new IllegalStateException("workflow '" + workflowId + "' has a route already");
            }
        }

        void otherwise(T target) {
            Objects.requireNonNull(target, "target");
            if (otherwise != null) {
                throw new IllegalStateException("the fallback is set already");
            }
            otherwise = target;
        }

        WorkflowRoutes<T> build() {
            if (routes.isEmpty() && otherwise == null) {
                throw new IllegalStateException("no route: add one with route(workflowId, ...) or otherwise(...)");
            }
            return new WorkflowRoutes<>(store, routes, otherwise);
        }

        @Override
        public String toString() {
            return "routes=" + routes.keySet() + (otherwise == null ? "" : ", otherwise=" + otherwise);
        }
    }
}
