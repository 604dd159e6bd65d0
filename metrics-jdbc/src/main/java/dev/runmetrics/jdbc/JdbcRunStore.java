package dev.runmetrics.jdbc;

import dev.runmetrics.core.model.Ids;
import dev.runmetrics.core.model.JsonValues;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.store.DurationBreakdown;
import dev.runmetrics.core.store.DurationHistogram;
import dev.runmetrics.core.store.DurationKind;
import dev.runmetrics.core.store.DurationQuery;
import dev.runmetrics.core.store.DurationStatistics;
import dev.runmetrics.core.store.Page;
import dev.runmetrics.core.store.ControlAudit;
import dev.runmetrics.core.store.DatabaseActivity;
import dev.runmetrics.core.store.ResumeClaim;
import dev.runmetrics.core.store.Rollup;
import dev.runmetrics.core.store.RollupQuery;
import dev.runmetrics.core.store.RunQuery;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.store.RunStoreException;
import dev.runmetrics.core.store.RunStoreUnavailableException;
import dev.runmetrics.core.store.StepCheckpoint;
import dev.runmetrics.core.store.StepDurationQuery;
import dev.runmetrics.core.store.StepDurationReport;
import dev.runmetrics.core.store.StepDurations;
import dev.runmetrics.core.store.StoreHealth;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.Query;

/**
 * {@link RunStore} on PostgreSQL (12 or later) through JDBI.
 *
 * <p><b>Tenancy.</b> Every table has row-level security keyed by workspace; each transaction of
 * the store first runs {@code set_config('runmetrics.workspace_id', ?, true)}, so even a query that
 * forgot its workspace filter sees only that workspace, and the database refuses a row of another
 * one. Connect it as an application role that does not own the tables and has no BYPASSRLS (see
 * {@link SchemaMigrator#grantAppRole} and the module README).
 *
 * <p><b>Writes.</b> {@link #saveRun} and {@link #saveStep} check their argument and enqueue it
 * into a bounded queue (default {@value Builder#DEFAULT_QUEUE_CAPACITY} snapshots: a 30 s outage
 * at 1,000 step events per second plus their run events fits), and return; a writer thread
 * commits the queue in batches ({@code INSERT … ON CONFLICT … DO UPDATE … WHERE} the stored
 * snapshot is not newer), one transaction per batch, together with the batch's execution numbers
 * and rollups. When the database fails, the writer retries the batch with exponential backoff
 * (100 ms doubling to 5 s by default) until it succeeds, so an outage delays writes and loses none
 * as long as the queue holds them. With a spill directory ({@link Builder#spillDirectory}), an
 * outage longer than {@code spillAfter} or a full queue sends the snapshots to an append-only
 * journal on disk instead (fsynced in batches, bounded), replayed in order when the database is
 * back, also by a store built later on the same directory; without one, a full queue is the
 * {@link QueueFullPolicy}'s to decide. Either way {@code saveRun} and {@code saveStep} never wait on
 * the database. Reads may therefore lag writes; {@link #flush} waits for them. {@link #saveCheckpoint},
 * {@link #claimResume} and {@link #appendControlAudit} are synchronous (one transaction each) and
 * durable when they return; {@code claimResume} first flushes the queue so that it sees the run's
 * latest status, then locks the run's row ({@code SELECT … FOR UPDATE}) and compares and sets.
 * {@link #stats()} reports the queue and the writer.
 *
 * <p><b>Connections.</b> The store borrows a connection per transaction from the given
 * {@link DataSource}; give it a pool in production (the writer holds one connection per batch).
 *
 * <p><b>Time bounds.</b> Every call is bounded, whatever the DataSource does: getting a connection
 * ({@link Builder#connectionTimeout}, 2 s), each statement on the server
 * ({@link Builder#statementTimeout}, {@code SET LOCAL statement_timeout}, 5 s) and each read from
 * the network ({@link Builder#socketTimeout}, {@link java.sql.Connection#setNetworkTimeout}, 7 s).
 * A database that stops answering (hung, stopped with SIGSTOP, behind a partition) is found by a
 * probe ({@link Builder#probeTimeout}, 1 s): then the calls waiting on it are aborted, and until
 * it answers again every call fails at once with {@link RunStoreUnavailableException} and
 * {@link #health()} says why. A call therefore waits at most about 1.6 probe timeouts (1.6 s) on a database
 * that hangs, and not at all on one known to be down. Only the schema migration
 * ({@link Builder#migrateWith}) is not bounded: its backfills may legitimately take minutes.
 *
 * <p><b>Threads.</b> Thread-safe: any method may be called from any thread. {@link #close()} stops
 * accepting writes, drains the queue (retrying, up to the close timeout) and stops the writer.
 */
public final class JdbcRunStore implements RunStore, AutoCloseable {

    private final Jdbi jdbi;
    private final BoundedConnections connections;
    private final StoreAvailability availability;
    private final int statementTimeoutMillis;
    private final String instanceId;
    private final Duration flushTimeout;
    private final Duration closeTimeout;
    private final BatchWriter writer;
    private final StatementMeter meter = new StatementMeter();
    private final RollupReadCache readCache;

    private JdbcRunStore(Builder b) {
        if (b.migrationDataSource != null) {
            SchemaMigrator.migrate(b.migrationDataSource);
        }
        this.instanceId = b.instanceId != null ? b.instanceId : UUID.randomUUID().toString();
        this.connections = new BoundedConnections(b.dataSource, b.connectionTimeout.toNanos(),
                millis(b.socketTimeout), instanceId);
        this.availability = new StoreAvailability(connections, b.probeTimeout, instanceId);
        this.statementTimeoutMillis = millis(b.statementTimeout);
        this.jdbi = Jdbi.create(connections);
        meter.install(jdbi);
        this.flushTimeout = b.flushTimeout;
        this.closeTimeout = b.closeTimeout;
        this.readCache = new RollupReadCache(b.rollupReadCacheBytes);
        SpillJournal journal = b.spillDirectory == null ? null
                : new SpillJournal(b.spillDirectory, b.spillMaxBytes, b.spillSegmentBytes, b.spillFsyncEvery);
        try {
            this.writer = new BatchWriter(jdbi, availability, statementTimeoutMillis, instanceId, b.queueCapacity,
                    b.queueFullPolicy, b.blockTimeout, b.maxBatchSize, b.initialBackoff, b.maxBackoff, journal,
                    b.spillDirectory == null ? null : b.spillAfter);
            writer.meteredBy(meter);
        } catch (RuntimeException | Error e) {
            if (journal != null) {
                journal.close();
            }
            availability.close();
            connections.close();
            throw e;
        }
    }

