package dev.runmetrics.jdbc;

import static dev.runmetrics.core.model.RunFixtures.ended;
import static dev.runmetrics.core.model.RunFixtures.newWorkspace;
import static dev.runmetrics.core.model.RunFixtures.queued;
import static dev.runmetrics.core.model.RunFixtures.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runmetrics.core.model.Ids;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.store.ResumeAudit;
import dev.runmetrics.core.store.ResumeClaim;
import dev.runmetrics.core.store.ResumeOutcome;
import dev.runmetrics.core.store.Rollup;
import dev.runmetrics.core.store.RollupDimension;
import dev.runmetrics.core.store.RollupQuery;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retention of the raw history by day partitions, on a database of its own (a drop is
 * database-wide): aged days go whole, from every table, while the rollups keep their statistics;
 * a day holding a live or paused run stays; a failed run that aged out is no longer resumable and
 * says so as any unknown run does; writers go on while days are dropped.
 */
class HistoryRetentionTest {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    /** A day whose runs are older than 90 days: 100 days ago, UTC. */
    private static final LocalDate OLD_DAY = LocalDate.ofInstant(NOW, ZoneOffset.UTC).minusDays(100);
    private static final Instant OLD_NOON = OLD_DAY.atTime(12, 0).toInstant(ZoneOffset.UTC);

    private DataSource owner;
    private JdbcRunStore store;
    private HistoryRetention retention;

