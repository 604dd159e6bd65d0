package dev.runmetrics.core.control;

import dev.runmetrics.core.control.ResumeResult.Reason;
import dev.runmetrics.core.model.Ids;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Resume handlers made of other handlers, for a host whose runs are executed by more than one
 * orchestrator (the reference runner next to a LangGraph4j graph or a Spring Batch job, say)
 * behind the one {@link ResumeHandler} an HTTP adapter takes:
 *
 * <pre>{@code
 * ResumeHandler resume = ResumeHandlers.byWorkflow(store)
 *         .route("support_ticket", graphMetrics)         // a LangGraph4j graph
 *         .route("ledger_export", jobRestartHandler)     // a Spring Batch job
 *         .otherwise(workflowRunner)                     // every other workflow
 *         .build();
 * }</pre>
 */
public final class ResumeHandlers {
    private ResumeHandlers() {
    }

    /**
     * Returns a builder of a handler that reads the run from {@code store} and passes the request,
     * unchanged, to the handler of the run's workflow, which answers and audits it.
     *
     * @param store the store the run is read from: the one every routed handler resumes through
     * @throws NullPointerException if store is null
     */
    public static ByWorkflow byWorkflow(RunStore store) {
        return new ByWorkflow(store);
    }

    /**
     * Configures a {@link ResumeHandler} that dispatches by the run's workflow id. What it answers
     * itself (audited, as every handler does): a run the workspace does not have
     * ({@code NOT_FOUND}), a workflow with no route and no fallback ({@code UNKNOWN_WORKFLOW}), a
     * store that cannot be read ({@code UNAVAILABLE}). The built handler is thread-safe if its
     * handlers are; the builder is not thread-safe.
     */
    public static final class ByWorkflow {
        private final WorkflowRoutes.Builder<ResumeHandler> routes;

        private ByWorkflow(RunStore store) {
            this.routes = new WorkflowRoutes.Builder<>(store);
        }

        /**
         * Resumes the runs of {@code workflowId} with {@code handler}.
         *
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if the workflow id is blank or too long
         * @throws IllegalStateException if that workflow has a route already
         */
        public ByWorkflow route(String workflowId, ResumeHandler handler) {
            routes.route(workflowId, handler);
            return this;
        }

        /**
         * Resumes the runs of every workflow without a route with {@code handler} (without one,
         * they are refused {@code UNKNOWN_WORKFLOW}).
         *
         * @throws NullPointerException if null
         * @throws IllegalStateException if a fallback is set already
         */
        public ByWorkflow otherwise(ResumeHandler handler) {
            routes.otherwise(handler);
            return this;
        }

        /**
         * Builds the handler.
         *
         * @throws IllegalStateException if neither a route nor a fallback was given
         */
        public ResumeHandler build() {
            return new Dispatch(routes.build());
        }

        @Override
        public String toString() {
            return "ResumeHandlers.ByWorkflow{" + routes + "}";
        }
    }

    private static final class Dispatch implements ResumeHandler {
        private final WorkflowRoutes<ResumeHandler> routes;
        private final ResumeAuditLog audits;

        Dispatch(WorkflowRoutes<ResumeHandler> routes) {
            this.routes = routes;
            this.audits = new ResumeAuditLog(routes.store(), Clock.system()::wallTime);
        }

        @Override
        public ResumeResult resume(String workspaceId, String actor, String runId, String stepId,
                Map<String, ?> inputOverrides) {
            Ids.require("workspaceId", workspaceId);
            Ids.require("actor", actor);
            Ids.require("runId", runId);
            Ids.require("stepId", stepId);
            Optional<Run> run;
            try {
                run = routes.run(workspaceId, runId);
            } catch (RuntimeException e) {
                return audits.refuse(workspaceId, actor, runId, stepId, Reason.UNAVAILABLE,
                        "the run could not be read: " + e.getMessage(), 0);
            }
            if (run.isEmpty()) {
                return audits.refuse(workspaceId, actor, runId, stepId, Reason.NOT_FOUND, "run " + runId + " not found",
                        0);
            }
            ResumeHandler handler = routes.target(run.get().workflowId());
            if (handler == null) {
                return audits.refuse(workspaceId, actor, runId, stepId, Reason.UNKNOWN_WORKFLOW, "no orchestrator here"
                        + " resumes runs of workflow '" + run.get().workflowId() + "'", run.get().attempt());
            }
            return handler.resume(workspaceId, actor, runId, stepId, inputOverrides);
        }

        @Override
        public String toString() {
            return "ResumeHandlers.byWorkflow{" + routes + "}";
        }
    }
}
