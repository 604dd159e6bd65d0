package dev.runmetrics.jdbc;

import static dev.runmetrics.core.model.RunFixtures.newWorkspace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.control.ResumeResult;
import dev.runmetrics.core.flow.RunOutcome;
import dev.runmetrics.core.flow.WorkflowRunner;
import dev.runmetrics.core.flow.example.ExampleWorkflows;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.Rollup;
import dev.runmetrics.core.store.RollupDimension;
import dev.runmetrics.core.store.RollupQuery;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Several JVMs on one PostgreSQL, as several instances of a host are: real child processes
 * ({@link WriterProcess}), each with its own store and recorder, started together and killed with
 * SIGKILL. What a single JVM's tests cannot show: that writers of different processes never
 * lose, double or mix up each other's rows (rollup rows are keyed by the writing instance,
 * execution numbers come from the database), that migrating at once is safe, that a dead process's
 * runs are recognised by their lease and only theirs, and that a resume is claimed by exactly one
 * process.
 */
class SeveralProcessesTest {

    static final Duration START = Duration.ofSeconds(60);
    static final int WRITERS = 3;
    static final int RUNS_PER_WRITER = 400;
    /** How old a heartbeat must be for its run to count as abandoned; the holders beat every 250 ms. */
    static final Duration LEASE = Duration.ofSeconds(3);

