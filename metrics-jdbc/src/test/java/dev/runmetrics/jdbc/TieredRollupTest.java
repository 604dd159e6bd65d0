package dev.runmetrics.jdbc;

import static dev.runmetrics.core.model.RunFixtures.newWorkspace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunFixtures;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.store.DurationHistogram;
import dev.runmetrics.core.store.Rollup;
import dev.runmetrics.core.store.RollupDimension;
import dev.runmetrics.core.store.RollupQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hour and day rollup tables (migrations 2 and 3) and the all-subjects rows (migration 4): the
 * writer keeps hour and day rows equal to the sums of their minute rows and each all-subjects row
 * equal to the sum of its subjects' rows; long queries read whole days from day rows, whole hours
 * from hour rows and only their edges from minute rows, queries over all subjects merged read the
 * all-subjects rows; and the migrations backfill all of it from rows written before they existed.
 */
class TieredRollupTest {

    static TestDatabase db;
    static JdbcRunStore store;

    /** 30 days ending on a UTC midnight; queries below start and end inside an hour. */
    static final Instant END = Instant.parse("2026-04-01T00:00:00Z");
    static final Instant START = END.minus(Duration.ofDays(30));

    @BeforeAll
    static void start() {
        db = TestDatabase.shared();
        store = JdbcRunStore.builder(db.app()).instanceId("hourly-test").maxBatchSize(7).build();
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    private static Run ended(String ws, String workflow, Instant completed, long execMillis) {
        Instant queued = completed.minusMillis(execMillis + 5);
        return RunFixtures.ended(ws, workflow, queued, Duration.ofMillis(5), Duration.ofMillis(execMillis),
                RunStatus.COMPLETED);
    }

    /** Adds a row straight into a rollup table, bypassing the store; a null subject is the all-subjects row. */
    private static void insertRow(RollupTier tier, String ws, String subject, Instant start, String instance,
            long completed) throws SQLException {
        DurationHistogram h = DurationHistogram.builder().recordMicros(1_000).build();
        Rollup r = new Rollup(ws, RollupDimension.WORKFLOW, subject, start, tier.length, instance,
                Map.of(RunStatus.COMPLETED, completed), h, h, h, 0, 0);
        try (Connection c = db.admin().getConnection();
                PreparedStatement ps = c.prepareStatement(Rows.upsertRollupSql(tier.table))) {
            Rows.bindRollup(ps, r);
            ps.executeUpdate();
        }
    }

    private static long total(String ws, String subject, Instant from, Instant to, Duration bucket) {
        return store.rollups(ws, new RollupQuery(RollupDimension.WORKFLOW, subject, false, from, to, bucket)).stream()
                .mapToLong(Rollup::total).sum();
    }

    @Test
    void theWriterKeepsHourAndDayRowsEqualToTheSumOfTheirMinutes() throws SQLException {
        String ws = newWorkspace();
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            // spread over four days, several runs per minute, hour and day, two workflows
            runs.add(ended(ws, i % 2 == 0 ? "wf-a" : "wf-b", START.plus(Duration.ofMinutes(97L * i + i % 3)), 100 + i));
        }
        runs.forEach(r -> store.saveRun(ws, r));
        runs.forEach(r -> store.saveRun(ws, r)); // replayed: counted once
        assertThat(store.flush(Duration.ofSeconds(30))).isTrue();
        try (Connection c = db.admin().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*), sum(count_completed) FROM"
                        + " runmetrics.execution_rollups_hourly WHERE workspace_id = '" + ws + "' AND subject <> ''"
                        + " AND dimension = 'WORKFLOW'")) {
            rs.next();
            assertThat(rs.getLong(1)).isGreaterThan(10);
            assertThat(rs.getLong(2)).isEqualTo(60);
        }
        Map<String, Long> days = rowsOf(db.admin(), ws, RollupTier.DAY);
        // WORKFLOW and WORKFLOW_COMPLETED x (two workflows + all) x 95.4 h of runs from a midnight: four days
        assertThat(days).hasSize(2 * 3 * 4);
        assertThat(days).isEqualTo(minuteRowsMergedBy(db.admin(), ws, RollupTier.DAY));
        assertThat(rowsOf(db.admin(), ws, RollupTier.HOUR)).isEqualTo(minuteRowsMergedBy(db.admin(), ws,
                RollupTier.HOUR));
        for (RollupTier tier : RollupTier.values()) {
            assertThat(allSubjectRowsOf(db.admin(), ws, tier)).as(tier.name()).hasSizeGreaterThan(3)
                    .isEqualTo(subjectRowsMerged(db.admin(), ws, tier));
        }
    }

    @Test
    void aThirtyDayQueryReadsWholeDaysFromDayRowsTheirEdgeHoursFromHourRowsAndEdgeMinutesFromMinuteRows()
            throws SQLException {
        String ws = newWorkspace();
        Instant from = START.plus(Duration.ofMinutes(30)); // inside the first hour of the first day
        Instant to = END.minus(Duration.ofMinutes(20)); // inside the last hour of the last day
        // One stored run in each edge hour and one deep inside, through the store (all three tables).
        store.saveRun(ws, ended(ws, "wf", from.plus(Duration.ofMinutes(5)), 100));
        store.saveRun(ws, ended(ws, "wf", START.plus(Duration.ofDays(15)), 100));
        store.saveRun(ws, ended(ws, "wf", to.minus(Duration.ofMinutes(5)), 100));
        assertThat(store.flush(Duration.ofSeconds(30))).isTrue();
        assertThat(total(ws, "wf", from, to, null)).isEqualTo(3);

        // Markers written into one table only show which table a query reads for which stretch.
        Instant interior = START.plus(Duration.ofDays(10)).plus(Duration.ofHours(5));
        insertRow(RollupTier.DAY, ws, "wf", RollupTier.DAY.floor(interior), "marker", 1_000);
        insertRow(RollupTier.HOUR, ws, "wf", interior, "marker", 10_000); // inside a whole day
        insertRow(RollupTier.HOUR, ws, "wf", START.plus(Duration.ofHours(2)), "marker", 20_000); // first, cut day
        insertRow(RollupTier.HOUR, ws, "wf", START, "marker", 40_000); // the hour cut by from
        insertRow(RollupTier.DAY, ws, "wf", START, "marker", 80_000); // the day cut by from
        insertRow(RollupTier.MINUTE, ws, "wf", interior.plus(Duration.ofMinutes(7)), "marker", 100_000);

        // 30 days, one bucket: the interior day from its day row; the first, cut day from hour
        // rows (its first, cut hour from minute rows).
        assertThat(total(ws, "wf", from, to, null)).isEqualTo(3 + 1_000 + 20_000);
        // All subjects merged: the all-subjects rows, which the markers above are not in...
        assertThat(total(ws, null, from, to, null)).isEqualTo(3);
        insertRow(RollupTier.DAY, ws, null, RollupTier.DAY.floor(interior), "marker", 500_000);
        assertThat(total(ws, null, from, to, null)).isEqualTo(3 + 500_000);
        // ...and subjects one by one: each subject's rows, never the all-subjects rows.
        assertThat(store.rollups(ws, new RollupQuery(RollupDimension.WORKFLOW, null, true, from, to, null)))
                .singleElement().satisfies(r -> {
                    assertThat(r.subject()).isEqualTo("wf");
                    assertThat(r.total()).isEqualTo(3 + 1_000 + 20_000);
                });
        // Whole-day buckets read days too; whole-hour buckets hours, never days.
        assertThat(total(ws, "wf", from, to, Duration.ofDays(1))).isEqualTo(3 + 1_000 + 20_000);
        assertThat(total(ws, "wf", from, to, Duration.ofHours(6))).isEqualTo(3 + 10_000 + 20_000);
        // 15-minute buckets could cut an hour: minute rows only.
        assertThat(total(ws, "wf", from, to, Duration.ofMinutes(15))).isEqualTo(3 + 100_000);
        // A range inside one hour: minute rows only; inside one day: hour and minute rows.
        assertThat(total(ws, "wf", interior, interior.plus(Duration.ofMinutes(30)), null)).isEqualTo(100_000);
        assertThat(total(ws, "wf", interior.minus(Duration.ofMinutes(1)), interior.plus(Duration.ofHours(2)), null))
                .isEqualTo(10_000);
        // Only the histograms asked for are read: counts stay, the others come back empty.
        Rollup executionOnly = store.rollups(ws, RollupQuery.total(RollupDimension.WORKFLOW, "wf", from, to)
                .withHistograms(dev.runmetrics.core.store.DurationKind.EXECUTION_TIME)).get(0);
        Rollup all = store.rollups(ws, RollupQuery.total(RollupDimension.WORKFLOW, "wf", from, to)).get(0);
        assertThat(executionOnly.total()).isEqualTo(all.total());
        assertThat(executionOnly.executionTime()).isEqualTo(all.executionTime());
        assertThat(all.queueWait().count()).isEqualTo(3 + 2); // each marker's histogram holds one value
        assertThat(executionOnly.queueWait().count()).isZero();
        assertThat(executionOnly.endToEnd().count()).isZero();
        // Another workspace sees none of it.
        assertThat(total(newWorkspace(), "wf", from, to, null)).isZero();
    }

    @Test
    void theMigrationsBackfillHourAndDayRowsFromExistingMinuteRows() throws SQLException {
        String database = "runmetrics_backfill_" + System.nanoTime();
        try (Connection c = db.admin().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + database + " OWNER " + TestDatabase.OWNER_ROLE);
        }
        DataSource owner = db.as(database, TestDatabase.OWNER_ROLE);
        DataSource admin = db.admin(database);
        assertThat(SchemaMigrator.migrate(owner, 1)).containsExactly(1);
        // Minute rows written by a version-1 store: two workspaces, two instances, two subjects a
        // minute apart, 31 hours of 3 days.
        String wsA = newWorkspace();
        String wsB = newWorkspace();
        try (Connection c = admin.getConnection();
                PreparedStatement ps = c.prepareStatement(Rows.upsertRollupSql("execution_rollups"))) {
            for (String ws : List.of(wsA, wsB)) {
                for (String instance : List.of("i1", "i2")) {
                    for (String node : List.of("node-a", "node-b")) {
                        for (int m = node.equals("node-a") ? 0 : 1; m < 3000; m += 97) {
                            DurationHistogram h = DurationHistogram.builder().recordMicros(1000L * (m + 1)).build();
                            Rows.bindRollup(ps, new Rollup(ws, RollupDimension.NODE, node, START.plus(
                                    Duration.ofMinutes(m)), Rollup.MINUTE, instance, Map.of(RunStatus.FAILED, 2L), h,
                                    h, h, 0, 0));
                            ps.addBatch();
                        }
                    }
                }
            }
            ps.executeBatch();
        }
        assertThat(SchemaMigrator.migrate(owner)).containsExactly(2, 3, 4, 5, 6, 7, 8);
        for (RollupTier tier : RollupTier.values()) {
            Map<String, Long> all = allSubjectRowsOf(admin, wsA, tier);
            assertThat(all).as(tier.name()).hasSize(2 * (tier == RollupTier.MINUTE ? 62 : tier == RollupTier.HOUR
                    ? 31 : 3)); // 2 instances x (minutes: 2 x 31 of them, 1 apart; hours; days)
            assertThat(all).as(tier.name()).isEqualTo(subjectRowsMerged(admin, wsA, tier));
            assertThat(allSubjectRowsOf(admin, wsB, tier)).isEqualTo(subjectRowsMerged(admin, wsB, tier));
        }
        Map<String, Long> hours = rowsOf(admin, wsA, RollupTier.HOUR);
        assertThat(hours).hasSize(2 * 31 * 3); // 2 instances x 31 hours x (2 subjects + all)
        assertThat(hours).isEqualTo(minuteRowsMergedBy(admin, wsA, RollupTier.HOUR));
        assertThat(rowsOf(admin, wsB, RollupTier.HOUR)).isEqualTo(minuteRowsMergedBy(admin, wsB, RollupTier.HOUR));
        Map<String, Long> days = rowsOf(admin, wsA, RollupTier.DAY);
        assertThat(days).hasSize(2 * 3 * 3); // 2 instances x 3 days x (2 subjects + all)
        assertThat(days).isEqualTo(minuteRowsMergedBy(admin, wsA, RollupTier.DAY));
        assertThat(rowsOf(admin, wsB, RollupTier.DAY)).isEqualTo(minuteRowsMergedBy(admin, wsB, RollupTier.DAY));
        // Idempotent; the policies are forced again afterwards.
        Map<String, Long> minutes = rowsOf(admin, wsA, RollupTier.MINUTE);
        SchemaMigrator.backfillHourlyRollups(owner);
        SchemaMigrator.backfillDailyRollups(owner);
        SchemaMigrator.backfillAllSubjectRollups(owner);
        assertThat(rowsOf(admin, wsA, RollupTier.MINUTE)).isEqualTo(minutes);
        assertThat(rowsOf(admin, wsA, RollupTier.HOUR)).isEqualTo(hours);
        assertThat(rowsOf(admin, wsA, RollupTier.DAY)).isEqualTo(days);
        try (Connection c = owner.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT bool_and(relforcerowsecurity), count(*) FROM pg_class"
                        + " WHERE relname IN ('execution_rollups', 'execution_rollups_hourly',"
                        + " 'execution_rollups_daily')")) {
            rs.next();
            assertThat(rs.getBoolean(1)).isTrue();
            assertThat(rs.getLong(2)).isEqualTo(3);
        }
        try (Connection c = db.admin().getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE " + database);
        }
    }

    /** A tier's rows as "dimension/subject/start/instance" -> fingerprint. */
    private static Map<String, Long> rowsOf(DataSource admin, String ws, RollupTier tier) throws SQLException {
        Map<String, Long> out = new java.util.TreeMap<>();
        try (Connection c = admin.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM runmetrics." + tier.table
                        + " WHERE workspace_id = '" + ws + "'")) {
            while (rs.next()) {
                Rollup r = Rows.rollup(rs, tier.length);
                out.put(key(r, r.bucketStart()), fingerprint(r));
            }
        }
        return out;
    }

    /** The minute rows merged by core into rows of the tier, fingerprinted as {@link #rowsOf}. */
    private static Map<String, Long> minuteRowsMergedBy(DataSource admin, String ws, RollupTier tier)
            throws SQLException {
        Map<String, List<Rollup>> parts = new java.util.TreeMap<>();
        try (Connection c = admin.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM runmetrics.execution_rollups"
                        + " WHERE workspace_id = '" + ws + "'")) {
            while (rs.next()) {
                Rollup r = Rows.rollup(rs);
                parts.computeIfAbsent(key(r, tier.floor(r.bucketStart())), k -> new ArrayList<>()).add(r);
            }
        }
        Map<String, Long> out = new java.util.TreeMap<>();
        parts.forEach((k, list) -> out.put(k, fingerprint(Rollup.merge(ws, list.get(0).dimension(),
                list.get(0).subject(), tier.floor(list.get(0).bucketStart()), tier.length, null, list))));
        return out;
    }

    /** The all-subjects rows of a tier (stored subject '', read as null), as {@link #rowsOf}. */
    private static Map<String, Long> allSubjectRowsOf(DataSource admin, String ws, RollupTier tier)
            throws SQLException {
        Map<String, Long> out = new java.util.TreeMap<>(rowsOf(admin, ws, tier));
        out.keySet().removeIf(k -> !k.contains("/null/"));
        return out;
    }

    /** The rows of each subject of a tier merged by core across subjects, as {@link #rowsOf}. */
    private static Map<String, Long> subjectRowsMerged(DataSource admin, String ws, RollupTier tier)
            throws SQLException {
        Map<String, List<Rollup>> parts = new java.util.TreeMap<>();
        try (Connection c = admin.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM runmetrics." + tier.table
                        + " WHERE workspace_id = '" + ws + "' AND subject <> ''")) {
            while (rs.next()) {
                Rollup r = Rows.rollup(rs, tier.length);
                parts.computeIfAbsent(r.dimension() + "/null/" + r.bucketStart() + "/" + r.instanceId(),
                        k -> new ArrayList<>()).add(r);
            }
        }
        Map<String, Long> out = new java.util.TreeMap<>();
        parts.forEach((k, list) -> out.put(k, fingerprint(Rollup.merge(ws, list.get(0).dimension(), null,
                list.get(0).bucketStart(), tier.length, null, list))));
        return out;
    }

    private static String key(Rollup r, Instant start) {
        return r.dimension() + "/" + r.subject() + "/" + start + "/" + r.instanceId();
    }

    /** Counts and histograms folded into one number: equal rows give equal numbers. */
    private static long fingerprint(Rollup r) {
        long f = r.total();
        for (RunStatus s : RunStatus.values()) {
            f = f * 31 + r.count(s);
        }
        f = f * 31 + r.executionTime().count();
        f = f * 31 + r.executionTime().valueAtPercentileMicros(50);
        f = f * 31 + r.endToEnd().valueAtPercentileMicros(99);
        f = f * 31 + r.queueWait().valueAtPercentileMicros(100);
        return f;
    }
}
