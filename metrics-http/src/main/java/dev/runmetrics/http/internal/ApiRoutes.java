package dev.runmetrics.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runmetrics.core.control.ResumeHandler;
import dev.runmetrics.core.control.ResumeResult;
import dev.runmetrics.core.control.RunAction;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.node.NodeMetricsCollector;
import dev.runmetrics.core.node.WorkspaceNodeMetrics;
import dev.runmetrics.core.store.Page;
import dev.runmetrics.core.store.ControlAction;
import dev.runmetrics.core.store.ControlAudit;
import dev.runmetrics.core.store.ControlOutcome;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.store.StepCheckpoint;
import dev.runmetrics.core.store.StoreHealth;
import dev.runmetrics.core.time.Clock;
import dev.runmetrics.core.views.ExecutionTimeStatistics;
import dev.runmetrics.core.views.ExecutionTimeStatisticsView;
import dev.runmetrics.core.views.RunHistoryView;
import dev.runmetrics.core.views.RunSummary;
import dev.runmetrics.core.views.RunViews;
import dev.runmetrics.core.views.StepOutput;
import dev.runmetrics.core.views.WorkflowExecutionTimes;
import dev.runmetrics.core.views.WorkflowListing;
import dev.runmetrics.core.views.overview.Timeframe;
import dev.runmetrics.http.internal.Route.Access;
import dev.runmetrics.http.internal.Route.BodyKind;
import dev.runmetrics.http.internal.Route.Doc;
import dev.runmetrics.http.internal.Route.Param;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The endpoints, as plain functions over an {@link Exchange}, and the route table that binds them.
 * Each handler parses and checks its parameters, calls core (the {@link RunViews} query service,
 * the {@link RunStore}, the {@link ResumeHandler}), and maps the answer to the API's JSON; no view
 * is computed here. A route whose collaborator is not configured is not registered (404) and not
 * documented.
 */
public final class ApiRoutes {

    /** What the handlers call; views, nodes, resume, pause and cancel may be null. */
    public record Services(RunStore store, RunViews views, WorkspaceNodeMetrics nodes, ResumeHandler resume,
            RunAction pause, RunAction cancel, EventHub hub, RunCounters counters, ControlAttempts attempts,
            Clock clock, String version) {}

    static final int MAX_REASON = 1000;

    private static final Param EXECUTION_ID = new Param("path", "execution_id", "string", true,
            "The execution (run) id, a lowercase UUID.");
    private static final Param WORKFLOW_ID = new Param("path", "workflow_id", "string", true,
            "The workflow id, 1 to 200 characters.");

    private static final Param STEP_ID = new Param("path", "step_id", "string", true, "The step id, as the "
            + "workflow names it.");

    private final Services s;

    public ApiRoutes(Services services) {
        this.s = services;
    }

