package dev.runmetrics.jdbc;

import static dev.runmetrics.core.model.RunFixtures.ended;
import static dev.runmetrics.core.model.RunFixtures.newWorkspace;
import static dev.runmetrics.core.model.RunFixtures.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.model.Ids;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.store.ResumeAudit;
import dev.runmetrics.core.store.ResumeOutcome;
import dev.runmetrics.core.store.StepCheckpoint;
import dev.runmetrics.core.time.ManualClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Upgrading a store with history in it to the day-partitioned tables: every row of every table is
 * there afterwards, each in the partition of its run's day (ids in another form in the default
 * partition), under the same keys and indexes, still isolated by workspace, and the application
 * role writes on as before.
 */
class PartitionedHistoryMigrationTest {

    private static final Instant DAY_1 = Instant.parse("2026-06-01T08:00:00Z");
    private static final Instant DAY_2 = Instant.parse("2026-06-03T23:59:59Z");

    @Test
    void theUpgradeKeepsEveryRowAndPutsItInItsDaysPartition() throws SQLException {
        TestDatabase db = TestDatabase.shared();
        String database = "runmetrics_partitioned_" + System.nanoTime();
        try (Connection c = db.admin().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + database + " OWNER " + TestDatabase.OWNER_ROLE);
        }
        DataSource owner = db.as(database, TestDatabase.OWNER_ROLE);
        DataSource app = db.as(database, TestDatabase.APP_ROLE);
        assertThat(SchemaMigrator.migrate(owner, 7)).containsExactly(1, 2, 3, 4, 5, 6, 7);
        SchemaMigrator.grantAppRole(owner, TestDatabase.APP_ROLE);
        String ws = newWorkspace();
        String other = newWorkspace();
        String first = idAt(DAY_1);
        String second = idAt(DAY_2);
        String hostId = "host-run-7";
        Map<String, String> before;
        List<String> indexesBefore = indexes(owner);
        try (JdbcRunStore store = JdbcRunStore.builder(app).instanceId("old").build()) {
            save(store, ws, first, DAY_1, RunStatus.COMPLETED);
            save(store, ws, second, DAY_2, RunStatus.FAILED);
            save(store, ws, hostId, DAY_1, RunStatus.COMPLETED);
            save(store, other, idAt(DAY_2.minusSeconds(5)), DAY_2, RunStatus.COMPLETED);
            store.saveCheckpoint(ws, new StepCheckpoint(ws, second, "s1", 1, Map.of("rows", 2L), DAY_2));
            store.appendResumeAudit(ws, new ResumeAudit(ws, idAt(DAY_2.plusSeconds(1)), second, "s1", "alice",
                    DAY_2.plusSeconds(1), 1, ResumeOutcome.REFUSED, "not yet"));
            assertThat(store.flush(Duration.ofSeconds(20))).isTrue();
            before = contents(store, ws, List.of(first, second, hostId));
        }
        assertThat(rows(owner, "workflow_executions", ws)).isEqualTo(3);

        assertThat(SchemaMigrator.migrate(owner)).containsExactly(8);

