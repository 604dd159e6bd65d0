package dev.runmetrics.jdbc;

import static dev.runmetrics.core.model.RunFixtures.newWorkspace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The writer's staged path ({@link StagedBatch}: COPY into staging tables, one round trip for the
 * reads and one for the writes) against its statement-by-statement path, on a real PostgreSQL:
 * the same snapshots give the same rows and the same rollup rows in every tier, every rollup count
 * equals the raw rows, and a batch that fails halfway (a transient error, a killed connection, a
 * rejected snapshot) is rolled back whole and written again, so nothing is lost or counted twice.
 */
class StagedBatchTest {

    static TestDatabase db;

    @BeforeAll
    static void start() {
        db = TestDatabase.shared();
    }

    private static final String[] WORKFLOWS = {"ingest", "report", "train"};
    private static final String[] NODES = {"fetch", "parse", "score", "llm", "store"};
    private static final String[] MODELS = {"small-model", "large-model"};
    /** Runs end from ten minutes before a UTC midnight to ten after: minute, hour and day rows on both sides. */
    private static final Instant BASE = Instant.parse("2026-05-31T23:50:00Z");

    /**
     * What recorders send for {@code runs} runs per workspace, interleaved across the workspaces
     * (so batches hold several): steps that fail and are retried as a new attempt, steps that call
     * models (tokens, cost), runs that fail and are resumed as a new attempt, snapshots sent twice,
     * and older snapshots that arrive after newer ones.
     */
    static List<Object> snapshots(List<String> workspaces, int runs, long seed) {
        Random random = new Random(seed);
        List<List<Object>> perRun = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            for (String ws : workspaces) {
                perRun.add(run(ws, i, new Random(random.nextLong())));
            }
        }
        // Interleave the runs' snapshot streams, keeping each run's own order.
        List<Object> out = new ArrayList<>();
        int[] next = new int[perRun.size()];
        int left = perRun.stream().mapToInt(List::size).sum();
        Random pick = new Random(seed + 1);
        int window = 0;
        while (left > 0) {
            window = Math.min(perRun.size(), window + 1);
            int r = pick.nextInt(Math.min(window, 40)) + Math.max(0, window - 40);
            if (next[r] < perRun.get(r).size()) {
                out.add(perRun.get(r).get(next[r]++));
                left--;
            } else {
                for (int k = 0; k < perRun.size(); k++) {
                    if (next[k] < perRun.get(k).size()) {
                        out.add(perRun.get(k).get(next[k]++));
                        left--;
                        break;
                    }
                }
            }
        }
        return out;
    }

    private static List<Object> run(String ws, int i, Random random) {
        List<Object> out = new ArrayList<>();
        String runId = String.format("run-%05d", i);
        String wf = WORKFLOWS[i % WORKFLOWS.length];
        Instant queued = BASE.plusMillis(i * 8_000L + random.nextInt(1000));
        Run base = Run.builder().workspaceId(ws).runId(runId).workflowId(wf).queuedAt(queued).updatedAt(queued)
                .instanceId("recorder").inputSummary(Map.of("i", (long) i)).build();
        out.add(base);
        int attempts = i % 7 == 3 ? 2 : 1; // resumed after a failure
        Instant t = queued.plusMillis(1 + random.nextInt(20));
        Run last = base;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            Run running = last.toBuilder().attempt(attempt).status(RunStatus.RUNNING).startedAt(t).completedAt(null)
                    .updatedAt(t).heartbeatAt(t).build();
            out.add(running);
            boolean fails = attempt < attempts || i % 11 == 5;
            int steps = 2 + random.nextInt(3);
            for (int k = 0; k < steps; k++) {
                String node = NODES[(i + k) % NODES.length];
                int stepAttempts = random.nextInt(6) == 0 ? 2 : 1; // a failed step retried
                for (int sa = 1; sa <= stepAttempts; sa++) {
                    Instant started = t.plusNanos(100_000L + random.nextInt(900_000));
                    StepRun.Builder b = StepRun.builder().workspaceId(ws).runId(runId).stepId("s" + k)
                            .stepName(node).stepOrder(k + 1).nodeName(node).attempt(attempt * 10 + sa)
                            .retryCount(sa - 1).status(RunStatus.RUNNING).queuedAt(t).startedAt(started)
                            .updatedAt(started);
                    if (node.equals("llm")) {
                        b.attributes(Map.of(StepRun.MODEL, MODELS[i % 2], StepRun.TOKENS, 100L + i,
                                StepRun.COST, 0.25 * (i % 5)));
                    }
                    StepRun stepRunning = b.build();
                    out.add(stepRunning);
                    Instant done = started.plusMillis(1 + random.nextInt(200));
                    boolean stepFails = sa < stepAttempts || (fails && k == steps - 1 && attempt == attempts);
                    StepRun ended = stepRunning.toBuilder().status(stepFails ? RunStatus.FAILED : RunStatus.COMPLETED)
                            .completedAt(done).updatedAt(done).errorMessage(stepFails ? "boom" : null)
                            .errorCategory(stepFails ? "OTHER" : null).outputSummary(Map.of("n", 1L)).build();
                    out.add(ended);
                    if (random.nextInt(10) == 0) {
                        out.add(ended); // sent twice
                    }
                    if (random.nextInt(12) == 0) {
                        out.add(stepRunning); // an older snapshot, late
                    }
                    t = done;
                }
            }
            Instant end = t.plusMillis(1);
            Run ended = running.toBuilder().status(fails ? RunStatus.FAILED : RunStatus.COMPLETED).completedAt(end)
                    .updatedAt(end).heartbeatAt(end).errorMessage(fails ? "failed" : null)
                    .resultsSummary(Map.of("ok", !fails)).build();
            out.add(ended);
            if (random.nextInt(8) == 0) {
                out.add(ended);
            }
            if (random.nextInt(9) == 0) {
                out.add(running); // late
            }
            last = ended;
            t = end.plusSeconds(20 + random.nextInt(40)); // waited before the resume
        }
        return out;
    }

    private static void save(JdbcRunStore store, List<Object> snapshots, Function<String, String> workspace) {
        for (Object o : snapshots) {
            if (o instanceof Run r) {
                String ws = workspace.apply(r.workspaceId());
                store.saveRun(ws, r.toBuilder().workspaceId(ws).build());
            } else {
                StepRun s = (StepRun) o;
                String ws = workspace.apply(s.workspaceId());
                store.saveStep(ws, s.toBuilder().workspaceId(ws).build());
            }
        }
        assertThat(store.flush(Duration.ofMinutes(2))).isTrue();
    }

    @Test
    void stagedBatchesWriteTheRowsAndRollupsThatStatementBatchesWrite() throws Exception {
        List<String> staged = List.of(newWorkspace(), newWorkspace(), newWorkspace());
        Map<String, String> twin = new HashMap<>();
        for (String ws : staged) {
            twin.put(ws, newWorkspace());
        }
        List<Object> snapshots = snapshots(staged, 150, 42);
        assertThat(snapshots).hasSizeGreaterThan(5_000);
        try (JdbcRunStore a = JdbcRunStore.builder(db.app()).instanceId("staged").maxBatchSize(211).build();
                JdbcRunStore b = JdbcRunStore.builder(db.app()).instanceId("statements").maxBatchSize(211).build()) {
            b.writer().writeStatementByStatement();
            save(a, snapshots, ws -> ws);
            save(b, snapshots, twin::get);
            assertThat(a.stats().failed()).isZero();
            assertThat(b.stats().failed()).isZero();
            assertThat(a.stats().batches()).isGreaterThan(20);
        }
        for (String ws : staged) {
            for (String table : new String[] {"workflow_executions", "workflow_step_executions", "run_attempt_endings"}) {
                assertThat(rows(table, ws, "instance_id")).as(table).hasSizeGreaterThan(100)
                        .isEqualTo(rows(table, twin.get(ws), "instance_id"));
            }
            for (RollupTier tier : RollupTier.values()) {
                List<List<Object>> rows = rows(tier.table, ws, "instance_id");
                assertThat(rows).as(tier.table).hasSizeGreaterThan(tier == RollupTier.DAY ? 10 : 30)
                        .isEqualTo(rows(tier.table, twin.get(ws), "instance_id"));
                assertCountsMatchRawRows(tier, ws);
            }
        }
        // Both days and several hours and minutes are there.
        assertThat(scalar("SELECT count(DISTINCT bucket_start) FROM runmetrics.execution_rollups_daily"
                + " WHERE workspace_id = '" + staged.get(0) + "'")).isEqualTo(2);
    }

    /** Each rollup tier counts every ended run attempt and step run once, per subject and in the all-subjects rows. */
    private static void assertCountsMatchRawRows(RollupTier tier, String ws) throws SQLException {
        String sum = "sum(count_completed + count_failed + count_cancelled + count_timeout + count_skipped)";
        String rollups = "FROM runmetrics." + tier.table + " WHERE workspace_id = '" + ws + "'";
        assertThat(map("SELECT subject, " + sum + " " + rollups + " AND dimension = 'WORKFLOW' GROUP BY subject"))
                .isEqualTo(map("SELECT workflow_id, count(*) FROM runmetrics.run_attempt_endings WHERE workspace_id = '"
                        + ws + "' GROUP BY workflow_id UNION ALL SELECT '', count(*) FROM runmetrics.run_attempt_endings"
                        + " WHERE workspace_id = '" + ws + "'"));
        assertThat(map("SELECT dimension || '/' || subject, " + sum + " " + rollups
                + " AND dimension LIKE 'WORKFLOW\\_%' AND subject = '' GROUP BY 1"))
                .isEqualTo(map("SELECT 'WORKFLOW_' || upper(status) || '/', count(*) FROM runmetrics.run_attempt_endings"
                        + " WHERE workspace_id = '" + ws + "' GROUP BY status"));
        String endedSteps = "FROM runmetrics.workflow_step_executions WHERE workspace_id = '" + ws
                + "' AND completed_at IS NOT NULL";
        assertThat(map("SELECT subject, " + sum + " " + rollups + " AND dimension = 'NODE' GROUP BY subject"))
                .isEqualTo(map("SELECT node_name, count(*) " + endedSteps + " GROUP BY node_name UNION ALL"
                        + " SELECT '', count(*) " + endedSteps));
        assertThat(map("SELECT subject, sum(tokens) " + rollups + " AND dimension = 'MODEL' GROUP BY subject"))
                .isEqualTo(map("SELECT attributes->>'model', sum((attributes->>'tokens')::bigint) " + endedSteps
                        + " AND attributes->>'model' IS NOT NULL GROUP BY 1 UNION ALL SELECT '',"
                        + " sum((attributes->>'tokens')::bigint) " + endedSteps + " AND attributes->>'model' IS NOT NULL"));
        // Terminal step rows that ended more than once (a failed attempt, then a retry) were each counted.
        assertThat(scalar("SELECT count(*) " + endedSteps + " AND attempt % 10 = 2")).isPositive();
        assertThat(scalar("SELECT count(*) FROM runmetrics.run_attempt_endings WHERE workspace_id = '" + ws
                + "' AND attempt = 2")).isPositive();
    }

    @Test
    void aBatchThatFailsHalfwayIsRolledBackAndWrittenAgainWhole() throws Exception {
        String ws = newWorkspace();
        String twin = newWorkspace();
        List<Object> snapshots = snapshots(List.of(ws), 60, 7);
        // The daily rollup rows are the last statement of a batch's write: fail it twice with a
        // serialization failure (transient), then kill the writer's connection there once.
        try (Connection c = db.admin().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE SEQUENCE IF NOT EXISTS public.staged_test_failures");
            st.execute("GRANT USAGE ON SEQUENCE public.staged_test_failures TO " + TestDatabase.APP_ROLE);
            st.execute("CREATE OR REPLACE FUNCTION public.staged_test_fail() RETURNS trigger LANGUAGE plpgsql"
                    + " SECURITY DEFINER AS $$ DECLARE n bigint; BEGIN"
                    + " IF NEW.workspace_id = '" + ws + "' THEN n := nextval('public.staged_test_failures');"
                    + " IF n <= 2 THEN RAISE EXCEPTION 'injected' USING ERRCODE = '40001'; END IF;"
                    + " IF n = 3 THEN PERFORM pg_terminate_backend(pg_backend_pid()); PERFORM pg_sleep(5); END IF;"
                    + " END IF; RETURN NEW; END $$");
            st.execute("CREATE TRIGGER staged_test_fail BEFORE INSERT ON runmetrics.execution_rollups_daily"
                    + " FOR EACH ROW EXECUTE FUNCTION public.staged_test_fail()");
        }
        try (JdbcRunStore a = JdbcRunStore.builder(db.app()).instanceId("staged-fail").maxBatchSize(500)
                .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50)).build();
                JdbcRunStore b = JdbcRunStore.builder(db.app()).instanceId("statements-fail").maxBatchSize(500).build()) {
            b.writer().writeStatementByStatement();
            save(a, snapshots, x -> ws);
            save(b, snapshots, x -> twin);
            assertThat(a.stats().retries()).isGreaterThanOrEqualTo(3);
            assertThat(a.stats().failed()).isZero();
            assertThat(a.stats().written()).isEqualTo(snapshots.size());
        } finally {
            try (Connection c = db.admin().getConnection(); Statement st = c.createStatement()) {
                st.execute("DROP TRIGGER staged_test_fail ON runmetrics.execution_rollups_daily");
            }
        }
        assertThat(scalar("SELECT nextval('public.staged_test_failures')")).isGreaterThan(3);
        for (String table : new String[] {"workflow_executions", "workflow_step_executions", "run_attempt_endings"}) {
            assertThat(rows(table, ws, "instance_id")).as(table).isEqualTo(rows(table, twin, "instance_id"));
        }
        for (RollupTier tier : RollupTier.values()) {
            assertThat(rows(tier.table, ws, "instance_id")).as(tier.table)
                    .isEqualTo(rows(tier.table, twin, "instance_id"));
            assertCountsMatchRawRows(tier, ws);
        }
    }

    @Test
    void aSnapshotTheDatabaseRejectsCostsOnlyItselfAndIsNotCounted() throws Exception {
        String ws = newWorkspace();
        List<Object> snapshots = new ArrayList<>(snapshots(List.of(ws), 30, 11));
        // A step whose name PostgreSQL cannot store (a bad UTF-8 sequence cannot be made in Java;
        // a check constraint added for the test rejects this one node instead).
        StepRun bad = StepRun.builder().workspaceId(ws).runId("run-00003").stepId("bad").stepName("rejected")
                .stepOrder(9).nodeName("rejected-node").status(RunStatus.COMPLETED).queuedAt(BASE).startedAt(BASE)
                .completedAt(BASE.plusMillis(5)).updatedAt(BASE.plusMillis(5)).build();
        snapshots.add(snapshots.size() / 2, bad);
        try (Connection c = db.admin().getConnection(); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE runmetrics.workflow_step_executions ADD CONSTRAINT staged_test_reject"
                    + " CHECK (node_name <> 'rejected-node') NOT VALID");
        }
        try (JdbcRunStore a = JdbcRunStore.builder(db.app()).instanceId("staged-reject").maxBatchSize(400).build()) {
            save(a, snapshots, x -> ws);
            assertThat(a.stats().failed()).isEqualTo(1);
            assertThat(a.stats().written()).isEqualTo(snapshots.size() - 1);
        } finally {
            try (Connection c = db.admin().getConnection(); Statement st = c.createStatement()) {
                st.execute("ALTER TABLE runmetrics.workflow_step_executions DROP CONSTRAINT staged_test_reject");
            }
        }
        assertThat(scalar("SELECT count(*) FROM runmetrics.execution_rollups WHERE workspace_id = '" + ws
                + "' AND subject = 'rejected-node'")).isZero();
        for (RollupTier tier : RollupTier.values()) {
            assertCountsMatchRawRows(tier, ws);
        }
    }

    // ---- reading back, as the superuser (no row-level security) --------------------------------

    /** A workspace's rows of a table, all columns but the workspace and {@code ignore}, in key order. */
    private static List<List<Object>> rows(String table, String ws, String ignore) throws SQLException {
        DataSource admin = db.admin();
        List<List<Object>> out = new ArrayList<>();
        try (Connection c = admin.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM runmetrics." + table + " WHERE workspace_id = '" + ws
                        + "' ORDER BY 2, 3, 4")) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    String name = md.getColumnName(i);
                    if (name.equals("workspace_id") || name.equals(ignore)) {
                        continue;
                    }
                    Object v = rs.getObject(i);
                    row.add(v instanceof byte[] bytes ? Arrays.toString(bytes) : v == null ? "null" : v.toString());
                }
                out.add(row);
            }
        }
        return out;
    }

    private static Map<String, Long> map(String sql) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = db.admin().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    private static long scalar(String sql) throws SQLException {
        try (Connection c = db.admin().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
