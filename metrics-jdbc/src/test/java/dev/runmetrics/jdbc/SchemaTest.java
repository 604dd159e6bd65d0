package dev.runmetrics.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The migrator is idempotent, and each index is used by the query it is there for (EXPLAIN over
 * analyzed tables with many workspaces, workflows and minutes).
 */
class SchemaTest {

    static TestDatabase db;

    @BeforeAll
    static void start() throws SQLException {
        db = TestDatabase.shared();
        // Realistic statistics: 20 workspaces x 10 workflows x 50 runs over 30 days, 5% live, and
        // 120 days of rollup rows for 10 subjects. Inserted as the admin (a superuser
        // bypasses row-level security), then ANALYZEd.
        try (Connection c = db.admin().getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO runmetrics.workflow_executions (workspace_id, run_id, workflow_id, workflow_name,"
                    + " execution_number, status, attempt, queued_at, started_at, completed_at, created_at,"
                    + " updated_at, instance_id, heartbeat_at, attributes)"
                    + " SELECT 'explain-' || (i % 20), 'run-' || i, 'wf' || ((i / 20) % 10), 'wf', i,"
                    + " CASE WHEN i % 20 = 3 THEN 'running' WHEN i % 40 = 7 THEN 'queued' ELSE 'completed' END, 1,"
                    + " now() - (i || ' minutes')::interval, now() - (i || ' minutes')::interval,"
                    + " CASE WHEN i % 20 = 3 OR i % 40 = 7 THEN NULL ELSE now() - (i || ' minutes')::interval"
                    + " + interval '1 second' END, now(), now(), 'i', now(), '{}'"
                    + " FROM generate_series(1, 10000) AS i");
            st.execute("INSERT INTO runmetrics.execution_rollups (workspace_id, dimension, subject, bucket_start,"
                    + " instance_id, queue_wait, execution_time, end_to_end)"
                    + " SELECT 'explain-' || (i % 20), 'WORKFLOW', 'wf' || ((i / 20) % 10),"
                    + " date_trunc('minute', now()) - (i * 5 || ' minutes')::interval, 'i', '', '', ''"
                    + " FROM generate_series(1, 34560) AS i"); // 120 days: rollups outlive raw runs
            st.execute("INSERT INTO runmetrics.execution_rollups_hourly (workspace_id, dimension, subject,"
                    + " bucket_start, instance_id, queue_wait, execution_time, end_to_end)"
                    + " SELECT 'explain-' || (i % 20), 'WORKFLOW', 'wf' || ((i / 20) % 10),"
                    + " date_trunc('hour', now(), 'UTC') - (i || ' hours')::interval, 'i', '', '', ''"
                    + " FROM generate_series(1, 28800) AS i"); // 28,800 hour rows (1,440 per workspace)
            st.execute("INSERT INTO runmetrics.execution_rollups_daily (workspace_id, dimension, subject,"
                    + " bucket_start, instance_id, queue_wait, execution_time, end_to_end)"
                    + " SELECT 'explain-' || (i % 20), 'WORKFLOW', 'wf' || ((i / 20) % 10),"
                    + " date_trunc('day', now(), 'UTC') - ((i / 200) || ' days')::interval, 'i', '', '', ''"
                    + " FROM generate_series(0, 72999) AS i"); // a year of day rows, 3,650 per workspace
            st.execute("ANALYZE runmetrics.execution_rollups_hourly");
            st.execute("ANALYZE runmetrics.execution_rollups_daily");
            st.execute("ANALYZE runmetrics.workflow_executions");
            st.execute("ANALYZE runmetrics.execution_rollups");
        }
    }

    @Test
    void migratingAgainAppliesNothing() throws SQLException {
        assertThat(SchemaMigrator.migrate(db.owner())).isEmpty();
        assertThat(SchemaMigrator.migrations()).containsOnlyKeys(1, 2, 3, 4, 5, 6, 7, 8);
        try (Connection c = db.owner().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT version, file FROM runmetrics.schema_version ORDER BY version")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getString(2)).isEqualTo("V001__schema.sql");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(2);
            assertThat(rs.getString(2)).isEqualTo("V002__hourly_rollups.sql");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(3);
            assertThat(rs.getString(2)).isEqualTo("V003__daily_rollups.sql");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(4);
            assertThat(rs.getString(2)).isEqualTo("V004__all_subject_rollups.sql");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(5);
            assertThat(rs.getString(2)).isEqualTo("V005__control_audit.sql");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(6);
            assertThat(rs.getString(2)).isEqualTo("V006__attempt_endings.sql");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(7);
            assertThat(rs.getString(2)).isEqualTo("V007__resource_samples.sql");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(8);
            assertThat(rs.getString(2)).isEqualTo("V008__partitioned_history.sql");
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void concurrentMigrationsSerializeOnTheAdvisoryLock() throws Exception {
        Thread[] threads = new Thread[3];
        java.util.List<Throwable> errors = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                try {
                    SchemaMigrator.migrate(db.owner());
                } catch (Throwable t) {
                    errors.add(t);
                }
            });
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(errors).isEmpty();
    }

