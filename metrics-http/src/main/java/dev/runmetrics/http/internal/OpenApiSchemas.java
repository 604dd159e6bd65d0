package dev.runmetrics.http.internal;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import dev.runmetrics.core.control.ResumeResult;
import dev.runmetrics.core.model.Ids;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.node.NodeMetrics;
import dev.runmetrics.core.store.ControlAction;
import dev.runmetrics.core.store.ControlOutcome;
import dev.runmetrics.core.views.DurationTrend;
import dev.runmetrics.core.views.RunDetail;
import dev.runmetrics.core.views.RunHistoryView;
import dev.runmetrics.core.views.RunSummary;
import dev.runmetrics.core.views.RunTimeline;
import dev.runmetrics.core.views.StepDetail;
import dev.runmetrics.core.views.StepStatisticsView;
import dev.runmetrics.core.views.TrendGranularity;
import dev.runmetrics.core.views.WorkflowListing;
import dev.runmetrics.core.views.WorkflowMetricsSummary;
import dev.runmetrics.core.views.WorkflowStepStatistics;
import dev.runmetrics.core.views.overview.AgentPerformance;
import dev.runmetrics.core.views.overview.LiveOverview;
import dev.runmetrics.core.views.overview.QueuedRun;
import dev.runmetrics.core.views.overview.ResourceBucket;
import dev.runmetrics.core.views.overview.ResourceHistory;
import dev.runmetrics.core.views.overview.RunInProgress;
import dev.runmetrics.core.views.overview.Throughput;
import dev.runmetrics.core.views.overview.ThroughputPoint;
import dev.runmetrics.core.views.overview.Timeframe;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The JSON Schemas (OpenAPI 3.1, that is JSON Schema 2020-12) of every body the API takes or sends
 * and of every parameter, for {@link OpenApi}: the one place that says what each route's bodies
 * look like, keyed by the route's method and template.
 *
 * <p>A body that is a record of core (a run's detail, the live overview, a node's metrics) is
 * described from the record itself: its properties are those the JSON writer writes, named as it
 * names them (Jackson's own introspection of {@link Json}'s mappers, snake_case or as declared),
 * typed from the components' types (instants as {@code date-time}, enums by their wire names);
 * every property is required (the writer writes nulls), and a reference-typed component may be
 * null unless the record's constructor refuses null for it (probed once with sample values).
 * Bodies the handlers build as maps are spelled out here next to each other. Every object whose
 * shape is fixed has {@code additionalProperties: false}, so a field the document does not name
 * fails the contract test.
 *
 * <p>Not thread-safe: one instance collects the components of one document.
 */
final class OpenApiSchemas {

    /** The error codes each status may carry (beyond those, Jetty's own errors use the reason phrase). */
    static final Map<Integer, List<String>> ERROR_CODES = errorCodes();

    /** Lowercase UUIDv7, as the recorder makes execution ids and as {@link Params#runId} accepts them. */
    static final String RUN_ID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$";

