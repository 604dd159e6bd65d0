package dev.runmetrics.bench.store;

import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.jdbc.internal.HdrCounts;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Fills a migrated, empty runmetrics schema with {@code runs} ended runs of several workflows spread
 * evenly over {@code days} days ending at {@code end}, each with {@code stepsPerRun} sequential steps,
 * and the minute, hour and day rollup rows those runs and steps would have produced.
 *
 * <p><b>It bypasses the store's writer on purpose.</b> The writer's job is to record live runs one
 * snapshot at a time, with its guarantees (idempotence, newer-wins, once-only rollups); pushing 10
 * million runs and 30 million steps through it would take hours and measure nothing the ingest
 * benchmark does not. The loader writes the same rows the writer would (same columns, same
 * rollup semantics as {@code Rollup.forRun}/{@code forStep}: one count per ended run or step in
 * the UTC minute, hour and day of its {@code completedAt}, for its subject and for all subjects of
 * its dimension, histograms of queue wait, execution time and
 * end-to-end latency in µs, tokens and cost per model) with PostgreSQL's COPY, as the superuser
 * (COPY into a table with row-level security needs a role that bypasses it), into tables whose
 * secondary indexes are dropped first and rebuilt afterwards. The data is deterministic for a seed.
 */
final class BulkLoader {

    static final String WORKSPACE = "bench";
    static final String INSTANCE = "bulk-loader";
    static final String[] WORKFLOWS = {"basic_sequence", "parallel_processing", "conditional_workflow", "data_pipeline",
        "etl_nightly", "report_builder", "ml_scoring", "notify_fanout"};
    static final String[] NODES = {"fetch", "parse", "transform", "validate", "enrich", "store", "notify", "score",
        "classify", "summarize", "embed", "index"};
    static final String MODEL_NODE = "summarize";
    /** The subject of the rows that hold the sum of all subjects of a dimension (schema V004). */
    static final String ALL_SUBJECTS = "";

    private final int runs;
    private final int stepsPerRun;
    private final Instant end;
    private final long spanMicros;
    private final SplittableRandom random;

    /** The rollup tables, finest first, and the length of their rows in µs. */
    static final String[] ROLLUP_TABLES = {"execution_rollups", "execution_rollups_hourly", "execution_rollups_daily"};
    private static final long[] TIER_MICROS = {60_000_000L, 3_600_000_000L, 86_400_000_000L};

    /** Per rollup table: sums per key, in time windows flushed once no later run can reach them. */
    private final List<TreeMap<Long, Map<String, Sums>>> windows = List.of(new TreeMap<>(), new TreeMap<>(),
            new TreeMap<>());
    /** Per rollup table: rows written. */
    final long[] rollupRows = new long[ROLLUP_TABLES.length];

    BulkLoader(int runs, int stepsPerRun, int days, Instant end, long seed) {
        this.runs = runs;
        this.stepsPerRun = stepsPerRun;
        this.end = end;
        this.spanMicros = days * 86_400L * 1_000_000L;
        this.random = new SplittableRandom(seed);
    }

    private static final class Sums {
        final String dimension;
        final String subject;
        final EnumMap<RunStatus, Long> counts = new EnumMap<>(RunStatus.class);
        final Samples queueWait = new Samples();
        final Samples executionTime = new Samples();
        final Samples endToEnd = new Samples();
        long tokens;
        double cost;

        Sums(String dimension, String subject) {
            this.dimension = dimension;
            this.subject = subject;
        }
    }

    /** A row's samples as histogram bucket indexes, encoded once when the row is final. */
    private static final class Samples {
        int[] indexes = new int[4];
        int n;

        void recordMicros(long micros) {
            if (n == indexes.length) {
                indexes = java.util.Arrays.copyOf(indexes, n * 2);
            }
            indexes[n++] = HdrCounts.indexOf(Math.max(0, micros));
        }

        byte[] encode() {
            java.util.Arrays.sort(indexes, 0, n);
            return HdrCounts.encodeSorted(indexes, n);
        }
    }

    /** The loader's encoding reads back as the histogram core would have built from the samples. */
    private static void selfCheck() {
        SplittableRandom r = new SplittableRandom(1);
        for (int round = 0; round < 20; round++) {
            Samples samples = new Samples();
            dev.runmetrics.core.store.DurationHistogram.Builder want = dev.runmetrics.core.store.DurationHistogram
                    .builder();
            for (int i = 0; i < round * 37; i++) {
                long v = (long) Math.exp(r.nextDouble() * 22);
                samples.recordMicros(v);
                want.recordMicros(v);
            }
            if (!dev.runmetrics.core.store.DurationHistogram.decode(samples.encode()).equals(want.build())) {
                throw new IllegalStateException("the loader's histogram encoding disagrees with core's");
            }
        }
    }