    @BeforeEach
    void freshDatabase() throws SQLException {
        TestDatabase db = TestDatabase.shared();
        String database = "runmetrics_retention_" + System.nanoTime();
        try (Connection c = db.admin().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + database + " OWNER " + TestDatabase.OWNER_ROLE);
        }
        owner = db.as(database, TestDatabase.OWNER_ROLE);
        SchemaMigrator.migrate(owner);
        SchemaMigrator.grantAppRole(owner, TestDatabase.APP_ROLE);
        store = JdbcRunStore.builder(db.as(database, TestDatabase.APP_ROLE)).instanceId("retention-a").build();
        retention = HistoryRetention.builder(owner).rawAge(Duration.ofDays(90)).build();
        // The store ran 100 days ago as it runs today: its maintenance made that week's partitions.
        assertThat(retention.maintain(OLD_NOON).droppedDays()).isEmpty();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void anAgedDayIsDroppedFromEveryTableAndItsStatisticsStayInTheRollups() throws SQLException {
        String ws = newWorkspace();
        String other = newWorkspace();
        String done = idAt(OLD_NOON);
        String recent = idAt(NOW.minus(Duration.ofHours(1)));
        save(ws, done, OLD_NOON, RunStatus.COMPLETED);
        save(ws, recent, NOW.minus(Duration.ofHours(1)), RunStatus.COMPLETED);
        save(other, idAt(OLD_NOON.plusSeconds(1)), OLD_NOON, RunStatus.COMPLETED);
        store.saveCheckpoint(ws, new StepCheckpoint(ws, done, "s1", 1, Map.of("rows", 3L), OLD_NOON.plusMillis(50)));
        store.appendResumeAudit(ws, new ResumeAudit(ws, idAt(OLD_NOON.plusSeconds(2)), done, "s1", "alice",
                OLD_NOON.plusSeconds(2), 1, ResumeOutcome.REFUSED, "already completed"));
        assertThat(store.flush(Duration.ofSeconds(20))).isTrue();
        assertThat(rowsIn("workflow_executions_p" + suffix(OLD_DAY))).isEqualTo(2);
        assertThat(rowsIn("workflow_step_executions_p" + suffix(OLD_DAY))).isEqualTo(2);
        assertThat(rowsIn("step_checkpoints_p" + suffix(OLD_DAY))).isEqualTo(1);
        assertThat(rowsIn("run_attempt_endings_p" + suffix(OLD_DAY))).isEqualTo(2);
        assertThat(rowsIn("resume_audit_p" + suffix(OLD_DAY))).isEqualTo(1);
        RollupQuery oldDay = RollupQuery.total(RollupDimension.WORKFLOW, "wf", OLD_DAY.atStartOfDay(ZoneOffset.UTC)
                .toInstant(), OLD_DAY.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
        List<Rollup> before = store.rollups(ws, oldDay);
        assertThat(before).singleElement().satisfies(r -> assertThat(r.total()).isEqualTo(1));

        HistoryRetention.Report report = retention.maintain(NOW);

        assertThat(report.droppedDays()).contains(OLD_DAY).allMatch(d -> d.isBefore(OLD_DAY.plusDays(10)));
        assertThat(report.heldDays()).isEmpty();
        assertThat(report.resumableDropped()).isZero();
        for (String table : HistoryRetention.TABLES) {
            assertThat(exists(table + "_p" + suffix(OLD_DAY))).as(table + " of the old day").isFalse();
            assertThat(exists(table + "_p" + suffix(LocalDate.ofInstant(NOW, ZoneOffset.UTC)))).as(table + " today")
                    .isTrue();
            assertThat(exists(table + "_p" + suffix(LocalDate.ofInstant(NOW, ZoneOffset.UTC).plusDays(7))))
                    .as(table + " a week ahead").isTrue();
        }
        assertThat(store.findRun(ws, done)).isEmpty();
        assertThat(store.findSteps(ws, done)).isEmpty();
        assertThat(store.findCheckpoints(ws, done)).isEmpty();
        assertThat(store.findResumeAudit(ws, done)).isEmpty();
        assertThat(store.findRun(ws, recent)).isPresent();
        assertThat(store.findSteps(ws, recent)).hasSize(1);
        assertThat(store.rollups(ws, oldDay)).as("the day's statistics, from the rollups").isEqualTo(before);
        assertThat(retention.maintain(NOW).droppedDays()).as("a second run has nothing left to drop").isEmpty();
    }

    @Test
    void aDayHoldingAPausedRunIsKeptUntilItEndsAndAnAgedFailedRunIsNoLongerResumable() throws SQLException {
        String ws = newWorkspace();
        String failed = idAt(OLD_NOON);
        String paused = idAt(OLD_NOON.plus(Duration.ofDays(1)));
        save(ws, failed, OLD_NOON, RunStatus.FAILED);
        Run pausedRun = queued(ws, paused, "wf", OLD_NOON.plus(Duration.ofDays(1))).toBuilder()
                .status(RunStatus.PAUSED).startedAt(OLD_NOON.plus(Duration.ofDays(1)))
                .updatedAt(OLD_NOON.plus(Duration.ofDays(1))).build();
        store.saveRun(ws, pausedRun);
        assertThat(store.flush(Duration.ofSeconds(20))).isTrue();
        assertThat(store.claimResume(ws, failed, 99, "retention-a", OLD_NOON.plusSeconds(5)))
                .as("found while its day is kept (a stale attempt, so nothing is claimed)")
                .isInstanceOf(ResumeClaim.Conflict.class)
                .satisfies(c -> assertThat(((ResumeClaim.Conflict) c).current().status()).isEqualTo(RunStatus.FAILED));

        HistoryRetention.Report report = retention.maintain(NOW);

        assertThat(report.droppedDays()).contains(OLD_DAY).doesNotContain(OLD_DAY.plusDays(1));
        assertThat(report.heldDays()).containsExactly(OLD_DAY.plusDays(1));
        assertThat(report.resumableDropped()).as("the failed run that went").isEqualTo(1);
        assertThat(store.claimResume(ws, failed, 1, "retention-a", NOW)).as("an aged-out run is not found")
                .isInstanceOf(ResumeClaim.NotFound.class);
        assertThat(store.findRun(ws, paused)).as("the paused run and its day stay").isPresent();

        store.saveRun(ws, pausedRun.toBuilder().status(RunStatus.CANCELLED).completedAt(NOW).updatedAt(NOW).build());
        assertThat(store.flush(Duration.ofSeconds(20))).isTrue();
        report = retention.maintain(NOW);
        assertThat(report.droppedDays()).containsExactly(OLD_DAY.plusDays(1));
        assertThat(report.resumableDropped()).isEqualTo(1);
        assertThat(store.findRun(ws, paused)).isEmpty();
    }

    @Test
    void writersGoOnWhileDaysAreDropped() throws Exception {
        String ws = newWorkspace();
        for (int day = 0; day < 8; day++) {
            Instant at = OLD_NOON.plus(Duration.ofDays(day));
            for (int i = 0; i < 50; i++) {
                save(ws, idAt(at.plusMillis(i)), at, RunStatus.COMPLETED);
            }
        }
        assertThat(store.flush(Duration.ofSeconds(20))).isTrue();
        List<String> written = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            try {
                while (!stop.get()) {
                    Instant at = Instant.now();
                    String id = idAt(at);
                    save(ws, id, at, RunStatus.COMPLETED);
                    written.add(id);
                    Thread.sleep(1);
                }
            } catch (Throwable t) {
                errors.add(t);
            }
        });
        writer.start();
        Thread.sleep(200);
        HistoryRetention.Report report = retention.maintain(NOW);
        Thread.sleep(200);
        stop.set(true);
        writer.join();