    /** The full route table for the configured services. */
    public List<Route> routes() {
        List<Route> r = new ArrayList<>();
        r.add(new Route("GET", "/health", Access.PUBLIC, false, false, BodyKind.NONE, this::health,
                doc("Liveness: 200 while the server answers; status \"ok\", or \"degraded\" with the reason (and"
                        + " since when) while the run store is unavailable, when store-backed endpoints answer 503.",
                        "meta", List.of(), 200)));
        r.add(new Route("GET", "/api/v1/me", Access.VIEWER, false, false, BodyKind.NONE, this::me,
                doc("The presented token: its subject, role (viewer or operator) and the workspace ids it may use "
                        + "(sorted). For a client, such as the dashboard, to offer the right workspaces and actions.",
                        "meta", List.of(), 200, 401)));
        if (s.views() != null) {
            r.add(new Route("GET", "/api/v1/statistics/execution-times", Access.VIEWER, true, true, BodyKind.NONE,
                    this::statistics, doc("Execution-time statistics (ms) of the run attempts that ended in a "
                            + "range: every attempt that ended, once (a run that failed, was resumed and completed "
                            + "counts twice), its execution time without the waits between attempts, percentiles by "
                            + "nearest rank; the same definition on the exact path (ranges up to the cut-over) and "
                            + "the rollups. With group_by=workflow, the same figures per workflow in one answer. An "
                            + "unknown workflow_id (no run and no rollup of it) answers 404 workflow_not_found; a "
                            + "known one without attempts in the range answers count 0.",
                            "statistics", List.of(
                                    new Param("query", "workflow_id", "string", false, "Only this workflow."),
                                    new Param("query", "status", "string", false, "Only attempts that ended in this "
                                            + "status: completed, failed, cancelled, timeout or skipped (a status "
                                            + "that does not end an attempt answers 400)."),
                                    new Param("query", "group_by", "string", false, "workflow: one entry per "
                                            + "workflow with attempts in the range, instead of one total."),
                                    new Param("query", "start_date", "string", false,
                                            "ISO-8601 date or date-time, inclusive (UTC if no offset)."),
                                    new Param("query", "end_date", "string", false,
                                            "ISO-8601 date (inclusive day) or date-time (exclusive); default now.")),
                            200, 400, 401, 404, 429)));
            r.addAll(new TrendAndStepRoutes(s).routes());
            r.add(new Route("GET", "/api/v1/execution-metrics", Access.VIEWER, true, true, BodyKind.NONE,
                    this::executionMetrics, doc("The live overview (execution metrics) of the workspace (camelCase).",
                            "statistics", List.of(new Param("query", "timeframe", "string", false,
                                    "1h (default), 24h, 7d or 30d.")), 200, 400, 401, 404, 429)));
            r.add(new Route("GET", "/api/v1/resources", Access.VIEWER, true, true, BodyKind.NONE,
                    this::resources, doc("The workspace's resource use over the timeframe (camelCase), from the "
                            + "per-minute samples every instance serving it keeps: CPU and heap percent, workers, "
                            + "queued steps, database connections, queries per second and query time (ms), each as "
                            + "the mean and max per bucket (the overview's timeline buckets). Each minute combines "
                            + "the instances first (CPU and heap: mean; counts and rates: sum; query time: weighted "
                            + "by the queries). Every bucket of the period is listed; one without samples has "
                            + "minutes 0 and null figures.",
                            "statistics", List.of(new Param("query", "timeframe", "string", false,
                                    "1h (default), 24h, 7d or 30d.")), 200, 400, 401, 404, 429)));
            r.add(new Route("GET", "/api/workflows", Access.VIEWER, true, true, BodyKind.NONE, this::workflows,
                    doc("The workspace's workflows: each with an ended execution (all time) or one queued or running "
                            + "now, with ended executions counted by outcome, most first. It lets a "
                            + "client offer the workflows instead of asking for their ids.", "workflows", List.of(),
                            200, 401, 404, 429)));
            r.add(new Route("GET", "/api/workflows/{workflow_id}/metrics", Access.VIEWER, true, true, BodyKind.NONE,
                    this::workflowMetrics, doc("A workflow's metrics summary.", "workflows",
                            List.of(WORKFLOW_ID), 200, 400, 401, 404, 429)));
            r.add(new Route("GET", "/api/workflows/{workflow_id}/executions", Access.VIEWER, true, false,
                    BodyKind.NONE, this::executions, doc("A page of a workflow's executions, newest first.",
                            "workflows", List.of(WORKFLOW_ID,
                                    new Param("query", "skip", "integer", false, "How many to skip (default 0)."),
                                    new Param("query", "limit", "integer", false, "Page size, 1 to 100 (default 10)."),
                                    new Param("query", "status", "string", false, "Only this status: pending, "
                                            + "running, completed, failed, cancelled, timeout (also queued, paused, "
                                            + "skipped).")), 200, 400, 401, 404)));
            r.add(new Route("GET", "/api/workflows/executions/{execution_id}", Access.VIEWER, true, false,
                    BodyKind.NONE, this::executionDetail, doc("An execution with its step executions.",
                            "executions", List.of(EXECUTION_ID), 200, 400, 401, 404)));
            r.add(new Route("GET", "/api/workflows/executions/{execution_id}/timeline", Access.VIEWER, true, false,
                    BodyKind.NONE, this::timeline, doc("An execution's step timeline.", "executions",
                            List.of(EXECUTION_ID), 200, 400, 401, 404)));
            r.add(new Route("GET", "/api/workflows/executions/{execution_id}/steps/{step_id}/output", Access.OPERATOR,
                    true, false, BodyKind.NONE, this::stepOutput, doc("The full output of a step: its checkpoint "
                            + "(not truncated, unlike the output summary of the detail and timeline), of the latest "
                            + "attempt that completed the step, or of the attempt given. Operators only: outputs may "
                            + "hold data a viewer should not see (403 for a viewer token). 404 not_found for an "
                            + "unknown execution (also another workspace's), checkpoint_not_found when the step has "
                            + "no checkpoint in that attempt (it did not complete, or its orchestrator keeps none).",
                            "executions", List.of(EXECUTION_ID, STEP_ID, new Param("query", "attempt", "integer",
                                    false, "The run attempt, from 1; default: the latest with a checkpoint of the "
                                            + "step.")), 200, 400, 401, 403, 404)));
        }
        r.add(new Route("GET", "/api/workflows/executions/{execution_id}/resume-audit", Access.VIEWER, true, false,
                BodyKind.NONE, this::resumeAudit, doc("The control audit log of an execution, oldest first: every "
                        + "resume, pause and cancel request naming it, whatever its outcome (also one refused for its "
                        + "token or role).", "executions", List.of(EXECUTION_ID), 200, 400, 401, 404)));
        if (s.resume() != null) {
            r.add(new Route("POST", "/api/workflows/executions/{execution_id}/resume", Access.OPERATOR, true, false,
                    BodyKind.REQUIRED_JSON, this::resume, doc("Resume a failed or paused execution from a "
                            + "failed or paused step, as a new attempt. Body: {\"step_id\": ..., \"input_overrides\": "
                            + "{...}}.", "executions", List.of(EXECUTION_ID), 202, 400, 401, 403, 404, 409, 413,
                            415, 422, 503)));
        }
        if (s.pause() != null) {
            r.add(new Route("POST", "/api/workflows/executions/{execution_id}/pause", Access.OPERATOR, true, false,
                    BodyKind.OPTIONAL_JSON, ex -> control(ex, ControlAction.PAUSE, s.pause(), "pausing"), doc("Pause a running execution."
                            + " Optional body: {\"reason\": ...}.", "executions", List.of(EXECUTION_ID), 202, 400, 401,
                            403, 404, 409, 413, 415)));
        }
        if (s.cancel() != null) {
            r.add(new Route("POST", "/api/workflows/executions/{execution_id}/cancel", Access.OPERATOR, true, false,
                    BodyKind.OPTIONAL_JSON, ex -> control(ex, ControlAction.CANCEL, s.cancel(), "cancelling"), doc("Cancel a running "
                            + "execution. Optional body: {\"reason\": ...}.", "executions", List.of(EXECUTION_ID), 202,
                            400, 401, 403, 404, 409, 413, 415)));
        }
        if (s.nodes() != null) {
            r.add(new Route("GET", "/api/v1/node-metrics", Access.VIEWER, true, true, BodyKind.NONE,
                    this::nodeMetrics, doc("The node metrics of the workspace: the nodes this process ran for it.",
                            "statistics",
                            List.of(), 200, 401, 429)));
        }
        r.add(new Route("GET", "/metrics", Access.VIEWER, false, true, BodyKind.NONE, this::prometheus,
                doc("Prometheus text exposition: node metrics and run counters of the token's workspaces.",
                        "meta", List.of(), 200, 401, 429)));
        r.add(new Route("GET", "/ws/workflows/{workflow_id}", Access.VIEWER, true, false, BodyKind.NONE,
                ex -> upgrade(ex, Subscription.workflow(ex.workspaceId(), Params.id("workflow_id",
                        ex.pathParam("workflow_id")))),
                wsDoc("Run and step events of a workflow: every lifecycle change (workflow_queued/started/"
                        + "completed/failed/paused/resumed, step_queued/started/completed/retried/failed/skipped/"
                        + "paused/cancelled), each with execution_id, workflow_id, attempt, status and timestamp.",
                        List.of(WORKFLOW_ID))));
        r.add(new Route("GET", "/ws/workflows/{workflow_id}/step/{step_id}", Access.VIEWER, true, false,
                BodyKind.NONE, ex -> upgrade(ex, Subscription.step(ex.workspaceId(),
                        Params.id("workflow_id", ex.pathParam("workflow_id")),
                        Params.id("step_id", ex.pathParam("step_id")))),
                wsDoc("Step events of one step of a workflow (step_queued/started/completed/retried/failed/"
                        + "skipped/paused/cancelled).",
                        List.of(WORKFLOW_ID, new Param("path", "step_id", "string", true, "The step id.")))));
        if (s.views() != null) {
            r.add(new Route("GET", "/ws/executions", Access.VIEWER, true, false, BodyKind.NONE,
                    ex -> upgrade(ex, Subscription.executions(ex.workspaceId())),
                    wsDoc("Live overview of the workspace: execution_changed (a run's latest state) as each run "
                            + "changes, and execution_update (the realtime section) on connect and after changes, "
                            + "at most once per executionUpdateInterval (500 ms by default).", List.of())));
        }
        r.add(new Route("GET", "/openapi.json", Access.PUBLIC, false, false, BodyKind.NONE, this::openApi,
                doc("This document.", "meta", List.of(), 200)));
        return List.copyOf(r);
    }

