package dev.runmetrics.jdbc;

import static dev.runmetrics.core.model.RunFixtures.at;
import static dev.runmetrics.core.model.RunFixtures.newWorkspace;
import static dev.runmetrics.core.model.RunFixtures.snapshot;
import static dev.runmetrics.core.model.RunFixtures.stepSnapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.store.Rollup;
import dev.runmetrics.core.store.RollupDimension;
import dev.runmetrics.core.store.RollupQuery;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database outage in the middle of a burst delays writes and loses none: the test stops its own
 * embedded PostgreSQL while runs and steps are being recorded, starts it again on the same data
 * directory and port, and then finds every run and step in the database exactly once.
 */
class OutageTest {

    static final int RUNS = 600;
    static final int STEPS_PER_RUN = 3;

    @TempDir
    Path dataDirectory;

    @Test
    void anOutageMidBurstLosesAndDuplicatesNothing() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EmbeddedPostgres pg = TestDatabase.startEmbedded(dataDirectory, port);
        TestDatabase db = TestDatabase.prepare(pg.getJdbcUrl("postgres", "postgres"), pg, "runmetrics");
        String ws = newWorkspace();
        AtomicInteger produced = new AtomicInteger();
        AtomicLong enqueueNanos = new AtomicLong();
        long outageMillis;
        WriterStats stats;
        try (JdbcRunStore store = JdbcRunStore.builder(db.app()).instanceId("outage")
                .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(500)).maxBatchSize(200).build()) {
            Thread producer = new Thread(() -> {
                for (int i = 0; i < RUNS; i++) {
                    enqueueNanos.addAndGet(record(store, ws, i));
                    produced.incrementAndGet();
                    if (i % 2 == 0) {
                        sleep(10); // ~ 600 runs (6,000 events) over ~ 3.5 s, so the burst outlasts the outage
                    }
                }
            });
            producer.start();
            while (produced.get() < RUNS / 4) {
                Thread.sleep(5);
            }
            int atStop = produced.get();
            long down = System.nanoTime();
            pg.close();
            Thread.sleep(1500); // recording goes on while the database is down
            pg = TestDatabase.startEmbedded(dataDirectory, port);
            outageMillis = (System.nanoTime() - down) / 1_000_000;
            int atRestart = produced.get();
            producer.join();
            assertThat(store.flush(Duration.ofSeconds(60))).isTrue();
            stats = store.stats();
            int events = RUNS * (4 + 2 * STEPS_PER_RUN);
            System.out.printf("outage test: %d runs (%d events); database down %d ms while runs %d..%d were"
                    + " recorded; mean saveRun/saveStep call %.2f us; %s%n", RUNS, events, outageMillis, atStop, atRestart,
                    enqueueNanos.get() / 1000.0 / events, stats);
            assertThat(atRestart).as("runs recorded during the outage").isGreaterThan(atStop);
            assertThat(atRestart).as("runs recorded after the restart").isLessThan(RUNS);
        }
        try {
            assertThat(stats.retries()).as("the writer retried through the outage").isPositive();
            assertThat(stats.dropped()).isZero();
            assertThat(stats.failed()).isZero();
            assertThat(stats.written()).isEqualTo(stats.accepted()).isEqualTo((long) RUNS * (4 + 2 * STEPS_PER_RUN));

            DataSource app = db.app();
            assertThat(query(app, ws, "SELECT count(*), count(DISTINCT run_id), count(*) FILTER (WHERE status ="
                    + " 'completed'), count(DISTINCT execution_number), min(execution_number), max(execution_number)"
                    + " FROM runmetrics.workflow_executions")).containsExactly((long) RUNS, (long) RUNS, (long) RUNS,
                            (long) RUNS, 1L, (long) RUNS);
            assertThat(query(app, ws, "SELECT count(*), count(*) FILTER (WHERE status = 'completed'),"
                    + " count(DISTINCT (run_id, step_id, attempt)) FROM runmetrics.workflow_step_executions"))
                    .containsExactly((long) RUNS * STEPS_PER_RUN, (long) RUNS * STEPS_PER_RUN,
                            (long) RUNS * STEPS_PER_RUN);
            try (JdbcRunStore reader = JdbcRunStore.builder(app).build()) {
                List<Rollup> wf = reader.rollups(ws, RollupQuery.total(RollupDimension.WORKFLOW, null, at(-3_600_000),
                        at(3_600_000)));
                assertThat(wf.get(0).total()).as("runs counted in the rollups exactly once").isEqualTo(RUNS);
                List<Rollup> node = reader.rollups(ws, RollupQuery.total(RollupDimension.NODE, null, at(-3_600_000),
                        at(3_600_000)));
                assertThat(node.get(0).total()).isEqualTo((long) RUNS * STEPS_PER_RUN);
            }
        } finally {
            pg.close();
        }
    }

    /** Records one run's events (two of them duplicates); returns the nanoseconds spent in the store. */
    private static long record(JdbcRunStore store, String ws, int i) {
        String runId = String.format("run-%05d", i);
        long q = i * 10L;
        List<Object> events = new ArrayList<>();
        events.add(snapshot(ws, runId, "wf-outage", RunStatus.QUEUED, 1, q, 0, q));
        events.add(snapshot(ws, runId, "wf-outage", RunStatus.RUNNING, 1, q, 0, q + 1));
        for (int s = 0; s < STEPS_PER_RUN; s++) {
            events.add(stepSnapshot(ws, runId, "s" + s, 1, RunStatus.RUNNING, q + s, 0, q + 2 + s));
            events.add(stepSnapshot(ws, runId, "s" + s, 1, RunStatus.COMPLETED, q + s, 3, q + 5 + s));
        }
        Run completed = snapshot(ws, runId, "wf-outage", RunStatus.COMPLETED, 1, q, 40, q + 60);
        events.add(completed);
        events.add(completed); // a duplicate event, as a retrying recorder might send
        long start = System.nanoTime();
        for (Object e : events) {
            if (e instanceof Run r) {
                store.saveRun(ws, r);
            } else {
                store.saveStep(ws, (StepRun) e);
            }
        }
        return System.nanoTime() - start;
    }

    private static List<Long> query(DataSource ds, String ws, String sql) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("SELECT set_config('runmetrics.workspace_id', ?, true)")) {
                ps.setString(1, ws);
                ps.executeQuery().close();
            }
            List<Long> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                rs.next();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    out.add(rs.getLong(i));
                }
            }
            c.rollback();
            return out;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