    /**
     * Starts building a store that works through {@code dataSource} (the application role).
     *
     * @throws NullPointerException if dataSource is null
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** Returns the id this store writes its rollup rows under (unique per store instance). */
    public String instanceId() {
        return instanceId;
    }

    /**
     * Returns the store's own measurements of its database work so far (see {@code StatementMeter}:
     * the statements its reads run and the batched writer's round trips, with their time, and the
     * connections its handles hold; not the pool's size, which only the host's pool knows). Each call resets the peak of connections in use, so
     * one reader (a resource recorder) should own it.
     */
    public DatabaseActivity databaseActivity() {
        return meter.activity();
    }

    /** The rollup read cache, for tests that count its hits. */
    RollupReadCache rollupReadCache() {
        return readCache;
    }

    /** The write-behind writer (for tests in this package). */
    BatchWriter writer() {
        return writer;
    }

    /** Returns the current state of the write queue and writer thread. */
    public WriterStats stats() {
        return writer.stats();
    }

    /**
     * Returns whether the database is available as the store last saw it (a call's failure, the
     * watchdog's probe), without calling it: never blocks.
     */
    @Override
    public StoreHealth health() {
        return availability.health();
    }

    /**
     * Waits until every run and step snapshot accepted before this call is committed.
     *
     * @return false if that did not happen within {@code timeout} (the database is failing)
     */
    public boolean flush(Duration timeout) {
        return writer.flush(Objects.requireNonNull(timeout, "timeout"));
    }

    /**
     * Stops accepting writes, writes what is queued (retrying while the database fails, for up to
     * the close timeout; what is still unwritten then is counted as dropped and logged), and stops
     * the writer thread. Idempotent.
     */
    @Override
    public void close() {
        writer.close(closeTimeout);
        availability.close();
        connections.close();
    }

    // ---- writes -----------------------------------------------------------------------------

    @Override
    public void saveRun(String workspaceId, Run run) {
        Objects.requireNonNull(run, "run");
        sameWorkspace(workspaceId, run.workspaceId());
        writer.enqueue(run);
    }

    @Override
    public void saveStep(String workspaceId, StepRun step) {
        Objects.requireNonNull(step, "step");
        sameWorkspace(workspaceId, step.workspaceId());
        writer.enqueue(step);
    }

    private static final String UPSERT_CHECKPOINT = "INSERT INTO runmetrics.step_checkpoints"
            + " (workspace_id, run_id, step_id, attempt, output, created_at)"
            + " VALUES (:ws, :run_id, :step_id, :attempt, CAST(:output AS json), :created_at)"
            + " ON CONFLICT (workspace_id, run_id, step_id, attempt) DO UPDATE SET output = EXCLUDED.output,"
            + " created_at = EXCLUDED.created_at";