    static Doc doc(String summary, String tag, List<Param> params, int... statuses) {
        List<Integer> st = new ArrayList<>();
        for (int x : statuses) {
            st.add(x);
        }
        return new Doc(summary, tag, params, st, false);
    }

    private static Doc wsDoc(String summary, List<Param> params) {
        List<Param> all = new ArrayList<>(params);
        all.add(new Param("query", "token", "string", false, "The bearer token, for browsers that cannot set "
                + "headers on a WebSocket (prefer the Authorization header elsewhere)."));
        all.add(new Param("query", "workspace_id", "string", false, "The workspace, when no header can be set."));
        all.add(new Param("query", "workspace_slug", "string", false, "The workspace by its slug, when no header can "
                + "be set."));
        return new Doc(summary, "events", all, List.of(101, 400, 401, 404), true);
    }

    // ------------------------------------------------------------------ handlers

    private Reply health(Exchange ex) {
        StoreHealth store;
        try {
            store = s.store().health();
        } catch (RuntimeException e) { // a store that breaks its contract: report it, do not fail liveness
            store = StoreHealth.unavailable("the store's health check failed: " + e, s.clock().wallTime());
        }
        if (store.available()) {
            return Reply.json(200, Json.map("status", "ok"));
        }
        return Reply.json(200, Json.map("status", "degraded", "reason", "run store unavailable: " + store.reason(),
                "since", Json.instant(store.since())));
    }

