package dev.runmetrics.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The invariants that let the schema be distributed by workspace (Citus, see the README's
 * "Sharding by workspace"), read from the real migrated schema in {@code pg_catalog}, so a later
 * migration that breaks one fails here: every table but the migrator's own bookkeeping carries a
 * non-null {@code workspace_id}; every primary key and unique index leads with it; no foreign key
 * crosses tables (a distributed foreign key would have to include the distribution column, and
 * none is needed); row-level security is enabled, forced, and filters by {@code workspace_id} on
 * every such table; every view filters by the session's workspace.
 *
 * <p>The queries the store runs are held to the same rule by {@link WorkspaceScopedStatementsTest}.
 */
class ShardReadySchemaTest {

    /** Tables that are not per workspace: the migrator's own record (a Citus reference or local table). */
    private static final Set<String> NOT_PER_WORKSPACE = Set.of("schema_version");

    static TestDatabase db;

    @BeforeAll
    static void start() {
        db = TestDatabase.shared();
    }

    @Test
    void everyTableCarriesANonNullWorkspaceId() throws SQLException {
        List<String> tables = perWorkspaceTables();
        assertThat(tables).as("the migrated tables").contains("workflow_executions", "workflow_step_executions",
                "step_checkpoints", "resume_audit", "execution_rollups", "execution_rollups_hourly",
                "execution_rollups_daily", "workflow_execution_counters", "resource_samples");
        Map<String, String> nullable = query("""
                SELECT c.relname, a.attnotnull::text
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'workspace_id' AND NOT a.attisdropped
                WHERE n.nspname = 'runmetrics' AND c.relkind IN ('r', 'p')""");
        for (String table : tables) {
            assertThat(nullable).as("table %s has workspace_id", table).containsKey(table);
            assertThat(nullable.get(table)).as("%s.workspace_id is NOT NULL", table).isEqualTo("true");
        }
    }

    @Test
    void everyPrimaryKeyAndUniqueIndexLeadsWithWorkspaceId() throws SQLException {
        Map<String, String> firstColumns = query("""
                SELECT i.indexrelid::regclass::text || ' on ' || c.relname || (CASE WHEN i.indisprimary THEN ' (primary key)' ELSE '' END),
                       a.attname
                FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
                WHERE n.nspname = 'runmetrics' AND (i.indisunique OR i.indisprimary)
                  AND c.relname NOT IN ('schema_version')""");
        assertThat(firstColumns).as("unique indexes of the runmetrics schema").isNotEmpty();
        firstColumns.forEach((index, column) ->
                assertThat(column).as("first column of %s", index).isEqualTo("workspace_id"));
        Map<String, String> withoutKey = query("""
                SELECT c.relname, 'no primary key'
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'runmetrics' AND c.relkind IN ('r', 'p') AND c.relispartition = false
                  AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)""");
        assertThat(withoutKey).as("tables without a primary key").isEmpty();
    }

    @Test
    void noForeignKeyCrossesTables() throws SQLException {
        Map<String, String> foreignKeys = query("""
                SELECT con.conname, con.conrelid::regclass::text || ' -> ' || con.confrelid::regclass::text
                FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
                WHERE n.nspname = 'runmetrics' AND con.contype = 'f'""");
        assertThat(foreignKeys).as("foreign keys (none: each would have to lead with workspace_id)").isEmpty();
    }

    @Test
    void rowLevelSecurityFiltersEveryTableByWorkspace() throws SQLException {
        Map<String, String> rls = query("""
                SELECT c.relname, c.relrowsecurity::text || '/' || c.relforcerowsecurity::text
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'runmetrics' AND c.relkind IN ('r', 'p')""");
        Map<String, String> policies = query("""
                SELECT tablename, coalesce(qual, '') || ' | ' || coalesce(with_check, '')
                FROM pg_policies WHERE schemaname = 'runmetrics'""");
        for (String table : perWorkspaceTables()) {
            assertThat(rls.get(table)).as("%s: row level security enabled/forced", table).isEqualTo("true/true");
            assertThat(policies).as("%s has a policy", table).containsKey(table);
            String policy = policies.get(table);
            assertThat(policy.split("\\|")).as("%s: USING and WITH CHECK", table).hasSize(2)
                    .allSatisfy(part -> assertThat(part)
                            .contains("workspace_id")
                            .contains("current_setting('runmetrics.workspace_id'"));
        }
    }

