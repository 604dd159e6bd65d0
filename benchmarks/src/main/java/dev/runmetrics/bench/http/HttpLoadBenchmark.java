package dev.runmetrics.bench.http;

import dev.runmetrics.bench.store.BenchSupport;
import dev.runmetrics.bench.store.SimplePool;
import dev.runmetrics.bench.store.StoreBenchmark;
import dev.runmetrics.core.views.RunViews;
import dev.runmetrics.http.MetricsHttpServer;
import dev.runmetrics.http.Role;
import dev.runmetrics.jdbc.JdbcRunStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * The HTTP load benchmark's server (not a test; see {@code benchmarks/README.md}): an embedded
 * PostgreSQL holding {@code --runs} bulk-loaded runs over 30 days, a {@link JdbcRunStore} connected
 * as the application role (row-level security on), {@link RunViews} over it and a
 * {@link MetricsHttpServer} on 127.0.0.1 with an operator and a viewer token. It prints the URL, the
 * tokens and ready-made {@code wrk} lines, then serves until stopped (Ctrl-C) or for
 * {@code --duration}. The load comes from outside the JVM ({@code wrk}, {@link DashboardLoadTime}).
 *
 * <p>Data: the database is loaded by the store benchmark's loader ({@code StoreBenchmark --mode
 * load --keep}, i.e. its {@code BulkLoader}: COPY of runs, steps and rollups, the same roles and
 * schema) into {@code --data-dir} (with {@code --reuse --keep}: without {@code --reuse} the embedded
 * PostgreSQL deletes a directory it cleaned at start when it closes, {@code --keep} or not), unless that directory already holds a loaded database with
 * {@code --runs} runs, which is then reused as it is ({@code --reload} forces a fresh load). The
 * directory is kept when the server stops; {@code --delete} removes it afterwards.
 */
public final class HttpLoadBenchmark {

    static final String DATABASE = "runmetrics_bench";
    static final String APP = "runmetrics_app";
    static final String PASSWORD = "runmetrics-bench";
    /** The bulk loader's workspace and one of its workflows (BulkLoader.WORKSPACE / WORKFLOWS[3]). */
    static final String WORKSPACE = "bench";
    static final String WORKFLOW = "data_pipeline";
    static final String OPERATOR_TOKEN = "bench-operator-token-0123456789";
    static final String VIEWER_TOKEN = "bench-viewer-token-0123456789ab";

    private HttpLoadBenchmark() {}

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = BenchSupport.parseArgs(argv);
        if (args.containsKey("help")) {
            System.out.println("""
                    HttpLoadBenchmark [--runs 1000000] [--data-dir benchmarks/target/http-bench-pg] [--reload]
                                      [--port 8099] [--cache-ttl 0s|5s|PT5S] [--rollup-cache-mb 32|0] [--max-threads 32]
                                      [--duration 10m] [--delete]""");
            return;
        }
        int runs = Integer.parseInt(args.getOrDefault("runs", "1000000").replace("_", ""));
        Path dataDir = Path.of(args.getOrDefault("data-dir", "benchmarks/target/http-bench-pg")).toAbsolutePath();
        int port = Integer.parseInt(args.getOrDefault("port", "8099"));
        Duration cacheTtl = duration(args.getOrDefault("cache-ttl", "0s"));
        // The store's rollup read cache (exact: checked against the rows' versions on every read); 0 turns it off.
        long rollupCacheBytes = Long.parseLong(args.getOrDefault("rollup-cache-mb", "32")) << 20;
        int maxThreads = Integer.parseInt(args.getOrDefault("max-threads", "32"));
        Duration runFor = args.containsKey("duration") ? duration(args.get("duration")) : null;

        System.out.printf("runmetrics HTTP benchmark server %s%n", args);
        System.out.printf("machine: %d cores, %s, JDK %s, %s%n", Runtime.getRuntime().availableProcessors(),
                BenchSupport.cpuModel(), System.getProperty("java.version"), BenchSupport.loadAverage());

        if (args.containsKey("reload") || !loaded(dataDir, runs)) {
            System.out.println("loading " + runs + " runs into " + dataDir + " with StoreBenchmark --mode load");
            long t0 = System.nanoTime();
            // --reuse as well as --keep: a data directory the embedded PostgreSQL cleaned at start
            // (StoreBenchmark without --reuse) is deleted again when it closes, --keep or not. On an
            // empty directory --reuse finds no database and loads one.
            BenchSupport.deleteRecursively(dataDir);
            StoreBenchmark.main(new String[] {"--mode", "load", "--reuse", "--keep", "--runs", Integer.toString(runs),
                "--data-dir", dataDir.toString()});
            System.out.printf("loaded in %.0f s%n", (System.nanoTime() - t0) / 1e9);
        } else {
            System.out.println("reusing the loaded database in " + dataDir);
        }