        try (JdbcRunStore store = JdbcRunStore.builder(app).instanceId("new").build()) {
            assertThat(contents(store, ws, List.of(first, second, hostId))).isEqualTo(before);
            assertThat(store.findRun(other, first)).as("another workspace's run").isEmpty();
            String third = idAt(Instant.now());
            save(store, ws, third, Instant.now(), RunStatus.COMPLETED);
            assertThat(store.flush(Duration.ofSeconds(20))).isTrue();
            assertThat(store.findSteps(ws, third)).as("written after the upgrade").hasSize(1);
        }
        assertThat(partitioned(owner)).containsExactlyInAnyOrderElementsOf(HistoryRetention.TABLES);
        assertThat(partitionOf(owner, ws, "workflow_executions", first)).isEqualTo("workflow_executions_p20260601");
        assertThat(partitionOf(owner, ws, "workflow_executions", second)).isEqualTo("workflow_executions_p20260603");
        assertThat(partitionOf(owner, ws, "workflow_step_executions", second))
                .isEqualTo("workflow_step_executions_p20260603");
        assertThat(partitionOf(owner, ws, "step_checkpoints", second)).isEqualTo("step_checkpoints_p20260603");
        assertThat(partitionOf(owner, ws, "run_attempt_endings", first)).isEqualTo("run_attempt_endings_p20260601");
        assertThat(partitionOf(owner, ws, "workflow_executions", hostId)).isEqualTo("workflow_executions_default");
        assertThat(exists(owner, "workflow_executions_p20260602")).as("no partition for a day without runs").isFalse();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (int d = 0; d <= 7; d++) {
            assertThat(exists(owner, "resume_audit_p" + today.plusDays(d).toString().replace("-", "")))
                    .as("a week of partitions ahead").isTrue();
        }
        List<String> added = new ArrayList<>(indexes(owner));
        assertThat(added).as("the same keys and indexes, by name").containsAll(indexesBefore);
        added.removeAll(indexesBefore);
        assertThat(added).as("and the index of runs not yet ended").singleElement().asString()
                .startsWith("idx_workflow_executions_live: runmetrics.workflow_executions (workspace_id, queued_at)"
                        + " WHERE (status = ANY");
        assertThat(rows(owner, "workflow_executions", ws)).isEqualTo(4);
        assertThat(rows(owner, "workflow_executions", null)).as("no workspace set: the policy shows nothing").isZero();
    }

    private static void save(JdbcRunStore store, String ws, String runId, Instant queuedAt, RunStatus status) {
        Run run = ended(ws, runId, "wf", queuedAt, Duration.ofMillis(5), Duration.ofMillis(40), status);
        store.saveRun(ws, run);
        store.saveStep(ws, step(ws, runId, "s1", 1, "node", 1, status, run.startedAt(), Duration.ofMillis(30),
                Map.of()));
    }

    /** Everything the store gives back about these runs, as text. */
    private static Map<String, String> contents(JdbcRunStore store, String ws, List<String> runIds) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String runId : runIds) {
            out.put(runId, store.findRun(ws, runId).orElseThrow() + "\n" + store.findSteps(ws, runId) + "\n"
                    + store.findCheckpoints(ws, runId) + "\n" + store.findResumeAudit(ws, runId));
        }
        return out;
    }

    private static String idAt(Instant at) {
        return Ids.generator(new ManualClock(at)).get();
    }

    /** The index names on the history tables (not on their partitions), sorted. */
    private static List<String> indexes(DataSource owner) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = owner.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT indexname || ': '"
                + " || regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \\S+ ON (ONLY )?', '') FROM pg_indexes"
                + " WHERE schemaname = 'runmetrics' AND tablename = ANY (?) ORDER BY indexname")) {
            ps.setArray(1, c.createArrayOf("text", HistoryRetention.TABLES.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1).replace(" USING btree", ""));
                }
            }
        }
        return out;
    }

    private static List<String> partitioned(DataSource owner) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = owner.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT c.relname FROM pg_class c JOIN pg_namespace n"
                        + " ON n.oid = c.relnamespace WHERE n.nspname = 'runmetrics' AND c.relkind = 'p'")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static boolean exists(DataSource owner, String table) throws SQLException {
        try (Connection c = owner.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT to_regclass('runmetrics.' || ?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Rows of one workspace in a table as its owner sees them through the forced policy. */
    private static long rows(DataSource owner, String table, String ws) throws SQLException {
        try (Connection c = owner.getConnection()) {
            c.setAutoCommit(false);
            if (ws != null) {
                try (PreparedStatement set = c.prepareStatement(
                        "SELECT set_config('runmetrics.workspace_id', ?, true)")) {
                    set.setString(1, ws);
                    set.executeQuery().close();
                }
            }
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FROM runmetrics." + table)) {
                rs.next();
                long n = rs.getLong(1);
                c.rollback();
                return n;
            }
        }
    }

    private static String partitionOf(DataSource owner, String ws, String table, String runId) throws SQLException {
        try (Connection c = owner.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement set = c.prepareStatement("SELECT set_config('runmetrics.workspace_id', ?, true)")) {
                set.setString(1, ws);
                set.executeQuery().close();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT tableoid::regclass::text FROM runmetrics."
                    + table + " WHERE workspace_id = ? AND run_id = ?")) {
                ps.setString(1, ws);
                ps.setString(2, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).as(table + " row of " + runId).isTrue();
                    String name = rs.getString(1).replace("runmetrics.", "");
                    assertThat(rs.next()).as("one partition").isFalse();
                    c.rollback();
                    return name;
                }
            }
        }
    }
}
