package dev.runmetrics.bench.store;

import dev.runmetrics.jdbc.JdbcRunStore;
import dev.runmetrics.jdbc.WriterStats;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.HdrHistogram.Histogram;

/**
 * A long database outage under a steady recording load (not a test, not JMH: a plain {@code main};
 * see {@code benchmarks/README.md} for the command and the figures).
 *
 * <ol>
 *   <li>Starts an embedded PostgreSQL in {@code --data-dir} (fresh), with the roles and a migrated
 *       database as {@link StoreBenchmark} makes them, and a {@link JdbcRunStore} as the application
 *       role with a spill journal in {@code --spill-dir} (spilling after 5 s, the demo's setting).
 *   <li>One producer thread sends what a recorder sends for runs of {@code --steps} steps, paced to
 *       {@code --rate} step events per second (plus the runs' own three events each), timing every
 *       {@code saveRun}/{@code saveStep} call.
 *   <li>After {@code --warmup}, the database hangs for {@code --outage}: every PostgreSQL process is
 *       stopped with SIGSTOP ({@code --kind freeze}, the default) or the server is shut down
 *       ({@code --kind stop}). The load goes on. Every 30 s it prints the writer's state.
 *   <li>Then the database is back (SIGCONT, or a restart); the load goes on while the writer
 *       replays the journal, and the time until it writes from memory again is the catch-up.
 *   <li>The load stops, everything is flushed, and it checks that every run and step is stored
 *       exactly once and counted once in each rollup table; it fails otherwise.
 * </ol>
 */
public final class OutageBenchmark {

    private OutageBenchmark() {}

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = BenchSupport.parseArgs(argv);
        if (args.containsKey("help")) {
            System.out.println("""
                    OutageBenchmark [--outage 10m] [--rate 1000] [--steps 3] [--warmup 20s] [--kind freeze|stop]
                                    [--data-dir benchmarks/target/outage-bench-pg]
                                    [--spill-dir benchmarks/target/outage-bench-spill] [--keep]
                    """);
            return;
        }
        Duration outage = duration(args.getOrDefault("outage", "10m"));
        Duration warmup = duration(args.getOrDefault("warmup", "20s"));
        int rate = Integer.parseInt(args.getOrDefault("rate", "1000"));
        int steps = Integer.parseInt(args.getOrDefault("steps", "3"));
        String kind = args.getOrDefault("kind", "freeze");
        Path dataDir = Path.of(args.getOrDefault("data-dir", "benchmarks/target/outage-bench-pg"));
        Path spillDir = Path.of(args.getOrDefault("spill-dir", "benchmarks/target/outage-bench-spill"));
        BenchSupport.deleteRecursively(dataDir);
        BenchSupport.deleteRecursively(spillDir);
        System.out.printf(Locale.ROOT, "outage benchmark: %s outage (%s) at %d step events/s (%d steps per run, so"
                + " %.0f snapshots/s), warm-up %s; %s, %d cores, %s%n", outage, kind, rate, steps,
                rate * (2.0 * steps + 3) / (2.0 * steps), warmup, BenchSupport.cpuModel(),
                Runtime.getRuntime().availableProcessors(), BenchSupport.loadAverage());

