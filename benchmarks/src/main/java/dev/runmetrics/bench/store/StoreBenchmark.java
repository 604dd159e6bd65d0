package dev.runmetrics.bench.store;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.store.DurationQuery;
import dev.runmetrics.core.store.Rollup;
import dev.runmetrics.core.store.RollupDimension;
import dev.runmetrics.core.store.RollupQuery;
import dev.runmetrics.core.time.Clock;
import dev.runmetrics.core.views.ExecutionTimeStatistics;
import dev.runmetrics.core.views.ExecutionTimeStatisticsView;
import dev.runmetrics.core.views.LiveOverviewView;
import dev.runmetrics.core.views.RunViews;
import dev.runmetrics.core.views.overview.LiveOverview;
import dev.runmetrics.core.views.overview.Timeframe;
import dev.runmetrics.jdbc.JdbcRunStore;
import dev.runmetrics.jdbc.QueueFullPolicy;
import dev.runmetrics.jdbc.SchemaMigrator;
import dev.runmetrics.jdbc.WriterStats;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Storage and query benchmark of the PostgreSQL store at scale (not a test; see
 * {@code benchmarks/README.md} for the command and the results).
 *
 * <ol>
 *   <li>Starts an embedded PostgreSQL with its data in {@code benchmarks/target/store-bench-pg}
 *       (or uses {@code --jdbc-url}, a superuser's URL), creates an owner and an application role,
 *       migrates with {@link SchemaMigrator} and grants the application role.
 *   <li>Bulk-loads {@code --runs} ended runs with their steps and rollups with COPY
 *       ({@link BulkLoader}; it bypasses the writer, see there why).
 *   <li>Times, through a {@link JdbcRunStore} connected as the application role (row-level
 *       security on), with warm-up and repeated measurements: the execution-time statistics over 30 days
 *       for one workflow and for all through the rollups ({@link ExecutionTimeStatisticsView#executionTimes})
 *       and exactly ({@code percentile_disc}, {@link JdbcRunStore#exactDurations}), and the live
 *       overview for 24 hours ({@link LiveOverviewView#of}).
 *   <li>Measures the writer's ingest rate on a fresh database: producer threads call
 *       {@code saveRun}/{@code saveStep} with the snapshots a recorder sends for each run, and the
 *       time runs until everything is committed ({@link JdbcRunStore#flush}).
 *   <li>Measures the record call itself on the caller's thread ({@code --mode record-cost}).
 * </ol>
 */
public final class StoreBenchmark {

    static final String OWNER = "runmetrics_owner";
    static final String APP = "runmetrics_app";
    static final String PASSWORD = "runmetrics-bench";
    private static final String DATABASE = "runmetrics_bench";

    private final Map<String, String> args;

    private StoreBenchmark(Map<String, String> args) {
        this.args = args;
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = BenchSupport.parseArgs(argv);
        if (args.containsKey("help")) {
            System.out.println("""
                    StoreBenchmark [--runs 1000000] [--steps 3] [--days 30]
                                   [--mode all|load|queries|ingest|record-cost]
                                   [--iterations 20] [--warmup 5] [--exact-iterations 5] [--exact-warmup 1]
                                   [--ingest-runs 50000] [--ingest-repeats 3] [--ingest-producers 2]
                                   [--batch 10000] [--jdbc-url URL] [--data-dir DIR] [--reuse] [--keep]
                                   [--time-backfills] [--record-calls 40000] [--record-rounds 6]""");
            return;
        }
        new StoreBenchmark(args).run();
    }

    private int intArg(String name, int dflt) {
        return Integer.parseInt(args.getOrDefault(name, Integer.toString(dflt)).replace("_", "").replace(",", ""));
    }

    private void run() throws Exception {
        String mode = args.getOrDefault("mode", "all");
        Path dataDir = Path.of(args.getOrDefault("data-dir", "benchmarks/target/store-bench-pg")).toAbsolutePath();
        boolean reuse = args.containsKey("reuse");
        String url = args.get("jdbc-url");
        EmbeddedPostgres pg = null;
        System.out.printf("runmetrics store benchmark %s%n", args);
        System.out.printf("machine: %d cores, %s, JDK %s, %s%n", Runtime.getRuntime().availableProcessors(),
                BenchSupport.cpuModel(), System.getProperty("java.version"), BenchSupport.loadAverage());
        try {
            if (url == null) {
                Files.createDirectories(dataDir.getParent());
                if (!reuse) {
                    BenchSupport.deleteRecursively(dataDir);
                }
                pg = BenchSupport.startPostgres(dataDir);
                url = pg.getJdbcUrl("postgres", "postgres");
            }
            DataSource admin = BenchSupport.dataSource(url, null, null, null);
            System.out.println("PostgreSQL: " + BenchSupport.scalar(admin, "SELECT version()"));
            if (mode.equals("all") || mode.equals("load") || mode.equals("queries")) {
                int runs = intArg("runs", 1_000_000);
                boolean exists = Integer.parseInt(BenchSupport.scalar(admin,
                        "SELECT count(*) FROM pg_database WHERE datname = '" + DATABASE + "'")) > 0;
                if (!exists || !reuse) {
                    prepareDatabase(admin, url, DATABASE);
                    Instant end = Instant.now().truncatedTo(ChronoUnit.HOURS);
                    BulkLoader loader = new BulkLoader(runs, intArg("steps", 3), intArg("days", 30), end, 42);
                    System.out.println(loader.load(BenchSupport.dataSource(url, DATABASE, null, null)));
                } else {
                    // A database loaded by an older version gets the newer migrations, as a host's would.
                    long t0 = System.nanoTime();
                    List<Integer> applied = SchemaMigrator.migrate(BenchSupport.dataSource(url, DATABASE, OWNER,
                            PASSWORD));
                    System.out.printf(Locale.ROOT, "reusing the loaded database %s; migrations applied now: %s"
                            + " (%.1f s)%n", DATABASE, applied, (System.nanoTime() - t0) / 1e9);
                    if (!applied.isEmpty()) {
                        try (Connection c = BenchSupport.dataSource(url, DATABASE, null, null).getConnection();
                                Statement st = c.createStatement()) {
                            st.execute("VACUUM (ANALYZE)");
                        }
                    }
                    if (args.containsKey("time-backfills")) {
                        timeBackfills(BenchSupport.dataSource(url, DATABASE, OWNER, PASSWORD));
                    }
                }
                System.out.println("database size: " + BenchSupport.scalar(admin,
                        "SELECT pg_size_pretty(pg_database_size('" + DATABASE + "'))"));
                if (!mode.equals("load")) {
                    queries(url);
                }
            }
            if (mode.equals("all") || mode.equals("ingest")) {
                ingest(url);
            }
            if (mode.equals("all") || mode.equals("record-cost")) {
                recordCost(url);
            }
            System.out.printf("after: %s%n", BenchSupport.loadAverage());
        } finally {
            if (pg != null) {
                pg.close();
                if (!args.containsKey("keep")) {
                    BenchSupport.deleteRecursively(dataDir);
                    System.out.println("deleted " + dataDir);
                }
            }
        }
    }

    // ---- setup -------------------------------------------------------------------------------

    /** Roles (if missing), a fresh database owned by the owner role, migrated, app role granted. */
    static void prepareDatabase(DataSource admin, String url, String database) throws SQLException {
        try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            for (String role : new String[] {OWNER, APP}) {
                st.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role + "') THEN"
                        + " CREATE ROLE " + role + " LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '" + PASSWORD + "';"
                        + " END IF; END $$");
            }
            st.execute("DROP DATABASE IF EXISTS " + database);
            st.execute("CREATE DATABASE " + database + " OWNER " + OWNER);
        }
        DataSource owner = BenchSupport.dataSource(url, database, OWNER, PASSWORD);
        SchemaMigrator.migrate(owner);
        SchemaMigrator.grantAppRole(owner, APP);
    }

    /**
     * Times the Java steps of migrations 2, 3 and 4 on the loaded database, as an upgrade of a
     * database this size would run them (each rebuilds its rows, so re-running them is harmless):
     * hour rows from minute rows, day rows from hour rows, all-subjects rows of the three tables.
     */
    private static void timeBackfills(DataSource owner) {
        long t0 = System.nanoTime();
        long hours = SchemaMigrator.backfillHourlyRollups(owner);
        long t1 = System.nanoTime();
        long days = SchemaMigrator.backfillDailyRollups(owner);
        long t2 = System.nanoTime();
        long all = SchemaMigrator.backfillAllSubjectRollups(owner);
        long t3 = System.nanoTime();
        System.out.printf(Locale.ROOT, "backfills: V002 %,d hour rows in %.1f s; V003 %,d day rows in %.1f s;"
                + " V004 %,d all-subjects rows in %.1f s%n", hours, (t1 - t0) / 1e9, days, (t2 - t1) / 1e9, all,
                (t3 - t2) / 1e9);
    }

    // ---- queries -----------------------------------------------------------------------------

    private void queries(String url) throws SQLException {
        int warmup = intArg("warmup", 5);
        int iterations = intArg("iterations", 20);
        int exactWarmup = intArg("exact-warmup", 1);
        int exactIterations = intArg("exact-iterations", 5);
        DataSource admin = BenchSupport.dataSource(url, DATABASE, null, null);
        Instant end = Instant.parse(BenchSupport.scalar(admin, "SELECT to_char(max(completed_at) AT TIME ZONE 'UTC',"
                + " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM runmetrics.workflow_executions"))
                .truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        Instant from = end.minus(Duration.ofDays(30));
        String ws = BulkLoader.WORKSPACE;
        String wf = BulkLoader.WORKFLOWS[3];
        System.out.printf("queries: 30 days = [%s, %s), workflow %s; %,d runs in the workspace%n", from, end, wf,
                Long.parseLong(BenchSupport.scalar(admin, "SELECT count(*) FROM runmetrics.workflow_executions")));
        try (SimplePool pool = new SimplePool(BenchSupport.dataSource(url, DATABASE, APP, PASSWORD));
                JdbcRunStore store = JdbcRunStore.builder(pool).build()) {
            Clock clock = new Clock() {
                @Override
                public long monotonicNanos() {
                    return System.nanoTime();
                }

                @Override
                public Instant wallTime() {
                    return end;
                }
            };
            RunViews views = RunViews.builder(store).clock(clock).workerCapacity(16).build();
            List<Result> results = new ArrayList<>();
            results.add(time("statistics, 30 d, one workflow, rollups (statistics().executionTimes)", warmup,
                    iterations, () -> count(views.statistics().executionTimes(ws, Optional.of(wf), from, end))));
            results.add(time("statistics, 30 d, all workflows, rollups (statistics().executionTimes)", warmup,
                    iterations, () -> count(views.statistics().executionTimes(ws, Optional.empty(), from, end))));
            results.add(time("  for comparison: 30 d, one workflow, minute rows only (30-min buckets)", exactWarmup,
                    exactIterations, () -> store.rollups(ws, new RollupQuery(RollupDimension.WORKFLOW, wf, false, from,
                            end, Duration.ofMinutes(30))).stream().mapToLong(Rollup::total).sum()));
            results.add(time("  for comparison: 30 d, all workflows, minute rows only (30-min buckets)", exactWarmup,
                    exactIterations, () -> store.rollups(ws, new RollupQuery(RollupDimension.WORKFLOW, null, false, from,
                            end, Duration.ofMinutes(30))).stream().mapToLong(Rollup::total).sum()));
            results.add(time("statistics, 30 d, one workflow, exact percentile_disc (exactDurations)", exactWarmup,
                    exactIterations, () -> store.exactDurations(ws, new DurationQuery(wf, from, end))
                            .executionTime().count()));
            results.add(time("statistics, 30 d, all workflows, exact percentile_disc (exactDurations)", exactWarmup,
                    exactIterations, () -> store.exactDurations(ws, new DurationQuery(null, from, end))
                            .executionTime().count()));
            results.add(time("live overview, 24 h (overview().of(ws, LAST_24_HOURS))", warmup, iterations,
                    () -> {
                        LiveOverview m = views.overview().of(ws, Timeframe.LAST_24_HOURS);
                        return (long) m.throughput().executionsPerDay();
                    }));
            System.out.println();
            System.out.println("| query | n | median ms | p95 ms | min ms | max ms | result |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|");
            for (Result r : results) {
                System.out.println(r.row());
            }
            System.out.println();
        }
    }

    private static long count(ExecutionTimeStatistics s) {
        return s.count();
    }

    private record Result(String name, double[] millis, long result) {
        String row() {
            double[] sorted = millis.clone();
            Arrays.sort(sorted);
            return String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.1f | %,d |", name, sorted.length,
                    percentile(sorted, 50), percentile(sorted, 95), sorted[0], sorted[sorted.length - 1], result);
        }
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static Result time(String name, int warmup, int iterations, Supplier<Long> work) {
        long result = 0;
        for (int i = 0; i < warmup; i++) {
            result = work.get();
        }
        double[] millis = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            result = work.get();
            millis[i] = (System.nanoTime() - t0) / 1e6;
        }
        Result r = new Result(name, millis, result);
        System.out.println(r.row());
        return r;
    }

    // ---- ingest ------------------------------------------------------------------------------

    private void ingest(String url) throws Exception {
        int runs = intArg("ingest-runs", 50_000);
        int repeats = intArg("ingest-repeats", 3);
        int producers = intArg("ingest-producers", 2);
        int batch = intArg("batch", 10_000); // the store's default maxBatchSize
        int steps = intArg("steps", 3);
        DataSource admin = BenchSupport.dataSource(url, null, null, null);
        String database = "runmetrics_ingest";
        prepareDatabase(admin, url, database);
        System.out.printf("ingest: fresh database, %d producer threads, %,d runs x (%d steps x 2 + 3 run)"
                + " snapshots per repeat, maxBatchSize %d, synchronous_commit %s%n", producers, runs, steps, batch,
                BenchSupport.scalar(BenchSupport.dataSource(url, database, null, null), "SHOW synchronous_commit"));
        List<double[]> rates = new ArrayList<>();
        try (SimplePool pool = new SimplePool(BenchSupport.dataSource(url, database, APP, PASSWORD))) {
            for (int rep = -1; rep < repeats; rep++) { // repeat -1 warms up
                try (JdbcRunStore store = JdbcRunStore.builder(pool).maxBatchSize(batch)
                        .queueFullPolicy(QueueFullPolicy.BLOCK, Duration.ofMinutes(5)).build()) {
                    int n = rep < 0 ? Math.max(1000, runs / 5) : runs;
                    AtomicLong stepEvents = new AtomicLong();
                    AtomicLong runEvents = new AtomicLong();
                    Instant base = Instant.now().truncatedTo(ChronoUnit.MICROS);
                    long t0 = System.nanoTime();
                    Thread[] threads = new Thread[producers];
                    for (int p = 0; p < producers; p++) {
                        int first = p;
                        threads[p] = new Thread(() -> produce(store, first, producers, n, steps, base, stepEvents,
                                runEvents), "producer-" + p);
                        threads[p].start();
                    }
                    for (Thread t : threads) {
                        t.join();
                    }
                    long enqueued = System.nanoTime() - t0;
                    if (!store.flush(Duration.ofMinutes(10))) {
                        throw new IllegalStateException("writer did not catch up");
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    WriterStats stats = store.stats();
                    double stepRate = stepEvents.get() / seconds;
                    double allRate = (stepEvents.get() + runEvents.get()) / seconds;
                    System.out.printf(Locale.ROOT, "  %s: %,d step + %,d run snapshots in %.2f s (enqueued in %.2f s):"
                            + " %,.0f step events/s, %,.0f snapshots/s; %s%n", rep < 0 ? "warm-up" : "repeat " + rep,
                            stepEvents.get(), runEvents.get(), seconds, enqueued / 1e9, stepRate, allRate, stats);
                    if (stats.dropped() > 0 || stats.failed() > 0) {
                        throw new IllegalStateException("snapshots lost: " + stats);
                    }
                    if (rep < 0 && args.containsKey("analyze-after-warmup")) {
                        try (Connection c = BenchSupport.dataSource(url, database, null, null).getConnection();
                                Statement st = c.createStatement()) {
                            st.execute("ANALYZE");
                        }
                        System.out.println("  ANALYZE after the warm-up");
                    }
                    if (rep >= 0) {
                        rates.add(new double[] {stepRate, allRate, stats.meanBatchMillis(), seconds,
                                stats.meanBatchDatabaseMillis(), stats.batches()});
                    }
                }
            }
        }
        // Every run and step stored once, and counted once in every rollup table: in its subject's
        // rows and in the all-subjects rows (subject '').
        DataSource db = BenchSupport.dataSource(url, database, null, null);
        long expectedRuns = Math.max(1000, runs / 5) + (long) runs * repeats;
        String storedRuns = BenchSupport.scalar(db, "SELECT count(*) FROM runmetrics.workflow_executions");
        String storedSteps = BenchSupport.scalar(db, "SELECT count(*) FROM runmetrics.workflow_step_executions");
        if (Long.parseLong(storedRuns) != expectedRuns || Long.parseLong(storedSteps) != expectedRuns * steps) {
            throw new IllegalStateException("stored " + storedRuns + " runs and " + storedSteps + " steps, expected "
                    + expectedRuns + " and " + expectedRuns * steps);
        }
        StringBuilder counted = new StringBuilder();
        for (String table : BulkLoader.ROLLUP_TABLES) {
            for (String dimension : new String[] {"WORKFLOW", "NODE"}) {
                for (String subjects : new String[] {"subject <> ''", "subject = ''"}) {
                    String n = BenchSupport.scalar(db, "SELECT coalesce(sum(count_completed + count_failed), 0)"
                            + " FROM runmetrics." + table + " WHERE dimension = '" + dimension + "' AND " + subjects);
                    String want = dimension.equals("WORKFLOW") ? storedRuns : storedSteps;
                    if (!n.equals(want)) {
                        throw new IllegalStateException(table + " " + dimension + " " + subjects + " counts " + n
                                + ", stored " + want);
                    }
                    counted.append(counted.length() == 0 ? "" : ", ").append(n);
                }
            }
        }
        System.out.printf("ingest check: %s runs, %s steps stored; counted once in each rollup table, per subject"
                + " and for all subjects (%s)%n", storedRuns, storedSteps, counted);
        double[] step = rates.stream().mapToDouble(r -> r[0]).sorted().toArray();
        double[] all = rates.stream().mapToDouble(r -> r[1]).sorted().toArray();
        double[] batchMs = rates.stream().mapToDouble(r -> r[2]).sorted().toArray();
        double[] databaseMs = rates.stream().mapToDouble(r -> r[4]).sorted().toArray();
        double[] perBatch = rates.stream().mapToDouble(r -> r[5]).sorted().toArray();
        // Time per batch: from its first attempt to its commit; of that, waiting for the database
        // (round trips and commit, WriterStats.meanBatchDatabaseMillis); the rest is the writer's Java.
        System.out.printf(Locale.ROOT, "%n| ingest | repeats | median step events/s | min | max | median snapshots/s"
                + " | batches per repeat | median ms per batch | of which database |%n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|%n| writer, batch %d | %d | %,.0f | %,.0f | %,.0f | %,.0f"
                + " | %.0f | %.1f | %.1f |%n%n", batch, step.length, percentile(step, 50), step[0], step[step.length - 1],
                percentile(all, 50), percentile(perBatch, 50), percentile(batchMs, 50), percentile(databaseMs, 50));
    }

    /** Sends what a recorder sends for runs {@code first, first + stride, ...} to the store. */
    private static void produce(JdbcRunStore store, int first, int stride, int runs, int steps, Instant base,
            AtomicLong stepEvents, AtomicLong runEvents) {
        String ws = BulkLoader.WORKSPACE;
        long[] counts = new long[2];
        snapshots(first, stride, runs, steps, base, run -> {
            store.saveRun(ws, run);
            counts[0]++;
        }, step -> {
            store.saveStep(ws, step);
            counts[1]++;
        });
        runEvents.addAndGet(counts[0]);
        stepEvents.addAndGet(counts[1]);
    }

    /**
     * What a recorder sends for a run, in order: queued, running, then per step running and
     * completed, then the run completed. Runs end a millisecond apart, so a batch spans a minute or
     * two.
     */
    static void snapshots(int first, int stride, int runs, int steps, Instant base,
            java.util.function.Consumer<Run> runOut, java.util.function.Consumer<StepRun> stepOut) {
        String ws = BulkLoader.WORKSPACE;
        for (int i = first; i < runs; i += stride) {
            String wf = BulkLoader.WORKFLOWS[i % BulkLoader.WORKFLOWS.length];
            String runId = UUID.randomUUID().toString();
            Instant queued = base.plusMillis(i);
            Instant started = queued.plusMillis(2);
            Run queuedRun = Run.builder().workspaceId(ws).runId(runId).workflowId(wf).queuedAt(queued)
                    .inputSummary(Map.of("items", 3L)).updatedAt(queued).instanceId("bench").build();
            runOut.accept(queuedRun);
            runOut.accept(queuedRun.toBuilder().status(RunStatus.RUNNING).startedAt(started).updatedAt(started)
                    .heartbeatAt(started).build());
            Instant t = started;
            for (int k = 0; k < steps; k++) {
                String node = BulkLoader.NODES[(i + k) % BulkLoader.NODES.length];
                Instant stepStarted = t.plusNanos(100_000);
                Instant stepDone = stepStarted.plusMillis(1 + k);
                StepRun running = StepRun.builder().workspaceId(ws).runId(runId).stepId("step-" + (k + 1))
                        .stepName(node).stepOrder(k + 1).nodeName(node).status(RunStatus.RUNNING).queuedAt(t)
                        .startedAt(stepStarted).inputSummary(Map.of("in", 1L)).updatedAt(stepStarted).build();
                stepOut.accept(running);
                stepOut.accept(running.toBuilder().status(RunStatus.COMPLETED).completedAt(stepDone)
                        .outputSummary(Map.of("records", 10L)).updatedAt(stepDone).build());
                t = stepDone;
            }
            runOut.accept(queuedRun.toBuilder().status(RunStatus.COMPLETED).startedAt(started).completedAt(t)
                    .resultsSummary(Map.of("ok", true)).updatedAt(t).heartbeatAt(t).build());
        }
    }

    // ---- the record call -----------------------------------------------------------------------

    /**
     * The cost of the record call itself ({@code saveRun}/{@code saveStep}: check the snapshot, put
     * it in the writer's queue) on the caller's thread, while the writer thread drains the queue
     * into PostgreSQL on the other core. Each round first waits until the queue is empty
     * ({@code flush}) and then makes fewer calls than the queue holds, so no call waits for room:
     * this is the cost a workflow pays per snapshot, not the writer's throughput (see ingest). Each
     * call is timed with {@code System.nanoTime} into an HdrHistogram (the timer adds ~20-30 ns);
     * the mean is also given without the per-call timer (the round's wall time over its calls).
     */
    private void recordCost(String url) throws Exception {
        int calls = intArg("record-calls", 40_000);
        int rounds = intArg("record-rounds", 6);
        int steps = intArg("steps", 3);
        DataSource admin = BenchSupport.dataSource(url, null, null, null);
        String database = "runmetrics_record";
        prepareDatabase(admin, url, database);
        String ws = BulkLoader.WORKSPACE;
        try (SimplePool pool = new SimplePool(BenchSupport.dataSource(url, database, APP, PASSWORD));
                JdbcRunStore store = JdbcRunStore.builder(pool).build()) {
            if (calls >= store.stats().queueCapacity()) {
                throw new IllegalArgumentException("--record-calls must be below the queue capacity "
                        + store.stats().queueCapacity() + " so that no call waits for room");
            }
            System.out.printf(Locale.ROOT, "record cost: %,d calls per round (runs and steps as a recorder sends"
                    + " them), %d rounds (the first is warm-up), queue capacity %,d%n", calls, rounds,
                    store.stats().queueCapacity());
            org.HdrHistogram.Histogram all = new org.HdrHistogram.Histogram(3_600_000_000_000L, 3);
            double wallNanosSum = 0;
            long measuredCalls = 0;
            for (int round = 0; round < rounds; round++) {
                // The round's snapshots are built before the clock starts (building them is the
                // caller's business, not the store's), and the queue is empty when it starts.
                Object[] items = recordSnapshots(calls, steps, Instant.now().plusSeconds(round * 3600L));
                flushOrFail(store);
                org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(3_600_000_000_000L, 3);
                long wall0 = System.nanoTime();
                for (Object item : items) {
                    long t0 = System.nanoTime();
                    record(store, ws, item);
                    h.recordValue(System.nanoTime() - t0);
                }
                long wall = System.nanoTime() - wall0;
                // As many other calls again without the per-call timer, for the mean.
                Object[] untimed = recordSnapshots(calls, steps, Instant.now().plusSeconds(round * 3600L + 1800));
                flushOrFail(store);
                long plain0 = System.nanoTime();
                for (Object item : untimed) {
                    record(store, ws, item);
                }
                long plain = System.nanoTime() - plain0;
                System.out.printf(Locale.ROOT, "  %s: mean %.0f ns/call untimed (%.0f timed); p50 %,d ns, p90 %,d,"
                        + " p99 %,d, p99.9 %,d, max %,d ns%n", round == 0 ? "warm-up" : "round " + round,
                        (double) plain / calls, (double) wall / calls, h.getValueAtPercentile(50),
                        h.getValueAtPercentile(90), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9),
                        h.getMaxValue());
                if (round > 0) {
                    all.add(h);
                    wallNanosSum += plain;
                    measuredCalls += calls;
                }
            }
            flushOrFail(store);
            WriterStats stats = store.stats();
            if (stats.dropped() > 0 || stats.failed() > 0) {
                throw new IllegalStateException("snapshots lost: " + stats);
            }
            System.out.printf(Locale.ROOT, "%n| record call | calls | mean ns (untimed) | p50 ns | p90 ns | p99 ns |"
                    + " p99.9 ns | max ns |%n|---|---:|---:|---:|---:|---:|---:|---:|%n| saveRun/saveStep, queue with"
                    + " room, writer draining | %,d | %.0f | %,d | %,d | %,d | %,d | %,d |%n%n", measuredCalls,
                    wallNanosSum / measuredCalls, all.getValueAtPercentile(50), all.getValueAtPercentile(90),
                    all.getValueAtPercentile(99), all.getValueAtPercentile(99.9), all.getMaxValue());
        }
    }

    /** The first {@code calls} snapshots a recorder would send for runs starting at {@code base}. */
    private static Object[] recordSnapshots(int calls, int steps, Instant base) {
        List<Object> out = new ArrayList<>(calls + 16);
        snapshots(0, 1, calls / (2 + 2 * steps + 1) + 1, steps, base, out::add, out::add);
        return out.subList(0, calls).toArray();
    }

    private static void record(JdbcRunStore store, String ws, Object snapshot) {
        if (snapshot instanceof Run run) {
            store.saveRun(ws, run);
        } else {
            store.saveStep(ws, (StepRun) snapshot);
        }
    }

    private static void flushOrFail(JdbcRunStore store) {
        if (!store.flush(Duration.ofMinutes(5))) {
            throw new IllegalStateException("the writer did not drain the queue");
        }
    }

    // ---- plumbing ----------------------------------------------------------------------------

}
