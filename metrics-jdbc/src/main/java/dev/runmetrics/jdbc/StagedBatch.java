package dev.runmetrics.jdbc;

import dev.runmetrics.core.model.JsonValues;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.store.RollupDimension;
import dev.runmetrics.jdbc.BatchWriter.RunPlan;
import dev.runmetrics.jdbc.BatchWriter.StepKey;
import dev.runmetrics.jdbc.BatchWriter.StoredRun;
import dev.runmetrics.jdbc.BatchWriter.StoredStep;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * One batch's transaction through staging tables: the same rows, rules and locks as the writer's
 * statement-per-table path ({@code BatchWriter.writeBatch}), in six round trips instead of about
 * thirteen and with less parsing in the database.
 *
 * <ol>
 *   <li>One round trip reads and locks everything the batch needs, for every workspace in it: the
 *       stored state of its runs and steps and the stored rollup rows of every key an end in the
 *       batch could add to (a superset of the keys it does add to: which ends are first ends is
 *       known only after the read). It also creates the two staging tables if this connection
 *       has none yet ({@code CREATE TEMP TABLE IF NOT EXISTS … ON COMMIT DELETE ROWS}: empty at
 *       every commit and rollback, and right after a pool hands over another server connection).
 *   <li>Java decides, as the other path does ({@link BatchWriter#planRuns},
 *       {@link BatchWriter#planSteps}), which snapshots win and which attempts ended for the first
 *       time, and adds the stored rollup rows into the batch's sums.
 *   <li>The winning runs and steps go into the staging tables with {@code COPY … (FORMAT binary)}
 *       (two round trips each; timestamps as integers, nothing for the server to parse but the
 *       JSON it validates anyway).
 *   <li>One round trip writes everything, per workspace after setting it for row-level security
 *       (the staging tables have no policies; each {@code INSERT … SELECT} takes only its
 *       workspace's rows, and the policies' {@code WITH CHECK} would refuse any other): the
 *       execution-number counters and the runs in one statement (a data-modifying CTE), the
 *       ended attempts, the steps, and one {@code INSERT … SELECT FROM unnest(arrays)} per rollup
 *       tier, and the commit.
 * </ol>
 *
 * <p>All or nothing, as before: a failure anywhere rolls the whole transaction back, so a retried
 * batch counts each end once. Locks are taken in one global order (per workspace: runs, steps,
 * rollup rows by tier, counters; each by sorted key), the same on every writer of this version.
 *
 * <p>Needs PgJDBC (for COPY) and the right to create temporary tables; the writer falls back to
 * the statement path otherwise. Not thread-safe: the writer thread's.
 */
final class StagedBatch {

    static final String RUNS = "pg_temp.runmetrics_staged_runs";
    static final String STEPS = "pg_temp.runmetrics_staged_steps";

    private static final String CREATE_RUNS = "CREATE TEMP TABLE IF NOT EXISTS runmetrics_staged_runs ("
            + "workspace_id text COLLATE \"C\", run_id text COLLATE \"C\", workflow_id text COLLATE \"C\","
            + " workflow_name text, status text, attempt int4, queued_at timestamptz, started_at timestamptz,"
            + " completed_at timestamptz, input_summary json, results_summary json, error_message text,"
            + " created_at timestamptz, updated_at timestamptz, instance_id text COLLATE \"C\","
            + " heartbeat_at timestamptz, attributes json, waited_between_attempts_us int8,"
            // How far before the workflow's last execution number this new run's number is; -1: not new.
            + " number_back int8) ON COMMIT DELETE ROWS";

    private static final String CREATE_STEPS = "CREATE TEMP TABLE IF NOT EXISTS runmetrics_staged_steps ("
            + "workspace_id text COLLATE \"C\", run_id text COLLATE \"C\", step_id text COLLATE \"C\","
            + " attempt int4, step_name text, step_order int4, node_name text, status text,"
            + " queued_at timestamptz, started_at timestamptz, completed_at timestamptz, retry_count int4,"
            + " error_message text, error_category text, input_summary json, output_summary json,"
            + " attributes json, updated_at timestamptz) ON COMMIT DELETE ROWS";

    /** The staging tables' NOTICEs ("already exists, skipping") are not worth a round of warnings. */
    private static final String BEGIN = "SELECT set_config('client_min_messages', 'warning', true),"
            + " set_config('statement_timeout', ?, true)";

    private static final String SET_WORKSPACE = "SELECT set_config('runmetrics.workspace_id', ?, true)";

    private static final String LOCK_RUNS = BatchWriter.LOCK_RUNS.replace(":ids", "?").replace(":ws", "?");
    private static final String LOCK_STEPS = BatchWriter.LOCK_STEPS.replace(":ids", "?").replace(":ws", "?");

    /** The counters and the runs: a new run's number is its workflow's new last number minus number_back. */
    static final String UPSERT_RUNS = "WITH numbers AS (INSERT INTO runmetrics.workflow_execution_counters AS c"
            + " (workspace_id, workflow_id, last_number)"
            + " SELECT ?, x.w, x.n FROM unnest(CAST(? AS text[]), CAST(? AS int8[])) AS x(w, n) ORDER BY x.w"
            + " ON CONFLICT (workspace_id, workflow_id) DO UPDATE SET last_number = c.last_number + EXCLUDED.last_number"
            + " RETURNING workflow_id, last_number) "
            + BatchWriter.UPSERT_RUN.replace("VALUES (" + Rows.RUN_VALUES + ")", "SELECT s.workspace_id, s.run_id,"
                    + " s.workflow_id, s.workflow_name,"
                    + " CASE WHEN s.number_back >= 0 THEN n.last_number - s.number_back ELSE 0 END, s.status,"
                    + " s.attempt, s.queued_at, s.started_at, s.completed_at, s.input_summary, s.results_summary,"
                    + " s.error_message, s.created_at, s.updated_at, s.instance_id, s.heartbeat_at, s.attributes,"
                    + " s.waited_between_attempts_us FROM " + RUNS + " s LEFT JOIN numbers n"
                    + " ON n.workflow_id = s.workflow_id AND s.number_back >= 0"
                    + " WHERE s.workspace_id = ? ORDER BY s.run_id");

    static final String UPSERT_STEPS = BatchWriter.UPSERT_STEP.replace("VALUES (" + Rows.STEP_VALUES + ")",
            "SELECT " + Rows.STEP_COLUMNS + " FROM " + STEPS + " WHERE workspace_id = ?"
                    + " ORDER BY run_id, step_id, attempt");

    private static final Map<RollupTier, String> LOCK_ROLLUPS = new EnumMap<>(RollupTier.class);
    private static final Map<RollupTier, String> UPSERT_ROLLUPS = new EnumMap<>(RollupTier.class);

    static {
        StringBuilder counts = new StringBuilder();
        StringBuilder names = new StringBuilder();
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < RunStatus.values().length; i++) {
            counts.append(", CAST(? AS int8[])");
            names.append(", c").append(i);
            values.append(", x.c").append(i);
        }
        for (RollupTier tier : RollupTier.values()) {
            LOCK_ROLLUPS.put(tier, BatchWriter.lockRollupsSql(tier).replace(":dims", "?").replace(":subjects", "?")
                    .replace("CAST(:starts AS timestamptz[])", "CAST(CAST(? AS text[]) AS timestamptz[])")
                    .replace(":ws", "?").replace(":instance_id", "?"));
            String single = Rows.upsertRollupSql(tier.table);
            UPSERT_ROLLUPS.put(tier, "INSERT INTO runmetrics." + tier.table + " (" + Rows.ROLLUP_COLUMNS + ")"
                    + " SELECT ?, x.dimension, x.subject, x.bucket_start, ?" + values
                    + ", x.queue_wait, x.execution_time, x.end_to_end, x.tokens, x.cost"
                    + " FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(CAST(? AS text[]) AS timestamptz[])"
                    + counts + ", CAST(? AS bytea[]), CAST(? AS bytea[]), CAST(? AS bytea[]), CAST(? AS int8[]),"
                    + " CAST(? AS float8[])) AS x(dimension, subject, bucket_start" + names
                    + ", queue_wait, execution_time, end_to_end, tokens, cost)"
                    + single.substring(single.indexOf(" ON CONFLICT")));
        }
    }

    /** A statement of a multi-statement round trip: its SQL, its parameters, and what reads its result. */
    private record Part(String sql, Binder binder, ResultReader reader) {}

    @FunctionalInterface
    private interface Binder {
        /** Binds from parameter {@code first}; returns the next free parameter index. */
        int bind(Connection c, PreparedStatement ps, int first) throws SQLException;
    }

    @FunctionalInterface
    private interface ResultReader {
        void read(ResultSet rs) throws SQLException;
    }

    private final String instanceId;
    private final int statementTimeoutMillis;
    private final BatchWriter.DatabaseClock clock;

    StagedBatch(String instanceId, int statementTimeoutMillis, BatchWriter.DatabaseClock clock) {
        this.instanceId = instanceId;
        this.statementTimeoutMillis = statementTimeoutMillis;
        this.clock = clock;
    }

    /** One workspace's part of the batch, and what the read found for it. */
    private static final class Workspace {
        final String id;
        final List<Run> runs;
        final List<StepRun> steps;
        final Map<String, StoredRun> runState = new HashMap<>();
        final Map<StepKey, StoredStep> stepState = new HashMap<>();
        final Map<RollupTier, Set<RollupAccumulator.Key>> candidates = new EnumMap<>(RollupTier.class);
        final Map<RollupTier, Map<RollupAccumulator.Key, RollupAccumulator.Sums>> stored =
                new EnumMap<>(RollupTier.class);
        RollupAccumulator rollups;
        RunPlan runPlan;
        List<StepRun> stepRows;

        Workspace(String id, List<Run> runs, List<StepRun> steps) {
            this.id = id;
            this.runs = runs;
            this.steps = steps;
        }
    }

    void write(Handle h, Map<String, List<Run>> runs, Map<String, List<StepRun>> steps) {
        TreeMap<String, Workspace> workspaces = new TreeMap<>();
        runs.forEach((ws, list) -> workspaces.computeIfAbsent(ws, k -> new Workspace(k, new ArrayList<>(),
                new ArrayList<>())).runs.addAll(list));
        steps.forEach((ws, list) -> workspaces.computeIfAbsent(ws, k -> new Workspace(k, new ArrayList<>(),
                new ArrayList<>())).steps.addAll(list));
        Connection c = h.getConnection();
        try {
            read(c, workspaces.values());
            for (Workspace w : workspaces.values()) {
                plan(w);
            }
            copyRuns(c, workspaces.values());
            copySteps(c, workspaces.values());
            writeAll(c, workspaces.values());
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        }
    }

    // ---- the read ---------------------------------------------------------------------------

    private void read(Connection c, Iterable<Workspace> workspaces) throws SQLException {
        List<Part> parts = new ArrayList<>();
        parts.add(new Part(BEGIN, (cn, ps, i) -> {
            ps.setString(i, Integer.toString(statementTimeoutMillis));
            return i + 1;
        }, null));
        parts.add(new Part(CREATE_RUNS, null, null));
        parts.add(new Part(CREATE_STEPS, null, null));
        for (Workspace w : workspaces) {
            parts.add(new Part(SET_WORKSPACE, (cn, ps, i) -> {
                ps.setString(i, w.id);
                return i + 1;
            }, null));
            if (!w.runs.isEmpty()) {
                String[] ids = w.runs.stream().map(Run::runId).distinct().sorted().toArray(String[]::new);
                parts.add(new Part(LOCK_RUNS, (cn, ps, i) -> {
                    ps.setArray(i, cn.createArrayOf("text", ids));
                    ps.setString(i + 1, w.id);
                    return i + 2;
                }, rs -> {
                    while (rs.next()) {
                        w.runState.put(rs.getString(1), new StoredRun(rs.getInt(2), Rows.instant(rs, "updated_at"),
                                RunStatus.parse(rs.getString(4))));
                    }
                }));
                for (Run run : w.runs) {
                    if (run.status().isTerminal() && run.completedAt() != null) {
                        RollupAccumulator.keysOf(run, w.candidates);
                    }
                }
            }
            if (!w.steps.isEmpty()) {
                String[] ids = w.steps.stream().map(StepRun::runId).distinct().sorted().toArray(String[]::new);
                parts.add(new Part(LOCK_STEPS, (cn, ps, i) -> {
                    ps.setArray(i, cn.createArrayOf("text", ids));
                    ps.setString(i + 1, w.id);
                    return i + 2;
                }, rs -> {
                    while (rs.next()) {
                        w.stepState.put(new StepKey(rs.getString(1), rs.getString(2), rs.getInt(3)),
                                new StoredStep(Rows.instant(rs, "updated_at"), RunStatus.parse(rs.getString(5))));
                    }
                }));
                for (StepRun step : w.steps) {
                    if (step.status().isTerminal() && step.completedAt() != null) {
                        RollupAccumulator.keysOf(step, w.candidates);
                    }
                }
            }
            for (RollupTier tier : RollupTier.values()) { // minute, hour, day: the lock order of both paths
                Set<RollupAccumulator.Key> keys = w.candidates.get(tier);
                if (keys == null) {
                    continue;
                }
                List<RollupAccumulator.Key> sorted = new ArrayList<>(keys);
                sorted.sort(BatchWriter.KEY_ORDER);
                Map<RollupAccumulator.Key, RollupAccumulator.Sums> found = new HashMap<>();
                w.stored.put(tier, found);
                String[] dims = new String[sorted.size()];
                String[] subjects = new String[sorted.size()];
                String[] starts = new String[sorted.size()];
                for (int k = 0; k < sorted.size(); k++) {
                    dims[k] = sorted.get(k).dimension().name();
                    subjects[k] = sorted.get(k).subject();
                    starts[k] = sorted.get(k).start().toString();
                }
                parts.add(new Part(LOCK_ROLLUPS.get(tier), (cn, ps, i) -> {
                    ps.setArray(i, cn.createArrayOf("text", dims));
                    ps.setArray(i + 1, cn.createArrayOf("text", subjects));
                    ps.setArray(i + 2, cn.createArrayOf("text", starts));
                    ps.setString(i + 3, w.id);
                    ps.setString(i + 4, instanceId);
                    return i + 5;
                }, rs -> {
                    while (rs.next()) {
                        RollupAccumulator.Key k = new RollupAccumulator.Key(
                                RollupDimension.valueOf(rs.getString("dimension")), rs.getString("subject"),
                                Rows.instant(rs, "bucket_start"));
                        RollupAccumulator.Sums s = new RollupAccumulator.Sums();
                        s.addStored(rs);
                        found.put(k, s);
                    }
                }));
            }
        }
        run(c, parts, true);
    }

    // ---- deciding -----------------------------------------------------------------------------

    private void plan(Workspace w) {
        w.rollups = new RollupAccumulator(w.id, instanceId);
        w.runPlan = BatchWriter.planRuns(w.runs, w.runState, w.rollups);
        w.stepRows = BatchWriter.planSteps(w.steps, w.stepState, w.rollups);
        for (RollupTier tier : RollupTier.values()) {
            Map<RollupAccumulator.Key, RollupAccumulator.Sums> stored = w.stored.getOrDefault(tier, Map.of());
            Set<RollupAccumulator.Key> locked = w.candidates.getOrDefault(tier, Set.of());
            for (Map.Entry<RollupAccumulator.Key, RollupAccumulator.Sums> e : w.rollups.sums(tier).entrySet()) {
                if (!locked.contains(e.getKey())) {
                    throw new IllegalStateException("rollup row " + e.getKey() + " was not read before the write");
                }
                RollupAccumulator.Sums s = stored.get(e.getKey());
                if (s != null) { // the batch's few values into the stored row's counts, not the other way
                    s.add(e.getValue());
                    e.setValue(s);
                }
            }
        }
    }

    // ---- COPY into the staging tables ---------------------------------------------------------

    /** Microseconds from the Unix epoch to PostgreSQL's (2000-01-01 UTC). */
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

    private static final byte[] COPY_HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0,
        0, 0, 0, 0, 0, 0, 0, 0};

    /**
     * PostgreSQL's binary COPY format, one tuple at a time, into a byte array kept from batch to
     * batch (growing it, and copying it out, cost more than writing the tuples).
     */
    private static final class CopyBuffer {
        private static final int KEEP_BYTES = 16 << 20;
        private byte[] bytes = new byte[1 << 16];
        private int length;
        int rows;

        /** Starts a new COPY stream: the header, no tuples. */
        CopyBuffer reset() {
            if (bytes.length > KEEP_BYTES) {
                bytes = new byte[1 << 16];
            }
            length = 0;
            rows = 0;
            put(COPY_HEADER, COPY_HEADER.length);
            return this;
        }

        private void room(int n) {
            if (length + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(length + n, bytes.length * 2));
            }
        }

        private void put(byte[] b, int n) {
            room(n);
            System.arraycopy(b, 0, bytes, length, n);
            length += n;
        }

        private void putShort(int v) {
            room(2);
            bytes[length++] = (byte) (v >>> 8);
            bytes[length++] = (byte) v;
        }

        private void putInt(int v) {
            room(4);
            bytes[length++] = (byte) (v >>> 24);
            bytes[length++] = (byte) (v >>> 16);
            bytes[length++] = (byte) (v >>> 8);
            bytes[length++] = (byte) v;
        }

        private void putLong(long v) {
            putInt((int) (v >>> 32));
            putInt((int) v);
        }

        void tuple(int fields) {
            putShort(fields);
            rows++;
        }

        void text(String s) {
            if (s == null) {
                putInt(-1);
                return;
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            putInt(b.length);
            put(b, b.length);
        }

        void int4(int v) {
            putInt(4);
            putInt(v);
        }

        void int8(long v) {
            putInt(8);
            putLong(v);
        }

        /** As {@link Rows#tsText}: rounded half up to the microsecond, as the driver binds a Timestamp. */
        void timestamp(Instant i) {
            if (i == null) {
                putInt(-1);
                return;
            }
            long micros = Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), (i.getNano() + 500) / 1000);
            int8(micros - PG_EPOCH_MICROS);
        }

        void copyInto(Connection c, String table) throws SQLException {
            putShort(-1);
            CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " FROM STDIN (FORMAT binary)");
            try {
                in.writeToCopy(bytes, 0, length);
                in.endCopy();
            } finally {
                if (in.isActive()) {
                    in.cancelCopy();
                }
            }
        }
    }

    private final CopyBuffer copyBuffer = new CopyBuffer();

    /** For each new run, how far before its workflow's new last execution number its number is. */
    private static Map<String, Long> numberBack(RunPlan plan) {
        Map<String, Long> numberBack = new HashMap<>();
        plan.newByWorkflow().forEach((wf, ids) -> {
            for (int i = 0; i < ids.size(); i++) {
                numberBack.put(ids.get(i), (long) (ids.size() - 1 - i));
            }
        });
        return numberBack;
    }

    private void copyRuns(Connection c, Iterable<Workspace> workspaces) throws SQLException {
        CopyBuffer b = copyBuffer.reset();
        for (Workspace w : workspaces) {
            Map<String, Long> numberBack = numberBack(w.runPlan);
            for (Run r : w.runPlan.rows()) {
                b.tuple(19);
                b.text(r.workspaceId());
                b.text(r.runId());
                b.text(r.workflowId());
                b.text(Rows.text(r.workflowName()));
                b.text(r.status().wireName());
                b.int4(r.attempt());
                b.timestamp(r.queuedAt());
                b.timestamp(r.startedAt());
                b.timestamp(r.completedAt());
                b.text(Rows.json(r.inputSummary()));
                b.text(Rows.json(r.resultsSummary()));
                b.text(Rows.text(r.errorMessage()));
                b.timestamp(r.createdAt());
                b.timestamp(r.updatedAt());
                b.text(r.instanceId());
                b.timestamp(r.heartbeatAt());
                b.text(JsonValues.toJson(r.attributes()));
                b.int8(Rows.micros(r.waitedBetweenAttempts()));
                b.int8(numberBack.getOrDefault(r.runId(), -1L));
            }
        }
        if (b.rows > 0) {
            long t = clock.start();
            b.copyInto(c, RUNS);
            clock.stop(t);
        }
    }

    private void copySteps(Connection c, Iterable<Workspace> workspaces) throws SQLException {
        CopyBuffer b = copyBuffer.reset();
        for (Workspace w : workspaces) {
            for (StepRun s : w.stepRows) {
                b.tuple(18);
                b.text(s.workspaceId());
                b.text(s.runId());
                b.text(s.stepId());
                b.int4(s.attempt());
                b.text(Rows.text(s.stepName()));
                b.int4(s.stepOrder());
                b.text(s.nodeName());
                b.text(s.status().wireName());
                b.timestamp(s.queuedAt());
                b.timestamp(s.startedAt());
                b.timestamp(s.completedAt());
                b.int4(s.retryCount());
                b.text(Rows.text(s.errorMessage()));
                b.text(Rows.text(s.errorCategory()));
                b.text(Rows.json(s.inputSummary()));
                b.text(Rows.json(s.outputSummary()));
                b.text(JsonValues.toJson(s.attributes()));
                b.timestamp(s.updatedAt());
            }
        }
        if (b.rows > 0) {
            long t = clock.start();
            b.copyInto(c, STEPS);
            clock.stop(t);
        }
    }

    // ---- the write ----------------------------------------------------------------------------

    private void writeAll(Connection c, Iterable<Workspace> workspaces) throws SQLException {
        List<Part> parts = new ArrayList<>();
        for (Workspace w : workspaces) {
            parts.add(new Part(SET_WORKSPACE, (cn, ps, i) -> {
                ps.setString(i, w.id);
                return i + 1;
            }, null));
            if (!w.runPlan.rows().isEmpty()) {
                String[] wfs = w.runPlan.newByWorkflow().keySet().toArray(String[]::new);
                Long[] counts = w.runPlan.newByWorkflow().values().stream().map(l -> (long) l.size())
                        .toArray(Long[]::new);
                parts.add(new Part(UPSERT_RUNS, (cn, ps, i) -> {
                    ps.setString(i, w.id);
                    ps.setArray(i + 1, cn.createArrayOf("text", wfs));
                    ps.setArray(i + 2, cn.createArrayOf("int8", counts));
                    ps.setString(i + 3, w.id);
                    return i + 4;
                }, null));
            }
            if (!w.runPlan.endings().isEmpty()) {
                Object[][] columns = Rows.endingArrays(w.runPlan.endings());
                parts.add(new Part(BatchWriter.INSERT_ENDINGS, arrays(columns), null));
            }
            if (!w.stepRows.isEmpty()) {
                parts.add(new Part(UPSERT_STEPS, (cn, ps, i) -> {
                    ps.setString(i, w.id);
                    return i + 1;
                }, null));
            }
            for (RollupTier tier : RollupTier.values()) {
                Map<RollupAccumulator.Key, RollupAccumulator.Sums> sums = w.rollups.sums(tier);
                if (sums.isEmpty()) {
                    continue;
                }
                List<RollupAccumulator.Key> keys = new ArrayList<>(sums.keySet());
                keys.sort(BatchWriter.KEY_ORDER);
                parts.add(new Part(UPSERT_ROLLUPS.get(tier), rollupArrays(w.id, keys, sums), null));
            }
        }
        // The commit rides with the writes: one round trip fewer. If anything before it fails,
        // PostgreSQL skips the rest of the round trip, the commit too, and the caller rolls back;
        // after it, the driver finds no transaction open and its own commit sends nothing.
        parts.add(new Part("COMMIT", null, null));
        run(c, parts, false);
    }

    private static Binder arrays(Object[][] columns) {
        return (cn, ps, i) -> {
            for (Object[] column : columns) {
                String type = column instanceof Long[] ? "int8" : column instanceof Integer[] ? "int4" : "text";
                ps.setArray(i++, cn.createArrayOf(type, column));
            }
            return i;
        };
    }

    private Binder rollupArrays(String ws, List<RollupAccumulator.Key> keys,
            Map<RollupAccumulator.Key, RollupAccumulator.Sums> sums) {
        int n = keys.size();
        int statuses = RunStatus.values().length;
        String[] dims = new String[n];
        String[] subjects = new String[n];
        String[] starts = new String[n];
        Long[][] counts = new Long[statuses][n];
        byte[][] queueWait = new byte[n][];
        byte[][] executionTime = new byte[n][];
        byte[][] endToEnd = new byte[n][];
        Long[] tokens = new Long[n];
        Double[] cost = new Double[n];
        for (int k = 0; k < n; k++) {
            RollupAccumulator.Key key = keys.get(k);
            RollupAccumulator.Sums s = sums.get(key);
            dims[k] = key.dimension().name();
            subjects[k] = key.subject();
            starts[k] = key.start().toString();
            for (int st = 0; st < statuses; st++) {
                counts[st][k] = s.counts[st];
            }
            queueWait[k] = s.queueWait.encode();
            executionTime[k] = s.executionTime.encode();
            endToEnd[k] = s.endToEnd.encode();
            tokens[k] = s.tokens;
            cost[k] = s.cost;
        }
        return (cn, ps, i) -> {
            ps.setString(i++, ws);
            ps.setString(i++, instanceId);
            ps.setArray(i++, cn.createArrayOf("text", dims));
            ps.setArray(i++, cn.createArrayOf("text", subjects));
            ps.setArray(i++, cn.createArrayOf("text", starts));
            for (Long[] column : counts) {
                ps.setArray(i++, cn.createArrayOf("int8", column));
            }
            ps.setArray(i++, cn.createArrayOf("bytea", queueWait));
            ps.setArray(i++, cn.createArrayOf("bytea", executionTime));
            ps.setArray(i++, cn.createArrayOf("bytea", endToEnd));
            ps.setArray(i++, cn.createArrayOf("int8", tokens));
            ps.setArray(i++, cn.createArrayOf("float8", cost));
            return i;
        };
    }

    /**
     * Runs the statements in one round trip (PgJDBC sends the statements of one multi-statement
     * string together and syncs once) and hands each result to its reader, in order.
     *
     * @param planEachTime send the statements unnamed, planned at every execution (the lock
     *     statements need it, see {@code BatchWriter.LOCK_RUNS})
     */
    private void run(Connection c, List<Part> parts, boolean planEachTime) throws SQLException {
        StringBuilder sql = new StringBuilder();
        for (Part p : parts) {
            sql.append(sql.length() == 0 ? "" : ";\n").append(p.sql());
        }
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            if (planEachTime) {
                ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0);
            }
            int i = 1;
            for (Part p : parts) {
                if (p.binder() != null) {
                    i = p.binder().bind(c, ps, i);
                }
            }
            long t = clock.start();
            boolean isResultSet = ps.execute();
            clock.stop(t);
            for (Part p : parts) {
                if (isResultSet && p.reader() != null) {
                    try (ResultSet rs = ps.getResultSet()) {
                        p.reader().read(rs);
                    }
                }
                isResultSet = ps.getMoreResults();
            }
        }
    }

    /** Whether this connection can take this path: PgJDBC, and the right to create temporary tables. */
    static boolean usable(Connection c) throws SQLException {
        if (!c.isWrapperFor(PGConnection.class)) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT has_database_privilege(current_database(), 'TEMPORARY')"); ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}
