package dev.runmetrics.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runmetrics.core.store.DatabaseActivity;
import dev.runmetrics.core.store.ResourceSample;
import dev.runmetrics.core.store.ResourceSampleStore;
import dev.runmetrics.core.store.ResourceSampleStoreContract;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sample store on the real PostgreSQL, as the application role, with row-level security. */
class JdbcResourceSampleStoreTest extends ResourceSampleStoreContract {

    static TestDatabase db;
    static JdbcRunStore runStore;
    static JdbcResourceSampleStore samples;

    @BeforeAll
    static void start() {
        db = TestDatabase.shared();
        runStore = JdbcRunStore.builder(db.app()).build();
        samples = JdbcResourceSampleStore.builder(runStore).build();
    }

    @AfterAll
    static void stop() {
        runStore.close();
    }

    @Override
    protected ResourceSampleStore store() {
        return samples;
    }

    @Test
    void samplesSurviveANewStoreOnTheSameDatabase() {
        ResourceSample s = sample(ws, "i-restarted", MINUTE, 4);
        samples.save(s);
        try (JdbcRunStore again = JdbcRunStore.builder(db.app()).build()) {
            assertThat(JdbcResourceSampleStore.builder(again).build().samples(ws, MINUTE, MINUTE.plusSeconds(60)))
                    .containsExactly(s);
        }
    }

    @Test
    void rowLevelSecurityHidesAnotherWorkspacesSamplesFromAQueryWithoutAFilter() throws SQLException {
        samples.save(sample(ws, "i-1", MINUTE, 1));
        samples.save(sample(otherWs, "i-1", MINUTE, 2));
        samples.save(sample(otherWs, "i-2", MINUTE, 3));
        try (Connection c = db.app().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement set = c.prepareStatement("SELECT set_config('runmetrics.workspace_id', ?, true)")) {
                set.setString(1, ws);
                set.executeQuery().close();
            }
            List<String> seen = new ArrayList<>();
            try (PreparedStatement all = c.prepareStatement("SELECT workspace_id FROM runmetrics.resource_samples");
                    ResultSet rs = all.executeQuery()) {
                while (rs.next()) {
                    seen.add(rs.getString(1));
                }
            }
            assertThat(seen).containsExactly(ws);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO runmetrics.resource_samples"
                    + " (workspace_id, instance_id, minute_start) VALUES (?, 'i-9', now())")) {
                insert.setString(1, otherWs);
                assertThatThrownBy(insert::executeUpdate).isInstanceOf(SQLException.class)
                        .hasMessageContaining("row-level security");
            }
            c.rollback();
        }
    }

    @Test
    void pruningDeletesExpiredSamplesABoundedBatchAtATimeOldestFirst() throws SQLException {
        JdbcResourceSampleStore pruning = JdbcResourceSampleStore.builder(runStore).retention(Duration.ofDays(30))
                .pruneBatch(2).build();
        Instant expired = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofDays(31));
        for (int i = 0; i < 5; i++) {
            insertAsSuperuser(ws, "i-old", expired.plusSeconds(60L * i));
        }
        Instant kept = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofDays(29));
        pruning.save(sample(ws, "i-1", kept, 1)); // keeping a sample prunes 2 as well

        assertThat(pruning.prune(ws)).isEqualTo(2);
        assertThat(pruning.samples(ws, Instant.EPOCH, Instant.now())).extracting(ResourceSample::minuteStart)
                .as("the newest expired minute and the kept sample").containsExactly(expired.plusSeconds(240), kept);
        assertThat(pruning.prune(ws)).isEqualTo(1);
        assertThat(pruning.prune(ws)).isZero();
        assertThat(pruning.samples(ws, Instant.EPOCH, Instant.now())).hasSize(1);
    }

    @Test
    void everyStatementNamesTheWorkspace() {
        WorkspaceScopedStatementsTest.statements.clear();
        try (JdbcRunStore recorded = JdbcRunStore.builder(WorkspaceScopedStatementsTest.recording(db.app())).build()) {
            JdbcResourceSampleStore s = JdbcResourceSampleStore.builder(recorded).build();
            s.save(sample(ws, "i-1", MINUTE, 1));
            s.samples(ws, MINUTE, MINUTE.plusSeconds(60));
            s.prune(ws);
        }
        List<String> seen = new ArrayList<>(WorkspaceScopedStatementsTest.statements);
        WorkspaceScopedStatementsTest.statements.clear();
        assertThat(seen).anySatisfy(sql -> assertThat(sql).contains("DELETE FROM runmetrics.resource_samples"));
        assertThat(WorkspaceScopedStatementsTest.unscoped(seen)).isEmpty();
    }

    @Test
    void theStoreCountsItsStatementsTheirTimeAndTheConnectionsItHeld() {
        try (JdbcRunStore fresh = JdbcRunStore.builder(db.app()).build()) {
            DatabaseActivity before = fresh.databaseActivity();
            JdbcResourceSampleStore s = JdbcResourceSampleStore.builder(fresh).build();
            s.save(sample(ws, "i-1", MINUTE, 1));
            s.samples(ws, MINUTE, MINUTE.plusSeconds(60));
            DatabaseActivity after = fresh.databaseActivity();
            // each call: the transaction's set_config, then its statements (save: upsert and prune)
            assertThat(after.statements() - before.statements()).isEqualTo(5);
            assertThat(after.statementNanos()).isGreaterThan(before.statementNanos());
            assertThat(after.connectionsInUse()).isZero();
            assertThat(after.peakConnectionsInUse()).isEqualTo(1);
            assertThat(fresh.databaseActivity().peakConnectionsInUse()).as("a reading resets the peak").isZero();
        }
    }

    @Test
    void theWritersBatchesCountAsTheirRoundTripsAndTheTimeItWaitedOnThem() {
        try (JdbcRunStore fresh = JdbcRunStore.builder(db.app()).build()) {
            DatabaseActivity before = fresh.databaseActivity();
            for (int i = 0; i < 50; i++) {
                fresh.saveRun(ws, dev.runmetrics.core.model.RunFixtures.ended(ws, "wf-metered",
                        MINUTE.plusSeconds(i), Duration.ofMillis(5), Duration.ofMillis(20 + i),
                        dev.runmetrics.core.model.RunStatus.COMPLETED));
            }
            assertThat(fresh.flush(Duration.ofSeconds(30))).isTrue();
            DatabaseActivity after = fresh.databaseActivity();
            long batches = fresh.stats().batches();
            assertThat(batches).isPositive();
            // a staged batch is a handful of round trips (read and lock, COPY, write and commit)
            assertThat(after.statements() - before.statements()).as("%d batches", batches)
                    .isBetween(3 * batches, 40 * batches);
            assertThat(after.statementNanos() - before.statementNanos()).isPositive();
        }
    }

    private static void insertAsSuperuser(String ws, String instance, Instant minute) throws SQLException {
        try (Connection c = db.admin().getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO runmetrics.resource_samples (workspace_id, instance_id, minute_start, cpu_percent)"
                        + " VALUES (?, ?, ?, 1)")) {
            ps.setString(1, ws);
            ps.setString(2, instance);
            ps.setTimestamp(3, Timestamp.from(minute));
            ps.executeUpdate();
        }
    }
}
