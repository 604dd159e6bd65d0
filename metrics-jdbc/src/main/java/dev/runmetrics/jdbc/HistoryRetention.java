package dev.runmetrics.jdbc;

import dev.runmetrics.core.store.RunStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the raw history (runs, steps, checkpoints, ended attempts and the control audit) for a
 * configured age, by day partitions: {@link #maintain} creates the partitions of the next days
 * ahead and drops, whole, the day partitions older than the age. Nothing is deleted row by row, so
 * there is no DELETE storm and no vacuum debt, and the rollups (minute, hour, day rows) stay: the
 * statistics of a range whose raw rows are gone are still answered from them.
 *
 * <p>A day's runs are the runs whose (UUIDv7) run id was made that UTC day. A day still holding a
 * run that is queued, running or paused is kept whole (and logged) until that run ends, so a live
 * or paused run never loses its steps. Failed, cancelled and timed-out runs are resumable until
 * their day is dropped; afterwards a resume of one is refused as for any unknown run (not found),
 * and {@link Report#resumableDropped} says how many went. Runs whose ids are not UUIDv7 live in
 * each table's default partition, which is never dropped.
 *
 * <p>Run {@link #maintain} at least daily (the demo server runs it hourly); it is idempotent, and
 * several processes may run it at once: they take turns on the schema's advisory lock. Dropping a
 * partition takes an ACCESS EXCLUSIVE lock on its parent table for the few milliseconds the drop
 * needs; the lock is asked for with a lock timeout, so that a long query cannot make writers queue
 * behind the drop, and retried on the next call if it times out. Connect as the schema's owner.
 *
 * <p>Thread-safe: immutable; each call uses its own connection.
 */
public final class HistoryRetention {

    /** The schema version from which the raw history is partitioned by day. */
    static final int PARTITIONED_SINCE = 8;

    /** How many days of partitions are kept ahead of today unless configured otherwise. */
    static final int DEFAULT_DAYS_AHEAD = 7;

    /** How long a partition change waits for its table lock unless configured otherwise. */
    static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(2);

    /** The tables partitioned by day, in the order their day partitions are dropped. */
    static final List<String> TABLES = List.of("workflow_executions", "run_attempt_endings",
            "workflow_step_executions", "step_checkpoints", "resume_audit");

    private static final DateTimeFormatter DAY_SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final Logger log = LoggerFactory.getLogger(HistoryRetention.class);

    private final DataSource owner;
    private final Duration rawAge;
    private final int daysAhead;
    private final Duration lockTimeout;

    private HistoryRetention(Builder b) {
        this.owner = b.owner;
        this.rawAge = b.rawAge;
        this.daysAhead = b.daysAhead;
        this.lockTimeout = b.lockTimeout;
    }

    /**
     * Starts a retention over the schema reached through {@code owner}.
     *
     * @param owner connections as the role that owns the runmetrics schema
     */
    public static Builder builder(DataSource owner) {
        return new Builder(owner);
    }

    /** The age after which a day's raw history is dropped. */
    public Duration rawAge() {
        return rawAge;
    }

    /**
     * Creates the day partitions from today to {@code daysAhead} days ahead (UTC, by {@code now})
     * and drops the days that ended more than the raw age before {@code now}, except those still
     * holding a live or paused run.
     *
     * @param now the time to measure ages from (the clock in production; tests pass their own)
     * @return what was created, dropped and kept
     * @throws IllegalStateException if the schema is older than the partitioned history
     * @throws RunStoreException if the database fails
     */
    public Report maintain(Instant now) {
        Objects.requireNonNull(now, "now");
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        // A day is dropped once all of it is older than the age: its end is at or before now - age.
        LocalDate firstKept = LocalDate.ofInstant(now.minus(rawAge), ZoneOffset.UTC);
        try (Connection c = owner.getConnection()) {
            c.setAutoCommit(true);
            requirePartitioned(c);
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_lock(" + SchemaMigrator.ADVISORY_LOCK_KEY + ")");
            }
            try {
                return maintainLocked(c, today, firstKept);
            } finally {
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT pg_advisory_unlock(" + SchemaMigrator.ADVISORY_LOCK_KEY + ")");
                }
            }
        } catch (SQLException e) {
            throw new RunStoreException("maintaining the runmetrics history partitions failed", e);
        }
    }

    private Report maintainLocked(Connection c, LocalDate today, LocalDate firstKept) throws SQLException {
        int created = addDaysAhead(c, today, daysAhead, lockTimeout);
        List<LocalDate> dropped = new ArrayList<>();
        List<LocalDate> held = new ArrayList<>();
        List<LocalDate> busy = new ArrayList<>();
        long resumable = 0;
        for (LocalDate day : partitionDays(c)) {
            if (!day.isBefore(firstKept)) {
                break;
            }
            DropOutcome outcome = dropDay(c, day);
            switch (outcome.kind) {
                case DROPPED -> {
                    dropped.add(day);
                    resumable += outcome.resumable;
                }
                case HELD -> held.add(day);
                case LOCK_TIMEOUT -> busy.add(day);
            }
        }
        if (!held.isEmpty()) {
            log.info("history retention keeps the days {}: they still hold queued, running or paused runs", held);
        }
        if (!busy.isEmpty()) {
            log.warn("history retention could not lock the tables to drop the days {} within {}; retried on the"
                    + " next run", busy, lockTimeout);
        }
        if (resumable > 0) {
            log.warn("history retention dropped {} failed, cancelled or timed-out runs older than {}: they can no"
                    + " longer be resumed", resumable, rawAge);
        }
        return new Report(created, List.copyOf(dropped), List.copyOf(held), List.copyOf(busy), resumable);
    }

    private enum Kind { DROPPED, HELD, LOCK_TIMEOUT }

    private record DropOutcome(Kind kind, long resumable) {}

    /**
     * Drops one day: first its runs (the day is then gone for every reader, and a resume of one of
     * its runs finds nothing), then the steps, endings, checkpoints and audit rows, each table in a
     * transaction of its own. A transaction locks one parent table and then its partition, the
     * order writers lock them in, so a drop never deadlocks with a writer; a day cut short by a
     * lock timeout still has partitions and is finished by the next call.
     */
    private DropOutcome dropDay(Connection c, LocalDate day) throws SQLException {
        String suffix = "_p" + DAY_SUFFIX.format(day);
        String runs = "runmetrics.workflow_executions" + suffix;
        long resumable = 0;
        if (exists(c, runs)) {
            // The owner reads the partition itself, whose policy is enabled but not forced: every
            // workspace's runs. Counted without a lock, so that the scan costs writers nothing.
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FILTER (WHERE status IN ('queued', 'running',"
                            + " 'paused')), count(*) FILTER (WHERE status IN ('failed', 'cancelled', 'timeout'))"
                            + " FROM " + runs)) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return new DropOutcome(Kind.HELD, 0);
                }
                resumable = rs.getLong(2);
            }
        }
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SET lock_timeout = " + Math.max(1, lockTimeout.toMillis()));
            for (String table : TABLES) {
                String part = "runmetrics." + table + suffix;
                if (!exists(c, part)) {
                    continue;
                }
                if (part.equals(runs)) {
                    // Asked again under the parent's lock, through the index of runs not yet ended (no
                    // scan): a run resumed since the count holds the day, none can be resumed now.
                    st.execute("LOCK TABLE runmetrics." + table + " IN ACCESS EXCLUSIVE MODE");
                    try (ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM " + runs
                            + " WHERE status IN ('queued', 'running', 'paused'))")) {
                        rs.next();
                        if (rs.getBoolean(1)) {
                            c.rollback();
                            return new DropOutcome(Kind.HELD, 0);
                        }
                    }
                }
                st.execute("DROP TABLE " + part);
                c.commit();
            }
            log.info("history retention dropped the raw history of {}", day);
            return new DropOutcome(Kind.DROPPED, resumable);
        } catch (SQLException e) {
            c.rollback();
            if ("55P03".equals(e.getSQLState())) {
                return new DropOutcome(Kind.LOCK_TIMEOUT, 0);
            }
            throw e;
        } finally {
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.execute("RESET lock_timeout");
            }
        }
    }

    private static boolean exists(Connection c, String qualified) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, qualified);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** The days that have a partition in any of the tables, oldest first. */
    private static List<LocalDate> partitionDays(Connection c) throws SQLException {
        TreeMap<LocalDate, Boolean> days = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT child.relname FROM pg_inherits i"
                + " JOIN pg_class parent ON parent.oid = i.inhparent JOIN pg_class child ON child.oid = i.inhrelid"
                + " JOIN pg_namespace n ON n.oid = parent.relnamespace"
                + " WHERE n.nspname = 'runmetrics' AND parent.relname = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", TABLES.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    int at = name.lastIndexOf("_p");
                    String digits = at < 0 ? "" : name.substring(at + 2);
                    if (digits.length() == 8 && digits.chars().allMatch(Character::isDigit)) {
                        days.put(LocalDate.parse(digits, DAY_SUFFIX), Boolean.TRUE);
                    }
                }
            }
        }
        return new ArrayList<>(days.keySet());
    }

    /**
     * Creates the day partitions of every partitioned table from {@code from} to {@code days} days
     * after it, those that do not exist yet; returns how many it created. Each table's take is
     * one short transaction; an existing partition costs a catalog lookup. Attaching a partition
     * briefly locks the table's default partition, so it waits at most {@code lockTimeout}; a
     * table it could not lock is logged and left to the next call (partitions are made a week
     * ahead, so one missed call costs nothing). Call under the schema's advisory lock.
     */
    static int addDaysAhead(Connection c, LocalDate from, int days, Duration lockTimeout) throws SQLException {
        int created = 0;
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(true);
        try (Statement st = c.createStatement();
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FILTER (WHERE"
                        + " runmetrics.add_day_partition(?, d)) FROM generate_series(?::date, ?::date,"
                        + " interval '1 day') AS g(g), LATERAL (SELECT g::date AS d) AS x")) {
            st.execute("SET lock_timeout = " + Math.max(1, lockTimeout.toMillis()));
            try {
                for (String table : TABLES) {
                    ps.setString(1, table);
                    ps.setObject(2, from);
                    ps.setObject(3, from.plusDays(days));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        created += rs.getInt(1);
                    } catch (SQLException e) {
                        if (!"55P03".equals(e.getSQLState())) {
                            throw e;
                        }
                        log.warn("could not lock {} within {} to add its day partitions; retried on the next call",
                                table, lockTimeout);
                    }
                }
            } finally {
                st.execute("RESET lock_timeout");
            }
        } finally {
            c.setAutoCommit(auto);
        }
        return created;
    }

    /** Today in UTC by the database's clock (which the partition bounds of the migration used). */
    static LocalDate today(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT (now() AT TIME ZONE 'UTC')::date")) {
            rs.next();
            return rs.getObject(1, LocalDate.class);
        }
    }

    private static void requirePartitioned(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_partitioned_table"
                        + " WHERE partrelid = to_regclass('runmetrics.workflow_executions')")) {
            rs.next();
            if (rs.getInt(1) == 0) {
                throw new IllegalStateException("the runmetrics schema is older than version " + PARTITIONED_SINCE
                        + " (partitioned history): run SchemaMigrator.migrate first");
            }
        }
    }

    /**
     * What one {@link #maintain} call did.
     *
     * @param partitionsCreated the day partitions created ahead (over all tables)
     * @param droppedDays the days whose raw history was dropped
     * @param heldDays the aged days kept because they hold a queued, running or paused run
     * @param lockTimedOutDays the aged days not dropped this time because the lock timed out
     * @param resumableDropped failed, cancelled and timed-out runs dropped (no longer resumable)
     */
    public record Report(int partitionsCreated, List<LocalDate> droppedDays, List<LocalDate> heldDays,
            List<LocalDate> lockTimedOutDays, long resumableDropped) {}

    /** Configures a {@link HistoryRetention}. Not thread-safe; build once. */
    public static final class Builder {
        private final DataSource owner;
        private Duration rawAge = Duration.ofDays(90);
        private int daysAhead = DEFAULT_DAYS_AHEAD;
        private Duration lockTimeout = DEFAULT_LOCK_TIMEOUT;

        private Builder(DataSource owner) {
            this.owner = Objects.requireNonNull(owner, "owner");
        }

        /** How long raw history is kept (90 days unless set); at least one day. */
        public Builder rawAge(Duration age) {
            if (age == null || age.compareTo(Duration.ofDays(1)) < 0) {
                throw new IllegalArgumentException("rawAge must be at least one day, was " + age);
            }
            this.rawAge = age;
            return this;
        }

        /** How many days of partitions to keep ready ahead of today (7 unless set), 1 to 366. */
        public Builder daysAhead(int days) {
            if (days < 1 || days > 366) {
                throw new IllegalArgumentException("daysAhead must be 1 to 366, was " + days);
            }
            this.daysAhead = days;
            return this;
        }

        /** How long a drop waits for its table lock before it gives up until the next call (2 s unless set). */
        public Builder lockTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("lockTimeout must be positive, was " + timeout);
            }
            this.lockTimeout = timeout;
            return this;
        }

        public HistoryRetention build() {
            return new HistoryRetention(this);
        }
    }
}