    /** Loads everything; returns a one-line summary. */
    String load(DataSource admin) throws SQLException {
        selfCheck();
        try (Connection c = admin.getConnection()) {
            c.setAutoCommit(true);
            List<String> indexes = dropSecondaryIndexes(c);
            CopyIn runCopy = null;
            long t0 = System.nanoTime();
            // One COPY at a time per connection: runs, steps and each rollup table (flushed as
            // time advances) stream through their own connection.
            try (Connection stepsConn = admin.getConnection(); Connection minuteConn = admin.getConnection();
                    Connection hourConn = admin.getConnection(); Connection dayConn = admin.getConnection()) {
                CopyIn stepCopy = copy(stepsConn, "workflow_step_executions", STEP_COLUMNS);
                runCopy = copy(c, "workflow_executions", RUN_COLUMNS);
                Copy runOut = new Copy(runCopy);
                Copy stepOut = new Copy(stepCopy);
                Connection[] rollupConns = {minuteConn, hourConn, dayConn};
                Copy[] rollupOut = new Copy[ROLLUP_TABLES.length];
                for (int t = 0; t < rollupOut.length; t++) {
                    rollupOut[t] = new Copy(rollupConns[t], ROLLUP_TABLES[t], ROLLUP_COLUMNS);
                }
                generate(runOut, stepOut, rollupOut);
                runOut.finish();
                stepOut.finish();
                for (Copy out : rollupOut) {
                    out.finish();
                }
            }
            long loaded = System.nanoTime() - t0;
            try (Statement st = c.createStatement()) {
                st.execute("INSERT INTO runmetrics.workflow_execution_counters (workspace_id, workflow_id, last_number)"
                        + " SELECT workspace_id, workflow_id, max(execution_number) FROM runmetrics.workflow_executions"
                        + " GROUP BY 1, 2");
                st.execute("SET maintenance_work_mem = '1GB'");
                for (String ddl : indexes) {
                    st.execute(ddl);
                }
                long indexed = System.nanoTime() - t0 - loaded;
                st.execute("VACUUM (ANALYZE) runmetrics.workflow_executions");
                st.execute("VACUUM (ANALYZE) runmetrics.workflow_step_executions");
                for (String table : ROLLUP_TABLES) {
                    st.execute("VACUUM (ANALYZE) runmetrics." + table);
                }
                st.execute("CHECKPOINT");
                long total = System.nanoTime() - t0;
                return String.format("loaded %,d runs, %,d steps, %,d minute, %,d hour and %,d day rollup rows:"
                        + " COPY %.1f s, indexes %.1f s, vacuum+analyze+checkpoint %.1f s, total %.1f s", runs,
                        (long) runs * stepsPerRun, rollupRows[0], rollupRows[1], rollupRows[2], loaded / 1e9,
                        indexed / 1e9,
                        (total - loaded - indexed) / 1e9, total / 1e9);
            }
        }
    }