        assertThat(errors).isEmpty();
        assertThat(report.droppedDays()).hasSize(8);
        assertThat(store.flush(Duration.ofSeconds(20))).isTrue();
        assertThat(store.stats().failed()).isZero();
        assertThat(store.stats().dropped()).isZero();
        assertThat(written).hasSizeGreaterThan(10).allSatisfy(id -> assertThat(store.findRun(ws, id)).isPresent());
    }

    @Test
    void runsWrittenForADayWithoutAPartitionMoveIntoItWhenItIsMade() throws SQLException {
        String ws = newWorkspace();
        LocalDate later = LocalDate.ofInstant(NOW, ZoneOffset.UTC).plusDays(30);
        Instant laterNoon = later.atTime(12, 0).toInstant(ZoneOffset.UTC);
        String early = idAt(laterNoon);
        String hostId = "host-run-1";
        save(ws, early, laterNoon, RunStatus.COMPLETED);
        save(ws, hostId, OLD_NOON, RunStatus.COMPLETED);
        assertThat(store.flush(Duration.ofSeconds(20))).isTrue();
        assertThat(partitionOf(ws, early)).isEqualTo("workflow_executions_default");

        retention.maintain(laterNoon);

        assertThat(partitionOf(ws, early)).isEqualTo("workflow_executions_p" + suffix(later));
        assertThat(partitionOf(ws, hostId)).as("an id in another form stays in the default partition")
                .isEqualTo("workflow_executions_default");
        assertThat(store.findSteps(ws, early)).hasSize(1);
        retention.maintain(laterNoon.plus(Duration.ofDays(365)));
        assertThat(store.findRun(ws, hostId)).as("the default partition is never dropped").isPresent();
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> HistoryRetention.builder(owner).rawAge(Duration.ofHours(23)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rawAge");
        assertThatThrownBy(() -> HistoryRetention.builder(owner).daysAhead(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("daysAhead");
        assertThatThrownBy(() -> HistoryRetention.builder(owner).lockTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lockTimeout");
    }

    /** A run of workflow "wf" queued at {@code queuedAt}, ended (or failed) with one step. */
    private void save(String ws, String runId, Instant queuedAt, RunStatus status) {
        Run run = ended(ws, runId, "wf", queuedAt, Duration.ofMillis(5), Duration.ofMillis(40), status);
        store.saveRun(ws, run);
        store.saveStep(ws, step(ws, runId, "s1", 1, "node", 1, status, run.startedAt(), Duration.ofMillis(30),
                Map.of()));
    }

    private static String idAt(Instant at) {
        return Ids.generator(new ManualClock(at)).get();
    }

    private static String suffix(LocalDate day) {
        return day.toString().replace("-", "");
    }

    private boolean exists(String table) throws SQLException {
        try (Connection c = owner.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT to_regclass('runmetrics.' || ?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Rows in one partition, read as its owner (its policy is not forced: every workspace). */
    private long rowsIn(String partition) throws SQLException {
        try (Connection c = owner.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM runmetrics." + partition)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String partitionOf(String ws, String runId) throws SQLException {
        try (Connection c = owner.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement set = c.prepareStatement("SELECT set_config('runmetrics.workspace_id', ?, true)")) {
                set.setString(1, ws);
                set.executeQuery().close();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT tableoid::regclass::text FROM"
                    + " runmetrics.workflow_executions WHERE workspace_id = ? AND run_id = ?")) {
                ps.setString(1, ws);
                ps.setString(2, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).as("run " + runId).isTrue();
                    String name = rs.getString(1);
                    c.rollback();
                    return name.replace("runmetrics.", "");
                }
            }
        }
    }
}
