package dev.runmetrics.jdbc;

import dev.runmetrics.core.store.ResourceSample;
import dev.runmetrics.core.store.ResourceSampleStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jdbi.v3.core.statement.Update;

/**
 * {@link ResourceSampleStore} on PostgreSQL: the table {@code runmetrics.resource_samples}
 * (migration V007), through a {@link JdbcRunStore}'s connections, so its calls have the same
 * tenancy (row-level security, the workspace set per transaction), the same time bounds and the
 * same availability (a database known down fails at once with {@code RunStoreUnavailableException}),
 * and its statements count in the store's {@link JdbcRunStore#databaseActivity()}.
 *
 * <p><b>Retention.</b> Samples older than the retention (default 30 days, by the database's clock)
 * are deleted as new ones are kept: each {@link #save} also deletes at most
 * {@link Builder#pruneBatch} (default {@value Builder#DEFAULT_PRUNE_BATCH}) of the workspace's
 * oldest expired rows, in the same transaction. A recorder saves once a minute per workspace, so
 * the deletes stay small and steady (no storm after a long pause: a backlog drains a batch a
 * minute), and a table that was never pruned catches up at that pace. {@link #prune} does the same
 * on demand.
 *
 * <p>Thread-safe, like the store it works through. It holds nothing to close: closing the
 * {@link JdbcRunStore} ends it too.
 */
public final class JdbcResourceSampleStore implements ResourceSampleStore {

    private static final String COLUMNS = "workspace_id, instance_id, minute_start, cpu_percent, heap_percent,"
            + " workers_busy, workers_total, queued_steps, db_connections_in_use, db_pool_size,"
            + " db_queries_per_second, db_query_time_ms";

    private static final String UPSERT = "INSERT INTO runmetrics.resource_samples (" + COLUMNS + ")"
            + " VALUES (:ws, :instance_id, :minute_start, :cpu_percent, :heap_percent, :workers_busy,"
            + " :workers_total, :queued_steps, :db_connections_in_use, :db_pool_size, :db_queries_per_second,"
            + " :db_query_time_ms)"
            + " ON CONFLICT (workspace_id, minute_start, instance_id) DO UPDATE SET"
            + " cpu_percent = EXCLUDED.cpu_percent, heap_percent = EXCLUDED.heap_percent,"
            + " workers_busy = EXCLUDED.workers_busy, workers_total = EXCLUDED.workers_total,"
            + " queued_steps = EXCLUDED.queued_steps, db_connections_in_use = EXCLUDED.db_connections_in_use,"
            + " db_pool_size = EXCLUDED.db_pool_size, db_queries_per_second = EXCLUDED.db_queries_per_second,"
            + " db_query_time_ms = EXCLUDED.db_query_time_ms";

    private static final String SELECT = "SELECT " + COLUMNS + " FROM runmetrics.resource_samples"
            + " WHERE workspace_id = :ws AND minute_start >= :from AND minute_start < :to"
            + " ORDER BY minute_start, instance_id";

    /** The workspace's oldest expired rows, at most :batch of them, by the primary key. */
    private static final String PRUNE = "DELETE FROM runmetrics.resource_samples"
            + " WHERE workspace_id = :ws AND (minute_start, instance_id) IN (SELECT minute_start, instance_id"
            + " FROM runmetrics.resource_samples WHERE workspace_id = :ws"
            + " AND minute_start < now() - :retention_s * interval '1 second'"
            + " ORDER BY minute_start LIMIT :batch)";

    private final JdbcRunStore store;
    private final Duration retention;
    private final int pruneBatch;

    private JdbcResourceSampleStore(Builder b) {
        this.store = b.store;
        this.retention = b.retention;
        this.pruneBatch = b.pruneBatch;
    }

    /**
     * Starts configuring a sample store that works through {@code store}'s database (its schema must
     * be at version 7 or later).
     *
     * @throws NullPointerException if store is null
     */
    public static Builder builder(JdbcRunStore store) {
        return new Builder(store);
    }