    /** Drops the indexes that are not primary keys; returns the statements that re-create them. */
    private static List<String> dropSecondaryIndexes(Connection c) throws SQLException {
        List<String> ddl = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT i.indexname, i.indexdef FROM pg_indexes i"
                        + " JOIN pg_class x ON x.relname = i.indexname JOIN pg_index p ON p.indexrelid = x.oid"
                        + " WHERE i.schemaname = 'runmetrics' AND NOT p.indisprimary")) {
            while (rs.next()) {
                names.add(rs.getString(1));
                ddl.add(rs.getString(2));
            }
        }
        try (Statement st = c.createStatement()) {
            for (String name : names) {
                st.execute("DROP INDEX runmetrics." + name);
            }
        }
        return ddl;
    }

    static final String RUN_COLUMNS = "workspace_id, run_id, workflow_id, workflow_name, execution_number, status,"
            + " attempt, queued_at, started_at, completed_at, input_summary, results_summary, error_message,"
            + " created_at, updated_at, instance_id, heartbeat_at, attributes";
    static final String STEP_COLUMNS = "workspace_id, run_id, step_id, attempt, step_name, step_order, node_name,"
            + " status, queued_at, started_at, completed_at, retry_count, error_message, error_category,"
            + " input_summary, output_summary, attributes, updated_at";
    static final String ROLLUP_COLUMNS = "workspace_id, dimension, subject, bucket_start, instance_id, count_queued,"
            + " count_running, count_completed, count_failed, count_cancelled, count_timeout, count_paused,"
            + " count_skipped, queue_wait, execution_time, end_to_end, tokens, cost";

    private static CopyIn copy(Connection c, String table, String columns) throws SQLException {
        return c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY runmetrics." + table + " (" + columns
                + ") FROM STDIN");
    }

    /** A COPY stream fed through a 1 MB text buffer. */
    private static final class Copy {
        final CopyIn in;
        final StringBuilder sb = new StringBuilder(1 << 21);

        Copy(CopyIn in) {
            this.in = in;
        }

        Copy(Connection c, String table, String columns) throws SQLException {
            this(copy(c, table, columns));
        }

        StringBuilder row() {
            return sb;
        }

        void endRow() throws SQLException {
            sb.append('\n');
            if (sb.length() > (1 << 20)) {
                flush();
            }
        }

        void flush() throws SQLException {
            byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
            in.writeToCopy(bytes, 0, bytes.length);
            sb.setLength(0);
        }

        void finish() throws SQLException {
            flush();
            in.endCopy();
        }
    }

    private void generate(Copy runOut, Copy stepOut, Copy[] rollupOut) throws SQLException {
        long endMicros = end.getEpochSecond() * 1_000_000L;
        long startMicros = endMicros - spanMicros;
        long[] numbers = new long[WORKFLOWS.length];
        long runIdBase = random.nextLong() >>> 16;
        for (int i = 0; i < runs; i++) {
            int w = random.nextInt(WORKFLOWS.length);
            long queued = startMicros + (long) ((double) i / runs * (spanMicros - 15 * 60_000_000L));
            long wait = (long) (-Math.log(1 - random.nextDouble()) * 200_000); // mean 200 ms
            long started = queued + wait;
            double exec = Math.exp(Math.log(500_000.0 * (1 + w)) + 0.8 * random.nextGaussian());
            long execMicros = Math.min(600_000_000L, Math.max(1_000, (long) exec));
            double r = random.nextDouble();
            RunStatus status = r < 0.93 ? RunStatus.COMPLETED : r < 0.98 ? RunStatus.FAILED
                    : r < 0.99 ? RunStatus.TIMEOUT : RunStatus.CANCELLED;
            String runId = uuid7(queued, runIdBase + i);
            // steps run one after the other and share the run's execution time
            long stepStart = started;
            long completed = started;
            for (int k = 0; k < stepsPerRun; k++) {
                long stepWait = 100 + random.nextInt(2_000);
                long stepQueued = stepStart;
                long stepStarted = stepQueued + stepWait;
                long stepExec = Math.max(500, execMicros / stepsPerRun - stepWait);
                long stepCompleted = stepStarted + stepExec;
                boolean lastStep = k == stepsPerRun - 1;
                RunStatus stepStatus = lastStep && status != RunStatus.COMPLETED ? status : RunStatus.COMPLETED;
                String node = NODES[(w * 3 + k) % NODES.length];
                boolean model = node.equals(MODEL_NODE);
                long tokens = model ? 200 + random.nextInt(2_000) : 0;
                double cost = tokens * 0.00001;
                StringBuilder s = stepOut.row();
                s.append(WORKSPACE).append('\t').append(runId).append('\t').append("step-").append(k + 1)
                        .append("\t1\t").append(node).append('\t').append(k + 1).append('\t').append(node).append('\t')
                        .append(stepStatus.wireName()).append('\t');
                ts(s, stepQueued).append('\t');
                ts(s, stepStarted).append('\t');
                ts(s, stepCompleted).append("\t0\t");
                if (stepStatus == RunStatus.COMPLETED) {
                    s.append("\\N\t\\N\t");
                } else {
                    s.append("step failed\tOTHER\t");
                }
                s.append("\\N\t\\N\t");
                if (model) {
                    s.append("{\"model\":\"gpt-bench\",\"tokens\":").append(tokens).append(",\"cost\":").append(cost)
                            .append('}');
                } else {
                    s.append("{}");
                }
                s.append('\t');
                ts(s, stepCompleted);
                stepOut.endRow();
                add("NODE", node, stepCompleted, stepStatus, stepStarted - stepQueued, stepExec,
                        stepCompleted - stepQueued, 0, 0);
                if (model) {
                    add("MODEL", "gpt-bench", stepCompleted, stepStatus, stepStarted - stepQueued, stepExec,
                            stepCompleted - stepQueued, tokens, cost);
                }
                stepStart = stepCompleted;
                completed = stepCompleted;
            }
            long number = ++numbers[w];
            StringBuilder s = runOut.row();
            s.append(WORKSPACE).append('\t').append(runId).append('\t').append(WORKFLOWS[w]).append('\t')
                    .append(WORKFLOWS[w]).append('\t').append(number).append('\t').append(status.wireName())
                    .append("\t1\t");
            ts(s, queued).append('\t');
            ts(s, started).append('\t');
            ts(s, completed).append("\t{\"items\":").append(1 + (i % 50)).append("}\t");
            s.append(status == RunStatus.COMPLETED ? "{\"ok\":true}" : "\\N").append('\t');
            s.append(status == RunStatus.COMPLETED ? "\\N" : "run " + status.wireName()).append('\t');
            ts(s, queued).append('\t');
            ts(s, completed).append('\t').append(INSTANCE).append('\t');
            ts(s, completed).append("\t{}");
            runOut.endRow();
            add("WORKFLOW", WORKFLOWS[w], completed, status, started - queued, completed - started, completed - queued,
                    0, 0);
            if ((i & 1023) == 0) {
                // no later run ends before its queued time, and none ends more than ~11 minutes
                // after it (execution capped at 10 minutes): older windows are final
                long safe = queued - 15 * 60_000_000L;
                for (int t = 0; t < ROLLUP_TABLES.length; t++) {
                    flushBefore(t, Math.floorDiv(safe, TIER_MICROS[t]) * TIER_MICROS[t], rollupOut[t]);
                }
            }
        }
        for (int t = 0; t < ROLLUP_TABLES.length; t++) {
            flushBefore(t, Long.MAX_VALUE, rollupOut[t]);
        }
    }

    private void add(String dimension, String subject, long completed, RunStatus status, long wait, long exec,
            long e2e, long tokens, double cost) {
        for (int t = 0; t < ROLLUP_TABLES.length; t++) {
            long start = Math.floorDiv(completed, TIER_MICROS[t]) * TIER_MICROS[t];
            // the subject's row and the dimension's all-subjects row (subject "", as the writer keeps)
            for (Sums s : new Sums[] {sums(windows.get(t), start, dimension, subject),
                sums(windows.get(t), start, dimension, ALL_SUBJECTS)}) {
                s.counts.merge(status, 1L, Long::sum);
                s.queueWait.recordMicros(wait);
                s.executionTime.recordMicros(exec);
                s.endToEnd.recordMicros(e2e);
                s.tokens += tokens;
                s.cost += cost;
            }
        }
    }

    private static Sums sums(TreeMap<Long, Map<String, Sums>> window, long start, String dimension, String subject) {
        return window.computeIfAbsent(start, k -> new HashMap<>())
                .computeIfAbsent(dimension + "/" + subject, k -> new Sums(dimension, subject));
    }

    /** Writes the rows of rollup table {@code t} whose bucket starts before {@code before}. */
    private void flushBefore(int t, long before, Copy out) throws SQLException {
        Iterator<Map.Entry<Long, Map<String, Sums>>> it = windows.get(t).headMap(before, false).entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Map<String, Sums>> e = it.next();
            for (Sums s : e.getValue().values()) {
                writeRollup(out, e.getKey(), s);
                rollupRows[t]++;
            }
            it.remove();
        }
    }

    private static final HexFormat HEX = HexFormat.of();

    private static void writeRollup(Copy out, long start, Sums s) throws SQLException {
        StringBuilder sb = out.row();
        sb.append(WORKSPACE).append('\t').append(s.dimension).append('\t').append(s.subject).append('\t');
        ts(sb, start).append('\t').append(INSTANCE);
        for (RunStatus st : RunStatus.values()) {
            sb.append('\t').append(s.counts.getOrDefault(st, 0L));
        }
        for (Samples b : new Samples[] {s.queueWait, s.executionTime, s.endToEnd}) {
            sb.append("\t\\\\x").append(HEX.formatHex(b.encode()));
        }
        sb.append('\t').append(s.tokens).append('\t').append(s.cost);
        out.endRow();
    }

    /** A time-ordered (version 7 layout) UUID string: 48 bits of milliseconds, then the sequence. */
    static String uuid7(long epochMicros, long sequence) {
        long msb = ((epochMicros / 1000) << 16) | 0x7000L | ((sequence >>> 48) & 0x0fffL);
        long lsb = 0x8000000000000000L | (sequence & 0x3fffffffffffffffL);
        return new java.util.UUID(msb, lsb).toString();
    }

    private static long cachedDay = Long.MIN_VALUE;
    private static String cachedDate;

    /** Appends {@code yyyy-mm-dd hh:mm:ss.uuuuuu+00}. */
    static StringBuilder ts(StringBuilder sb, long epochMicros) {
        long seconds = Math.floorDiv(epochMicros, 1_000_000L);
        int micros = (int) Math.floorMod(epochMicros, 1_000_000L);
        long day = Math.floorDiv(seconds, 86_400L);
        int secOfDay = (int) Math.floorMod(seconds, 86_400L);
        if (day != cachedDay) {
            cachedDate = LocalDate.ofEpochDay(day).toString();
            cachedDay = day;
        }
        sb.append(cachedDate).append(' ');
        two(sb, secOfDay / 3600).append(':');
        two(sb, secOfDay / 60 % 60).append(':');
        two(sb, secOfDay % 60).append('.');
        String m = Integer.toString(micros);
        for (int i = m.length(); i < 6; i++) {
            sb.append('0');
        }
        return sb.append(m).append("+00");
    }

    private static StringBuilder two(StringBuilder sb, int v) {
        return sb.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }
}