    private Reply me(Exchange ex) {
        rejectUnknownQuery(ex);
        Principal p = ex.principal();
        return Reply.json(200, Json.map("subject", p.subject(), "role", p.role().name().toLowerCase(
                java.util.Locale.ROOT), "workspaces", p.workspaces().stream().sorted().toList()));
    }

    private Reply openApi(Exchange ex) {
        return Reply.json(200, OpenApi.document(routes(), s.version()));
    }

    private Reply statistics(Exchange ex) {
        rejectUnknownQuery(ex, "workflow_id", "start_date", "end_date", "status", "group_by");
        String workflow = ex.query("workflow_id");
        if (workflow != null) {
            Params.id("workflow_id", workflow);
        }
        String statusText = ex.query("status");
        RunStatus status = statusText == null ? null : Params.status("status", statusText);
        if (status != null && !status.isTerminal()) {
            throw ApiError.badParameter("status", "status '" + status.wireName() + "' does not end an attempt;"
                    + " expected one of completed, failed, cancelled, timeout, skipped");
        }
        String groupBy = ex.query("group_by");
        if (groupBy != null && !groupBy.equals("workflow")) {
            throw ApiError.badParameter("group_by", "group_by must be 'workflow', was '" + Router.truncate(groupBy)
                    + "'");
        }
        if (groupBy != null && workflow != null) {
            throw ApiError.badParameter("group_by", "group_by=workflow and workflow_id exclude each other");
        }
        Params.Range range = Params.range(ex.query("start_date"), ex.query("end_date"), s.clock().wallTime(), null);
        Instant start = range.from();
        Instant end = range.to();
        ExecutionTimeStatisticsView view = s.views().statistics();
        String statusName = status == null ? null : status.wireName();
        if (groupBy != null) {
            List<Object> items = new ArrayList<>();
            for (WorkflowExecutionTimes w : view.executionTimesByWorkflow(ex.workspaceId(), Optional.ofNullable(status),
                    start, end)) {
                items.add(statisticsFields(w.statistics(), "workflow_id", w.workflowId()));
            }
            return Reply.json(200, Json.map("group_by", "workflow", "status", statusName, "start_date",
                    Json.instant(start), "end_date", Json.instant(end), "unit", "ms", "items", items, "total",
                    items.size()));
        }
        ExecutionTimeStatistics st = view.executionTimes(ex.workspaceId(), Optional.ofNullable(workflow),
                Optional.ofNullable(status), start, end);
        // A workflow with attempts in the range is known; only an empty answer needs the (uncached) check.
        if (workflow != null && st.count() == 0 && !view.knowsWorkflow(ex.workspaceId(), workflow)) {
            throw new ApiError(404, "workflow_not_found", "no run of workflow '" + workflow
                    + "' in this workspace", "workflow_id");
        }
        Map<String, Object> body = Json.map("workflow_id", workflow, "status", statusName, "start_date",
                Json.instant(start), "end_date", Json.instant(end), "unit", "ms");
        body.putAll(statisticsFields(st));
        return Reply.json(200, body);
    }