    @Override
    public void saveCheckpoint(String workspaceId, StepCheckpoint checkpoint) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        sameWorkspace(workspaceId, checkpoint.workspaceId());
        inWorkspace(workspaceId, "saving checkpoint " + checkpoint.runId() + "/" + checkpoint.stepId(), h ->
                h.createUpdate(UPSERT_CHECKPOINT).bind("ws", workspaceId).bind("run_id", checkpoint.runId())
                        .bind("step_id", checkpoint.stepId()).bind("attempt", checkpoint.attempt())
                        .bind("output", checkpoint.output() == null ? null : JsonValues.toJson(checkpoint.output()))
                        .bind("created_at", Rows.ts(checkpoint.createdAt())).execute());
    }

    private static final String LOCK_RUN = "SELECT * FROM runmetrics.workflow_executions"
            + " WHERE workspace_id = :ws AND run_id = :run_id FOR UPDATE";

    private static final String CLAIM = "UPDATE runmetrics.workflow_executions SET status = :status,"
            + " attempt = :attempt, completed_at = NULL, error_message = NULL, updated_at = :updated_at,"
            + " instance_id = :instance_id, heartbeat_at = :heartbeat_at, waited_between_attempts_us = :waited"
            + " WHERE workspace_id = :ws AND run_id = :run_id";

    @Override
    public ResumeClaim claimResume(String workspaceId, String runId, int expectedAttempt, String instanceId,
            Instant claimedAt) {
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(claimedAt, "claimedAt");
        availability.check("claiming run " + runId + " for resume");
        if (!writer.flush(flushTimeout)) {
            throw new RunStoreUnavailableException("cannot claim run " + runId + ": queued writes were not stored"
                    + " within " + flushTimeout + " (database unavailable or far behind)", availability.retryAfter(),
                    null);
        }
        Instant at = claimedAt.truncatedTo(ChronoUnit.MICROS);
        return inWorkspace(workspaceId, "claiming run " + runId + " for resume", h -> {
            Optional<Run> current = h.createQuery(LOCK_RUN).bind("ws", workspaceId).bind("run_id", runId)
                    .map((rs, ctx) -> Rows.run(rs)).findOne();
            if (current.isEmpty()) {
                return new ResumeClaim.NotFound();
            }
            Run cur = current.get();
            if (cur.attempt() != expectedAttempt
                    || (cur.status() != RunStatus.FAILED && cur.status() != RunStatus.PAUSED)) {
                return new ResumeClaim.Conflict(cur);
            }
            Run claimed = cur.claimedForResume(instanceId, at);
            h.createUpdate(CLAIM).bind("status", claimed.status().wireName()).bind("attempt", claimed.attempt())
                    .bind("updated_at", Rows.ts(claimed.updatedAt())).bind("instance_id", claimed.instanceId())
                    .bind("heartbeat_at", Rows.ts(claimed.heartbeatAt()))
                    .bind("waited", Rows.micros(claimed.waitedBetweenAttempts())).bind("ws", workspaceId)
                    .bind("run_id", runId).execute();
            return new ResumeClaim.Claimed(claimed);
        });
    }

    /** The control audit log is the resume audit table with V005's columns (action, overrides). */
    private static final String INSERT_AUDIT = "INSERT INTO runmetrics.resume_audit"
            + " (workspace_id, audit_id, run_id, step_id, action, actor, at, attempt, outcome, reason, input_overrides)"
            + " VALUES (:ws, :audit_id, :run_id, :step_id, :action, :actor, :at, :attempt, :outcome, :reason,"
            + " CAST(:input_overrides AS json))"
            + " ON CONFLICT (workspace_id, audit_id) DO NOTHING";

    @Override
    public void appendControlAudit(String workspaceId, ControlAudit entry) {
        Objects.requireNonNull(entry, "entry");
        sameWorkspace(workspaceId, entry.workspaceId());
        inWorkspace(workspaceId, "appending control audit " + entry.auditId(), h ->
                h.createUpdate(INSERT_AUDIT).bind("ws", workspaceId).bind("audit_id", entry.auditId())
                        .bind("run_id", entry.runId()).bind("step_id", entry.stepId())
                        .bind("action", entry.action().name())
                        .bind("actor", Rows.text(entry.actor())).bind("at", Rows.ts(entry.at()))
                        .bind("attempt", entry.attempt()).bind("outcome", entry.outcome().name())
                        .bind("reason", Rows.text(entry.reason()))
                        .bind("input_overrides", Rows.json(entry.inputOverrides())).execute());
    }

    // ---- reads ------------------------------------------------------------------------------

    @Override
    public Optional<Run> findRun(String workspaceId, String runId) {
        Objects.requireNonNull(runId, "runId");
        return inWorkspace(workspaceId, "reading run " + runId, h -> h.createQuery(
                "SELECT * FROM runmetrics.workflow_executions WHERE workspace_id = :ws AND run_id = :run_id")
                .bind("ws", workspaceId).bind("run_id", runId).map((rs, ctx) -> Rows.run(rs)).findOne());
    }

    @Override
    public List<StepRun> findSteps(String workspaceId, String runId) {
        Objects.requireNonNull(runId, "runId");
        return inWorkspace(workspaceId, "reading the steps of run " + runId, h -> h.createQuery(
                "SELECT * FROM runmetrics.workflow_step_executions WHERE workspace_id = :ws AND run_id = :run_id"
                        + " ORDER BY attempt, step_order, queued_at, step_id")
                .bind("ws", workspaceId).bind("run_id", runId).map((rs, ctx) -> Rows.step(rs)).list());
    }

    @Override
    public Page<Run> findRuns(String workspaceId, RunQuery query) {
        Objects.requireNonNull(query, "query");
        StringBuilder where = new StringBuilder(" WHERE workspace_id = :ws");
        if (query.workflowId() != null) {
            where.append(" AND workflow_id = :workflow_id");
        }
        if (!query.statuses().isEmpty()) {
            where.append(" AND status = ANY(:statuses)");
        }
        if (query.queuedFrom() != null) {
            where.append(" AND queued_at >= :queued_from");
        }
        if (query.queuedTo() != null) {
            where.append(" AND queued_at < :queued_to");
        }
        String[] statuses = query.statuses().stream().map(RunStatus::wireName).sorted().toArray(String[]::new);
        return inWorkspace(workspaceId, "listing runs", h -> {
            long total = bindRunQuery(h.createQuery("SELECT count(*) FROM runmetrics.workflow_executions" + where),
                    workspaceId, query, statuses).mapTo(Long.class).one();
            List<Run> items = total <= query.skip() ? List.of() : bindRunQuery(h.createQuery(
                    "SELECT * FROM runmetrics.workflow_executions" + where
                            + " ORDER BY queued_at DESC, run_id DESC LIMIT :limit OFFSET :skip"),
                    workspaceId, query, statuses).bind("limit", query.limit()).bind("skip", query.skip())
                    .map((rs, ctx) -> Rows.run(rs)).list();
            return new Page<>(items, total, query.skip(), query.limit());
        });
    }

    private static Query bindRunQuery(Query q, String ws, RunQuery query, String[] statuses) {
        q.bind("ws", ws);
        if (query.workflowId() != null) {
            q.bind("workflow_id", query.workflowId());
        }
        if (statuses.length > 0) {
            q.bind("statuses", statuses);
        }
        if (query.queuedFrom() != null) {
            q.bind("queued_from", Rows.ts(query.queuedFrom()));
        }
        if (query.queuedTo() != null) {
            q.bind("queued_to", Rows.ts(query.queuedTo()));
        }
        return q;
    }

    @Override
    public List<Run> liveRuns(String workspaceId, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        return inWorkspace(workspaceId, "listing live runs", h -> h.createQuery(
                "SELECT * FROM runmetrics.workflow_executions WHERE workspace_id = :ws"
                        + " AND status IN ('queued', 'running') ORDER BY queued_at, run_id LIMIT :limit")
                .bind("ws", workspaceId).bind("limit", limit).map((rs, ctx) -> Rows.run(rs)).list());
    }

    @Override
    public List<StepCheckpoint> findCheckpoints(String workspaceId, String runId) {
        Objects.requireNonNull(runId, "runId");
        return inWorkspace(workspaceId, "reading the checkpoints of run " + runId, h -> h.createQuery(
                "SELECT * FROM runmetrics.step_checkpoints WHERE workspace_id = :ws AND run_id = :run_id"
                        + " ORDER BY step_id, attempt")
                .bind("ws", workspaceId).bind("run_id", runId).map((rs, ctx) -> Rows.checkpoint(rs)).list());
    }

    @Override
    public List<ControlAudit> findControlAudit(String workspaceId, String runId) {
        Objects.requireNonNull(runId, "runId");
        return inWorkspace(workspaceId, "reading the control audit of run " + runId, h -> h.createQuery(
                "SELECT * FROM runmetrics.resume_audit WHERE workspace_id = :ws AND run_id = :run_id"
                        + " ORDER BY at, audit_id")
                .bind("ws", workspaceId).bind("run_id", runId).map((rs, ctx) -> Rows.audit(rs)).list());
    }

    /**
     * The SELECT of a rollup read: one {@code UNION ALL} branch per part of the plan, each on its
     * tier's table, selecting only the histogram columns the query wants. With {@code oneSubject}
     * it reads the rows of parameter {@code subject} (a subject, or {@link Rows#ALL_SUBJECTS} for
     * the sums of all) through the primary key; otherwise the rows of every real subject through
     * the time index. Parameters: ws, dimension, [subject], from0, to0, from1, to1, ...
     */
    private static String rollupsSql(List<RollupTier.Part> plan, boolean oneSubject, Set<DurationKind> kinds) {
        StringBuilder columns = new StringBuilder("subject, bucket_start, ").append(Rows.COUNT_COLUMNS)
                .append(", tokens, cost");
        for (DurationKind kind : kinds) {
            columns.append(", ").append(Rows.histogramColumn(kind));
        }
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < plan.size(); i++) {
            if (i > 0) {
                sql.append(" UNION ALL ");
            }
            sql.append("SELECT ").append(columns).append(" FROM runmetrics.").append(plan.get(i).tier().table)
                    .append(" WHERE workspace_id = :ws AND dimension = :dimension")
                    .append(oneSubject ? " AND subject = :subject" : " AND subject <> ''")
                    .append(" AND bucket_start >= :from").append(i).append(" AND bucket_start < :to").append(i);
        }
        return sql.toString();
    }

    /**
     * The SELECT of the row versions a rollup read would add up ({@link RollupReadCache.RowVersions}):
     * the same branches and conditions as {@link #rollupsSql}, but only the key, {@code xmin} and
     * the counts' total, in a fixed order, so that two lists compare element by element.
     */
    private static String rollupVersionsSql(List<RollupTier.Part> plan, boolean oneSubject) {
        String total = Rows.COUNT_COLUMNS.replace(",", " +");
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < plan.size(); i++) {
            if (i > 0) {
                sql.append(" UNION ALL ");
            }
            sql.append("SELECT ").append(i).append(" AS part, subject,")
                    .append(" (extract(epoch FROM bucket_start) * 1000000)::bigint AS start_us, instance_id,")
                    .append(" xmin::text::bigint AS version, ").append(total).append(" AS total FROM runmetrics.")
                    .append(plan.get(i).tier().table)
                    .append(" WHERE workspace_id = :ws AND dimension = :dimension")
                    .append(oneSubject ? " AND subject = :subject" : " AND subject <> ''")
                    .append(" AND bucket_start >= :from").append(i).append(" AND bucket_start < :to").append(i);
        }
        return sql.append(" ORDER BY part, subject, start_us, instance_id").toString();
    }

    /**
     * Reads the stored rows of the range (all instances) and adds them up in Java into the query's
     * buckets, as {@link Rollup#merge} would; the SQL only selects. Each stretch of the range comes
     * from the coarsest rollup table that fits it ({@link RollupTier#plan}): the whole UTC days
     * inside from the day rows, whole hours at the edges from the hour rows, the minutes at the
     * edges from the minute rows, as far as the query's bucket allows (buckets are epoch-aligned, so
     * a bucket of whole days never cuts a day row, one of whole hours never an hour row). A query
     * that merges all subjects reads the all-subjects rows ({@link Rows#ALL_SUBJECTS}), one per
     * bucket and instance, instead of one per subject. Only the histograms the query
     * {@linkplain RollupQuery#wants wants} are read and decoded; the others come back empty.
     *
     * <p>With the {@linkplain Builder#rollupReadCache read cache} on (the default), the read first
     * fetches the versions of those rows (key, {@code xmin}, total count; no histograms) and, when
     * they are exactly the versions a remembered answer was read from, returns that answer; so the
     * answer is always the one reading the rows gives, and a range of past days costs one small
     * query instead of decoding every row's histograms ({@link RollupReadCache} says why).
     */
    @Override
    public List<Rollup> rollups(String workspaceId, RollupQuery query) {
        Objects.requireNonNull(query, "query");
        List<RollupTier.Part> plan = RollupTier.plan(query.from(), query.to(), query.bucket());
        boolean keepSubject = query.groupBySubject() || query.subject() != null;
        // One subject, or all subjects merged (their sum rows), or every subject on its own.
        String subjectFilter = query.subject() != null ? query.subject()
                : query.groupBySubject() ? null : Rows.ALL_SUBJECTS;
        return inWorkspace(workspaceId, "reading rollups", h -> {
            if (!readCache.enabled()) {
                return readRollups(h, workspaceId, query, plan, subjectFilter, keepSubject);
            }
            // The versions first: an answer stored with them is at least as new as they are.
            RollupReadCache.RowVersions versions = bindRange(h.createQuery(
                    rollupVersionsSql(plan, subjectFilter != null)), workspaceId, query, plan, subjectFilter)
                    .setFetchSize(2000)
                    .scanResultSet((supplier, ctx) -> {
                        RollupReadCache.RowVersions rows = new RollupReadCache.RowVersions();
                        ResultSet rs = supplier.get();
                        while (rs.next()) {
                            rows.add(rs.getInt(1), rs.getLong(3), rs.getLong(5), rs.getLong(6), rs.getString(2),
                                    rs.getString(4));
                        }
                        return rows;
                    });
            List<Rollup> remembered = readCache.get(workspaceId, query, versions);
            if (remembered != null) {
                return remembered;
            }
            // Immutable, as a remembered answer is: callers get the same kind of list either way.
            List<Rollup> answer = List.copyOf(readRollups(h, workspaceId, query, plan, subjectFilter, keepSubject));
            readCache.put(workspaceId, query, versions, answer);
            return answer;
        });
    }

    private static Query bindRange(Query q, String workspaceId, RollupQuery query, List<RollupTier.Part> plan,
            String subjectFilter) {
        q.bind("ws", workspaceId).bind("dimension", query.dimension().name());
        for (int i = 0; i < plan.size(); i++) {
            q.bind("from" + i, Rows.ts(plan.get(i).from())).bind("to" + i, Rows.ts(plan.get(i).to()));
        }
        if (subjectFilter != null) {
            q.bind("subject", subjectFilter);
        }
        return q;
    }

    /** Fetches the plan's rows and adds them up into the query's buckets (see {@link #rollups}). */
    private static List<Rollup> readRollups(Handle h, String workspaceId, RollupQuery query,
            List<RollupTier.Part> plan, String subjectFilter, boolean keepSubject) {
        String sql = rollupsSql(plan, subjectFilter != null, query.histograms());
        // Rows are added into their bucket as they stream in (nothing per row is kept), with
        // HdrCounts: a row costs its non-empty histogram buckets, not a full HdrHistogram decode.
        Query q = bindRange(h.createQuery(sql), workspaceId, query, plan, subjectFilter);
        q.setFetchSize(2000);
        Map<RollupAccumulator.Key, RollupAccumulator.Sums> buckets = q.scanResultSet((supplier, ctx) -> {
            Map<RollupAccumulator.Key, RollupAccumulator.Sums> sums = new HashMap<>();
            ResultSet rs = supplier.get();
            while (rs.next()) {
                Instant start = Rows.instant(rs, "bucket_start");
                String subject = keepSubject ? rs.getString("subject") : null;
                sums.computeIfAbsent(new RollupAccumulator.Key(query.dimension(), subject,
                        query.bucketStartOf(start)), k -> new RollupAccumulator.Sums())
                        .addStored(rs, query.histograms());
            }
            return sums;
        });
        Duration length = query.bucketLength();
        List<Rollup> out = new ArrayList<>(buckets.size());
        buckets.forEach((k, sum) -> out.add(sum.toRollup(workspaceId, k, length, null)));
        out.sort(Comparator.comparing(Rollup::bucketStart)
                .thenComparing(Rollup::subject, Comparator.nullsFirst(Comparator.naturalOrder())));
        return out;
    }

    private static final String EXACT;

    static {
        StringBuilder sql = new StringBuilder("WITH d AS (SELECT queue_wait_us::float8 AS qw,"
                + " execution_time_us::float8 AS et, end_to_end_us::float8 AS e2e"
                + " FROM runmetrics.run_attempt_endings WHERE workspace_id = :ws"
                + " AND completed_at >= :from AND completed_at < :to <workflow> <status>) SELECT");
        String sep = " ";
        for (String c : List.of("qw", "et", "e2e")) {
            sql.append(sep).append("count(").append(c).append(") AS ").append(c).append("_n, avg(").append(c)
                    .append(") AS ").append(c).append("_mean, min(").append(c).append(") AS ").append(c)
                    .append("_min, max(").append(c).append(") AS ").append(c).append("_max,")
                    .append(" percentile_disc(ARRAY[0.5, 0.75, 0.9, 0.95, 0.99]) WITHIN GROUP (ORDER BY ").append(c)
                    .append(") AS ").append(c).append("_p");
            sep = ", ";
        }
        EXACT = sql.append(" FROM d").toString();
    }

    /**
     * Computes the statistics in SQL over the ended attempts ({@code run_attempt_endings}), with
     * {@code percentile_disc} (nearest rank, as {@code DurationStatistics.rank}), in microseconds,
     * converted to milliseconds. Uses the completed-at indexes of that table.
     */
    @Override
    public DurationBreakdown exactDurations(String workspaceId, DurationQuery query) {
        Objects.requireNonNull(query, "query");
        return inWorkspace(workspaceId, "computing exact durations", h -> {
            Query q = bindDurationQuery(h.createQuery(EXACT), workspaceId, query);
            return q.map((rs, ctx) -> new DurationBreakdown(stats(rs, "qw"), stats(rs, "et"), stats(rs, "e2e")))
                    .one();
        });
    }

    private static final String EXACT_EXECUTION_TIMES = "SELECT workflow_id, execution_time_us"
            + " FROM runmetrics.run_attempt_endings WHERE workspace_id = :ws AND completed_at >= :from"
            + " AND completed_at < :to AND execution_time_us IS NOT NULL <workflow> <status>";

    /** Reads the execution times of the ended attempts in the range, one row each, into a histogram per workflow. */
    @Override
    public Map<String, DurationHistogram> exactExecutionTimes(String workspaceId, DurationQuery query) {
        Objects.requireNonNull(query, "query");
        return inWorkspace(workspaceId, "reading exact execution times", h -> {
            return histogramsByWorkflow(bindDurationQuery(h.createQuery(EXACT_EXECUTION_TIMES), workspaceId, query));
        });
    }

    /**
     * Reads several ranges in one statement (one {@code OR} of the ranges) when they share their
     * workflow and status filters, as the two edges of a long range do; otherwise one per range.
     */
    @Override
    public Map<String, DurationHistogram> exactExecutionTimes(String workspaceId, List<DurationQuery> queries) {
        Objects.requireNonNull(queries, "queries");
        if (queries.size() == 1) {
            return exactExecutionTimes(workspaceId, queries.get(0));
        }
        if (queries.isEmpty()) {
            Objects.requireNonNull(workspaceId, "workspaceId");
            return Map.of();
        }
        DurationQuery first = queries.get(0);
        for (DurationQuery q : queries) {
            if (!Objects.equals(q.workflowId(), first.workflowId()) || q.status() != first.status()) {
                return RunStore.super.exactExecutionTimes(workspaceId, queries);
            }
        }
        StringBuilder ranges = new StringBuilder();
        for (int i = 0; i < queries.size(); i++) {
            ranges.append(i == 0 ? "(" : " OR ").append("(completed_at >= :from").append(i)
                    .append(" AND completed_at < :to").append(i).append(")");
        }
        String sql = "SELECT workflow_id, execution_time_us FROM runmetrics.run_attempt_endings"
                + " WHERE workspace_id = :ws AND " + ranges + ") AND execution_time_us IS NOT NULL <workflow> <status>";
        return inWorkspace(workspaceId, "reading exact execution times", h -> {
            Query q = bindFilters(h.createQuery(sql), workspaceId, first);
            for (int i = 0; i < queries.size(); i++) {
                q.bind("from" + i, Rows.ts(queries.get(i).from())).bind("to" + i, Rows.ts(queries.get(i).to()));
            }
            return histogramsByWorkflow(q);
        });
    }

    private static Map<String, DurationHistogram> histogramsByWorkflow(Query q) {
        Map<String, DurationHistogram.Builder> byWorkflow = new TreeMap<>();
        q.setFetchSize(2000).map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                .forEach(e -> byWorkflow.computeIfAbsent(e.getKey(), k -> DurationHistogram.builder())
                        .recordMicros(e.getValue()));
        Map<String, DurationHistogram> out = new TreeMap<>();
        byWorkflow.forEach((workflow, histogram) -> out.put(workflow, histogram.build()));
        return out;
    }

    /** Binds a duration query's workspace, range and optional workflow and status to a statement. */
    private static Query bindDurationQuery(Query q, String workspaceId, DurationQuery query) {
        return bindFilters(q, workspaceId, query).bind("from", Rows.ts(query.from())).bind("to", Rows.ts(query.to()));
    }

    /** Binds a duration query's workspace and optional workflow and status (not its range). */
    private static Query bindFilters(Query q, String workspaceId, DurationQuery query) {
        q.define("workflow", query.workflowId() == null ? "" : "AND workflow_id = :workflow_id")
                .define("status", query.status() == null ? "" : "AND status = :status")
                .bind("ws", workspaceId);
        if (query.workflowId() != null) {
            q.bind("workflow_id", query.workflowId());
        }
        if (query.status() != null) {
            q.bind("status", query.status().wireName());
        }
        return q;
    }

    private static final String TERMINAL = "('completed', 'failed', 'cancelled', 'timeout', 'skipped')";

    /** The latest ended runs of a workflow in a range, one more than the limit (to tell a cut). */
    private static final String LATEST_ENDED_RUNS = "SELECT run_id FROM runmetrics.workflow_executions"
            + " WHERE workspace_id = :ws AND workflow_id = :workflow_id AND status IN " + TERMINAL
            + " AND completed_at IS NOT NULL AND completed_at >= :from AND completed_at < :to"
            + " ORDER BY completed_at DESC, run_id DESC LIMIT :limit";

    private static final String STEP_DURATIONS;

    static {
        StringBuilder sql = new StringBuilder("WITH s AS (SELECT step_id, step_name, step_order, node_name, status,"
                + " run_id, attempt, completed_at,"
                + " CASE WHEN started_at IS NULL OR status = 'skipped' THEN NULL"
                + " ELSE greatest(0, extract(epoch FROM (completed_at - started_at)) * 1000000)::float8 END AS et"
                + " FROM runmetrics.workflow_step_executions WHERE workspace_id = :ws AND run_id = ANY(:runs)"
                + " AND status IN " + TERMINAL + " AND completed_at IS NOT NULL)"
                + " SELECT step_id");
        String latest = " ORDER BY completed_at DESC, run_id DESC, attempt DESC))[1] AS ";
        for (String c : List.of("step_name", "step_order", "node_name")) {
            sql.append(", (array_agg(").append(c).append(latest).append(c);
        }
        for (RunStatus status : RunStatus.values()) {
            if (status.isTerminal()) {
                sql.append(", count(*) FILTER (WHERE status = '").append(status.wireName()).append("') AS n_")
                        .append(status.wireName());
            }
        }
        STEP_DURATIONS = sql.append(", count(et) AS et_n, avg(et) AS et_mean, min(et) AS et_min, max(et) AS et_max,"
                + " percentile_disc(ARRAY[0.5, 0.75, 0.9, 0.95, 0.99]) WITHIN GROUP (ORDER BY et) AS et_p"
                + " FROM s GROUP BY step_id").toString();
    }

    /**
     * Two statements in one transaction: the ids of the latest {@code runLimit + 1} ended runs of
     * the workflow in the range (the completed-at index, {@code idx_workflow_executions_completed_at},
     * read backwards), then, for the first {@code runLimit} of them, their step rows through the
     * steps' primary key, aggregated per step in SQL ({@code percentile_disc}: nearest rank, in microseconds,
     * converted to milliseconds). So it reads at most {@code runLimit} runs' steps.
     */
    @Override
    public StepDurationReport stepDurations(String workspaceId, StepDurationQuery query) {
        Objects.requireNonNull(query, "query");
        return inWorkspace(workspaceId, "computing step durations", h -> {
            List<String> runs = h.createQuery(LATEST_ENDED_RUNS).bind("ws", workspaceId)
                    .bind("workflow_id", query.workflowId()).bind("from", Rows.ts(query.from()))
                    .bind("to", Rows.ts(query.to())).bind("limit", query.runLimit() + 1).mapTo(String.class).list();
            boolean truncated = runs.size() > query.runLimit();
            String[] measured = runs.subList(0, Math.min(runs.size(), query.runLimit())).toArray(String[]::new);
            if (measured.length == 0) {
                return new StepDurationReport(0, false, List.of());
            }
            List<StepDurations> steps = h.createQuery(STEP_DURATIONS).bind("ws", workspaceId).bind("runs", measured)
                    .map((rs, ctx) -> {
                        Map<RunStatus, Long> counts = new java.util.EnumMap<>(RunStatus.class);
                        for (RunStatus status : RunStatus.values()) {
                            if (status.isTerminal()) {
                                counts.put(status, rs.getLong("n_" + status.wireName()));
                            }
                        }
                        return new StepDurations(rs.getString("step_id"), rs.getString("step_name"),
                                rs.getInt("step_order"), rs.getString("node_name"), counts, stats(rs, "et"));
                    }).list();
            return new StepDurationReport(measured.length, truncated, steps);
        });
    }

    private static DurationStatistics stats(ResultSet rs, String c) throws SQLException {
        long n = rs.getLong(c + "_n");
        if (n == 0) {
            return DurationStatistics.empty(true);
        }
        Double[] p = (Double[]) rs.getArray(c + "_p").getArray();
        return new DurationStatistics(n, rs.getDouble(c + "_mean") / 1000.0, rs.getDouble(c + "_min") / 1000.0,
                rs.getDouble(c + "_max") / 1000.0, p[0] / 1000.0, p[1] / 1000.0, p[2] / 1000.0, p[3] / 1000.0,
                p[4] / 1000.0, true);
    }

    // ---- plumbing ---------------------------------------------------------------------------

    /** Sets the workspace of the current transaction; row-level security reads it. */
    static void setWorkspace(Handle h, String workspaceId) {
        h.createQuery("SELECT set_config('runmetrics.workspace_id', :ws, true)").bind("ws", workspaceId)
                .mapTo(String.class).one();
    }

    /**
     * Sets the workspace and the statement timeout of the current transaction, in one round trip
     * (both transaction-local, so a pooled connection carries nothing over).
     */
    static void setTransaction(Handle h, String workspaceId, int statementTimeoutMillis) {
        h.createQuery("SELECT set_config('runmetrics.workspace_id', :ws, true), set_config('statement_timeout', :st,"
                + " true)").bind("ws", workspaceId).bind("st", Integer.toString(statementTimeoutMillis))
                .mapTo(String.class).one();
    }

    <T> T inWorkspace(String workspaceId, String what, HandleCallback<T, RuntimeException> work) {
        Objects.requireNonNull(workspaceId, "workspaceId");
        availability.check(what);
        T result;
        try {
            result = jdbi.inTransaction(h -> {
                setTransaction(h, workspaceId, statementTimeoutMillis);
                return work.withHandle(h);
            });
        } catch (JdbiException e) {
            availability.failed(e);
            if (BatchWriter.isTransient(e)) {
                throw new RunStoreUnavailableException(what + " failed: " + BatchWriter.brief(e),
                        availability.retryAfter(), e);
            }
            throw new RunStoreException(what + " failed", e);
        }
        availability.succeeded();
        return result;
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    private static void sameWorkspace(String workspaceId, String recordWorkspace) {
        Objects.requireNonNull(workspaceId, "workspaceId");
        if (!workspaceId.equals(recordWorkspace)) {
            throw new IllegalArgumentException("record of workspace " + recordWorkspace
                    + " cannot be written in workspace " + workspaceId);
        }
    }

    /**
     * Configures a {@link JdbcRunStore}. Not thread-safe; {@link #build()} starts the writer
     * thread (and migrates first, if asked).
     */
    public static final class Builder {
        /** Default bound of the spill journal: 2 GiB. */
        public static final long DEFAULT_SPILL_MAX_BYTES = 2L << 30;

        /** Default bound of the rollup read cache's histograms: 32 MiB. */
        public static final long DEFAULT_ROLLUP_READ_CACHE_BYTES = 32L << 20;

        /** Default queue bound: 30 s × (1,000 step events/s + their run events), with room to spare. */
        public static final int DEFAULT_QUEUE_CAPACITY = 65_536;

        private final DataSource dataSource;
        private DataSource migrationDataSource;
        private String instanceId;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private QueueFullPolicy queueFullPolicy = QueueFullPolicy.BLOCK;
        private Duration blockTimeout = Duration.ofMillis(250);
        private int maxBatchSize = 10_000;
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private Duration flushTimeout = Duration.ofSeconds(10);
        private Duration closeTimeout = Duration.ofSeconds(30);
        private Duration connectionTimeout = Duration.ofSeconds(2);
        private Duration statementTimeout = Duration.ofSeconds(5);
        private Duration socketTimeout = Duration.ofSeconds(7);
        private Duration probeTimeout = Duration.ofSeconds(1);
        private java.nio.file.Path spillDirectory;
        private Duration spillAfter = Duration.ofSeconds(5);
        private long spillMaxBytes = DEFAULT_SPILL_MAX_BYTES;
        private long spillSegmentBytes = 64L << 20;
        private Duration spillFsyncEvery = Duration.ofMillis(200);
        private long rollupReadCacheBytes = DEFAULT_ROLLUP_READ_CACHE_BYTES;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /**
         * Applies the schema migrations ({@link SchemaMigrator#migrate}) through {@code owner}
         * when the store is built. Leave unset when the host applies them itself.
         *
         * @param owner connections as the schema's owner role
         */
        public Builder migrateWith(DataSource owner) {
            this.migrationDataSource = Objects.requireNonNull(owner, "owner");
            return this;
        }

        /** The rollup instance id (default: a random UUID per store); unique per live store. */
        public Builder instanceId(String instanceId) {
            this.instanceId = Ids.require("instanceId", instanceId);
            return this;
        }

        /** How many run and step snapshots may wait for the writer (default 65,536). */
        public Builder queueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be >= 1, was " + capacity);
            }
            this.queueCapacity = capacity;
            return this;
        }

        /**
         * What a write does when the queue is full (default {@link QueueFullPolicy#BLOCK}) and,
         * for BLOCK, how long it waits for room (default 250 ms).
         */
        public Builder queueFullPolicy(QueueFullPolicy policy, Duration blockTimeout) {
            this.queueFullPolicy = Objects.requireNonNull(policy, "policy");
            this.blockTimeout = nonNegative("blockTimeout", blockTimeout);
            return this;
        }

        /**
         * The most snapshots the writer commits in one transaction (default 10,000). Batches are
         * as large only while a backlog waits; a larger one spreads each batch's fixed cost (its
         * rollup rows, round trips and commit) over more snapshots.
         */
        public Builder maxBatchSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("maxBatchSize must be >= 1, was " + size);
            }
            this.maxBatchSize = size;
            return this;
        }

        /** The writer's retry delays: first, then doubling up to max (defaults 100 ms and 5 s). */
        public Builder retryBackoff(Duration initial, Duration max) {
            this.initialBackoff = positive("initial", initial);
            this.maxBackoff = positive("max", max);
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("max backoff " + max + " is below initial " + initial);
            }
            return this;
        }

        /** How long {@code claimResume} waits for queued writes to be stored (default 10 s). */
        public Builder flushTimeout(Duration timeout) {
            this.flushTimeout = nonNegative("flushTimeout", timeout);
            return this;
        }

        /** How long {@code close()} keeps trying to write what is queued (default 30 s). */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = nonNegative("closeTimeout", timeout);
            return this;
        }

        /**
         * How long getting a connection from the DataSource may take (default 2 s); beyond it the
         * call fails with {@link RunStoreUnavailableException} and the database counts as unavailable.
         */
        public Builder connectionTimeout(Duration timeout) {
            this.connectionTimeout = positive("connectionTimeout", timeout);
            return this;
        }

        /**
         * How long the server may run one statement (default 5 s): set per transaction as
         * {@code statement_timeout}; a statement cancelled by it fails with
         * {@link RunStoreUnavailableException}. Bounds the writer's statements too.
         */
        public Builder statementTimeout(Duration timeout) {
            this.statementTimeout = positive("statementTimeout", timeout);
            return this;
        }

        /**
         * How long a call may wait for the database's next bytes (default 7 s), as each
         * connection's network timeout; at least the statement timeout, so that a slow statement
         * is cancelled by the server rather than cut off by the client.
         */
        public Builder socketTimeout(Duration timeout) {
            this.socketTimeout = positive("socketTimeout", timeout);
            return this;
        }

        /**
         * How long a call may hold its connection before the store checks that the database
         * still answers, and how long that check ({@code SELECT 1} on a connection of its own) may
         * take (default 1 s). If it gets no answer, the database counts as unavailable: the calls
         * waiting on it are aborted and later calls fail at once until a probe (every probe
         * timeout) succeeds. Raise it for a database that is often slower than that to answer.
         */
        public Builder probeTimeout(Duration timeout) {
            this.probeTimeout = positive("probeTimeout", timeout);
            return this;
        }

        /**
         * Turns on the spill journal: when the write queue is full, or the database has been
         * unavailable for longer than {@code spillAfter} (default 5 s), snapshots go to an
         * append-only journal in {@code directory} instead of memory (what is queued moves there
         * first, in order), and the writer replays it in order once the database is back; a store
         * built later on the same directory replays what a previous process left (it is written
         * before anything new). The directory is the store's alone (locked while it is open); keep
         * it on a local disk. See {@link #spillLimits} for its bound and durability.
         *
         * @param directory created if missing
         * @param spillAfter how long the database may be unavailable before the writer spills
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if spillAfter is negative
         */
        public Builder spillDirectory(java.nio.file.Path directory, Duration spillAfter) {
            this.spillDirectory = Objects.requireNonNull(directory, "directory");
            this.spillAfter = nonNegative("spillAfter", spillAfter);
            return this;
        }

        /**
         * The spill journal's bound and durability. {@code maxBytes} (default 2 GiB) bounds its
         * size on disk, counting a segment until it is wholly replayed; a snapshot that would
         * exceed it is dropped and counted as the {@link QueueFullPolicy} says (when spilling
         * starts, what is already queued moves in regardless). Appended snapshots are written and
         * forced to disk ({@code fsync}) every {@code fsyncEvery} (default 200 ms): a process that
         * dies while spilling (kill -9, power loss) loses at most the snapshots of that last
         * interval.
         *
         * @throws IllegalArgumentException if maxBytes is below 1 MiB or fsyncEvery is not positive
         */
        public Builder spillLimits(long maxBytes, Duration fsyncEvery) {
            if (maxBytes < (1L << 20)) {
                throw new IllegalArgumentException("spill maxBytes must be at least 1 MiB, was " + maxBytes);
            }
            this.spillMaxBytes = maxBytes;
            this.spillFsyncEvery = positive("fsyncEvery", fsyncEvery);
            return this;
        }

        /**
         * Bounds the memory of the rollup read cache (default {@value #DEFAULT_ROLLUP_READ_CACHE_BYTES}
         * bytes of histograms); 0 turns it off, so every rollup read fetches and decodes its rows.
         * The cache never changes an answer (each read checks the versions of the rows it would
         * read, see {@link JdbcRunStore#rollups}); it only saves the work when they are unchanged.
         *
         * @throws IllegalArgumentException if maxBytes is negative
         */
        public Builder rollupReadCache(long maxBytes) {
            if (maxBytes < 0) {
                throw new IllegalArgumentException("rollup read cache maxBytes must not be negative, was " + maxBytes);
            }
            this.rollupReadCacheBytes = maxBytes;
            return this;
        }

        /** Segment size of the spill journal (tests use small ones to see segments come and go). */
        Builder spillSegmentBytes(long bytes) {
            this.spillSegmentBytes = bytes;
            return this;
        }

        /**
         * Migrates (if asked) and returns a started store.
         *
         * @throws IllegalStateException if the socket timeout is below the statement timeout
         * @throws RunStoreException if the migration fails
         */
        public JdbcRunStore build() {
            if (socketTimeout.compareTo(statementTimeout) < 0) {
                throw new IllegalStateException("socketTimeout " + socketTimeout + " is below statementTimeout "
                        + statementTimeout);
            }
            return new JdbcRunStore(this);
        }

        @Override
        public String toString() {
            return "JdbcRunStore.Builder{queueCapacity=" + queueCapacity + ", queueFullPolicy=" + queueFullPolicy
                    + ", blockTimeout=" + blockTimeout + ", maxBatchSize=" + maxBatchSize + ", retryBackoff="
                    + initialBackoff + ".." + maxBackoff + ", flushTimeout=" + flushTimeout + ", closeTimeout="
                    + closeTimeout + ", connectionTimeout=" + connectionTimeout + ", statementTimeout="
                    + statementTimeout + ", socketTimeout=" + socketTimeout + ", probeTimeout=" + probeTimeout
                    + (spillDirectory == null ? "" : ", spillDirectory=" + spillDirectory + ", spillAfter=" + spillAfter
                            + ", spillMaxBytes=" + spillMaxBytes + ", spillFsyncEvery=" + spillFsyncEvery)
                    + ", rollupReadCacheBytes=" + rollupReadCacheBytes + "}";
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d);
            }
            return d;
        }

        private static Duration nonNegative(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative, was " + d);
            }
            return d;
        }
    }
}