    @Test
    void threeProcessesWritingAtOnceStoreEachRunAndStepOnceAndEveryRollupTierEqualsTheRawRows() throws Exception {
        TestDatabase server = TestDatabase.shared();
        // A database of its own, not yet migrated: the writers migrate it, all at once.
        String database = "several_processes_" + System.currentTimeMillis();
        try (Connection c = server.admin().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + database + " OWNER " + TestDatabase.OWNER_ROLE);
        }
        String ws1 = newWorkspace();
        String ws2 = newWorkspace();
        List<ChildJvm> writers = new ArrayList<>();
        try {
            for (int w = 1; w <= WRITERS; w++) {
                writers.add(ChildJvm.start("writer-" + w, WriterProcess.class, List.of("url=" + url(server, database),
                        "user=" + TestDatabase.APP_ROLE, "password=" + TestDatabase.PASSWORD,
                        "owner=" + TestDatabase.OWNER_ROLE, "ownerPassword=" + TestDatabase.PASSWORD,
                        "instance=writer-" + w, "mode=record", "workspaces=" + ws1 + "," + ws2,
                        "runs=" + RUNS_PER_WRITER, "threads=4")));
            }
            for (ChildJvm w : writers) {
                w.awaitLine("ready", START);
            }
            long started = System.nanoTime();
            writers.forEach(w -> w.send("go"));
            for (ChildJvm w : writers) {
                w.awaitLine("done", Duration.ofSeconds(90));
                assertThat(w.awaitExit(Duration.ofSeconds(10))).as("exit of %s", w.name()).isZero();
            }
            System.out.printf("%d processes recorded %d runs each in %d ms (migrating first)%n", WRITERS,
                    RUNS_PER_WRITER, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } finally {
            writers.forEach(ChildJvm::close);
        }

        // What the processes say they recorded, summed.
        Map<String, Long> said = new TreeMap<>();
        for (ChildJvm w : writers) {
            for (String prefix : List.of("ending ", "step ", "runs ")) {
                for (String line : w.lines(prefix)) {
                    int last = line.lastIndexOf(' ');
                    said.merge(line.substring(0, last), Long.parseLong(line.substring(last + 1)), Long::sum);
                }
            }
        }
        assertThat(said.get("runs " + ws1) + said.get("runs " + ws2)).isEqualTo((long) WRITERS * RUNS_PER_WRITER);

        DataSource admin = server.admin(database); // a superuser: sees every workspace's rows
        // Every run once, and each workflow's execution numbers 1..n with no gap or duplicate.
        assertThat(counts(admin, "SELECT 'runs', workspace_id, count(DISTINCT run_id) FROM runmetrics.workflow_executions"
                + " GROUP BY workspace_id")).isEqualTo(filter(said, "runs "));
        assertThat(rows(admin, "SELECT workspace_id, workflow_id, count(*) = count(DISTINCT execution_number),"
                + " min(execution_number) = 1, max(execution_number) = count(*) FROM runmetrics.workflow_executions"
                + " GROUP BY workspace_id, workflow_id")).hasSize(2 * WriterProcess.WORKFLOWS.size())
                .allMatch(r -> r.endsWith(" t t t"));
        // Every step row once (a row per step and attempt), every ended attempt once.
        assertThat(counts(admin, "SELECT 'step', workspace_id, node_name, status, count(*)"
                + " FROM runmetrics.workflow_step_executions GROUP BY 2, 3, 4")).isEqualTo(filter(said, "step "));
        assertThat(counts(admin, "SELECT 'ending', workspace_id, workflow_id, status, count(*)"
                + " FROM runmetrics.run_attempt_endings GROUP BY 2, 3, 4")).isEqualTo(filter(said, "ending "));
        // Each run's latest attempt is its stored row; the earlier ones are those of the resumed runs.
        List<String> check = rows(admin, "SELECT (SELECT count(*) FROM runmetrics.workflow_executions r JOIN"
                + " runmetrics.run_attempt_endings e USING (workspace_id, run_id, attempt) WHERE e.status = r.status"
                + " AND e.completed_at = r.completed_at AND e.workflow_id = r.workflow_id),"
                + " (SELECT count(*) FROM runmetrics.workflow_executions WHERE attempt = 2),"
                + " (SELECT count(*) FROM runmetrics.run_attempt_endings WHERE attempt = 1 AND status = 'failed'"
                + " AND run_id IN (SELECT run_id FROM runmetrics.workflow_executions WHERE attempt = 2))");
        long resumed = (long) WRITERS * (RUNS_PER_WRITER / 20);
        assertThat(check).containsExactly(WRITERS * RUNS_PER_WRITER + " " + resumed + " " + resumed);

        // Every tier, every dimension, every subject and the all-subjects rows, summed over the
        // instances, equal the counts of the raw rows in the same bucket.
        for (String[] tier : new String[][] {{"execution_rollups", "minute"}, {"execution_rollups_hourly", "hour"},
                {"execution_rollups_daily", "day"}}) {
            List<String> stored = rows(admin, "SELECT workspace_id, dimension, subject, bucket_start, "
                    + sums("sum(count_", ")") + " FROM runmetrics." + tier[0] + " GROUP BY 1, 2, 3, 4");
            List<String> derived = rows(admin, "WITH e AS (SELECT workspace_id, workflow_id, completed_at, status"
                    + " FROM runmetrics.run_attempt_endings), s AS (SELECT workspace_id, node_name, completed_at, status"
                    + " FROM runmetrics.workflow_step_executions WHERE status IN ('completed', 'failed', 'cancelled',"
                    + " 'timeout', 'skipped')), c AS ("
                    + " SELECT workspace_id, 'WORKFLOW' AS dimension, workflow_id AS subject, completed_at, status FROM e"
                    + " UNION ALL SELECT workspace_id, 'WORKFLOW', '', completed_at, status FROM e"
                    + " UNION ALL SELECT workspace_id, 'WORKFLOW_' || upper(status), workflow_id, completed_at, status FROM e"
                    + " UNION ALL SELECT workspace_id, 'WORKFLOW_' || upper(status), '', completed_at, status FROM e"
                    + " UNION ALL SELECT workspace_id, 'NODE', node_name, completed_at, status FROM s"
                    + " UNION ALL SELECT workspace_id, 'NODE', '', completed_at, status FROM s)"
                    + " SELECT workspace_id, dimension, subject, date_trunc('" + tier[1] + "', completed_at), "
                    + sums("count(*) FILTER (WHERE status = '", "')") + " FROM c GROUP BY 1, 2, 3, 4");
            assertThat(stored).as(tier[0]).isNotEmpty().containsExactlyElementsOf(derived);
            assertThat(rows(admin, "SELECT DISTINCT instance_id FROM runmetrics." + tier[0])).as(tier[0])
                    .containsExactly("writer-1", "writer-2", "writer-3");
        }

        // And what a query of the store merges from the three instances' rows is the same.
        try (JdbcRunStore reader = JdbcRunStore.builder(server.as(database, TestDatabase.APP_ROLE)).build()) {
            Instant to = Instant.now().plus(Duration.ofMinutes(1));
            Instant from = to.minus(Duration.ofDays(2));
            for (String ws : List.of(ws1, ws2)) {
                long endings = filter(said, "ending ").entrySet().stream().filter(e -> e.getKey().startsWith(
                        "ending " + ws + " ")).mapToLong(Map.Entry::getValue).sum();
                List<Rollup> merged = reader.rollups(ws, new RollupQuery(RollupDimension.WORKFLOW, null, false, from,
                        to, Duration.ofHours(1)));
                assertThat(merged.stream().mapToLong(Rollup::total).sum()).isEqualTo(endings);
                assertThat(merged.stream().mapToLong(r -> r.executionTime().count()).sum()).isEqualTo(endings);
            }
        }
    }

