package dev.runmetrics.jdbc;

import dev.runmetrics.core.model.JsonValues;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.store.DurationHistogram;
import dev.runmetrics.core.store.DurationKind;
import dev.runmetrics.core.store.ControlAction;
import dev.runmetrics.core.store.ControlAudit;
import dev.runmetrics.core.store.ControlOutcome;
import dev.runmetrics.core.store.Rollup;
import dev.runmetrics.core.store.RollupDimension;
import dev.runmetrics.core.store.StepCheckpoint;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.statement.SqlStatement;

/** Row mapping and binding of the run model, in one place so every statement agrees. */
final class Rows {

    private Rows() {}

    /** The run columns, in the order of {@link #RUN_VALUES}. */
    static final String RUN_COLUMNS = "workspace_id, run_id, workflow_id, workflow_name, execution_number, status,"
            + " attempt, queued_at, started_at, completed_at, input_summary, results_summary, error_message,"
            + " created_at, updated_at, instance_id, heartbeat_at, attributes, waited_between_attempts_us";

    static final String RUN_VALUES = ":workspace_id, :run_id, :workflow_id, :workflow_name, :execution_number,"
            + " :status, :attempt, :queued_at, :started_at, :completed_at, CAST(:input_summary AS json),"
            + " CAST(:results_summary AS json), :error_message, :created_at, :updated_at, :instance_id,"
            + " :heartbeat_at, CAST(:attributes AS json), :waited_between_attempts_us";

    static final String STEP_COLUMNS = "workspace_id, run_id, step_id, attempt, step_name, step_order, node_name,"
            + " status, queued_at, started_at, completed_at, retry_count, error_message, error_category,"
            + " input_summary, output_summary, attributes, updated_at";

    static final String STEP_VALUES = ":workspace_id, :run_id, :step_id, :attempt, :step_name, :step_order,"
            + " :node_name, :status, :queued_at, :started_at, :completed_at, :retry_count, :error_message,"
            + " :error_category, CAST(:input_summary AS json), CAST(:output_summary AS json),"
            + " CAST(:attributes AS json), :updated_at";

    private static final String TEXT = "CAST(? AS text[])";
    private static final String INT4 = "CAST(? AS int4[])";
    private static final String INT8 = "CAST(? AS int8[])";
    private static final String TS = "CAST(CAST(? AS text[]) AS timestamptz[])";
    private static final String JSON = "CAST(CAST(? AS text[]) AS json[])";

    /** One array parameter per run column, in {@link #RUN_COLUMNS} order, for {@code unnest}. */
    static final String RUN_ARRAY_PARAMETERS = String.join(", ", TEXT, TEXT, TEXT, TEXT, INT8, TEXT, INT4, TS, TS, TS,
            JSON, JSON, TEXT, TS, TS, TEXT, TS, JSON, INT8);

    /** One array parameter per step column, in {@link #STEP_COLUMNS} order, for {@code unnest}. */
    static final String STEP_ARRAY_PARAMETERS = String.join(", ", TEXT, TEXT, TEXT, INT4, TEXT, INT4, TEXT, TEXT, TS,
            TS, TS, INT4, TEXT, TEXT, JSON, JSON, JSON, TS);

    /** The columns of an ended attempt ({@code run_attempt_endings}), in {@link #endingArrays} order. */
    static final String ENDING_COLUMNS = "workspace_id, run_id, attempt, workflow_id, status, completed_at,"
            + " queue_wait_us, execution_time_us, end_to_end_us";

    static final String ENDING_ARRAY_PARAMETERS = String.join(", ", TEXT, TEXT, INT4, TEXT, TEXT, TS, INT8, INT8,
            INT8);

    /** Ended attempts (terminal runs) as one array per {@link #ENDING_COLUMNS} column, durations in µs. */
    static Object[][] endingArrays(List<Run> runs) {
        int n = runs.size();
        Object[][] c = {new String[n], new String[n], new Integer[n], new String[n], new String[n], new String[n],
            new Long[n], new Long[n], new Long[n]};
        for (int i = 0; i < n; i++) {
            Run r = runs.get(i);
            int k = 0;
            c[k++][i] = r.workspaceId();
            c[k++][i] = r.runId();
            c[k++][i] = r.attempt();
            c[k++][i] = r.workflowId();
            c[k++][i] = r.status().wireName();
            c[k++][i] = tsText(r.completedAt());
            c[k++][i] = r.queueWait().map(Rows::micros).orElse(null);
            c[k++][i] = r.executionTime().map(Rows::micros).orElse(null);
            c[k][i] = r.endToEnd().map(Rows::micros).orElse(null);
        }
        return c;
    }

