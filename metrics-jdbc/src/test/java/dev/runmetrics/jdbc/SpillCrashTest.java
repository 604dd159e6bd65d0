package dev.runmetrics.jdbc;

import static dev.runmetrics.core.model.RunFixtures.newWorkspace;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a process that is spilling: a child JVM records runs against a database that
 * is down, spilling to a journal that it syncs every {@value #FSYNC_MILLIS} ms; the test kills it
 * with SIGKILL, then builds a store on the same directory against a live database. That store
 * replays what the child left: every run recorded more than one sync interval before the kill is
 * stored, nothing is stored twice, and what is stored is exactly what was recorded first (no gaps).
 */
class SpillCrashTest {

    static final int FSYNC_MILLIS = 200;
    static final int RUNS_PER_SECOND = 200; // 2,000 snapshots/s
    /** Scheduling slack on a busy 2-core machine: the syncer may run late. */
    static final int SLACK_MILLIS = 300;

    @TempDir
    Path spill;

    @Test
    void aKilledProcessLosesAtMostItsLastSyncIntervalAndARestartReplaysTheRest() throws Exception {
        String ws = newWorkspace();
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(java, "-cp", classpath, SpillingRecorder.class.getName(), spill.toString(),
                Integer.toString(deadPort), ws, Integer.toString(RUNS_PER_SECOND), Integer.toString(FSYNC_MILLIS))
                .redirectErrorStream(true).start();
        Map<Integer, Long> recordedAt = new ConcurrentHashMap<>();
        AtomicInteger highest = new AtomicInteger(-1);
        CountDownLatch spilling = new CountDownLatch(1);
        List<String> other = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null;) {
                    if (line.startsWith("run ")) {
                        String[] f = line.split(" ");
                        recordedAt.put(Integer.parseInt(f[1]), Long.parseLong(f[2]));
                        highest.accumulateAndGet(Integer.parseInt(f[1]), Math::max);
                    } else if (line.equals("spilling")) {
                        spilling.countDown();
                    } else {
                        synchronized (other) {
                            other.add(line);
                        }
                    }
                }
            } catch (java.io.IOException e) {
                // the child is gone
            }
        }, "child-output");
        reader.start();
        long killedAt;
        try {
            assertThat(spilling.await(30, TimeUnit.SECONDS)).as("the child spills; its output: %s", other).isTrue();
            Thread.sleep(1_500);
            killedAt = System.currentTimeMillis();
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no last sync
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        reader.join(5_000);
        int lastPrinted = highest.get();
        assertThat(lastPrinted).as("runs the child recorded").isGreaterThan(300);

        WriterStats stats;
        TestDatabase db = TestDatabase.shared();
        try (JdbcRunStore store = JdbcRunStore.builder(db.app()).instanceId("crash-restart")
                .spillDirectory(spill, Duration.ofSeconds(5)).build()) {
            assertThat(store.flush(Duration.ofSeconds(60))).isTrue();
            stats = store.stats();
        }
        // What is stored: runs 0..k-1 whole, and maybe the first snapshots of run k.
        List<Long> counts = StoreTraffic.query(db.app(), ws, "SELECT count(*), count(*) FILTER (WHERE status ="
                + " 'completed') FROM runmetrics.workflow_executions");
        long stored = counts.get(0);
        long wholeRuns = counts.get(1); // a run's last snapshots are its completed ones
        List<Long> steps = StoreTraffic.query(db.app(), ws, "SELECT count(*), count(DISTINCT (run_id, step_id))"
                + " FROM runmetrics.workflow_step_executions");
        List<Long> prefix = StoreTraffic.query(db.app(), ws, "SELECT count(*) FILTER (WHERE run_id <= 'run-"
                + String.format("%07d", Math.max(0, wholeRuns - 1)) + "' AND status = 'completed')"
                + " FROM runmetrics.workflow_executions");
        long lostMillis = killedAt - recordedAt.getOrDefault((int) wholeRuns - 1, killedAt);
        System.out.printf("kill -9 while spilling: the child printed %d runs, %d runs stored (%d whole), %d step"
                + " rows; the last whole run was recorded %d ms before the kill; replay: %s%n", lastPrinted + 1,
                stored, wholeRuns, steps.get(0), lostMillis, stats);

        assertThat(stats.dropped()).isZero();
        assertThat(stats.failed()).isZero();
        assertThat(stats.replayed()).isEqualTo(stats.accepted()).isPositive();
        assertThat(stats.spillBacklog()).isZero();
        try (Stream<Path> left = Files.list(spill)) {
            assertThat(left.filter(p -> p.getFileName().toString().startsWith("spill-")))
                    .as("the replayed journal's files are deleted").isEmpty();
        }
        // No gaps: the whole runs are exactly runs 0..wholeRuns-1, and at most one more is partly there.
        assertThat(prefix.get(0)).isEqualTo(wholeRuns);
        assertThat(stored).isBetween(wholeRuns, wholeRuns + 1);
        assertThat(steps.get(0)).isEqualTo(steps.get(1)).isBetween(wholeRuns * StoreTraffic.STEPS_PER_RUN,
                (wholeRuns + 1) * StoreTraffic.STEPS_PER_RUN);
        // Everything the child recorded more than one sync interval before the kill survived it.
        for (Map.Entry<Integer, Long> e : recordedAt.entrySet()) {
            if (e.getValue() < killedAt - FSYNC_MILLIS - SLACK_MILLIS) {
                assertThat((long) e.getKey()).as("run recorded %d ms before the kill", killedAt - e.getValue())
                        .isLessThan(wholeRuns);
            }
        }
    }
}
