package dev.runmetrics.jdbc;

import static dev.runmetrics.core.model.RunFixtures.snapshot;
import static dev.runmetrics.core.model.RunFixtures.stepSnapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.store.RunStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.HdrHistogram.Histogram;

/**
 * What the outage tests record and check: runs of {@value #STEPS_PER_RUN} steps, each run
 * {@value #EVENTS_PER_RUN} snapshots (queued, running, each step running and completed, completed
 * twice, as a retrying recorder might send), and the queries that find each exactly once.
 */
final class StoreTraffic {

    static final int STEPS_PER_RUN = 3;
    static final int EVENTS_PER_RUN = 4 + 2 * STEPS_PER_RUN;

    private StoreTraffic() {}

    /** The snapshots of run {@code i}, in the order a recorder sends them. */
    static List<Object> events(String ws, String workflowId, int i) {
        String runId = String.format("run-%07d", i);
        long q = i * 10L;
        List<Object> events = new ArrayList<>();
        events.add(snapshot(ws, runId, workflowId, RunStatus.QUEUED, 1, q, 0, q));
        events.add(snapshot(ws, runId, workflowId, RunStatus.RUNNING, 1, q, 0, q + 1));
        for (int s = 0; s < STEPS_PER_RUN; s++) {
            events.add(stepSnapshot(ws, runId, "s" + s, 1, RunStatus.RUNNING, q + s, 0, q + 2 + s));
            events.add(stepSnapshot(ws, runId, "s" + s, 1, RunStatus.COMPLETED, q + s, 3, q + 5 + s));
        }
        Run completed = snapshot(ws, runId, workflowId, RunStatus.COMPLETED, 1, q, 40, q + 60);
        events.add(completed);
        events.add(completed); // a duplicate event, as a retrying recorder might send
        return events;
    }

    /** Records run {@code i}; returns the longest single save call, in nanoseconds. */
    static long record(RunStore store, String ws, String workflowId, int i) {
        return record(store, ws, workflowId, i, null);
    }

    /** Records run {@code i}, each save call's time (ns) into {@code calls} if given; returns the longest. */
    static long record(RunStore store, String ws, String workflowId, int i, Histogram calls) {
        long longest = 0;
        for (Object e : events(ws, workflowId, i)) {
            long start = System.nanoTime();
            save(store, ws, e);
            long took = System.nanoTime() - start;
            longest = Math.max(longest, took);
            if (calls != null) {
                calls.recordValue(took);
            }
        }
        return longest;
    }

    /**
     * Checks that recording never waited on the database: the slowest call is far below the
     * store's time bounds (1 s and more) and nearly every call takes microseconds. The 2-core
     * machines the tests run on may stall any thread for a moment, hence the margins.
     */
    static void assertNeverWaitedOnTheDatabase(Histogram calls) {
        assertThat(calls.getTotalCount()).isPositive();
        assertThat(calls.getValueAtPercentile(99.0) / 1e6).as("p99 of saveRun/saveStep, ms").isLessThan(50);
        assertThat(calls.getMaxValue() / 1e6).as("slowest saveRun/saveStep, ms").isLessThan(1_000);
    }

    static String describe(Histogram calls) {
        return String.format("%d save calls: p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f ms",
                calls.getTotalCount(), calls.getValueAtPercentile(50) / 1e3, calls.getValueAtPercentile(99) / 1e3,
                calls.getValueAtPercentile(99.9) / 1e3, calls.getMaxValue() / 1e6);
    }

    static void save(RunStore store, String ws, Object event) {
        if (event instanceof Run r) {
            store.saveRun(ws, r);
        } else {
            store.saveStep(ws, (StepRun) event);
        }
    }

    /** Checks that runs 0..runs-1 of the workspace are stored exactly once each, completed. */
    static void assertStoredExactlyOnce(DataSource app, String ws, long runs) throws SQLException {
        assertThat(query(app, ws, "SELECT count(*), count(DISTINCT run_id), count(*) FILTER (WHERE status ="
                + " 'completed'), count(DISTINCT execution_number), min(execution_number), max(execution_number)"
                + " FROM runmetrics.workflow_executions")).containsExactly(runs, runs, runs, runs, runs == 0 ? 0L : 1L,
                        runs);
        assertThat(query(app, ws, "SELECT count(*), count(*) FILTER (WHERE status = 'completed'),"
                + " count(DISTINCT (run_id, step_id, attempt)) FROM runmetrics.workflow_step_executions"))
                .containsExactly(runs * STEPS_PER_RUN, runs * STEPS_PER_RUN, runs * STEPS_PER_RUN);
    }

    /** One row of numbers, read as the application role in the workspace. */
    static List<Long> query(DataSource ds, String ws, String sql) throws SQLException {
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
}