    /** The runs as one array per column ({@link #RUN_ARRAY_PARAMETERS}), values as {@link #bindRun} binds them. */
    static Object[][] runArrays(List<Run> runs) {
        int n = runs.size();
        Object[][] c = {new String[n], new String[n], new String[n], new String[n], new Long[n], new String[n],
            new Integer[n], new String[n], new String[n], new String[n], new String[n], new String[n], new String[n],
            new String[n], new String[n], new String[n], new String[n], new String[n], new Long[n]};
        for (int i = 0; i < n; i++) {
            Run r = runs.get(i);
            int k = 0;
            c[k++][i] = r.workspaceId();
            c[k++][i] = r.runId();
            c[k++][i] = r.workflowId();
            c[k++][i] = text(r.workflowName());
            c[k++][i] = r.executionNumber();
            c[k++][i] = r.status().wireName();
            c[k++][i] = r.attempt();
            c[k++][i] = tsText(r.queuedAt());
            c[k++][i] = tsText(r.startedAt());
            c[k++][i] = tsText(r.completedAt());
            c[k++][i] = json(r.inputSummary());
            c[k++][i] = json(r.resultsSummary());
            c[k++][i] = text(r.errorMessage());
            c[k++][i] = tsText(r.createdAt());
            c[k++][i] = tsText(r.updatedAt());
            c[k++][i] = r.instanceId();
            c[k++][i] = tsText(r.heartbeatAt());
            c[k++][i] = JsonValues.toJson(r.attributes());
            c[k][i] = micros(r.waitedBetweenAttempts());
        }
        return c;
    }

    /** The steps as one array per column ({@link #STEP_ARRAY_PARAMETERS}), values as {@link #bindStep} binds them. */
    static Object[][] stepArrays(List<StepRun> steps) {
        int n = steps.size();
        Object[][] c = {new String[n], new String[n], new String[n], new Integer[n], new String[n], new Integer[n],
            new String[n], new String[n], new String[n], new String[n], new String[n], new Integer[n], new String[n],
            new String[n], new String[n], new String[n], new String[n], new String[n]};
        for (int i = 0; i < n; i++) {
            StepRun s = steps.get(i);
            int k = 0;
            c[k++][i] = s.workspaceId();
            c[k++][i] = s.runId();
            c[k++][i] = s.stepId();
            c[k++][i] = s.attempt();
            c[k++][i] = text(s.stepName());
            c[k++][i] = s.stepOrder();
            c[k++][i] = s.nodeName();
            c[k++][i] = s.status().wireName();
            c[k++][i] = tsText(s.queuedAt());
            c[k++][i] = tsText(s.startedAt());
            c[k++][i] = tsText(s.completedAt());
            c[k++][i] = s.retryCount();
            c[k++][i] = text(s.errorMessage());
            c[k++][i] = text(s.errorCategory());
            c[k++][i] = json(s.inputSummary());
            c[k++][i] = json(s.outputSummary());
            c[k++][i] = JsonValues.toJson(s.attributes());
            c[k][i] = tsText(s.updatedAt());
        }
        return c;
    }

    /**
     * An instant as ISO text in UTC, rounded to the microsecond as the driver rounds a bound
     * {@link Timestamp} (half up), so array-bound and singly-bound values store the same.
     */
    static String tsText(Instant i) {
        if (i == null) {
            return null;
        }
        long micros = (i.getNano() + 500) / 1000;
        return Instant.ofEpochSecond(i.getEpochSecond(), micros * 1000).toString();
    }

    static <S extends SqlStatement<S>> S bindRun(S st, Run r) {
        return st.bind("workspace_id", r.workspaceId())
                .bind("run_id", r.runId())
                .bind("workflow_id", r.workflowId())
                .bind("workflow_name", text(r.workflowName()))
                .bind("execution_number", r.executionNumber())
                .bind("status", r.status().wireName())
                .bind("attempt", r.attempt())
                .bind("queued_at", ts(r.queuedAt()))
                .bind("started_at", ts(r.startedAt()))
                .bind("completed_at", ts(r.completedAt()))
                .bind("input_summary", json(r.inputSummary()))
                .bind("results_summary", json(r.resultsSummary()))
                .bind("error_message", text(r.errorMessage()))
                .bind("created_at", ts(r.createdAt()))
                .bind("updated_at", ts(r.updatedAt()))
                .bind("instance_id", r.instanceId())
                .bind("heartbeat_at", ts(r.heartbeatAt()))
                .bind("attributes", JsonValues.toJson(r.attributes()))
                .bind("waited_between_attempts_us", micros(r.waitedBetweenAttempts()));
    }