    /** The statistics' figures as the API writes them, after any leading fields given. */
    private static Map<String, Object> statisticsFields(ExecutionTimeStatistics st, Object... leading) {
        Map<String, Object> m = Json.map(leading);
        m.putAll(Json.map("count", st.count(), "avg", st.avg(), "median", st.median(), "min", st.min(), "max",
                st.max(), "p95", st.p95(), "p99", st.p99(), "exact", st.exact()));
        return m;
    }

    private Reply executionMetrics(Exchange ex) {
        rejectUnknownQuery(ex, "timeframe");
        return Reply.json(200, s.views().overview().of(ex.workspaceId(), timeframe(ex)));
    }

    private Reply resources(Exchange ex) {
        rejectUnknownQuery(ex, "timeframe");
        return Reply.json(200, s.views().resources().of(ex.workspaceId(), timeframe(ex)));
    }

    private static Timeframe timeframe(Exchange ex) {
        String tf = ex.query("timeframe");
        try {
            return tf == null ? Timeframe.LAST_HOUR : Timeframe.parse(tf);
        } catch (IllegalArgumentException e) {
            throw ApiError.badParameter("timeframe", "timeframe must be one of 1h, 24h, 7d, 30d, was '"
                    + Router.truncate(tf) + "'");
        }
    }

    private Reply workflows(Exchange ex) {
        rejectUnknownQuery(ex);
        List<WorkflowListing> items = s.views().statistics().workflows(ex.workspaceId());
        return Reply.snake(200, Json.map("items", items, "total", items.size()));
    }

    private Reply workflowMetrics(Exchange ex) {
        rejectUnknownQuery(ex);
        String workflow = Params.id("workflow_id", ex.pathParam("workflow_id"));
        return Reply.snake(200, s.views().statistics().workflowSummary(ex.workspaceId(), workflow));
    }

    private Reply executions(Exchange ex) {
        rejectUnknownQuery(ex, "skip", "limit", "status");
        String workflow = Params.id("workflow_id", ex.pathParam("workflow_id"));
        int skip = Params.integer("skip", ex.query("skip"), 0, 0, Integer.MAX_VALUE);
        int limit = Params.integer("limit", ex.query("limit"), RunHistoryView.DEFAULT_LIMIT, 1,
                RunHistoryView.MAX_LIMIT);
        String statusText = ex.query("status");
        Optional<RunStatus> status = statusText == null ? Optional.empty()
                : Optional.of(Params.status("status", statusText));
        Page<RunSummary> page = s.views().runs().list(ex.workspaceId(), Optional.of(workflow), status, skip, limit);
        return Reply.snake(200, Json.map("items", page.items(), "total", page.total(), "skip", page.skip(), "limit",
                page.limit()));
    }

    private Reply executionDetail(Exchange ex) {
        rejectUnknownQuery(ex);
        String run = Params.runId("execution_id", ex.pathParam("execution_id"));
        return s.views().runs().detail(ex.workspaceId(), run).map(d -> Reply.snake(200, d))
                .orElseThrow(() -> ApiError.notFound("execution", "execution_id"));
    }

    private Reply timeline(Exchange ex) {
        rejectUnknownQuery(ex);
        String run = Params.runId("execution_id", ex.pathParam("execution_id"));
        return s.views().runs().timeline(ex.workspaceId(), run).map(t -> Reply.snake(200, t))
                .orElseThrow(() -> ApiError.notFound("execution", "execution_id"));
    }

