package dev.runmetrics.jdbc;

import java.nio.file.Path;
import java.time.Duration;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The child process of {@link SpillCrashTest}: a store whose database is down (a port nobody
 * listens on) with a spill journal, recording runs at a steady rate until it is killed. After each
 * run it prints {@code run <i> <epoch millis>}, and {@code spilling} once the writer spills, so the
 * test knows what was recorded when.
 *
 * <p>Arguments: spill directory, dead port, workspace, runs per second, fsync interval in ms.
 */
public final class SpillingRecorder {

    private SpillingRecorder() {}

    public static void main(String[] args) throws Exception {
        Path spill = Path.of(args[0]);
        int deadPort = Integer.parseInt(args[1]);
        String ws = args[2];
        int perSecond = Integer.parseInt(args[3]);
        Duration fsync = Duration.ofMillis(Long.parseLong(args[4]));
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setURL("jdbc:postgresql://127.0.0.1:" + deadPort + "/runmetrics");
        nowhere.setUser("runmetrics_app");
        JdbcRunStore store = JdbcRunStore.builder(nowhere).instanceId("crash-child")
                .spillDirectory(spill, Duration.ofMillis(200)).spillLimits(1L << 30, fsync).build();
        long periodNanos = 1_000_000_000L / perSecond;
        long next = System.nanoTime();
        boolean saidSpilling = false;
        for (int i = 0; ; i++) {
            StoreTraffic.record(store, ws, "wf-crash", i);
            System.out.println("run " + i + " " + System.currentTimeMillis());
            if (!saidSpilling && store.stats().spilling()) {
                saidSpilling = true;
                System.out.println("spilling");
            }
            System.out.flush();
            next += periodNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
    }
}