    /**
     * Every process of a host that starts at once grants the app role after migrating (the demo
     * does); PostgreSQL fails concurrent GRANTs on one object with "tuple concurrently updated"
     * unless they are serialized.
     */
    @Test
    void concurrentGrantsOfTheAppRoleSerializeOnTheAdvisoryLock() throws Exception {
        int sessions = 6;
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(sessions);
        java.util.List<Throwable> errors = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Thread[] threads = new Thread[sessions];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                try {
                    for (int round = 0; round < 10; round++) {
                        together.await();
                        SchemaMigrator.grantAppRole(db.owner(), TestDatabase.APP_ROLE);
                    }
                } catch (Throwable t) {
                    errors.add(t);
                    together.reset();
                }
            });
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(errors).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "idx_workflow_executions_live | SELECT * FROM runmetrics.workflow_executions WHERE workspace_id = 'explain-1' AND status IN ('queued', 'running') ORDER BY queued_at, run_id LIMIT 10",
        "idx_workflow_executions_workspace_status | SELECT * FROM runmetrics.workflow_executions WHERE workspace_id = 'explain-1' AND status = 'failed' ORDER BY queued_at DESC, run_id DESC LIMIT 10",
        "idx_workflow_executions_workflow_queued | SELECT * FROM runmetrics.workflow_executions WHERE workspace_id = 'explain-1' AND workflow_id = 'wf1' ORDER BY queued_at DESC, run_id DESC LIMIT 10 OFFSET 20",
        "idx_workflow_executions_queued | SELECT * FROM runmetrics.workflow_executions WHERE workspace_id = 'explain-1' ORDER BY queued_at DESC, run_id DESC LIMIT 10",
        "idx_workflow_executions_completed_at | SELECT count(*) FROM runmetrics.workflow_executions WHERE workspace_id = 'explain-1' AND workflow_id = 'wf1' AND completed_at IS NOT NULL AND completed_at >= now() - interval '1 day' AND completed_at < now()",
        "idx_workflow_executions_all_completed_at | SELECT count(*) FROM runmetrics.workflow_executions WHERE workspace_id = 'explain-1' AND completed_at IS NOT NULL AND completed_at >= now() - interval '1 day' AND completed_at < now()",
        "idx_workflow_executions_live | SELECT EXISTS (SELECT 1 FROM runmetrics.workflow_executions WHERE status IN ('queued', 'running', 'paused'))",
        "workflow_step_executions_pkey | SELECT * FROM runmetrics.workflow_step_executions WHERE workspace_id = 'explain-1' AND run_id = 'r' ORDER BY attempt, step_order, queued_at, step_id",
        "idx_workflow_executions_completed_at | SELECT run_id FROM runmetrics.workflow_executions WHERE workspace_id = 'explain-1' AND workflow_id = 'wf1' AND status IN ('completed', 'failed', 'cancelled', 'timeout', 'skipped') AND completed_at IS NOT NULL AND completed_at >= now() - interval '30 days' AND completed_at < now() ORDER BY completed_at DESC, run_id DESC LIMIT 1001",
        "workflow_step_executions_pkey | SELECT step_id, count(*) FROM runmetrics.workflow_step_executions WHERE workspace_id = 'explain-1' AND run_id = ANY(ARRAY['run-1', 'run-2']) AND completed_at IS NOT NULL GROUP BY step_id",
        "step_checkpoints_pkey | SELECT * FROM runmetrics.step_checkpoints WHERE workspace_id = 'explain-1' AND run_id = 'r' ORDER BY step_id, attempt",
        "idx_resume_audit_run | SELECT * FROM runmetrics.resume_audit WHERE workspace_id = 'explain-1' AND run_id = 'r' ORDER BY at, audit_id",
        "execution_rollups_pkey | SELECT * FROM runmetrics.execution_rollups WHERE workspace_id = 'explain-1' AND dimension = 'WORKFLOW' AND subject = 'wf1' AND bucket_start >= now() - interval '30 days' AND bucket_start < now()",
        "idx_execution_rollups_time | SELECT * FROM runmetrics.execution_rollups WHERE workspace_id = 'explain-1' AND dimension = 'WORKFLOW' AND bucket_start >= now() - interval '30 days' AND bucket_start < now()",
        "execution_rollups_hourly_pkey | SELECT * FROM runmetrics.execution_rollups_hourly WHERE workspace_id = 'explain-1' AND dimension = 'WORKFLOW' AND subject = 'wf1' AND bucket_start >= now() - interval '30 days' AND bucket_start < now()",
        "idx_execution_rollups_hourly_time | SELECT * FROM runmetrics.execution_rollups_hourly WHERE workspace_id = 'explain-1' AND dimension = 'WORKFLOW' AND bucket_start >= now() - interval '30 days' AND bucket_start < now()",
        "execution_rollups_daily_pkey | SELECT * FROM runmetrics.execution_rollups_daily WHERE workspace_id = 'explain-1' AND dimension = 'WORKFLOW' AND subject = 'wf1' AND bucket_start >= now() - interval '30 days' AND bucket_start < now()",
        "idx_execution_rollups_daily_time | SELECT * FROM runmetrics.execution_rollups_daily WHERE workspace_id = 'explain-1' AND dimension = 'WORKFLOW' AND bucket_start >= now() - interval '30 days' AND bucket_start < now()",
    })
    void eachIndexServesItsQuery(String index, String query) throws SQLException {
        try (Connection c = db.app().getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SELECT set_config('runmetrics.workspace_id', 'explain-1', true)");
                StringBuilder plan = new StringBuilder();
                try (ResultSet rs = st.executeQuery("EXPLAIN " + query)) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
                // On a partitioned table the plan names each partition's copy of the index.
                List<String> copies = new ArrayList<>(List.of(index));
                try (PreparedStatement ps = c.prepareStatement("SELECT i.inhrelid::regclass::text FROM pg_inherits i"
                        + " WHERE i.inhparent = ('runmetrics.' || ?)::regclass")) {
                    ps.setString(1, index);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            copies.add(rs.getString(1).replace("runmetrics.", ""));
                        }
                    }
                }
                assertThat(copies).as(plan.toString()).anyMatch(name -> plan.toString().contains(" " + name + " "));
            }
            c.rollback();
        }
    }
}