    private Reply stepOutput(Exchange ex) {
        rejectUnknownQuery(ex, "attempt");
        String run = Params.runId("execution_id", ex.pathParam("execution_id"));
        String step = Params.id("step_id", ex.pathParam("step_id"));
        String attemptText = ex.query("attempt");
        Optional<Integer> attempt = attemptText == null ? Optional.empty()
                : Optional.of(Params.integer("attempt", attemptText, 1, 1, Integer.MAX_VALUE));
        StepOutput found = s.views().runs().stepOutput(ex.workspaceId(), run, step, attempt);
        if (found instanceof StepOutput.Found f) {
            StepCheckpoint c = f.checkpoint();
            return Reply.json(200, Json.map("execution_id", c.runId(), "step_id", c.stepId(), "attempt", c.attempt(),
                    "created_at", Json.instant(c.createdAt()), "output", c.output()));
        }
        if (found instanceof StepOutput.NoRun) {
            throw ApiError.notFound("execution", "execution_id");
        }
        throw new ApiError(404, "checkpoint_not_found", "step '" + Router.truncate(step) + "' of execution " + run
                + " has no checkpoint" + attempt.map(a -> " in attempt " + a).orElse("")
                + " (it has not completed, or its orchestrator keeps no checkpoints)", "step_id");
    }