        EmbeddedPostgres pg = BenchSupport.startPostgres(dataDir);
        String url = pg.getJdbcUrl("postgres", "postgres");
        String database = "runmetrics_outage";
        StoreBenchmark.prepareDatabase(BenchSupport.dataSource(url, null, null, null), url, database);
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicLong runs = new AtomicLong();
        AtomicLong snapshots = new AtomicLong();
        Histogram before = new Histogram(3);
        Histogram during = new Histogram(3);
        Histogram after = new Histogram(3);
        AtomicReference<Histogram> phase = new AtomicReference<>(before);
        long peakBacklog = 0;
        long peakBytes = 0;
        long detectMillis = -1;
        long catchUpMillis;
        long flushMillis;
        long duringSnapshots;
        WriterStats atThaw;
        WriterStats end;
        try (SimplePool pool = new SimplePool(BenchSupport.dataSource(url, database, StoreBenchmark.APP,
                StoreBenchmark.PASSWORD));
                JdbcRunStore store = JdbcRunStore.builder(pool).spillDirectory(spillDir, Duration.ofSeconds(5))
                        .build()) {
            Thread producer = new Thread(() -> produce(store, rate, steps, producing, runs, snapshots, phase),
                    "producer");
            producer.start();
            Thread.sleep(warmup.toMillis());

            long snapshotsAtOutage = snapshots.get();
            long t0 = System.nanoTime();
            phase.set(during);
            if (kind.equals("stop")) {
                pg.close();
            } else {
                signal(dataDir, "-STOP");
            }
            long next = t0;
            try {
                while (System.nanoTime() - t0 < outage.toNanos()) {
                    Thread.sleep(100);
                    WriterStats s = store.stats();
                    peakBacklog = Math.max(peakBacklog, s.spillBacklog());
                    peakBytes = Math.max(peakBytes, s.spillBytes());
                    if (detectMillis < 0 && !store.health().available()) {
                        detectMillis = (System.nanoTime() - t0) / 1_000_000;
                    }
                    if (System.nanoTime() >= next) {
                        progress("down", t0, runs, s);
                        next += TimeUnit.SECONDS.toNanos(30);
                    }
                }
                duringSnapshots = snapshots.get() - snapshotsAtOutage;
                atThaw = store.stats();
                phase.set(after);
            } finally {
                if (kind.equals("stop")) {
                    pg = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false)
                            .setPort(pg.getPort()).setServerConfig("synchronous_commit", "on")
                            .setPGStartupWait(Duration.ofSeconds(60)).start();
                } else {
                    signal(dataDir, "-CONT");
                }
            }
            long back = System.nanoTime();
            next = back;
            while (store.stats().spilling()) {
                Thread.sleep(100);
                if (System.nanoTime() >= next) {
                    progress("replaying", back, runs, store.stats());
                    next += TimeUnit.SECONDS.toNanos(30);
                }
                if (System.nanoTime() - back > TimeUnit.MINUTES.toNanos(60)) {
                    throw new IllegalStateException("the writer did not catch up within an hour: " + store.stats());
                }
            }
            catchUpMillis = (System.nanoTime() - back) / 1_000_000;
            Thread.sleep(5_000); // the load goes on, from memory
            producing.set(false);
            producer.join();
            long f = System.nanoTime();
            if (!store.flush(Duration.ofMinutes(10))) {
                throw new IllegalStateException("not flushed: " + store.stats());
            }
            flushMillis = (System.nanoTime() - f) / 1_000_000;
            end = store.stats();
        }
        try {
            long stored = check(url, database, runs.get(), steps, end);
            double replayRate = atThaw.spillBacklog() * 1000.0 / Math.max(1, catchUpMillis);
            System.out.printf(Locale.ROOT, "%n| outage | load | snapshots during it | journal at the end of it |"
                    + " noticed after | catch-up after it | lost | stored twice |%n|---|---|---:|---|---:|---:|---:|"
                    + "---:|%n| %s, %s | %,d step events/s (%,.0f snapshots/s) | %,d | %,d snapshots, %.1f MB (%.0f B"
                    + " each); peak %.1f MB | %,d ms | %.1f s (%,.0f snapshots/s replayed while the load went on) |"
                    + " %d | %d |%n%n", outage, kind, rate, rate * (2.0 * steps + 3) / (2.0 * steps), duringSnapshots,
                    atThaw.spillBacklog(), atThaw.spillBytes() / 1e6, atThaw.spillBytes() / Math.max(1.0,
                            atThaw.spillBacklog()), peakBytes / 1e6, detectMillis, catchUpMillis / 1e3, replayRate,
                    runs.get() - stored, 0);
            System.out.printf("saveRun/saveStep before the outage: %s%n", describe(before));
            System.out.printf("saveRun/saveStep during the outage: %s%n", describe(during));
            System.out.printf("saveRun/saveStep after it:          %s%n", describe(after));
            System.out.printf("final flush %d ms; %s; %s%n", flushMillis, end, BenchSupport.loadAverage());
        } finally {
            pg.close();
            if (!args.containsKey("keep")) {
                BenchSupport.deleteRecursively(dataDir);
                BenchSupport.deleteRecursively(spillDir);
            }
        }
    }

    /** Sends one run's snapshots at a time, paced to {@code rate} step events per second. */
    private static void produce(JdbcRunStore store, int rate, int steps, AtomicBoolean producing, AtomicLong runs,
            AtomicLong snapshots, AtomicReference<Histogram> phase) {
        String ws = BulkLoader.WORKSPACE;
        long periodNanos = 1_000_000_000L * 2 * steps / rate; // one run has 2 step events per step
        Instant base = Instant.now().truncatedTo(ChronoUnit.MICROS);
        long next = System.nanoTime();
        for (int i = 0; producing.get(); i++) {
            Histogram h = phase.get();
            StoreBenchmark.snapshots(i, 1, i + 1, steps, base, run -> {
                long t = System.nanoTime();
                store.saveRun(ws, run);
                h.recordValue(System.nanoTime() - t);
            }, step -> {
                long t = System.nanoTime();
                store.saveStep(ws, step);
                h.recordValue(System.nanoTime() - t);
            });
            runs.incrementAndGet();
            snapshots.addAndGet(3 + 2L * steps);
            next += periodNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Every run and step stored once, counted once per rollup table; returns the runs stored. */
    private static long check(String url, String database, long runs, int steps, WriterStats end) throws Exception {
        DataSource db = BenchSupport.dataSource(url, database, null, null);
        long storedRuns = Long.parseLong(BenchSupport.scalar(db, "SELECT count(*) FROM runmetrics.workflow_executions"));
        long distinct = Long.parseLong(BenchSupport.scalar(db, "SELECT count(DISTINCT run_id) FROM"
                + " runmetrics.workflow_executions WHERE status = 'completed'"));
        long storedSteps = Long.parseLong(BenchSupport.scalar(db,
                "SELECT count(*) FROM runmetrics.workflow_step_executions WHERE status = 'completed'"));
        List<String> problems = new ArrayList<>();
        if (storedRuns != runs || distinct != runs || storedSteps != runs * steps) {
            problems.add("stored " + storedRuns + " runs (" + distinct + " completed) and " + storedSteps
                    + " completed steps, recorded " + runs + " runs of " + steps + " steps");
        }
        for (String table : BulkLoader.ROLLUP_TABLES) {
            for (String dimension : new String[] {"WORKFLOW", "NODE"}) {
                long n = Long.parseLong(BenchSupport.scalar(db, "SELECT coalesce(sum(count_completed), 0) FROM runmetrics."
                        + table + " WHERE dimension = '" + dimension + "' AND subject <> ''"));
                long want = dimension.equals("WORKFLOW") ? runs : runs * steps;
                if (n != want) {
                    problems.add(table + " " + dimension + " counts " + n + ", want " + want);
                }
            }
        }
        if (end.dropped() > 0 || end.failed() > 0 || end.written() != end.accepted()) {
            problems.add("writer: " + end);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("outage check failed: " + problems);
        }
        System.out.printf("check: %,d runs and %,d steps stored exactly once, each counted once in the minute, hour"
                + " and day rollups%n", storedRuns, storedSteps);
        return storedRuns;
    }

    private static void progress(String what, long since, AtomicLong runs, WriterStats s) {
        System.out.printf(Locale.ROOT, "  %s %4d s: %,d runs recorded; queue %,d, spilling %s, journal %,d snapshots"
                + " %.1f MB, replayed %,d, dropped %d; %s%n", what, (System.nanoTime() - since) / 1_000_000_000L,
                runs.get(), s.queueDepth(), s.spilling(), s.spillBacklog(), s.spillBytes() / 1e6, s.replayed(),
                s.dropped(), BenchSupport.loadAverage());
    }

    private static String describe(Histogram h) {
        return String.format(Locale.ROOT, "%,d calls: p50 %.2f us, p99 %.2f us, p99.9 %.1f us, max %.1f ms",
                h.getTotalCount(), h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
                h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e6);
    }

    /** Sends a signal to the postmaster first (so it forks nothing new) and then to its children. */
    private static void signal(Path dataDir, String signal) throws IOException, InterruptedException {
        long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8)
                .get(0).strip());
        List<String> children = new ArrayList<>();
        ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> children.add(Long.toString(d.pid()))));
        List<List<String>> order = signal.equals("-STOP") ? List.of(List.of(Long.toString(pid)), children)
                : List.of(children, List.of(Long.toString(pid)));
        for (List<String> pids : order) {
            if (pids.isEmpty()) {
                continue;
            }
            List<String> command = new ArrayList<>(List.of("kill", signal));
            command.addAll(pids);
            Process kill = new ProcessBuilder(command).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException(command + " failed");
            }
        }
    }

    private static Duration duration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> Duration.ofSeconds(Long.parseLong(t));
        };
    }
}