    @Override
    public void save(ResourceSample s) {
        Objects.requireNonNull(s, "sample");
        store.inWorkspace(s.workspaceId(), "keeping a resource sample", h -> {
            h.createUpdate(UPSERT).bind("ws", s.workspaceId()).bind("instance_id", s.instanceId())
                    .bind("minute_start", Rows.ts(s.minuteStart())).bind("cpu_percent", s.cpuPercent())
                    .bind("heap_percent", s.heapPercent()).bind("workers_busy", s.workersBusy())
                    .bind("workers_total", s.workersTotal()).bind("queued_steps", s.queuedSteps())
                    .bind("db_connections_in_use", s.dbConnectionsInUse()).bind("db_pool_size", s.dbPoolSize())
                    .bind("db_queries_per_second", s.dbQueriesPerSecond())
                    .bind("db_query_time_ms", s.dbQueryTimeMs()).execute();
            return prune(h.createUpdate(PRUNE), s.workspaceId());
        });
    }

    /**
     * Deletes at most a prune batch of the workspace's samples older than the retention, oldest
     * first.
     *
     * @return how many were deleted
     * @throws NullPointerException if workspaceId is null
     * @throws dev.runmetrics.core.store.RunStoreException if the database fails
     */
    public int prune(String workspaceId) {
        Objects.requireNonNull(workspaceId, "workspaceId");
        return store.inWorkspace(workspaceId, "pruning resource samples", h -> prune(h.createUpdate(PRUNE),
                workspaceId));
    }

    private int prune(Update delete, String workspaceId) {
        return delete.bind("ws", workspaceId).bind("retention_s", (double) retention.toSeconds())
                .bind("batch", pruneBatch).execute();
    }

    @Override
    public List<ResourceSample> samples(String workspaceId, Instant from, Instant to) {
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to (" + to + ") is before from (" + from + ")");
        }
        return store.inWorkspace(workspaceId, "reading resource samples", h -> h.createQuery(SELECT)
                .bind("ws", workspaceId).bind("from", Rows.ts(from)).bind("to", Rows.ts(to))
                .map((rs, ctx) -> sample(rs)).list());
    }

    private static ResourceSample sample(ResultSet rs) throws SQLException {
        return new ResourceSample(rs.getString("workspace_id"), rs.getString("instance_id"),
                Rows.instant(rs, "minute_start"), rs.getObject("cpu_percent", Double.class),
                rs.getObject("heap_percent", Double.class), rs.getObject("workers_busy", Integer.class),
                rs.getObject("workers_total", Integer.class), rs.getObject("queued_steps", Integer.class),
                rs.getObject("db_connections_in_use", Integer.class), rs.getObject("db_pool_size", Integer.class),
                rs.getObject("db_queries_per_second", Double.class), rs.getObject("db_query_time_ms", Double.class));
    }

    @Override
    public String toString() {
        return "JdbcResourceSampleStore{retention=" + retention + ", pruneBatch=" + pruneBatch + "}";
    }

    /** Configures a {@link JdbcResourceSampleStore}. Each setter checks its argument at once. Not thread-safe. */
    public static final class Builder {
        /** Default retention of the samples: 30 days. */
        public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
        /** Default most rows one save (or prune) deletes. */
        public static final int DEFAULT_PRUNE_BATCH = 1000;

        private final JdbcRunStore store;
        private Duration retention = DEFAULT_RETENTION;
        private int pruneBatch = DEFAULT_PRUNE_BATCH;

        private Builder(JdbcRunStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /**
         * How long samples are kept (default 30 days): older ones are pruned.
         *
         * @throws IllegalArgumentException if shorter than a minute
         */
        public Builder retention(Duration retention) {
            if (Objects.requireNonNull(retention, "retention").compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalArgumentException("retention must be at least a minute, was " + retention);
            }
            this.retention = retention;
            return this;
        }

        /**
         * The most expired rows one save (or {@link #prune}) deletes (default
         * {@value #DEFAULT_PRUNE_BATCH}).
         *
         * @throws IllegalArgumentException if below 1
         */
        public Builder pruneBatch(int rows) {
            if (rows < 1) {
                throw new IllegalArgumentException("pruneBatch must be >= 1, was " + rows);
            }
            this.pruneBatch = rows;
            return this;
        }

        /** Builds the sample store. */
        public JdbcResourceSampleStore build() {
            return new JdbcResourceSampleStore(this);
        }

        @Override
        public String toString() {
            return "JdbcResourceSampleStore.Builder{retention=" + retention + ", pruneBatch=" + pruneBatch + "}";
        }
    }
}