    private Reply resumeAudit(Exchange ex) {
        rejectUnknownQuery(ex);
        String run = Params.runId("execution_id", ex.pathParam("execution_id"));
        if (s.store().findRun(ex.workspaceId(), run).isEmpty()) {
            throw ApiError.notFound("execution", "execution_id");
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (ControlAudit a : s.store().findControlAudit(ex.workspaceId(), run)) {
            items.add(Json.map("audit_id", a.auditId(), "execution_id", a.runId(), "action", a.action(), "step_id",
                    a.stepId(), "actor", a.actor(), "at", Json.instant(a.at()), "attempt", a.attempt(), "outcome",
                    a.outcome(), "reason", a.reason(), "input_overrides", a.inputOverrides()));
        }
        return Reply.json(200, Json.map("execution_id", run, "items", items, "total", items.size()));
    }

    private Reply resume(Exchange ex) {
        String run = Params.runId("execution_id", ex.pathParam("execution_id"));
        String actor = ex.principal().subject();
        String stepId = null;
        Map<String, ?> inputOverrides = null;
        try {
            rejectUnknownQuery(ex);
            ObjectNode body = ex.body();
            rejectUnknownFields(body, Set.of("step_id", "input_overrides"));
            JsonNode step = body.get("step_id");
            if (step == null || !step.isTextual()) {
                throw ApiError.badParameter("step_id", "step_id is required and must be a string");
            }
            stepId = Params.id("step_id", step.asText());
            JsonNode overrides = body.get("input_overrides");
            if (overrides != null && !overrides.isNull()) {
                if (!overrides.isObject()) {
                    throw ApiError.badParameter("input_overrides", "input_overrides must be a JSON object");
                }
                @SuppressWarnings("unchecked")
                Map<String, ?> m = (Map<String, ?>) Json.plain(overrides);
                inputOverrides = m;
            }
        } catch (ApiError e) {
            s.attempts().decided(ex.workspaceId(), actor, run, stepId, ControlAction.RESUME, ControlOutcome.INVALID,
                    e.getMessage(), null);
            throw e;
        }
        ResumeResult result;
        try {
            result = s.resume().resume(ex.workspaceId(), actor, run, stepId, inputOverrides);
        } catch (RuntimeException e) {
            // A handler that throws broke its contract (it answers with a Refused) and audited nothing.
            s.attempts().decided(ex.workspaceId(), actor, run, stepId, ControlAction.RESUME, ControlOutcome.ERROR,
                    "the resume handler failed: " + e.getClass().getName(), inputOverrides);
            throw e;
        }
        s.attempts().answeredByHandler(ex.workspaceId(), result);
        if (result instanceof ResumeResult.Accepted a) {
            return Reply.json(202, Json.map("execution_id", a.runId(), "step_id", a.stepId(), "attempt", a.attempt(),
                    "status", "accepted")).withHeader("Location", "/api/workflows/executions/" + a.runId());
        }
        ResumeResult.Refused refused = (ResumeResult.Refused) result;
        String parameter = switch (refused.reason()) {
            case STEP_NOT_FOUND, STEP_NOT_RESUMABLE -> "step_id";
            case INVALID_OVERRIDES -> "input_overrides";
            case NOT_FOUND, RUN_NOT_RESUMABLE, RUN_ACTIVE, CONFLICT, UNKNOWN_WORKFLOW -> "execution_id";
            default -> null;
        };
        throw new ApiError(refused.reason().httpStatus(), refused.reason().name().toLowerCase(java.util.Locale.ROOT),
                refused.message(), parameter, refused.reason() == ResumeResult.Reason.UNAVAILABLE
                        ? Map.of("Retry-After", "1") : Map.of());
    }

    /**
     * Pause or cancel: every outcome is accounted for ({@link ControlAttempts#decided}), since a
     * {@link RunAction} audits nothing itself. An accepted one's audit reason is the caller's.
     */
    private Reply control(Exchange ex, ControlAction kind, RunAction action, String state) {
        String run = Params.runId("execution_id", ex.pathParam("execution_id"));
        String ws = ex.workspaceId();
        String actor = ex.principal().subject();
        String reason = null;
        try {
            rejectUnknownQuery(ex);
            ObjectNode body = ex.body();
            if (body != null) {
                rejectUnknownFields(body, Set.of("reason"));
                JsonNode r = body.get("reason");
                if (r != null && !r.isNull()) {
                    if (!r.isTextual() || r.asText().length() > MAX_REASON) {
                        throw ApiError.badParameter("reason", "reason must be a string of at most " + MAX_REASON
                                + " characters");
                    }
                    reason = r.asText();
                }
            }
        } catch (ApiError e) {
            s.attempts().decided(ws, actor, run, null, kind, ControlOutcome.INVALID, e.getMessage(), null);
            throw e;
        }
        Optional<dev.runmetrics.core.model.Run> found;
        try {
            found = s.store().findRun(ws, run);
        } catch (RuntimeException e) {
            s.attempts().decided(ws, actor, run, null, kind, ControlOutcome.UNAVAILABLE,
                    "the store could not be read: " + e.getClass().getName(), null);
            throw e;
        }
        if (found.isEmpty()) {
            ApiError notFound = ApiError.notFound("execution", "execution_id");
            s.attempts().decided(ws, actor, run, null, kind, ControlOutcome.NOT_FOUND, notFound.getMessage(), null);
            throw notFound;
        }
        boolean applied;
        try {
            applied = action.apply(ws, run, reason);
        } catch (RuntimeException e) {
            s.attempts().decided(ws, actor, run, null, kind, ControlOutcome.ERROR,
                    "the orchestrator failed: " + e.getClass().getName(), null);
            throw e;
        }
        if (!applied) {
            ApiError conflict = new ApiError(409, "conflict", "execution " + run + " is not running here (it is "
                    + found.get().status().wireName() + ")", "execution_id");
            s.attempts().decided(ws, actor, run, null, kind, ControlOutcome.REFUSED, conflict.getMessage(), null);
            throw conflict;
        }
        s.attempts().decided(ws, actor, run, null, kind, ControlOutcome.ACCEPTED, reason, null);
        return Reply.json(202, Json.map("execution_id", run, "status", state));
    }

    private Reply nodeMetrics(Exchange ex) {
        rejectUnknownQuery(ex);
        return Reply.jsonText(200, s.nodes().find(ex.workspaceId()).map(NodeMetricsCollector::toJSON).orElse("{}"));
    }

    private Reply prometheus(Exchange ex) {
        rejectUnknownQuery(ex);
        boolean openMetrics = Prometheus.wantsOpenMetrics(ex.header("Accept"));
        return Reply.text(200, openMetrics ? Prometheus.OPENMETRICS_CONTENT_TYPE : Prometheus.CONTENT_TYPE,
                Prometheus.render(s.nodes(), s.counters(), s.attempts(), ex.principal().workspaces(), s.hub(),
                        openMetrics))
                .withHeader("Vary", "Accept");
    }

    private static Reply upgrade(Exchange ex, Subscription subscription) {
        ex.upgradeTo(subscription);
        return null;
    }

    // ------------------------------------------------------------------ checks

    /** A query parameter the endpoint does not know is a 400 naming it: typos should not pass silently. */
    static void rejectUnknownQuery(Exchange ex, String... known) {
        Set<String> allowed = Set.of(known);
        for (String name : ex.queryParams().keySet()) {
            if (!allowed.contains(name)) {
                throw ApiError.badParameter(Router.truncate(name), "unknown query parameter '"
                        + Router.truncate(name) + "'" + (known.length == 0 ? "; this endpoint takes none"
                        : "; expected " + String.join(", ", known)));
            }
        }
    }

    private static void rejectUnknownFields(ObjectNode body, Set<String> known) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw ApiError.badParameter(Router.truncate(name), "unknown field '" + Router.truncate(name)
                        + "'; expected " + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }
}