    @Test
    void aKilledProcessesRunsFailAfterItsLeaseOnlyAndAreEachResumedByExactlyOneOtherProcess() throws Exception {
        TestDatabase db = TestDatabase.shared();
        String ws = newWorkspace();
        List<String> common = List.of("url=" + url(db, db.database), "user=" + TestDatabase.APP_ROLE,
                "password=" + TestDatabase.PASSWORD, "mode=hold", "workspace=" + ws, "heartbeatMillis=250");
        List<ChildJvm> children = new CopyOnWriteArrayList<>();
        try (JdbcRunStore store = JdbcRunStore.builder(db.app()).instanceId("survivor").build()) {
            ChildJvm doomed = ChildJvm.start("holder-killed", WriterProcess.class, with(common,
                    "instance=holder-killed", "runs=3"));
            ChildJvm alive = ChildJvm.start("holder-alive", WriterProcess.class, with(common,
                    "instance=holder-alive", "runs=1"));
            children.add(doomed);
            children.add(alive);
            List<String> killedRuns = List.of(doomed.awaitLine("holding ", START).substring(8).split(","));
            String aliveRun = alive.awaitLine("holding ", START).substring(8);
            assertThat(killedRuns).hasSize(3);
            for (String run : killedRuns) {
                assertThat(store.findRun(ws, run).orElseThrow()).extracting(Run::status, Run::instanceId)
                        .containsExactly(RunStatus.RUNNING, "holder-killed");
            }

            doomed.kill(); // SIGKILL mid-run: its runs stay "running" in the database
            Instant killedAt = Instant.now();
            RunRecorder recorder = RunRecorder.builder(store).instanceId("survivor").build();
            assertThat(recorder.failAbandonedRuns(ws, LEASE)).as("within the lease, a silent owner is not yet dead")
                    .isZero();
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), killedAt.plus(LEASE)).toMillis()) + 500);
            assertThat(recorder.failAbandonedRuns(ws, LEASE)).as("the killed process's runs, not the live one's")
                    .isEqualTo(3);
            assertThat(store.flush(Duration.ofSeconds(10))).isTrue();
            for (String run : killedRuns) {
                Run failed = store.findRun(ws, run).orElseThrow();
                assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
                assertThat(failed.errorMessage()).startsWith("interrupted: ").contains("holder-killed");
                assertThat(store.findSteps(ws, run)).filteredOn(s -> s.stepId().equals("transform_data"))
                        .singleElement().satisfies(s -> {
                            assertThat(s.status()).isEqualTo(RunStatus.FAILED);
                            assertThat(s.errorMessage()).startsWith("interrupted: ");
                        });
            }
            Run stillRunning = store.findRun(ws, aliveRun).orElseThrow();
            assertThat(stillRunning.status()).isEqualTo(RunStatus.RUNNING);
            assertThat(stillRunning.heartbeatAt()).isAfter(killedAt);

            // This JVM resumes the first from the step it was in: the steps before keep their checkpoints.
            List<String> ranHere = new CopyOnWriteArrayList<>();
            ExampleWorkflows.Options options = ExampleWorkflows.Options.builder().latency(ExampleWorkflows.Latency.none())
                    .hook((wf, in) -> ranHere.add(in.stepId())).build();
            try (WorkflowRunner runner = WorkflowRunner.builder(recorder, store).workers(2)
                    .workflow(ExampleWorkflows.dataPipeline(options)).build()) {
                String first = killedRuns.get(0);
                ResumeResult result = runner.resume(ws, "operator", first, "transform_data", Map.of());
                assertThat(result).isEqualTo(new ResumeResult.Accepted(first, "transform_data", 2));
                RunOutcome outcome = runner.completion(ws, first).orElseThrow().get(30, TimeUnit.SECONDS);
                assertThat(outcome.status()).isEqualTo(RunStatus.COMPLETED);
                assertThat(outcome.restoredSteps()).containsExactlyInAnyOrder("validate_source", "extract_data");
                assertThat(ranHere).containsExactly("transform_data", "validate_transformation", "load_data",
                        "post_load_validation", "cleanup");
            }
            assertThat(store.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(store.findRun(ws, killedRuns.get(0)).orElseThrow())
                    .extracting(Run::status, Run::attempt, Run::instanceId)
                    .containsExactly(RunStatus.COMPLETED, 2, "survivor");
            assertThat(store.findSteps(ws, killedRuns.get(0))).filteredOn(s -> s.attempt() == 2)
                    .extracting(StepRun::stepId).containsExactlyInAnyOrder("transform_data", "validate_transformation",
                            "load_data", "post_load_validation", "cleanup");

            // Three processes claim the second at once: exactly one wins, and completes it.
            String second = killedRuns.get(1);
            List<ChildJvm> claimants = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                ChildJvm c = ChildJvm.start("claimant-" + i, WriterProcess.class, List.of("url=" + url(db, db.database),
                        "user=" + TestDatabase.APP_ROLE, "password=" + TestDatabase.PASSWORD, "instance=claimant-" + i,
                        "mode=claim", "workspace=" + ws, "run=" + second, "attempt=1"));
                claimants.add(c);
                children.add(c);
            }
            for (ChildJvm c : claimants) {
                c.awaitLine("ready", START);
            }
            claimants.forEach(c -> c.send("go"));
            Map<String, String> outcomes = new TreeMap<>();
            for (ChildJvm c : claimants) {
                outcomes.put(c.name(), c.awaitLine("outcome ", Duration.ofSeconds(30)).substring(8));
                c.awaitLine("done", Duration.ofSeconds(30));
                assertThat(c.awaitExit(Duration.ofSeconds(10))).as("exit of %s", c.name()).isZero();
            }
            System.out.println("concurrent claims of one run by three processes: " + outcomes);
            assertThat(outcomes.values()).containsExactlyInAnyOrder("Claimed", "Conflict", "Conflict");
            String winner = outcomes.entrySet().stream().filter(e -> e.getValue().equals("Claimed")).findFirst()
                    .orElseThrow().getKey();
            assertThat(store.findRun(ws, second).orElseThrow()).extracting(Run::status, Run::attempt, Run::instanceId)
                    .containsExactly(RunStatus.COMPLETED, 2, winner);
            assertThat(StoreTraffic.query(db.app(), ws, "SELECT count(*) FILTER (WHERE attempt = 1 AND status = 'failed'),"
                    + " count(*) FILTER (WHERE attempt = 2 AND status = 'completed'), count(*)"
                    + " FROM runmetrics.run_attempt_endings WHERE run_id = '" + second + "'")).containsExactly(1L, 1L, 2L);

            // The third, resumed by nobody, stays failed; the live process's run was never touched.
            assertThat(store.findRun(ws, killedRuns.get(2)).orElseThrow()).extracting(Run::status, Run::attempt)
                    .containsExactly(RunStatus.FAILED, 1);
            assertThat(store.findRun(ws, aliveRun).orElseThrow()).extracting(Run::status, Run::instanceId)
                    .containsExactly(RunStatus.RUNNING, "holder-alive");
        } finally {
            children.forEach(ChildJvm::close);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The JDBC URL of a database of the test server, without credentials (the child gets them apart). */
    static String url(TestDatabase server, String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(server.adminUrl);
        return "jdbc:postgresql://" + ds.getServerNames()[0] + ":" + ds.getPortNumbers()[0] + "/" + database;
    }

    private static List<String> with(List<String> args, String... more) {
        List<String> out = new ArrayList<>(args);
        out.addAll(List.of(more));
        return out;
    }

    private static final List<RunStatus> STATUSES = List.of(RunStatus.values());

    /** One expression per status column, in RunStatus order: {@code before + status + after}. */
    private static String sums(String before, String after) {
        StringBuilder b = new StringBuilder();
        for (RunStatus s : STATUSES) {
            b.append(b.length() == 0 ? "" : ", ").append(before).append(s.wireName()).append(after);
        }
        return b.toString();
    }

    private static Map<String, Long> filter(Map<String, Long> said, String prefix) {
        Map<String, Long> out = new TreeMap<>();
        said.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** Rows whose last column is a count, keyed by the other columns joined by spaces. */
    private static Map<String, Long> counts(DataSource ds, String sql) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        for (String row : rows(ds, sql)) {
            int last = row.lastIndexOf(' ');
            out.put(row.substring(0, last), Long.parseLong(row.substring(last + 1)));
        }
        return out;
    }

    /** Every row of a query, its columns as text joined by spaces, sorted; timestamps in UTC. */
    private static List<String> rows(DataSource ds, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("SET TIME ZONE 'UTC'");
            try (ResultSet rs = st.executeQuery(sql)) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringBuilder b = new StringBuilder();
                    for (int i = 1; i <= n; i++) {
                        b.append(i == 1 ? "" : " ").append(rs.getString(i));
                    }
                    out.add(b.toString());
                }
            }
        }
        out.sort(null);
        return out;
    }
}
