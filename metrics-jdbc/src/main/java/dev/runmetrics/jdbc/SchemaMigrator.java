package dev.runmetrics.jdbc;

import dev.runmetrics.core.store.RollupDimension;
import dev.runmetrics.core.store.RunStoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the store's schema: the numbered SQL files under
 * {@code dev/runmetrics/jdbc/migrations/} ({@code V001__schema.sql}, ...), in order, each in its
 * own transaction, under a PostgreSQL advisory lock so that several processes starting at once
 * apply each file exactly once. Applied versions are recorded, with a checksum of the file, in
 * {@code runmetrics.schema_version}; running it again applies only newer files, and refuses to go
 * on if an applied file has changed.
 *
 * <p>Run it as the role that owns the schema (it creates the schema, tables, policies and view),
 * not as the application role the store connects with. A host that manages its schema with Flyway
 * or Liquibase applies the same files instead (see the module README) and calls only the backfill
 * that follows V002, V003 and V004 ({@link #backfillHourlyRollups}, {@link #backfillDailyRollups},
 * {@link #backfillAllSubjectRollups}), which SQL cannot do.
 *
 * <p>Thread-safe: stateless; concurrent calls (in one JVM or several) serialize on the lock.
 */
public final class SchemaMigrator {

    /** The PostgreSQL schema holding every table and view of the store. */
    public static final String SCHEMA = "runmetrics";

    /** The advisory lock key held while migrating ("runmetri" in ASCII). */
    public static final long ADVISORY_LOCK_KEY = 0x72756e6d65747269L;

    /** The migration files, in order; the version is the number after {@code V}. */
    static final List<String> FILES = List.of("V001__schema.sql", "V002__hourly_rollups.sql",
            "V003__daily_rollups.sql", "V004__all_subject_rollups.sql", "V005__control_audit.sql",
            "V006__attempt_endings.sql", "V007__resource_samples.sql", "V008__partitioned_history.sql");

    /** A migration's Java step: rollup rows SQL cannot compute (it cannot merge histograms). */
    private interface JavaStep {
        /** Runs inside the migration's transaction; returns the number of rows written. */
        long run(Connection c);
    }

    /** The Java step of each migration that has one, run after its file in the same transaction. */
    private static final Map<Integer, JavaStep> JAVA_STEPS = Map.of(
            2, c -> backfill(c, RollupTier.HOUR),
            3, c -> backfill(c, RollupTier.DAY),
            4, SchemaMigrator::backfillAllSubjects);

    private static final String RESOURCE_DIR = "/dev/runmetrics/jdbc/migrations/";
    private static final Pattern ROLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);

    private SchemaMigrator() {}

    /**
     * Returns the migration scripts by version, as the text in the jar (for a host that wants to
     * feed them to its own tool).
     */
    public static Map<Integer, String> migrations() {
        Map<Integer, String> out = new TreeMap<>();
        for (String file : FILES) {
            out.put(version(file), read(file));
        }
        return out;
    }

    /**
     * Brings the schema up to date, idempotently.
     *
     * @param owner connections as the role that owns (or may create) the {@value #SCHEMA} schema
     * @return the versions applied by this call (empty when it was up to date)
     * @throws IllegalStateException if an applied migration differs from the file in this jar
     * @throws RunStoreException if the database fails
     */
    public static List<Integer> migrate(DataSource owner) {
        return migrate(owner, Integer.MAX_VALUE);
    }

    /** Applies the migrations up to and including {@code target} (tests start from an old schema). */
    static List<Integer> migrate(DataSource owner, int target) {
        Objects.requireNonNull(owner, "owner");
        try (Connection c = owner.getConnection()) {
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_lock(" + ADVISORY_LOCK_KEY + ")");
            }
            try {
                return migrateLocked(c, target);
            } finally {
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT pg_advisory_unlock(" + ADVISORY_LOCK_KEY + ")");
                }
            }
        } catch (SQLException e) {
            throw new RunStoreException("migrating the runmetrics schema failed", e);
        }
    }

    private static List<Integer> migrateLocked(Connection c, int target) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            st.execute("CREATE TABLE IF NOT EXISTS " + SCHEMA + ".schema_version ("
                    + " version integer PRIMARY KEY, file text NOT NULL, checksum text NOT NULL,"
                    + " applied_at timestamptz NOT NULL DEFAULT now())");
        }
        Map<Integer, String> applied = new TreeMap<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT version, checksum FROM " + SCHEMA + ".schema_version")) {
            while (rs.next()) {
                applied.put(rs.getInt(1), rs.getString(2));
            }
        }
        List<Integer> done = new ArrayList<>();
        for (String file : FILES) {
            int version = version(file);
            if (version > target) {
                break;
            }
            String sql = read(file);
            String checksum = sha256(sql);
            String had = applied.get(version);
            if (had != null) {
                if (!had.equals(checksum)) {
                    throw new IllegalStateException("migration " + file + " was applied with checksum " + had
                            + " but the file now has " + checksum + "; applied migrations must not change");
                }
                continue;
            }
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute(sql);
                JavaStep step = JAVA_STEPS.get(version);
                if (step != null) {
                    long rows = step.run(c);
                    log.info("migration {}: backfilled {} rollup rows", file, rows);
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO " + SCHEMA + ".schema_version (version, file, checksum) VALUES (?, ?, ?)")) {
                    ps.setInt(1, version);
                    ps.setString(2, file);
                    ps.setString(3, checksum);
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            log.info("applied runmetrics migration {}", file);
            done.add(version);
        }
        if (target >= HistoryRetention.PARTITIONED_SINCE && isApplied(c, HistoryRetention.PARTITIONED_SINCE)) {
            // Each start keeps a week of day partitions ahead, so that a store that runs without
            // HistoryRetention's daily maintenance still writes into day partitions for a week.
            HistoryRetention.addDaysAhead(c, HistoryRetention.today(c), HistoryRetention.DEFAULT_DAYS_AHEAD,
                    HistoryRetention.DEFAULT_LOCK_TIMEOUT);
        }
        return done;
    }

    private static boolean isApplied(Connection c, int version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + SCHEMA + ".schema_version WHERE version = ?")) {
            ps.setInt(1, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Fills {@code runmetrics.execution_rollups_hourly} from the minute rows: each hour row becomes
     * the merge of the minute rows of its (workspace, dimension, subject, instance) in that hour.
     * {@link #migrate} does it as part of migration 2; a host that applies {@code V002} with its own
     * Flyway or Liquibase calls this once afterwards (before starting stores, and before
     * {@link #backfillDailyRollups}). Idempotent: hour rows are replaced, not added to, and both
     * tables are locked meanwhile, so writers wait and no contribution is counted twice or lost.
     *
     * @param owner connections as the schema's owner (it briefly lifts FORCE ROW LEVEL SECURITY on
     *     the two rollup tables, inside the transaction, to read and write every workspace)
     * @return the number of hour rows written
     * @throws RunStoreException if the database fails
     */
    public static long backfillHourlyRollups(DataSource owner) {
        return backfill(owner, RollupTier.HOUR);
    }

    /**
     * Fills {@code runmetrics.execution_rollups_daily} from the hour rows, as
     * {@link #backfillHourlyRollups} fills the hour rows from the minute rows: {@link #migrate} does
     * it as part of migration 3; a host that applies {@code V003} with its own tool calls this once
     * afterwards (after the hour rows are complete, before starting stores). Idempotent.
     *
     * @param owner connections as the schema's owner
     * @return the number of day rows written
     * @throws RunStoreException if the database fails
     */
    public static long backfillDailyRollups(DataSource owner) {
        return backfill(owner, RollupTier.DAY);
    }

    /**
     * Fills the all-subjects rows (subject {@code ''}, V004) of the three rollup tables from the rows
     * of each subject: each becomes the merge of the rows of its (workspace, dimension, bucket,
     * instance). {@link #migrate} does it as part of migration 4; a host that applies {@code V004}
     * with its own tool calls this once afterwards (after {@link #backfillDailyRollups}, before
     * starting stores). Idempotent: the rows are rebuilt, under a lock that holds writers off.
     *
     * @param owner connections as the schema's owner
     * @return the number of rows written
     * @throws RunStoreException if the database fails
     */
    public static long backfillAllSubjectRollups(DataSource owner) {
        return inTransaction(owner, "all-subjects", SchemaMigrator::backfillAllSubjects);
    }

    private static long backfill(DataSource owner, RollupTier tier) {
        return inTransaction(owner, tier.name().toLowerCase(java.util.Locale.ROOT), c -> backfill(c, tier));
    }

    private static long inTransaction(DataSource owner, String what, JavaStep step) {
        Objects.requireNonNull(owner, "owner");
        try (Connection c = owner.getConnection()) {
            c.setAutoCommit(false);
            try {
                long n = step.run(c);
                c.commit();
                return n;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new RunStoreException("backfilling the " + what + " rollups failed", e);
        }
    }

    /**
     * Rebuilds the rows of {@code tier} as merges of the rows of the next finer tier (all-subjects
     * rows included: they merge into the coarser all-subjects rows), inside the caller's
     * transaction.
     */
    static long backfill(Connection c, RollupTier tier) {
        RollupTier source = tier.finer();
        return rebuild(c, source, tier, "SELECT * FROM " + SCHEMA + "." + source.table
                + " ORDER BY workspace_id, dimension, subject, instance_id, bucket_start",
                (dimension, subject, start) -> new RollupAccumulator.Key(dimension, subject, tier.floor(start)));
    }

    /**
     * Rebuilds the all-subjects rows of the three tables from the rows of each subject, inside the
     * caller's transaction. Read in the order of the tables' time index, so no sort is needed.
     */
    static long backfillAllSubjects(Connection c) {
        long written = 0;
        for (RollupTier tier : RollupTier.values()) {
            written += rebuild(c, tier, tier, "SELECT * FROM " + SCHEMA + "." + tier.table
                    + " WHERE subject <> '" + Rows.ALL_SUBJECTS + "' ORDER BY workspace_id, dimension, bucket_start",
                    (dimension, subject, start) -> new RollupAccumulator.Key(dimension, Rows.ALL_SUBJECTS, start));
        }
        return written;
    }

    /** Maps a source row's key to the key of the target row it is added into. */
    private interface TargetKey {
        RollupAccumulator.Key of(RollupDimension dimension, String subject, Instant start);
    }

    /**
     * Streams the rows {@code select} reads from {@code source} (ordered so that the rows of one
     * target row's workspace and key come together), adds each into the target row its key maps
     * to (per instance) and upserts the sums into {@code target}, replacing what was there.
     */
    private static long rebuild(Connection c, RollupTier source, RollupTier target, String select, TargetKey keyOf) {
        String from = SCHEMA + "." + source.table;
        String to = SCHEMA + "." + target.table;
        long written = 0;
        try (Statement st = c.createStatement()) {
            // ALTER TABLE takes an ACCESS EXCLUSIVE lock until commit: no writer changes a source
            // or target row while the target rows are rebuilt. The owner is subject to the policies
            // (FORCE), so they are lifted for this transaction only, to see every workspace.
            st.execute("ALTER TABLE " + from + " NO FORCE ROW LEVEL SECURITY");
            st.execute("ALTER TABLE " + to + " NO FORCE ROW LEVEL SECURITY");
            try (Statement read = c.createStatement();
                    PreparedStatement write = c.prepareStatement(Rows.upsertRollupSql(target.table))) {
                read.setFetchSize(2000);
                try (ResultSet rs = read.executeQuery(select)) {
                    // The target rows being summed: consecutive source rows share them, so a row
                    // whose workspace or key differs from the previous one's closes them all.
                    Map<String, RollupAccumulator.Sums> open = new java.util.LinkedHashMap<>();
                    String openWorkspace = null;
                    RollupAccumulator.Key openKey = null;
                    int pending = 0;
                    while (true) {
                        boolean more = rs.next();
                        String ws = more ? rs.getString("workspace_id") : null;
                        RollupAccumulator.Key key = more ? keyOf.of(RollupDimension.valueOf(rs.getString("dimension")),
                                rs.getString("subject"), Rows.instant(rs, "bucket_start")) : null;
                        if (openKey != null && (!more || !ws.equals(openWorkspace) || !key.equals(openKey))) {
                            for (Map.Entry<String, RollupAccumulator.Sums> e : open.entrySet()) {
                                e.getValue().bind(write, openWorkspace, openKey, e.getKey());
                                write.addBatch();
                                written++;
                                if (++pending == 500) {
                                    write.executeBatch();
                                    pending = 0;
                                }
                            }
                            open.clear();
                        }
                        if (!more) {
                            break;
                        }
                        openWorkspace = ws;
                        openKey = key;
                        open.computeIfAbsent(rs.getString("instance_id"), i -> new RollupAccumulator.Sums())
                                .addStored(rs);
                    }
                    if (pending > 0) {
                        write.executeBatch();
                    }
                }
            }
            st.execute("ALTER TABLE " + from + " FORCE ROW LEVEL SECURITY");
            st.execute("ALTER TABLE " + to + " FORCE ROW LEVEL SECURITY");
        } catch (SQLException e) {
            throw new RunStoreException("backfilling " + to + " from " + from + " failed", e);
        }
        return written;
    }

    /**
     * Grants an application role what the store needs, and nothing more: use of the schema,
     * SELECT/INSERT/UPDATE on the tables, SELECT on the view. No DELETE, no ownership, so the
     * role cannot turn row-level security off; the role itself must not have BYPASSRLS (or be a
     * superuser). The same statements are in the module README for hosts that grant by hand.
     * Concurrent calls (several processes starting at once) take turns on the migration's advisory
     * lock, as PostgreSQL fails concurrent GRANTs on one object.
     *
     * @param owner connections as the schema's owner
     * @param role the application role, a plain SQL identifier
     * @throws IllegalArgumentException if the role name is not a plain identifier
     * @throws RunStoreException if the database fails
     */
    public static void grantAppRole(DataSource owner, String role) {
        if (role == null || !ROLE.matcher(role).matches()) {
            throw new IllegalArgumentException("role must be a plain SQL identifier, was " + role);
        }
        try (Connection c = owner.getConnection(); Statement st = c.createStatement()) {
            // Concurrent GRANTs on one table fail ("tuple concurrently updated"): processes that start
            // at once and each grant after migrating take turns, on the migration's lock.
            c.setAutoCommit(false);
            st.execute("SELECT pg_advisory_xact_lock(" + ADVISORY_LOCK_KEY + ")");
            st.execute(grantSql(role));
            c.commit();
        } catch (SQLException e) {
            throw new RunStoreException("granting the runmetrics schema to " + role + " failed", e);
        }
    }

    /** Returns the GRANT statements {@link #grantAppRole} runs for {@code role}. */
    public static String grantSql(String role) {
        return "GRANT USAGE ON SCHEMA " + SCHEMA + " TO " + role + ";\n"
                + "GRANT SELECT, INSERT, UPDATE ON " + SCHEMA + ".workflow_executions, " + SCHEMA
                + ".workflow_step_executions, " + SCHEMA + ".step_checkpoints, " + SCHEMA
                + ".execution_rollups, " + SCHEMA + ".execution_rollups_hourly, " + SCHEMA
                + ".execution_rollups_daily, " + SCHEMA + ".workflow_execution_counters TO " + role + ";\n"
                + "GRANT SELECT, INSERT ON " + SCHEMA + ".resume_audit, " + SCHEMA + ".run_attempt_endings TO " + role
                + ";\n"
                + "GRANT SELECT, INSERT, UPDATE, DELETE ON " + SCHEMA + ".resource_samples TO " + role + ";\n"
                + "GRANT SELECT ON " + SCHEMA + ".execution_time_statistics, " + SCHEMA + ".schema_version TO "
                + role + ";\n";
    }

    private static int version(String file) {
        return Integer.parseInt(file.substring(1, file.indexOf("__")));
    }

    private static String read(String file) {
        try (InputStream in = SchemaMigrator.class.getResourceAsStream(RESOURCE_DIR + file)) {
            if (in == null) {
                throw new IllegalStateException("migration " + file + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration " + file, e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