    /** A duration in whole microseconds, saturated at {@code Long.MAX_VALUE}. */
    static long micros(java.time.Duration d) {
        try {
            return Math.max(0, d.toNanos() / 1000);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    static <S extends SqlStatement<S>> S bindStep(S st, StepRun s) {
        return st.bind("workspace_id", s.workspaceId())
                .bind("run_id", s.runId())
                .bind("step_id", s.stepId())
                .bind("attempt", s.attempt())
                .bind("step_name", text(s.stepName()))
                .bind("step_order", s.stepOrder())
                .bind("node_name", s.nodeName())
                .bind("status", s.status().wireName())
                .bind("queued_at", ts(s.queuedAt()))
                .bind("started_at", ts(s.startedAt()))
                .bind("completed_at", ts(s.completedAt()))
                .bind("retry_count", s.retryCount())
                .bind("error_message", text(s.errorMessage()))
                .bind("error_category", text(s.errorCategory()))
                .bind("input_summary", json(s.inputSummary()))
                .bind("output_summary", json(s.outputSummary()))
                .bind("attributes", JsonValues.toJson(s.attributes()))
                .bind("updated_at", ts(s.updatedAt()));
    }

    static Run run(ResultSet rs) throws SQLException {
        return Run.builder()
                .workspaceId(rs.getString("workspace_id"))
                .runId(rs.getString("run_id"))
                .workflowId(rs.getString("workflow_id"))
                .workflowName(rs.getString("workflow_name"))
                .executionNumber(rs.getLong("execution_number"))
                .status(RunStatus.parse(rs.getString("status")))
                .attempt(rs.getInt("attempt"))
                .queuedAt(instant(rs, "queued_at"))
                .startedAt(instant(rs, "started_at"))
                .completedAt(instant(rs, "completed_at"))
                .inputSummary(map(rs, "input_summary"))
                .resultsSummary(map(rs, "results_summary"))
                .errorMessage(rs.getString("error_message"))
                .createdAt(instant(rs, "created_at"))
                .updatedAt(instant(rs, "updated_at"))
                .instanceId(rs.getString("instance_id"))
                .heartbeatAt(instant(rs, "heartbeat_at"))
                .attributes(map(rs, "attributes"))
                .waitedBetweenAttempts(java.time.Duration.ofNanos(Math.multiplyExact(
                        rs.getLong("waited_between_attempts_us"), 1000L)))
                .build();
    }

    static StepRun step(ResultSet rs) throws SQLException {
        return StepRun.builder()
                .workspaceId(rs.getString("workspace_id"))
                .runId(rs.getString("run_id"))
                .stepId(rs.getString("step_id"))
                .stepName(rs.getString("step_name"))
                .stepOrder(rs.getInt("step_order"))
                .nodeName(rs.getString("node_name"))
                .attempt(rs.getInt("attempt"))
                .status(RunStatus.parse(rs.getString("status")))
                .queuedAt(instant(rs, "queued_at"))
                .startedAt(instant(rs, "started_at"))
                .completedAt(instant(rs, "completed_at"))
                .retryCount(rs.getInt("retry_count"))
                .errorMessage(rs.getString("error_message"))
                .errorCategory(rs.getString("error_category"))
                .inputSummary(map(rs, "input_summary"))
                .outputSummary(map(rs, "output_summary"))
                .attributes(map(rs, "attributes"))
                .updatedAt(instant(rs, "updated_at"))
                .build();
    }

    static StepCheckpoint checkpoint(ResultSet rs) throws SQLException {
        String output = rs.getString("output");
        return new StepCheckpoint(rs.getString("workspace_id"), rs.getString("run_id"), rs.getString("step_id"),
                rs.getInt("attempt"), output == null ? null : JsonValues.parse(output), instant(rs, "created_at"));
    }

    static ControlAudit audit(ResultSet rs) throws SQLException {
        return new ControlAudit(rs.getString("workspace_id"), rs.getString("audit_id"), rs.getString("run_id"),
                rs.getString("step_id"), ControlAction.valueOf(rs.getString("action")), rs.getString("actor"),
                instant(rs, "at"), rs.getInt("attempt"), ControlOutcome.valueOf(rs.getString("outcome")),
                rs.getString("reason"), map(rs, "input_overrides"));
    }

    /** The rollup count column of a status: {@code count_completed}, ... */
    static String countColumn(RunStatus status) {
        return "count_" + status.wireName();
    }

    /**
     * The subject of the rollup rows that hold the sum of every subject of their dimension (V004):
     * a query over all subjects merged reads these instead of one row per subject. No real subject
     * is empty (ids and model names are never blank).
     */
    static final String ALL_SUBJECTS = "";

    /** A stored subject as a {@link Rollup}'s: the all-subjects rows are rollups with a null subject. */
    static String subjectOf(String stored) {
        return ALL_SUBJECTS.equals(stored) ? null : stored;
    }

    /** A {@link Rollup}'s subject as stored: null (merged across subjects) is {@link #ALL_SUBJECTS}. */
    static String storedSubject(String subject) {
        return subject == null ? ALL_SUBJECTS : subject;
    }

    /** The rollup histogram column of a duration kind: {@code queue_wait}, ... */
    static String histogramColumn(DurationKind kind) {
        return switch (kind) {
            case QUEUE_WAIT -> "queue_wait";
            case EXECUTION_TIME -> "execution_time";
            case END_TO_END -> "end_to_end";
        };
    }

    /** The rollup count columns, one per status, in status order. */
    static final String COUNT_COLUMNS;

    /** The rollup columns in the order {@link #bindRollup} binds them. */
    static final String ROLLUP_COLUMNS;

    static {
        StringBuilder counts = new StringBuilder();
        for (RunStatus st : RunStatus.values()) {
            counts.append(counts.length() == 0 ? "" : ", ").append(countColumn(st));
        }
        COUNT_COLUMNS = counts.toString();
        ROLLUP_COLUMNS = "workspace_id, dimension, subject, bucket_start, instance_id, " + COUNT_COLUMNS
                + ", queue_wait, execution_time, end_to_end, tokens, cost";
    }

    /** How many parameters {@link #bindRollup} binds. */
    static final int ROLLUP_PARAMETERS = 5 + RunStatus.values().length + 5;

    /**
     * A positional upsert of one rollup row into {@code table} (one of the {@link RollupTier}
     * tables) that replaces a stored row of the same key: callers hold the
     * row (locked) and write the merged sum.
     */
    static String upsertRollupSql(String table) {
        StringBuilder sql = new StringBuilder("INSERT INTO runmetrics.").append(table).append(" (")
                .append(ROLLUP_COLUMNS).append(") VALUES (");
        for (int i = 0; i < ROLLUP_PARAMETERS; i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        sql.append(") ON CONFLICT (workspace_id, dimension, subject, bucket_start, instance_id) DO UPDATE SET ");
        String sep = "";
        for (String c : ROLLUP_COLUMNS.split(", ")) {
            if (c.equals("workspace_id") || c.equals("dimension") || c.equals("subject") || c.equals("bucket_start")
                    || c.equals("instance_id")) {
                continue;
            }
            sql.append(sep).append(c).append(" = EXCLUDED.").append(c);
            sep = ", ";
        }
        return sql.toString();
    }

    /** Binds a rollup to the parameters of {@link #upsertRollupSql}, starting at 1. */
    static void bindRollup(PreparedStatement ps, Rollup r) throws SQLException {
        int i = 1;
        ps.setString(i++, r.workspaceId());
        ps.setString(i++, r.dimension().name());
        ps.setString(i++, storedSubject(r.subject()));
        ps.setTimestamp(i++, ts(r.bucketStart()));
        ps.setString(i++, r.instanceId());
        for (RunStatus st : RunStatus.values()) {
            ps.setLong(i++, r.count(st));
        }
        ps.setBytes(i++, r.queueWait().encode());
        ps.setBytes(i++, r.executionTime().encode());
        ps.setBytes(i++, r.endToEnd().encode());
        ps.setLong(i++, r.tokens());
        ps.setDouble(i, r.cost());
    }

    /** A row of {@code execution_rollups} (one minute). */
    static Rollup rollup(ResultSet rs) throws SQLException {
        return rollup(rs, Rollup.MINUTE);
    }

    /** A rollup row of a table whose rows are {@code length} long. */
    static Rollup rollup(ResultSet rs, Duration length) throws SQLException {
        Map<RunStatus, Long> counts = new EnumMap<>(RunStatus.class);
        for (RunStatus s : RunStatus.values()) {
            counts.put(s, rs.getLong(countColumn(s)));
        }
        return new Rollup(rs.getString("workspace_id"), RollupDimension.valueOf(rs.getString("dimension")),
                subjectOf(rs.getString("subject")), instant(rs, "bucket_start"), length, rs.getString("instance_id"),
                counts, DurationHistogram.decode(rs.getBytes("queue_wait")),
                DurationHistogram.decode(rs.getBytes("execution_time")),
                DurationHistogram.decode(rs.getBytes("end_to_end")), rs.getLong("tokens"), rs.getDouble("cost"));
    }

    static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static String json(Map<String, Object> value) {
        return value == null ? null : JsonValues.toJson(value);
    }

    /** PostgreSQL text cannot hold U+0000; free text keeps everything else. */
    static String text(String s) {
        return s == null || s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
    }

    private static Map<String, Object> map(ResultSet rs, String column) throws SQLException {
        String text = rs.getString(column);
        return text == null ? null : JsonValues.copyOfMap(JsonValues.parse(text));
    }
}