        EmbeddedPostgres pg = BenchSupport.startPostgres(dataDir);
        CountDownLatch stop = new CountDownLatch(1);
        try {
            String url = pg.getJdbcUrl("postgres", "postgres");
            DataSource admin = BenchSupport.dataSource(url, DATABASE, null, null);
            System.out.println("PostgreSQL: " + BenchSupport.scalar(admin, "SELECT version()"));
            System.out.println("runs: " + BenchSupport.scalar(admin, "SELECT count(*) FROM runmetrics.workflow_executions")
                    + ", steps: " + BenchSupport.scalar(admin, "SELECT count(*) FROM runmetrics.workflow_step_executions")
                    + ", database size: " + BenchSupport.scalar(admin, "SELECT pg_size_pretty(pg_database_size('" + DATABASE
                    + "'))"));
            Instant end = Instant.parse(BenchSupport.scalar(admin, "SELECT to_char(max(completed_at) AT TIME ZONE 'UTC',"
                    + " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM runmetrics.workflow_executions"))
                    .truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
            Instant from = end.minus(Duration.ofDays(30));

            try (SimplePool pool = new SimplePool(BenchSupport.dataSource(url, DATABASE, APP, PASSWORD));
                    JdbcRunStore store = JdbcRunStore.builder(pool).rollupReadCache(rollupCacheBytes).build()) {
                RunViews views = RunViews.builder(store).workerCapacity(16).resultCacheTtl(cacheTtl).build();
                MetricsHttpServer server = MetricsHttpServer.builder(store)
                        .views(views)
                        .token(OPERATOR_TOKEN, "bench-operator", Role.OPERATOR, WORKSPACE)
                        .token(VIEWER_TOKEN, "bench-viewer", Role.VIEWER, WORKSPACE)
                        // One token drives all the load: a bucket of a million refilled at a million
                        // per second never runs dry here, so the limiter is on the path but never
                        // answers 429.
                        .rateLimit(1_000_000, 1_000_000)
                        .maxThreads(maxThreads)
                        .bindAddress("127.0.0.1")
                        .port(port)
                        .build();
                server.start();
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
                String base = server.uri().toString().replaceAll("/$", "");
                String q = "start_date=" + from + "&end_date=" + end;
                System.out.println();
                System.out.println("serving " + base + "/  (views: " + views + ")");
                System.out.println("operator token: " + OPERATOR_TOKEN);
                System.out.println("viewer token:   " + VIEWER_TOKEN);
                System.out.println("workspace:      " + WORKSPACE + "; 30-day range " + from + " .. " + end);
                String h = "-H 'Authorization: Bearer " + VIEWER_TOKEN + "' -H 'X-Workspace-Id: " + WORKSPACE + "'";
                System.out.println("wrk -t2 -c32 -d30s --latency " + h + " '" + base
                        + "/api/v1/statistics/execution-times?workflow_id=" + WORKFLOW + "&" + q + "'");
                System.out.println("wrk -t2 -c32 -d30s --latency " + h + " '" + base
                        + "/api/v1/statistics/execution-times?" + q + "'");
                System.out.println("dashboard: java -cp benchmarks/target/benchmarks.jar "
                        + DashboardLoadTime.class.getName() + " --url " + base + "/ --token " + VIEWER_TOKEN);
                System.out.println("ready");
                System.out.flush();
                if (runFor != null) {
                    stop.await(runFor.toMillis(), TimeUnit.MILLISECONDS);
                } else {
                    stop.await();
                }
                server.stop();
            }
            System.out.printf("stopped; %s%n", BenchSupport.loadAverage());
        } finally {
            pg.close();
            if (args.containsKey("delete")) {
                BenchSupport.deleteRecursively(dataDir);
                System.out.println("deleted " + dataDir);
            }
        }
    }

    /** Whether dataDir holds the benchmark database with exactly {@code runs} runs. */
    private static boolean loaded(Path dataDir, int runs) throws Exception {
        if (!Files.exists(dataDir.resolve("PG_VERSION"))) {
            return false;
        }
        try (EmbeddedPostgres pg = BenchSupport.startPostgres(dataDir)) {
            DataSource admin = BenchSupport.dataSource(pg.getJdbcUrl("postgres", "postgres"), null, null, null);
            if (Integer.parseInt(BenchSupport.scalar(admin, "SELECT count(*) FROM pg_database WHERE datname = '" + DATABASE
                    + "'")) == 0) {
                return false;
            }
            long n = Long.parseLong(BenchSupport.scalar(BenchSupport.dataSource(pg.getJdbcUrl("postgres", "postgres"), DATABASE, null, null),
                    "SELECT count(*) FROM runmetrics.workflow_executions"));
            System.out.println(dataDir + " holds " + n + " runs");
            return n == runs;
        } catch (SQLException e) {
            System.out.println("cannot reuse " + dataDir + ": " + e.getMessage());
            return false;
        }
    }

    // ---- plumbing ----------------------------------------------------------------------------

    /** "PT5S", "5s", "10m", "1h" or "0". */
    static Duration duration(String s) {
        if (s.startsWith("P") || s.startsWith("p")) {
            return Duration.parse(s);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        long n = Long.parseLong(s.substring(0, s.length() - 1));
        return switch (s.charAt(s.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("a duration like 5s, 10m or PT5S: " + s);
        };
    }

}
