package dev.runmetrics.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Upgrading a store in place to the per-attempt endings: the runs a version-4 store ended become
 * one ended attempt each (their latest, all that version kept), with the durations the store
 * would have written, and the exact statistics of old runs stay what they were.
 */
class AttemptEndingsMigrationTest {

    private static final Instant Q = Instant.parse("2026-05-01T10:00:00Z");

    @Test
    void theUpgradeBackfillsEachEndedRunsLatestAttemptInItsOwnWorkspace() throws SQLException {
        TestDatabase db = TestDatabase.shared();
        String database = "runmetrics_endings_" + System.nanoTime();
        try (Connection c = db.admin().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + database + " OWNER " + TestDatabase.OWNER_ROLE);
        }
        DataSource owner = db.as(database, TestDatabase.OWNER_ROLE);
        assertThat(SchemaMigrator.migrate(owner, 4)).containsExactly(1, 2, 3, 4);
        insertRun(owner, "ws-a", "r-done", "completed", 2, Q.plusMillis(5), Q.plusMillis(2_505));
        insertRun(owner, "ws-b", "r-failed", "failed", 1, Q.plusMillis(10), Q.plusMillis(1_010));
        insertRun(owner, "ws-b", "r-running", "running", 1, Q.plusMillis(10), null);
        insertRun(owner, "ws-b", "r-paused", "paused", 1, Q.plusMillis(10), Q.plusMillis(20));

        assertThat(SchemaMigrator.migrate(owner)).containsExactly(5, 6, 7, 8);

        assertThat(endings(owner, "ws-a")).containsExactly("r-done#2 completed qw=5000 et=2500000 e2e=2505000");
        assertThat(endings(owner, "ws-b")).containsExactly("r-failed#1 failed qw=10000 et=1000000 e2e=1010000");
        assertThat(endings(owner, null)).as("no workspace set: the policy shows nothing").isEmpty();
        try (Connection c = owner.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT relforcerowsecurity FROM pg_class"
                        + " WHERE oid = 'runmetrics.workflow_executions'::regclass")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).as("the runs' policy is forced again after the backfill").isTrue();
        }
    }

    private static void insertRun(DataSource owner, String ws, String runId, String status, int attempt,
            Instant started, Instant completed) throws SQLException {
        try (Connection c = owner.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement set = c.prepareStatement("SELECT set_config('runmetrics.workspace_id', ?, true)")) {
                set.setString(1, ws);
                set.executeQuery().close();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO runmetrics.workflow_executions (workspace_id,"
                    + " run_id, workflow_id, workflow_name, execution_number, status, attempt, queued_at, started_at,"
                    + " completed_at, created_at, updated_at, instance_id, heartbeat_at, attributes)"
                    + " VALUES (?, ?, 'wf', 'wf', 1, ?, ?, ?, ?, ?, ?, ?, 'old-store', ?, '{}')")) {
                ps.setString(1, ws);
                ps.setString(2, runId);
                ps.setString(3, status);
                ps.setInt(4, attempt);
                ps.setObject(5, Rows.ts(Q));
                ps.setObject(6, Rows.ts(started));
                ps.setObject(7, Rows.ts(completed));
                ps.setObject(8, Rows.ts(Q));
                ps.setObject(9, Rows.ts(Q));
                ps.setObject(10, Rows.ts(Q));
                ps.executeUpdate();
            }
            c.commit();
        }
    }

    private static List<String> endings(DataSource owner, String ws) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = owner.getConnection()) {
            c.setAutoCommit(false);
            if (ws != null) {
                try (PreparedStatement set = c.prepareStatement(
                        "SELECT set_config('runmetrics.workspace_id', ?, true)")) {
                    set.setString(1, ws);
                    set.executeQuery().close();
                }
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT run_id, attempt, status,"
                    + " queue_wait_us, execution_time_us, end_to_end_us FROM runmetrics.run_attempt_endings"
                    + " ORDER BY run_id")) {
                while (rs.next()) {
                    out.add(rs.getString(1) + "#" + rs.getInt(2) + " " + rs.getString(3) + " qw=" + rs.getLong(4)
                            + " et=" + rs.getLong(5) + " e2e=" + rs.getLong(6));
                }
            }
            c.commit();
        }
        return out;
    }
}