    /** Dates and date-times as {@link Params#dateOrDateTime} reads them (offset optional; years 0001-9999). */
    static final String DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}"
            + "(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|z|[+-][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?)?$";

    /** String components of core records that hold an execution (run) id, so {@code format: uuid}. */
    private static final Map<Class<?>, Set<String>> RUN_IDS = Map.of(
            RunSummary.class, Set.of("id"),
            RunDetail.class, Set.of("id"),
            StepDetail.class, Set.of("executionId"),
            RunTimeline.class, Set.of("executionId"),
            RunInProgress.class, Set.of("runId"),
            QueuedRun.class, Set.of("queueId"));

    /**
     * What the components of a core record mean, where a reader could take one for another (the
     * live overview's period averages and current rates): written as the property's description.
     */
    private static final Map<Class<?>, Map<String, String>> PROPERTY_DESCRIPTIONS = Map.of(
            Throughput.class, Map.ofEntries(
                    Map.entry("executionsPerMinute", "Period average, not the current rate: runs that ended in the "
                            + "period per minute of its elapsed part (minutes before the first run included)."),
                    Map.entry("executionsPerHour", "Period average: executionsPerMinute x 60."),
                    Map.entry("executionsPerDay", "Period average: executionsPerMinute x 1440."),
                    Map.entry("capacityUtilization", "Period average, percent: execution time of the runs that "
                            + "ended in the period over maxCapacity workers x its elapsed part."),
                    Map.entry("throughputTrend", "Per timeline bucket, runs ended per minute; the last bucket, "
                            + "the one holding now, has complete=false."),
                    Map.entry("peakThroughput", "The highest complete trend point, or null when none has a run."),
                    Map.entry("recentWindowEnd", "The end of the last complete minute (now floored to the "
                            + "minute): the current rates cover the minutes just before it."),
                    Map.entry("executionsLastMinute", "Current rate: runs that ended in the last complete minute."),
                    Map.entry("executionsPerMinuteLast5Minutes", "Current rate: runs that ended in the last five "
                            + "complete minutes, divided by 5."),
                    Map.entry("capacityUtilizationLastMinute", "Current, percent: execution time of the runs "
                            + "that ended in the last complete minute over maxCapacity workers x 60 s."),
                    Map.entry("capacityUtilizationLast5Minutes", "Current, percent: the same over the last five "
                            + "complete minutes.")),
            ThroughputPoint.class, Map.of(
                    "complete", "False for the bucket in progress, whose value still grows; charts leave it out."),
            ResourceBucket.class, Map.ofEntries(
                    Map.entry("minutes", "Minutes of the bucket with at least one instance's sample."),
                    Map.entry("cpuPercent", "Machine CPU load, percent 0-100; per minute the mean over instances."),
                    Map.entry("heapPercent", "JVM heap in use over its maximum, percent 0-100; per minute the mean "
                            + "over instances."),
                    Map.entry("workersBusy", "Workers running a step (count), summed over instances."),
                    Map.entry("workersTotal", "Configured workers (count), summed over instances."),
                    Map.entry("queuedSteps", "Steps waiting for a worker (count), summed over instances."),
                    Map.entry("dbConnectionsInUse", "The most database connections each store held at once in "
                            + "the minute (count), summed over instances."),
                    Map.entry("dbPoolSize", "Connections the stores' pools held open (count), summed."),
                    Map.entry("dbQueriesPerSecond", "Statements the stores ran per second, summed over instances."),
                    Map.entry("dbQueryTimeMs", "Mean statement time in milliseconds, weighted by each instance's "
                            + "queries per second.")),
            AgentPerformance.class, Map.of(
                    "executions", "Step attempts that ran and ended; skipped steps are not counted.",
                    "successRate", "Percent of executions completed (skipped steps left out).",
                    "errorRate", "Percent of executions failed or timed out (skipped steps left out).",
                    "failures", "Step attempts that failed or timed out.",
                    "skipped", "Step attempts skipped without running: neither a success nor a failure."));

    private final Map<String, Object> components = new TreeMap<>();
    /** Which record (and naming) a component name was made from, so two never share a name. */
    private final Map<String, String> owners = new HashMap<>();

    /** The component schemas referred to so far, by name. */
    Map<String, Object> components() {
        return components;
    }

    // ------------------------------------------------------------------ per route

    /**
     * The content of a route's success response (media type to media type object), or null when it
     * has no body (a WebSocket upgrade).
     *
     * @throws IllegalStateException if the route has no schema here: a new route must get one
     */
    Map<String, Object> successContent(Route route) {
        String key = route.method() + " " + route.template();
        if (route.doc().websocket()) {
            return null;
        }
        Map<String, Object> schema = switch (key) {
            case "GET /health" -> named("Health", "Liveness: ok, or degraded while the run store is unavailable "
                    + "(with the reason and since when).", map("oneOf", List.of(object("status", enumOf("ok")),
                    object("status", enumOf("degraded"), "reason", map("type", "string"), "since",
                            map("type", "string", "format", "date-time")))));
            case "GET /api/v1/me" -> named("Me", "The presented token.", object(
                    "subject", string("Who the token belongs to."),
                    "role", enumOf("viewer", "operator"),
                    "workspaces", described(array(id()), "The workspace ids the token may use, sorted.")));
            case "GET /api/v1/statistics/execution-times" -> named("ExecutionTimeStatisticsAnswer", "The "
                    + "statistics of the range, or with group_by=workflow one entry per workflow.", map("oneOf", List.of(
                    named("ExecutionTimeStatistics", "Execution-time statistics in milliseconds of the run "
                            + "attempts that ended in [start_date, end_date) (of one workflow, or all; in one status, "
                            + "or any); each figure is null when count is 0.", statisticsObject(
                            "workflow_id", nullable(id()),
                            "status", nullable(endedStatus()),
                            "start_date", dateTime(),
                            "end_date", dateTime(),
                            "unit", enumOf("ms"))),
                    named("ExecutionTimeStatisticsByWorkflow", "With group_by=workflow: the statistics of each "
                            + "workflow with attempts in the range, ordered by workflow id.", object(
                            "group_by", enumOf("workflow"),
                            "status", nullable(endedStatus()),
                            "start_date", dateTime(),
                            "end_date", dateTime(),
                            "unit", enumOf("ms"),
                            "items", array(named("WorkflowExecutionTimes", "One workflow's statistics.",
                                    statisticsObject("workflow_id", id()))),
                            "total", count())))));
            case "GET /api/v1/statistics/execution-times/trend" -> record(DurationTrend.class, true);
            case "GET /api/v1/statistics/steps" -> record(WorkflowStepStatistics.class, true);
            case "GET /api/v1/execution-metrics" -> record(LiveOverview.class, false);
            case "GET /api/v1/resources" -> record(ResourceHistory.class, false);
            case "GET /api/workflows" -> named("WorkflowList", "The workspace's workflows, most ended runs first.",
                    object("items", array(record(WorkflowListing.class, true)), "total", count()));
            case "GET /api/workflows/{workflow_id}/metrics" -> record(WorkflowMetricsSummary.class, true);
            case "GET /api/workflows/{workflow_id}/executions" -> named("ExecutionPage",
                    "A page of a workflow's executions, newest first.", object(
                    "items", array(record(RunSummary.class, true)),
                    "total", count(),
                    "skip", bounded(int32(), 0, Integer.MAX_VALUE),
                    "limit", bounded(int32(), 1, RunHistoryView.MAX_LIMIT)));
            case "GET /api/workflows/executions/{execution_id}" -> record(RunDetail.class, true);
            case "GET /api/workflows/executions/{execution_id}/timeline" -> record(RunTimeline.class, true);
            case "GET /api/workflows/executions/{execution_id}/steps/{step_id}/output" -> named("StepOutput",
                    "A step's full output: its checkpoint of one attempt.", object(
                    "execution_id", runId(),
                    "step_id", id(),
                    "attempt", bounded(int32(), 1, Integer.MAX_VALUE),
                    "created_at", described(dateTime(), "When the step completed in that attempt."),
                    "output", described(map(), "The step's full output, any JSON value (null for none), as the "
                            + "orchestrator checkpointed it; not truncated.")));
            case "GET /api/workflows/executions/{execution_id}/resume-audit" -> named("ControlAuditLog",
                    "An execution's control audit log (resume, pause and cancel requests), oldest first.", object(
                    "execution_id", runId(),
                    "items", array(named("ControlAuditEntry", "One resume, pause or cancel request naming the "
                            + "execution, whatever its outcome.", object(
                            "audit_id", id(),
                            "execution_id", runId(),
                            "action", enumRef(ControlAction.class),
                            "step_id", nullable(described(id(), "The step a resume named; null for a pause or "
                                    + "cancel, and for a resume refused before its body was read (its token or "
                                    + "role, or an unreadable body).")),
                            "actor", described(id(), "The token's subject; \"anonymous\" for a request without a "
                                    + "token, \"invalid token\" for one with a token that is not valid."),
                            "at", dateTime(),
                            "attempt", described(bounded(int32(), 0, Integer.MAX_VALUE), "For a resume: the new "
                                    + "attempt when accepted, else the execution's attempt when it was refused (0 if "
                                    + "not read); 0 for a pause or cancel."),
                            "outcome", enumRef(ControlOutcome.class),
                            "reason", nullable(string("Why it was refused, conflicted or failed; for an accepted "
                                    + "pause or cancel the reason its caller gave; else null.")),
                            "input_overrides", nullable(map("type", "object", "description", "The input overrides "
                                    + "a resume gave, or null."))))),
                    "total", count()));
            case "POST /api/workflows/executions/{execution_id}/resume" -> named("ResumeAccepted",
                    "The resume was accepted as a new attempt.", object(
                    "execution_id", runId(),
                    "step_id", id(),
                    "attempt", bounded(int32(), 1, Integer.MAX_VALUE),
                    "status", enumOf("accepted")));
            case "POST /api/workflows/executions/{execution_id}/pause" -> named("PauseAccepted",
                    "The orchestrator took the pause.", object("execution_id", runId(), "status", enumOf("pausing")));
            case "POST /api/workflows/executions/{execution_id}/cancel" -> named("CancelAccepted",
                    "The orchestrator took the cancel.", object("execution_id", runId(), "status",
                            enumOf("cancelling")));
            case "GET /api/v1/node-metrics" -> named("NodeMetricsByNode", "The collector's metrics, by node name.",
                    map("type", "object", "additionalProperties", record(NodeMetrics.class, false)));
            case "GET /metrics" -> null;
            case "GET /openapi.json" -> named("OpenApiDocument", "An OpenAPI 3.1 document.", map("type", "object",
                    "required", List.of("openapi", "info", "paths"), "properties", map("openapi", map("type", "string",
                            "pattern", "^3\\.1\\.[0-9]+$"))));
            default -> throw new IllegalStateException("no response schema for route " + key
                    + ": add one to OpenApiSchemas");
        };
        if (key.equals("GET /metrics")) {
            Map<String, Object> text = named("PrometheusText", "The Prometheus or OpenMetrics text exposition.",
                    map("type", "string"));
            return map("text/plain", map("schema", text), "application/openmetrics-text", map("schema", text));
        }
        return map(Reply.JSON, map("schema", schema));
    }

    /**
     * The schema of a route's JSON request body, or null when it takes none.
     *
     * @throws IllegalStateException if the route takes a body that has no schema here
     */
    Map<String, Object> requestBody(Route route) {
        if (route.body() == Route.BodyKind.NONE) {
            return null;
        }
        String key = route.method() + " " + route.template();
        return switch (key) {
            case "POST /api/workflows/executions/{execution_id}/resume" -> named("ResumeRequest",
                    "Resume from this step as a new attempt.", map("type", "object", "additionalProperties", false,
                            "required", List.of("step_id"), "properties", map(
                                    "step_id", id(),
                                    "input_overrides", described(map("type", List.of("object", "null")),
                                            "Values that replace the step's input for the new attempt."))));
            case "POST /api/workflows/executions/{execution_id}/pause",
                    "POST /api/workflows/executions/{execution_id}/cancel" -> named("ActionRequest",
                    "An optional reason, kept with the action.", map("type", "object", "additionalProperties", false,
                            "properties", map("reason", nullable(bounded(map("type", "string"), ApiRoutes.MAX_REASON)))));
            default -> throw new IllegalStateException("no request schema for route " + key
                    + ": add one to OpenApiSchemas");
        };
    }

    /**
     * The schema of a parameter, by its name (a name means the same on every route).
     *
     * @throws IllegalStateException if the name has no schema here
     */
    Map<String, Object> parameter(Route.Param p) {
        return switch (p.name()) {
            case "workflow_id", "step_id", "workspace_id", "workspace_slug" -> id();
            case "execution_id" -> runId();
            case "attempt" -> bounded(int32(), 1, Integer.MAX_VALUE);
            case "skip" -> withDefault(bounded(int32(), 0, Integer.MAX_VALUE), 0);
            case "limit" -> withDefault(bounded(int32(), 1, RunHistoryView.MAX_LIMIT), RunHistoryView.DEFAULT_LIMIT);
            case "status" -> {
                List<String> names = new ArrayList<>();
                names.add("pending");
                for (RunStatus s : RunStatus.values()) {
                    names.add(s.wireName());
                }
                yield map("type", "string", "enum", names);
            }
            case "group_by" -> map("type", "string", "enum", List.of("workflow"));
            case "timeframe" -> {
                List<String> names = new ArrayList<>();
                for (Timeframe t : Timeframe.values()) {
                    names.add(t.wireName());
                }
                yield withDefault(map("type", "string", "enum", names), Timeframe.LAST_HOUR.wireName());
            }
            case "bucket" -> enumOf(TrendGranularity.HOUR.wireName(), TrendGranularity.DAY.wireName());
            case "run_limit" -> withDefault(bounded(int32(), 1, StepStatisticsView.MAX_RUN_LIMIT),
                    StepStatisticsView.DEFAULT_RUN_LIMIT);
            case "start_date", "end_date" -> map("type", "string", "maxLength", 40, "pattern", DATE_PATTERN,
                    "examples", List.of("2026-01-15", "2026-01-15T10:00:00Z"));
            case "token" -> map("type", "string", "minLength", 1, "maxLength", 1024);
            default -> throw new IllegalStateException("no schema for parameter " + p.name()
                    + ": add one to OpenApiSchemas");
        };
    }

    /** An object of the given leading properties followed by the execution-time figures. */
    private static Map<String, Object> statisticsObject(Object... leading) {
        List<Object> all = new ArrayList<>(List.of(leading));
        all.addAll(List.of(
                "count", count(),
                "avg", nullable(number()),
                "median", nullable(number()),
                "min", nullable(number()),
                "max", nullable(number()),
                "p95", nullable(number()),
                "p99", nullable(number()),
                "exact", described(bool(), "true: exact over the raw rows; false: from the rollups (and the raw "
                        + "rows of the range's partial edge minutes), within 1/1024.")));
        return object(all.toArray());
    }

    /** The statuses that end an attempt, as a statistics filter names them. */
    private static Map<String, Object> endedStatus() {
        List<String> names = new ArrayList<>();
        for (RunStatus s : RunStatus.values()) {
            if (s.isTerminal()) {
                names.add(s.wireName());
            }
        }
        return map("type", "string", "enum", names);
    }

    /** The error body every 4xx (and the 503) carries. */
    Map<String, Object> error() {
        List<String> all = new ArrayList<>(new TreeSet<>(ERROR_CODES.values().stream().flatMap(List::stream)
                .toList()));
        Map<String, Object> detail = named("ErrorDetail", "What was wrong.", object(
                "code", map("type", "string", "description", "A stable, machine-readable code, such as "
                        + String.join(", ", all) + "; requests Jetty refuses before routing carry their "
                        + "status's reason phrase in snake_case (bad_request, uri_too_long, ...).", "examples",
                        List.of("invalid_parameter")),
                "message", string("For a person; may change."),
                "parameter", nullable(string("The query or path parameter, header or body field at fault, or null."))));
        return named("Error", "Every error: {\"error\": {\"code\", \"message\", \"parameter\"}}.", object("error", detail));
    }

    // ------------------------------------------------------------------ records

    /** A reference to the component describing a core record, written in snake_case or as declared. */
    Map<String, Object> record(Class<?> type, boolean snake) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type + " is not a record");
        }
        String name = type.getSimpleName();
        String owner = type.getName() + (snake ? " (snake_case)" : "");
        String previous = owners.putIfAbsent(name, owner);
        if (previous != null) {
            if (!previous.equals(owner)) {
                throw new IllegalStateException("two schemas named " + name + ": " + previous + " and " + owner);
            }
            return ref(name);
        }
        components.put(name, Map.of()); // reserves the name while the components are described
        Set<String> neverNull = refusedNulls(type);
        Map<String, Object> properties = new LinkedHashMap<>();
        for (BeanPropertyDefinition p : Json.writtenProperties(type, snake)) {
            String component = p.getInternalName();
            JavaType t = p.getPrimaryType();
            Map<String, Object> s = schemaOf(t, snake);
            if (t.getRawClass() == String.class && RUN_IDS.getOrDefault(type, Set.of()).contains(component)) {
                s = runId();
            }
            Map<String, Object> property = t.isPrimitive() || neverNull.contains(component) ? s : nullable(s);
            String description = PROPERTY_DESCRIPTIONS.getOrDefault(type, Map.of()).get(component);
            if (description != null) {
                property = new LinkedHashMap<>(property);
                property.put("description", description);
            }
            properties.put(p.getName(), property);
        }
        Map<String, Object> schema = map("type", "object", "description", "The record " + type.getName()
                + (snake ? ", its components in snake_case" : "") + " (see its Javadoc).", "additionalProperties",
                false, "required", List.copyOf(properties.keySet()), "properties", properties);
        components.put(name, schema);
        return ref(name);
    }

    private Map<String, Object> schemaOf(JavaType t, boolean snake) {
        Class<?> raw = t.getRawClass();
        if (raw == String.class) {
            return map("type", "string");
        } else if (raw == Instant.class) {
            return dateTime();
        } else if (raw == boolean.class || raw == Boolean.class) {
            return bool();
        } else if (raw == int.class || raw == Integer.class) {
            return int32();
        } else if (raw == long.class || raw == Long.class) {
            return int64();
        } else if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) {
            return number();
        } else if (raw.isEnum()) {
            return enumRef(raw);
        } else if (t.isCollectionLikeType()) {
            return array(schemaOf(t.getContentType(), snake));
        } else if (t.isMapLikeType()) {
            Class<?> value = t.getContentType().getRawClass();
            return value == Object.class ? map("type", "object")
                    : map("type", "object", "additionalProperties", schemaOf(t.getContentType(), snake));
        } else if (raw.isRecord()) {
            return record(raw, snake);
        } else if (raw == Object.class) {
            return map();
        }
        throw new IllegalStateException("no JSON schema for " + t + "; add it to OpenApiSchemas");
    }

    /** An enum as the writer writes its constants, as a named component. */
    private Map<String, Object> enumRef(Class<?> type) {
        String name = type.getSimpleName();
        String previous = owners.putIfAbsent(name, type.getName());
        if (previous != null && !previous.equals(type.getName())) {
            throw new IllegalStateException("two schemas named " + name + ": " + previous + " and " + type.getName());
        }
        if (previous == null) {
            List<String> values = new ArrayList<>();
            for (Object constant : type.getEnumConstants()) {
                String json = new String(Json.bytes(constant), StandardCharsets.UTF_8);
                values.add(json.substring(1, json.length() - 1));
            }
            components.put(name, map("type", "string", "enum", values));
        }
        return ref(name);
    }

    /**
     * The components of a record whose constructor throws when given null for them (everything
     * else being a plausible value): those are never null in its JSON. When the record cannot be
     * built from sample values (its constructor checks more than nulls, such as a list's length),
     * the components for which it throws {@link NullPointerException} instead; every other
     * reference is then taken as nullable.
     */
    static Set<String> refusedNulls(Class<?> type) {
        RecordComponent[] rc = type.getRecordComponents();
        Class<?>[] types = Arrays.stream(rc).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Constructor<?> constructor;
        try {
            constructor = type.getDeclaredConstructor(types);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("a record without its canonical constructor: " + type, e);
        }
        Object[] sample = new Object[rc.length];
        for (int i = 0; i < rc.length; i++) {
            sample[i] = sample(types[i]);
        }
        if (!builds(constructor, sample)) {
            Set<String> refused = new HashSet<>();
            for (int i = 0; i < rc.length; i++) {
                if (!types[i].isPrimitive()) {
                    Object[] withNull = sample.clone();
                    withNull[i] = null;
                    if (throwsNullPointer(constructor, withNull)) {
                        refused.add(rc[i].getName());
                    }
                }
            }
            return refused;
        }
        Set<String> refused = new HashSet<>();
        for (int i = 0; i < rc.length; i++) {
            if (!types[i].isPrimitive()) {
                Object[] withNull = sample.clone();
                withNull[i] = null;
                if (!builds(constructor, withNull)) {
                    refused.add(rc[i].getName());
                }
            }
        }
        return refused;
    }

    private static boolean builds(Constructor<?> constructor, Object[] args) {
        try {
            constructor.newInstance(args);
            return true;
        } catch (InvocationTargetException e) {
            return false;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot call " + constructor, e);
        }
    }

    private static boolean throwsNullPointer(Constructor<?> constructor, Object[] args) {
        try {
            constructor.newInstance(args);
            return false;
        } catch (InvocationTargetException e) {
            return e.getCause() instanceof NullPointerException;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot call " + constructor, e);
        }
    }

    private static Object sample(Class<?> type) {
        if (type == int.class || type == Integer.class) {
            return 0;
        } else if (type == long.class || type == Long.class) {
            return 0L;
        } else if (type == double.class || type == Double.class) {
            return 0.0;
        } else if (type == boolean.class || type == Boolean.class) {
            return false;
        } else if (type == String.class) {
            return "sample";
        } else if (type == Instant.class) {
            return Instant.EPOCH;
        } else if (type.isEnum()) {
            return type.getEnumConstants()[0];
        } else if (List.class.isAssignableFrom(type)) {
            return List.of();
        } else if (Map.class.isAssignableFrom(type)) {
            return Map.of();
        } else if (type.isRecord()) {
            RecordComponent[] rc = type.getRecordComponents();
            Class<?>[] types = Arrays.stream(rc).map(RecordComponent::getType).toArray(Class<?>[]::new);
            Object[] args = new Object[rc.length];
            for (int i = 0; i < rc.length; i++) {
                args[i] = sample(types[i]);
            }
            try {
                return type.getDeclaredConstructor(types).newInstance(args);
            } catch (ReflectiveOperationException e) {
                return null;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ building blocks

    private Map<String, Object> named(String name, String description, Map<String, Object> schema) {
        String previous = owners.putIfAbsent(name, "explicit " + name);
        if (previous != null && !previous.equals("explicit " + name)) {
            throw new IllegalStateException("two schemas named " + name + ": " + previous + " and this one");
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("description", description);
        s.putAll(schema);
        components.put(name, s);
        return ref(name);
    }

    /** A closed object of the given properties, all required (the writer writes nulls). */
    private static Map<String, Object> object(Object... namesAndSchemas) {
        Map<String, Object> properties = map(namesAndSchemas);
        return map("type", "object", "additionalProperties", false, "required", List.copyOf(properties.keySet()),
                "properties", properties);
    }

    static Map<String, Object> ref(String name) {
        return map("$ref", "#/components/schemas/" + name);
    }

    private static Map<String, Object> nullable(Map<String, Object> schema) {
        Object type = schema.get("type");
        if (type instanceof String t) {
            Map<String, Object> s = new LinkedHashMap<>(schema);
            s.put("type", List.of(t, "null"));
            if (s.get("enum") instanceof List<?> values) {
                List<Object> withNull = new ArrayList<>(values);
                withNull.add(null);
                s.put("enum", withNull);
            }
            return s;
        }
        if (schema.isEmpty()) {
            return schema;
        }
        return map("anyOf", List.of(schema, map("type", "null")));
    }

    private static Map<String, Object> described(Map<String, Object> schema, String description) {
        Map<String, Object> s = new LinkedHashMap<>(schema);
        s.put("description", description);
        return s;
    }

    private static Map<String, Object> withDefault(Map<String, Object> schema, Object value) {
        Map<String, Object> s = new LinkedHashMap<>(schema);
        s.put("default", value);
        return s;
    }

    private static Map<String, Object> bounded(Map<String, Object> schema, long min, long max) {
        Map<String, Object> s = new LinkedHashMap<>(schema);
        s.put("minimum", min);
        s.put("maximum", max);
        return s;
    }

    private static Map<String, Object> bounded(Map<String, Object> stringSchema, int maxLength) {
        Map<String, Object> s = new LinkedHashMap<>(stringSchema);
        s.put("maxLength", maxLength);
        return s;
    }

    private static Map<String, Object> string(String description) {
        return map("type", "string", "description", description);
    }

    private static Map<String, Object> id() {
        return map("type", "string", "minLength", 1, "maxLength", Ids.MAX_LENGTH);
    }

    private static Map<String, Object> runId() {
        return map("type", "string", "format", "uuid", "pattern", RUN_ID_PATTERN);
    }

    private static Map<String, Object> dateTime() {
        return map("type", "string", "format", "date-time");
    }

    private static Map<String, Object> bool() {
        return map("type", "boolean");
    }

    private static Map<String, Object> int32() {
        return map("type", "integer", "format", "int32");
    }

    private static Map<String, Object> int64() {
        return map("type", "integer", "format", "int64");
    }

    private static Map<String, Object> count() {
        return map("type", "integer", "format", "int64", "minimum", 0);
    }

    private static Map<String, Object> number() {
        return map("type", "number", "format", "double");
    }

    private static Map<String, Object> array(Map<String, Object> items) {
        return map("type", "array", "items", items);
    }

    private static Map<String, Object> enumOf(String... values) {
        return map("type", "string", "enum", List.of(values));
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        return Json.map(keysAndValues);
    }

    private static Map<Integer, List<String>> errorCodes() {
        Map<Integer, Set<String>> codes = new TreeMap<>();
        codes.put(400, new TreeSet<>(List.of("invalid_parameter", "invalid_query", "invalid_json", "missing_body",
                "duplicate_field", "unreadable_body", "websocket_required")));
        codes.put(401, new TreeSet<>(List.of("unauthorized")));
        codes.put(403, new TreeSet<>(List.of("forbidden", "origin_not_allowed")));
        codes.put(404, new TreeSet<>(List.of("not_found", "workspace_not_found", "workflow_not_found",
                "checkpoint_not_found")));
        codes.put(409, new TreeSet<>(List.of("conflict")));
        codes.put(413, new TreeSet<>(List.of("payload_too_large")));
        codes.put(415, new TreeSet<>(List.of("unsupported_media_type")));
        codes.put(422, new TreeSet<>());
        codes.put(429, new TreeSet<>(List.of("rate_limited")));
        codes.put(503, new TreeSet<>());
        // A refused resume answers its reason's status with the reason as the code.
        for (ResumeResult.Reason reason : ResumeResult.Reason.values()) {
            codes.computeIfAbsent(reason.httpStatus(), s -> new TreeSet<>())
                    .add(reason.name().toLowerCase(Locale.ROOT));
        }
        Map<Integer, List<String>> out = new TreeMap<>();
        codes.forEach((status, set) -> out.put(status, List.copyOf(set)));
        return java.util.Collections.unmodifiableMap(out);
    }
}
