package dev.runmetrics.core.control;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.store.RunStore;
import java.util.Optional;

/**
 * Run actions made of other actions, for a host whose runs are executed by more than one
 * orchestrator behind the one pause and the one cancel action an HTTP adapter takes:
 *
 * <pre>{@code
 * RunAction cancel = RunActions.byWorkflow(store)
 *         .route("support_ticket", graphMetrics::cancel)
 *         .route("ledger_export", JobStopAction.cancel(jobRunRecorder))
 *         .otherwise(workflowRunner::cancel)
 *         .build();
 * }</pre>
 */
public final class RunActions {
    private RunActions() {
    }

    /**
     * Returns a builder of an action that reads the run from {@code store} and applies the action
     * of the run's workflow to it.
     *
     * @throws NullPointerException if store is null
     */
    public static ByWorkflow byWorkflow(RunStore store) {
        return new ByWorkflow(store);
    }

    /**
     * Configures a {@link RunAction} that dispatches by the run's workflow id. It answers false
     * itself for a run the workspace does not have and for a workflow with no route and no
     * fallback; a store that cannot be read throws, as the store does. The built action is
     * thread-safe if its actions are; the builder is not thread-safe.
     */
    public static final class ByWorkflow {
        private final WorkflowRoutes.Builder<RunAction> routes;

        private ByWorkflow(RunStore store) {
            this.routes = new WorkflowRoutes.Builder<>(store);
        }

        /**
         * Applies {@code action} to the runs of {@code workflowId}.
         *
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if the workflow id is blank or too long
         * @throws IllegalStateException if that workflow has a route already
         */
        public ByWorkflow route(String workflowId, RunAction action) {
            routes.route(workflowId, action);
            return this;
        }

        /**
         * Applies {@code action} to the runs of every workflow without a route.
         *
         * @throws NullPointerException if null
         * @throws IllegalStateException if a fallback is set already
         */
        public ByWorkflow otherwise(RunAction action) {
            routes.otherwise(action);
            return this;
        }

        /**
         * Builds the action.
         *
         * @throws IllegalStateException if neither a route nor a fallback was given
         */
        public RunAction build() {
            WorkflowRoutes<RunAction> built = routes.build();
            return new RunAction() {
                @Override
                public boolean apply(String workspaceId, String runId, String reason) {
                    if (workspaceId == null || runId == null) {
                        return false;
                    }
                    Optional<Run> run = built.run(workspaceId, runId);
                    RunAction action = run.map(r -> built.target(r.workflowId())).orElse(null);
                    return action != null && action.apply(workspaceId, runId, reason);
                }

                @Override
                public String toString() {
                    return "RunActions.byWorkflow{" + built + "}";
                }
            };
        }

        @Override
        public String toString() {
            return "RunActions.ByWorkflow{" + routes + "}";
        }
    }
}