    /**
     * The day partitions of the raw history are tables too: the application role reaches them
     * only through their parents (whose forced policy applies), holds no privilege on any of
     * them, and each has the workspace policy of its own should a grant be added by hand.
     */
    @Test
    void everyPartitionHasThePolicyAndIsReachableOnlyThroughItsParent() throws SQLException {
        Map<String, String> partitions = query("""
                SELECT c.relname, c.relrowsecurity::text || '/' || has_table_privilege('%s', c.oid,
                    'SELECT, INSERT, UPDATE, DELETE')::text
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'runmetrics' AND c.relispartition AND c.relkind IN ('r', 'p')"""
                .formatted(TestDatabase.APP_ROLE));
        assertThat(partitions.keySet()).as("the day and default partitions")
                .contains("workflow_executions_default", "resume_audit_default")
                .anyMatch(name -> name.matches("workflow_step_executions_p\\d{8}"));
        Map<String, String> policies = query("""
                SELECT tablename, coalesce(qual, '') || ' | ' || coalesce(with_check, '')
                FROM pg_policies WHERE schemaname = 'runmetrics'""");
        partitions.forEach((partition, rlsAndPrivilege) -> {
            assertThat(rlsAndPrivilege).as("%s: row level security enabled / app role privileged", partition)
                    .isEqualTo("true/false");
            assertThat(policies.get(partition)).as("%s: the workspace policy", partition)
                    .contains("current_setting('runmetrics.workspace_id'");
        });
    }

    @Test
    void everyViewFiltersByTheSessionsWorkspace() throws SQLException {
        Map<String, String> views = query("""
                SELECT viewname, definition FROM pg_views WHERE schemaname = 'runmetrics'""");
        assertThat(views).as("views of the runmetrics schema").containsKey("execution_time_statistics");
        views.forEach((view, definition) -> assertThat(definition).as("view %s", view)
                .contains("workspace_id")
                .contains("current_setting('runmetrics.workspace_id'"));
    }

    @Test
    void theStatementRuleRefusesAStatementThatForgetsTheWorkspace() {
        assertThat(WorkspaceScopedStatementsTest.unscoped(List.of(
                "SELECT set_config('runmetrics.workspace_id', ?, true)",
                "SELECT * FROM runmetrics.workflow_executions WHERE run_id = ?",
                "SELECT * FROM runmetrics.workflow_executions r JOIN runmetrics.workflow_step_executions s"
                        + " ON s.run_id = r.run_id WHERE r.workspace_id = ?",
                "SELECT * FROM runmetrics.workflow_executions WHERE workspace_id = ? AND run_id = ?",
                "SELECT 1")))
                .as("the unscoped statements of a planted list")
                .hasSize(2)
                .allSatisfy(sql -> assertThat(sql).contains("FROM runmetrics.workflow_executions"));
    }

    private static List<String> perWorkspaceTables() throws SQLException {
        List<String> out = new ArrayList<>();
        query("""
                SELECT c.relname, ''
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'runmetrics' AND c.relkind IN ('r', 'p') AND c.relispartition = false
                ORDER BY c.relname""").keySet().forEach(t -> {
                    if (!NOT_PER_WORKSPACE.contains(t)) {
                        out.add(t);
                    }
                });
        return out;
    }

    /** Two-column query as an ordered map (first column to second). */
    private static Map<String, String> query(String sql) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = db.owner().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }
}
