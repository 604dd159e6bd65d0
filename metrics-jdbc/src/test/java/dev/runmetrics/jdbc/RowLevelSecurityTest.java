package dev.runmetrics.jdbc;

import static dev.runmetrics.core.model.RunFixtures.newRunId;
import static dev.runmetrics.core.model.RunFixtures.newWorkspace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The database itself isolates workspaces: raw SQL as the application role, no store in between. */
class RowLevelSecurityTest {

    static final List<String> TABLES = List.of("workflow_executions", "workflow_step_executions",
            "step_checkpoints", "resume_audit", "execution_rollups", "execution_rollups_hourly",
            "execution_rollups_daily", "workflow_execution_counters");

    static TestDatabase db;
    static String wsA;
    static String wsB;

    @BeforeAll
    static void insertRowsOfTwoWorkspaces() throws SQLException {
        db = TestDatabase.shared();
        wsA = newWorkspace();
        wsB = newWorkspace();
        for (String ws : List.of(wsA, wsB)) {
            try (Connection c = db.app().getConnection()) {
                c.setAutoCommit(false);
                setWorkspace(c, ws);
                for (int i = 0; i < 3; i++) {
                    insertRun(c, ws, newRunId());
                }
                try (Statement st = c.createStatement()) {
                    st.execute("INSERT INTO runmetrics.workflow_execution_counters VALUES ('" + ws + "', 'wf', 3)");
                    st.execute("INSERT INTO runmetrics.step_checkpoints VALUES ('" + ws + "', 'r', 's', 1, NULL, now())");
                    st.execute("INSERT INTO runmetrics.resume_audit VALUES ('" + ws + "', 'a1', 'r', 's', 'me', now(), 0,"
                            + " 'REFUSED', NULL)");
                }
                c.commit();
            }
        }
    }

    private static void setWorkspace(Connection c, String ws) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('runmetrics.workspace_id', ?, true)")) {
            ps.setString(1, ws);
            ps.executeQuery().close();
        }
    }

    private static void insertRun(Connection c, String ws, String runId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO runmetrics.workflow_executions (workspace_id,"
                + " run_id, workflow_id, workflow_name, execution_number, status, attempt, queued_at, started_at,"
                + " completed_at, created_at, updated_at, instance_id, heartbeat_at, attributes) VALUES"
                + " (?, ?, 'wf', 'Wf', 1, 'completed', 1, now() - interval '1 second', now() - interval '1 second',"
                + " now(), now(), now(), 'i', now(), '{}')")) {
            ps.setString(1, ws);
            ps.setString(2, runId);
            ps.executeUpdate();
        }
    }

    private static long count(DataSource ds, String ws, String relation) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            if (ws != null) {
                setWorkspace(c, ws);
            }
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FROM runmetrics." + relation)) {
                rs.next();
                return rs.getLong(1);
            } finally {
                c.rollback();
            }
        }
    }

    @Test
    void aQueryWithNoWorkspaceFilterSeesOnlyItsWorkspace() throws SQLException {
        // Other tests' workspaces share the database; only this workspace's 3 runs are visible.
        assertThat(count(db.app(), wsA, "workflow_executions")).isEqualTo(3);
        assertThat(count(db.app(), wsA, "execution_time_statistics")).isEqualTo(3);
        for (String table : TABLES) {
            if (!table.equals("workflow_step_executions") && !table.startsWith("execution_rollups")) {
                assertThat(count(db.app(), wsA, table)).as(table).isEqualTo(table.equals("workflow_executions") ? 3 : 1);
            }
        }
        try (Connection c = db.app().getConnection()) {
            c.setAutoCommit(false);
            setWorkspace(c, wsA);
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT DISTINCT workspace_id FROM runmetrics.workflow_executions")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(wsA);
                assertThat(rs.next()).isFalse();
            }
            c.rollback();
        }
    }

    @Test
    void withNoWorkspaceSetNothingIsVisible() throws SQLException {
        for (String table : TABLES) {
            assertThat(count(db.app(), null, table)).as(table).isZero();
        }
        assertThat(count(db.app(), null, "execution_time_statistics")).isZero();
        // the owner role is subject to the policies as well (FORCE ROW LEVEL SECURITY)
        assertThat(count(db.owner(), null, "workflow_executions")).isZero();
        assertThat(count(db.owner(), wsB, "workflow_executions")).isEqualTo(3);
    }

    @Test
    void anInsertIntoAnotherWorkspaceIsRejected() throws SQLException {
        try (Connection c = db.app().getConnection()) {
            c.setAutoCommit(false);
            setWorkspace(c, wsA);
            assertThatThrownBy(() -> insertRun(c, wsB, newRunId()))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("row-level security")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
            c.rollback();
        }
        try (Connection c = db.app().getConnection()) {
            c.setAutoCommit(false);
            setWorkspace(c, wsA);
            try (Statement st = c.createStatement()) {
                // an update cannot move a row into another workspace, nor touch another's rows
                assertThatThrownBy(() -> st.executeUpdate("UPDATE runmetrics.workflow_executions SET workspace_id = '"
                        + wsB + "'")).isInstanceOf(SQLException.class).hasMessageContaining("row-level security");
            }
            c.rollback();
        }
        try (Connection c = db.app().getConnection()) {
            c.setAutoCommit(false);
            setWorkspace(c, wsA);
            try (Statement st = c.createStatement()) {
                assertThat(st.executeUpdate("UPDATE runmetrics.workflow_executions SET workflow_name = 'x'"
                        + " WHERE workspace_id = '" + wsB + "'")).isZero();
            }
            c.rollback();
        }
    }

    @Test
    void theApplicationRoleCannotBypassOrDisableTheRules() throws SQLException {
        try (Connection c = db.app().getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")) {
                rs.next();
                assertThat(rs.getBoolean(1)).isFalse();
                assertThat(rs.getBoolean(2)).isFalse();
            }
            for (String table : TABLES) {
                try (ResultSet rs = st.executeQuery("SELECT c.relrowsecurity, c.relforcerowsecurity,"
                        + " pg_get_userbyid(c.relowner) <> current_user FROM pg_class c"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = 'runmetrics' AND c.relname = '" + table + "'")) {
                    assertThat(rs.next()).as(table).isTrue();
                    assertThat(rs.getBoolean(1)).as(table + " enabled").isTrue();
                    assertThat(rs.getBoolean(2)).as(table + " forced").isTrue();
                    assertThat(rs.getBoolean(3)).as(table + " not owned by the app role").isTrue();
                }
            }
            assertThatThrownBy(() -> st.execute("ALTER TABLE runmetrics.workflow_executions DISABLE ROW LEVEL SECURITY"))
                    .isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> st.execute("DELETE FROM runmetrics.workflow_executions"))
                    .isInstanceOf(SQLException.class);
        }
    }
}
