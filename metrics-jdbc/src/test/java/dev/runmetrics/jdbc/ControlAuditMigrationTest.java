package dev.runmetrics.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runmetrics.core.store.ControlAction;
import dev.runmetrics.core.store.ControlAudit;
import dev.runmetrics.core.store.ControlOutcome;
import dev.runmetrics.core.store.ResumeAudit;
import dev.runmetrics.core.store.ResumeOutcome;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Migration 5 turns the resume audit table into the control audit log: rows written before it read
 * as resumes, the table stays workspace-scoped (key led by workspace_id, row-level security
 * enabled and forced with the workspace policy, no foreign key), and a store reads and writes
 * every action and outcome through the application role.
 */
class ControlAuditMigrationTest {

    static TestDatabase db;
    static String database;
    static DataSource owner;
    static DataSource admin;

    @BeforeAll
    static void migrateFromVersionFour() throws SQLException {
        db = TestDatabase.shared();
        database = "runmetrics_control_audit_" + System.nanoTime();
        try (Connection c = db.admin().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + database + " OWNER " + TestDatabase.OWNER_ROLE);
        }
        owner = db.as(database, TestDatabase.OWNER_ROLE);
        admin = db.admin(database);
        assertThat(SchemaMigrator.migrate(owner, 4)).containsExactly(1, 2, 3, 4);
        try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO runmetrics.resume_audit (workspace_id, audit_id, run_id, step_id, actor, at,"
                    + " attempt, outcome, reason) VALUES ('ws-old', 'audit-1', 'run-1', 'process', 'alice',"
                    + " '2024-05-01T10:00:00Z', 2, 'ACCEPTED', NULL)");
        }
        assertThat(SchemaMigrator.migrate(owner)).containsExactly(5, 6, 7, 8);
        SchemaMigrator.grantAppRole(owner, TestDatabase.APP_ROLE);
    }

    @Test
    void aRowWrittenBeforeTheMigrationReadsAsAResume() {
        try (JdbcRunStore store = JdbcRunStore.builder(db.as(database, TestDatabase.APP_ROLE)).build()) {
            assertThat(store.findControlAudit("ws-old", "run-1")).containsExactly(new ControlAudit("ws-old",
                    "audit-1", "run-1", "process", ControlAction.RESUME, "alice",
                    Instant.parse("2024-05-01T10:00:00Z"), 2, ControlOutcome.ACCEPTED, null, null));
            assertThat(store.findResumeAudit("ws-old", "run-1")).containsExactly(new ResumeAudit("ws-old", "audit-1",
                    "run-1", "process", "alice", Instant.parse("2024-05-01T10:00:00Z"), 2, ResumeOutcome.ACCEPTED,
                    null));
        }
    }

    @Test
    void theTableStaysWorkspaceScoped() throws SQLException {
        try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT relrowsecurity, relforcerowsecurity FROM pg_class"
                    + " WHERE oid = 'runmetrics.resume_audit'::regclass")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).isTrue();
                assertThat(rs.getBoolean(2)).isTrue();
            }
            try (ResultSet rs = st.executeQuery("SELECT a.attname FROM pg_index i JOIN pg_attribute a"
                    + " ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
                    + " WHERE i.indrelid = 'runmetrics.resume_audit'::regclass AND i.indisprimary")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("workspace_id");
            }
            try (ResultSet rs = st.executeQuery("SELECT attnotnull FROM pg_attribute WHERE attrelid ="
                    + " 'runmetrics.resume_audit'::regclass AND attname = 'workspace_id'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).isTrue();
            }
            try (ResultSet rs = st.executeQuery("SELECT polname, pg_get_expr(polqual, polrelid),"
                    + " pg_get_expr(polwithcheck, polrelid) FROM pg_policy"
                    + " WHERE polrelid = 'runmetrics.resume_audit'::regclass")) {
                List<String> policies = new ArrayList<>();
                while (rs.next()) {
                    policies.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
                }
                String rule = "(workspace_id = current_setting('runmetrics.workspace_id'::text, true))";
                assertThat(policies).containsExactly("workspace_isolation " + rule + " " + rule);
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_constraint WHERE contype = 'f'"
                    + " AND conrelid = 'runmetrics.resume_audit'::regclass")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }

    @Test
    void theChecksRefuseAnUnknownActionOrOutcome() throws SQLException {
        try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.execute("INSERT INTO runmetrics.resume_audit (workspace_id, audit_id, run_id,"
                    + " action, actor, at, attempt, outcome) VALUES ('ws', 'a-x', 'r', 'DELETE', 'bob', now(), 0,"
                    + " 'ACCEPTED')")).isInstanceOf(SQLException.class).hasMessageContaining("resume_audit_action_check");
            assertThatThrownBy(() -> st.execute("INSERT INTO runmetrics.resume_audit (workspace_id, audit_id, run_id,"
                    + " action, actor, at, attempt, outcome) VALUES ('ws', 'a-y', 'r', 'PAUSE', 'bob', now(), 0,"
                    + " 'MAYBE')")).isInstanceOf(SQLException.class).hasMessageContaining("resume_audit_outcome_check");
        }
    }
}
