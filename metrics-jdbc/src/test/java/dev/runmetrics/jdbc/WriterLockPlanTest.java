package dev.runmetrics.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The writer's locked reads of a batch's stored rows cost a few index pages per key however the
 * planner sees the table: never analyzed (a fresh database before autovacuum's first visit), or
 * analyzed while it had a handful of rows and grown a lot since. Measured in buffers touched
 * (EXPLAIN ANALYZE BUFFERS as the application role, row-level security on), which, unlike time,
 * does not depend on the machine: here about 4 per run key and 6 per step key, against the step
 * table's ~2,800 heap pages. EXPLAIN plans with the actual keys and the current table size, as the
 * writer's unnamed statements are planned. The old form of the step lock is the control on the
 * never-analyzed tables: it reads the whole table there (what made a fresh database's first ~90 s
 * of ingest ten times slower).
 */
class WriterLockPlanTest {

    private static final String WS = "lock-plan";
    private static final int RUNS = 60_000;
    private static final int KEYS = 200;

    /** The statement before the fix, for the control. */
    private static final String OLD_LOCK_STEPS = "SELECT run_id, step_id, attempt, updated_at, status"
            + " FROM runmetrics.workflow_step_executions WHERE workspace_id = :ws AND run_id = ANY(:ids)"
            + " ORDER BY run_id, step_id, attempt FOR UPDATE";

    @Test
    void neverAnalyzedTables() throws SQLException {
        check(false);
    }

    @Test
    void tablesAnalyzedWhenTinyThenGrown() throws SQLException {
        check(true);
    }

    private static void check(boolean analyzeWhenTiny) throws SQLException {
        TestDatabase shared = TestDatabase.shared();
        TestDatabase db = TestDatabase.prepare(shared.adminUrl, shared.embedded,
                "runmetrics_lock_plan_" + (analyzeWhenTiny ? "a" : "n") + "_" + System.currentTimeMillis());
        try (Connection c = db.admin().getConnection(); Statement st = c.createStatement()) {
            // Storage settings belong to the partitions (where the rows are), not the partitioned table.
            List<String> leaves = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT relid::regclass::text FROM pg_partition_tree("
                    + "'runmetrics.workflow_executions') WHERE isleaf UNION ALL SELECT relid::regclass::text FROM"
                    + " pg_partition_tree('runmetrics.workflow_step_executions') WHERE isleaf")) {
                while (rs.next()) {
                    leaves.add(rs.getString(1));
                }
            }
            assertThat(leaves).as("partitions of the runs and steps").hasSizeGreaterThan(2);
            for (String leaf : leaves) {
                st.execute("ALTER TABLE " + leaf + " SET (autovacuum_enabled = false)");
            }
            insert(st, 1, 20);
            if (analyzeWhenTiny) {
                st.execute("ANALYZE runmetrics.workflow_executions");
                st.execute("ANALYZE runmetrics.workflow_step_executions");
            }
            insert(st, 21, RUNS);
        }
        // Half of the keys stored, half new, sorted as the writer sorts them.
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < KEYS / 2; i++) {
            keys.add("run-" + (1 + i * (RUNS / (KEYS / 2))));
            keys.add(UUID.randomUUID().toString());
        }
        String[] ids = keys.stream().sorted().toArray(String[]::new);

        try {
            Jdbi jdbi = Jdbi.create(db.app());
            long runs = buffers(jdbi, BatchWriter.LOCK_RUNS, ids, KEYS / 2);
            long steps = buffers(jdbi, BatchWriter.LOCK_STEPS, ids, 3 * KEYS / 2);
            // A probe is a descent of the primary key (3 levels here) and the heap pages of its rows.
            assertThat(runs).as("run lock, buffers for %d keys", KEYS).isLessThan(8L * KEYS);
            assertThat(steps).as("step lock, buffers for %d keys", KEYS).isLessThan(8L * KEYS);
            if (!analyzeWhenTiny) {
                long old = buffers(jdbi, OLD_LOCK_STEPS, ids, 3 * KEYS / 2);
                long heapPages = scalar(db, "SELECT pg_relation_size('runmetrics.workflow_step_executions') / 8192");
                assertThat(old).as("control: the old step lock reads the whole table (%d heap pages)", heapPages)
                        .isGreaterThan(heapPages);
            }
        } finally {
            try (Connection c = shared.admin().getConnection(); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE " + db.database);
            }
        }
    }

    /** Runs (EXPLAIN ANALYZE) the statement as the application role and returns the buffers it touched. */
    private static long buffers(Jdbi jdbi, String sql, String[] ids, int expectedRows) {
        return jdbi.inTransaction(h -> {
            JdbcRunStore.setWorkspace(h, WS);
            String plan = String.join("\n", h.createQuery("EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) " + sql)
                    .bind("ws", WS).bind("ids", ids).mapTo(String.class).list());
            assertThat(first(plan, "Actual Rows")).as(plan).isEqualTo(expectedRows);
            return first(plan, "Shared Hit Blocks") + first(plan, "Shared Read Blocks");
        });
    }

    /** The first (top node's) value of a numeric field of a JSON plan. */
    private static long first(String plan, String field) {
        Matcher m = Pattern.compile("\"" + field + "\": (\\d+)").matcher(plan);
        assertThat(m.find()).as(field + " in " + plan).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** Runs {@code run-from .. run-to} with 3 steps each, as the superuser (bypassing row-level security). */
    private static void insert(Statement st, int from, int to) throws SQLException {
        st.execute("INSERT INTO runmetrics.workflow_executions (workspace_id, run_id, workflow_id, workflow_name,"
                + " execution_number, status, attempt, queued_at, created_at, updated_at, instance_id, heartbeat_at,"
                + " attributes) SELECT '" + WS + "', 'run-' || i, 'wf', 'wf', i, 'running', 1, now(), now(), now(),"
                + " 'i', now(), '{}' FROM generate_series(" + from + ", " + to + ") AS i");
        st.execute("INSERT INTO runmetrics.workflow_step_executions (workspace_id, run_id, step_id, attempt, step_name,"
                + " step_order, node_name, status, queued_at, retry_count, attributes, updated_at)"
                + " SELECT '" + WS + "', 'run-' || i, 'step-' || k, 1, 'step', k, 'node', 'running', now(), 0, '{}',"
                + " now() FROM generate_series(" + from + ", " + to + ") AS i, generate_series(1, 3) AS k");
    }

    private static long scalar(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.admin().getConnection(); Statement st = c.createStatement();
                var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
