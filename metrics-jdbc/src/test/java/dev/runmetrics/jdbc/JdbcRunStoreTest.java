package dev.runmetrics.jdbc;

import static dev.runmetrics.core.model.RunFixtures.at;
import static dev.runmetrics.core.model.RunFixtures.newId;
import static dev.runmetrics.core.model.RunFixtures.newRunId;
import static dev.runmetrics.core.model.RunFixtures.newWorkspace;
import static dev.runmetrics.core.model.RunFixtures.runBuilder;
import static dev.runmetrics.core.model.RunFixtures.snapshot;
import static dev.runmetrics.core.model.RunFixtures.stepSnapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.store.DurationBreakdown;
import dev.runmetrics.core.store.DurationQuery;
import dev.runmetrics.core.store.Page;
import dev.runmetrics.core.store.ResumeAudit;
import dev.runmetrics.core.store.ResumeClaim;
import dev.runmetrics.core.store.ResumeOutcome;
import dev.runmetrics.core.store.Rollup;
import dev.runmetrics.core.store.RollupDimension;
import dev.runmetrics.core.store.RollupQuery;
import dev.runmetrics.core.store.RunQuery;
import dev.runmetrics.core.store.StepCheckpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JdbcRunStoreTest {

    static TestDatabase db;
    static JdbcRunStore store;

    @BeforeAll
    static void start() {
        db = TestDatabase.shared();
        store = JdbcRunStore.builder(db.app()).instanceId("test-a").build();
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    private static void flush() {
        assertThat(store.flush(Duration.ofSeconds(20))).isTrue();
    }

    @Test
    void runsAndStepsRoundTripWithEveryField() {
        String ws = newWorkspace();
        Run r = snapshot(ws, newRunId(), "wf", RunStatus.COMPLETED, 1, 0, 250, 300);
        Run withNasty = runBuilder(ws, newRunId(), "wf", at(0)).workflowName("Wf \"quoted\" \u00e9\u2028")
                .status(RunStatus.FAILED).attempt(2).startedAt(at(1)).completedAt(at(2))
                .inputSummary(Map.of("nested", Map.of("list", List.of(1L, 2.5, "x", true)), "nul", "a\u0000b"))
                .errorMessage("error with nul \u0000 inside").updatedAt(at(5)).instanceId("inst").build();
        StepRun s = stepSnapshot(ws, r.runId(), "s1", 1, RunStatus.COMPLETED, 0, 50, 60);
        store.saveRun(ws, r);
        store.saveRun(ws, withNasty);
        store.saveStep(ws, s);
        flush();

        Run back = store.findRun(ws, r.runId()).orElseThrow();
        assertThat(back.executionNumber()).isPositive();
        assertThat(back).isEqualTo(r.withExecutionNumber(back.executionNumber()));
        Run nasty = store.findRun(ws, withNasty.runId()).orElseThrow();
        assertThat(nasty.inputSummary()).isEqualTo(withNasty.inputSummary());
        assertThat(nasty.workflowName()).isEqualTo(withNasty.workflowName());
        assertThat(nasty.errorMessage()).isEqualTo("error with nul \uFFFD inside");
        assertThat(store.findSteps(ws, r.runId())).containsExactly(s);
        assertThat(store.findRun(newWorkspace(), r.runId())).isEmpty();
        assertThat(store.findSteps(newWorkspace(), r.runId())).isEmpty();
    }

    @Test
    void checkpointsAndAuditRoundTripSynchronously() {
        String ws = newWorkspace();
        String runId = newRunId();
        StepCheckpoint c1 = new StepCheckpoint(ws, runId, "b", 1, Map.of("rows", List.of(1L, 2L)), at(10));
        StepCheckpoint c2 = new StepCheckpoint(ws, runId, "a", 2, "plain", at(20));
        StepCheckpoint c3 = new StepCheckpoint(ws, runId, "a", 1, null, at(5));
        store.saveCheckpoint(ws, c1);
        store.saveCheckpoint(ws, c2);
        store.saveCheckpoint(ws, c3);
        StepCheckpoint c1b = new StepCheckpoint(ws, runId, "b", 1, Map.of("rows", List.of()), at(11));
        store.saveCheckpoint(ws, c1b);
        assertThat(store.findCheckpoints(ws, runId)).containsExactly(c3, c2, c1b);

        ResumeAudit a2 = new ResumeAudit(ws, newId(), runId, "a", "alice", at(30), 0, ResumeOutcome.REFUSED, "nope");
        ResumeAudit a1 = new ResumeAudit(ws, newId(), runId, "a", "bob", at(20), 2, ResumeOutcome.ACCEPTED, null);
        store.appendResumeAudit(ws, a2);
        store.appendResumeAudit(ws, a1);
        store.appendResumeAudit(ws, a1);
        assertThat(store.findResumeAudit(ws, runId)).containsExactly(a1, a2);
        assertThat(store.findResumeAudit(newWorkspace(), runId)).isEmpty();
        assertThat(store.findCheckpoints(newWorkspace(), runId)).isEmpty();
    }

    @Test
    void aRecordOfAnotherWorkspaceIsRejected() {
        String ws = newWorkspace();
        Run r = snapshot(newWorkspace(), newRunId(), "wf", RunStatus.RUNNING, 1);
        assertThatThrownBy(() -> store.saveRun(ws, r)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.saveStep(ws,
                stepSnapshot(newWorkspace(), newRunId(), "s", 1, RunStatus.RUNNING, 0, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.saveCheckpoint(ws,
                new StepCheckpoint(newWorkspace(), newRunId(), "s", 1, null, at(0))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void newerWinsAndOlderSnapshotsAreIgnored() {
        String ws = newWorkspace();
        String runId = newRunId();
        Run running = snapshot(ws, runId, "wf", RunStatus.RUNNING, 1, 0, 0, 100);
        Run done = snapshot(ws, runId, "wf", RunStatus.COMPLETED, 1, 0, 200, 300);
        Run attempt2 = snapshot(ws, runId, "wf", RunStatus.QUEUED, 2, 0, 0, 50); // later attempt, earlier clock
        store.saveRun(ws, done);
        flush();
        store.saveRun(ws, running); // stale
        flush();
        assertThat(store.findRun(ws, runId).orElseThrow().status()).isEqualTo(RunStatus.COMPLETED);
        store.saveRun(ws, attempt2);
        flush();
        Run back = store.findRun(ws, runId).orElseThrow();
        assertThat(back.attempt()).isEqualTo(2);
        store.saveRun(ws, done); // attempt 1 can no longer win
        flush();
        assertThat(store.findRun(ws, runId).orElseThrow().attempt()).isEqualTo(2);

        StepRun s1 = stepSnapshot(ws, runId, "s", 1, RunStatus.RUNNING, 0, 0, 10);
        StepRun s2 = stepSnapshot(ws, runId, "s", 1, RunStatus.COMPLETED, 0, 5, 20);
        store.saveStep(ws, s2);
        store.saveStep(ws, s1); // in the same batch, after the newer one
        flush();
        assertThat(store.findSteps(ws, runId)).containsExactly(s2);
        // the execution number never changes after the first write
        assertThat(back.executionNumber()).isEqualTo(
                store.findRuns(ws, RunQuery.latest("wf", 10)).items().get(0).executionNumber());
    }

    @Test
    void replayingABatchStoresOneRowAndCountsRollupsOnce() {
        String ws = newWorkspace();
        List<Run> runs = new ArrayList<>();
        List<StepRun> steps = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String runId = newRunId();
            runs.add(snapshot(ws, runId, "wf-idem", RunStatus.RUNNING, 1, i, 0, i + 1));
            runs.add(snapshot(ws, runId, i % 4 == 0 ? "wf-idem" : "wf-idem", i % 4 == 0 ? RunStatus.FAILED
                    : RunStatus.COMPLETED, 1, i, 100 + i, i + 500));
            steps.add(stepSnapshot(ws, runId, "s", 1, RunStatus.COMPLETED, i, 10, i + 400));
        }
        for (int replay = 0; replay < 3; replay++) {
            runs.forEach(r -> store.saveRun(ws, r));
            steps.forEach(s -> store.saveStep(ws, s));
            flush();
        }
        Page<Run> page = store.findRuns(ws, RunQuery.latest("wf-idem", 100));
        assertThat(page.total()).isEqualTo(20);
        assertThat(page.items()).extracting(Run::executionNumber).doesNotHaveDuplicates();
        List<Rollup> wf = store.rollups(ws, RollupQuery.total(RollupDimension.WORKFLOW, null, at(-60_000),
                at(3_600_000)));
        assertThat(wf).hasSize(1);
        assertThat(wf.get(0).count(RunStatus.COMPLETED)).isEqualTo(15);
        assertThat(wf.get(0).count(RunStatus.FAILED)).isEqualTo(5);
        assertThat(wf.get(0).executionTime().count()).isEqualTo(20);
        List<Rollup> node = store.rollups(ws, RollupQuery.total(RollupDimension.NODE, "node-s", at(-60_000),
                at(3_600_000)));
        assertThat(node.get(0).total()).isEqualTo(20);
        List<Rollup> model = store.rollups(ws, RollupQuery.total(RollupDimension.MODEL, null, at(-60_000),
                at(3_600_000)));
        assertThat(model.get(0).tokens()).isEqualTo(240);
        assertThat(model.get(0).cost()).isEqualTo(10.0);
    }

    @Test
    void aResumedRunThatEndsAgainCountsOncePerAttempt() {
        String ws = newWorkspace();
        String runId = newRunId();
        Run failed = snapshot(ws, runId, "wf-resume", RunStatus.FAILED, 1, 0, 100, 200);
        store.saveRun(ws, failed);
        ResumeClaim claim = store.claimResume(ws, runId, 1, "instance-b", at(1000));
        assertThat(claim).isInstanceOf(ResumeClaim.Claimed.class);
        Run claimed = ((ResumeClaim.Claimed) claim).run();
        assertThat(store.findRun(ws, runId)).contains(claimed);
        assertThat(claimed.executionNumber()).isPositive();
        Run done = claimed.toBuilder().executionNumber(0).status(RunStatus.COMPLETED).completedAt(at(2000))
                .inputSummary(null).resultsSummary(null).updatedAt(at(2000)).heartbeatAt(at(2000)).attributes(null)
                .build();
        store.saveRun(ws, done);
        store.saveRun(ws, done);
        flush();
        Rollup total = store.rollups(ws, RollupQuery.total(RollupDimension.WORKFLOW, "wf-resume", at(-60_000),
                at(60_000))).get(0);
        assertThat(total.count(RunStatus.FAILED)).isEqualTo(1);
        assertThat(total.count(RunStatus.COMPLETED)).isEqualTo(1);
    }

    @Test
    void executionNumbersAreUniqueAndIncreasingPerWorkflow() throws Exception {
        String ws = newWorkspace();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            futures.add(pool.submit(() -> {
                for (int i = 0; i < 50; i++) {
                    String wf = i % 2 == 0 ? "even" : "odd";
                    store.saveRun(ws, snapshot(ws, newRunId(), wf, RunStatus.QUEUED, i));
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        flush();
        for (String wf : List.of("even", "odd")) {
            List<Run> runs = store.findRuns(ws, RunQuery.latest(wf, 1000)).items();
            assertThat(runs).hasSize(100);
            Set<Long> numbers = new HashSet<>();
            runs.forEach(r -> numbers.add(r.executionNumber()));
            assertThat(numbers).hasSize(100).allMatch(n -> n >= 1 && n <= 100);
        }
    }

    @Test
    void claimResumeHasExactlyOneWinnerAmongThreads() throws Exception {
        String ws = newWorkspace();
        String runId = newRunId();
        store.saveRun(ws, snapshot(ws, runId, "wf", RunStatus.FAILED, 10));
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<ResumeClaim>> claims = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String instance = "claimer-" + i;
            claims.add(pool.submit(() -> {
                go.await();
                return store.claimResume(ws, runId, 1, instance, at(5000));
            }));
        }
        go.countDown();
        int won = 0;
        int conflicts = 0;
        for (Future<ResumeClaim> f : claims) {
            ResumeClaim c = f.get(30, TimeUnit.SECONDS);
            if (c instanceof ResumeClaim.Claimed) {
                won++;
            } else if (c instanceof ResumeClaim.Conflict conflict) {
                conflicts++;
                assertThat(conflict.current().attempt()).isEqualTo(2);
            }
        }
        pool.shutdown();
        assertThat(won).isEqualTo(1);
        assertThat(conflicts).isEqualTo(n - 1);
        assertThat(store.claimResume(newWorkspace(), runId, 1, "x", at(6000))).isInstanceOf(ResumeClaim.NotFound.class);
        // still running: not resumable
        String live = newRunId();
        store.saveRun(ws, snapshot(ws, live, "wf", RunStatus.RUNNING, 10));
        assertThat(store.claimResume(ws, live, 1, "x", at(6000))).isInstanceOf(ResumeClaim.Conflict.class);
    }

    @Test
    void findRunsFiltersPagesAndCountsInSql() {
        String ws = newWorkspace();
        for (int i = 0; i < 30; i++) {
            RunStatus status = i % 3 == 0 ? RunStatus.FAILED : i % 3 == 1 ? RunStatus.COMPLETED : RunStatus.RUNNING;
            store.saveRun(ws, snapshot(ws, newRunId(), i < 20 ? "a" : "b", status, 1, i * 1000L, 10, i * 1000L + 500));
        }
        flush();
        Page<Run> all = store.findRuns(ws, new RunQuery(null, Set.of(), null, null, 0, 1000));
        assertThat(all.total()).isEqualTo(30);
        assertThat(all.items()).extracting(Run::queuedAt).isSortedAccordingTo((x, y) -> y.compareTo(x));
        Page<Run> page = store.findRuns(ws, new RunQuery("a", Set.of(RunStatus.FAILED, RunStatus.COMPLETED), null,
                null, 2, 5));
        assertThat(page.total()).isEqualTo(14);
        assertThat(page.items()).hasSize(5);
        assertThat(page.items().get(0).queuedAt()).isEqualTo(at(16_000)); // 19 and 18 skipped, 17 is RUNNING;
        Page<Run> range = store.findRuns(ws, new RunQuery(null, Set.of(), at(5_000), at(10_000), 0, 100));
        assertThat(range.total()).isEqualTo(5);
        Page<Run> beyond = store.findRuns(ws, new RunQuery(null, Set.of(), null, null, 100, 10));
        assertThat(beyond.items()).isEmpty();
        assertThat(beyond.total()).isEqualTo(30);

        List<Run> live = store.liveRuns(ws, 100);
        assertThat(live).hasSize(10).allMatch(r -> r.status() == RunStatus.RUNNING);
        assertThat(live).extracting(Run::queuedAt).isSorted();
        assertThat(store.liveRuns(ws, 3)).hasSize(3);
    }

    @Test
    void exactDurationsAreNearestRankPercentilesOfTheEndedAttempts() {
        String ws = newWorkspace();
        for (int i = 1; i <= 10; i++) {
            store.saveRun(ws, snapshot(ws, newRunId(), "exact", RunStatus.COMPLETED, 1, 0, i * 100L, 1000));
        }
        store.saveRun(ws, snapshot(ws, newRunId(), "exact", RunStatus.RUNNING, 1000));
        store.saveRun(ws, snapshot(ws, newRunId(), "other", RunStatus.COMPLETED, 1, 0, 5000, 1000));
        flush();
        DurationBreakdown d = store.exactDurations(ws, new DurationQuery("exact", at(-1000), at(60_000)));
        assertThat(d.executionTime().count()).isEqualTo(10);
        assertThat(d.executionTime().exact()).isTrue();
        assertThat(d.executionTime().min()).isEqualTo(100.0);
        assertThat(d.executionTime().max()).isEqualTo(1000.0);
        assertThat(d.executionTime().mean()).isEqualTo(550.0);
        // nearest rank (percentile_disc), never interpolated: ceil(0.5 * 10) = 5th, ceil(0.9 * 10) = 9th
        assertThat(d.executionTime().p50()).isEqualTo(500.0);
        assertThat(d.executionTime().p90()).isEqualTo(900.0);
        assertThat(d.queueWait().p99()).isEqualTo(10.0);
        assertThat(d.endToEnd().min()).isEqualTo(110.0);
        DurationBreakdown all = store.exactDurations(ws, new DurationQuery(null, at(-1000), at(60_000)));
        assertThat(all.executionTime().count()).isEqualTo(11);
        DurationBreakdown none = store.exactDurations(ws, new DurationQuery("exact", at(60_000), at(70_000)));
        assertThat(none.executionTime().count()).isZero();
        assertThat(none.executionTime().p50()).isNull();
    }

    @Test
    void rollupsMergeAcrossInstancesAndIntoBuckets() {
        String ws = newWorkspace();
        try (JdbcRunStore other = JdbcRunStore.builder(db.app()).instanceId("test-b").build()) {
            // minute 0 and minute 1 from this store, minute 0 from the other
            store.saveRun(ws, snapshot(ws, newRunId(), "wf-r", RunStatus.COMPLETED, 1, 0, 1000, 2000));
            store.saveRun(ws, snapshot(ws, newRunId(), "wf-r", RunStatus.COMPLETED, 1, 60_000, 1000, 62_000));
            other.saveRun(ws, snapshot(ws, newRunId(), "wf-r", RunStatus.FAILED, 1, 0, 3000, 4000));
            other.saveRun(ws, snapshot(ws, newRunId(), "wf-s", RunStatus.COMPLETED, 1, 0, 3000, 4000));
            assertThat(other.flush(Duration.ofSeconds(20))).isTrue();
        }
        flush();
        List<Rollup> perMinute = store.rollups(ws, new RollupQuery(RollupDimension.WORKFLOW, "wf-r", false, at(0),
                at(180_000), Duration.ofMinutes(1)));
        assertThat(perMinute).hasSize(2);
        assertThat(perMinute.get(0).total()).isEqualTo(2);
        assertThat(perMinute.get(0).instanceId()).isNull();
        assertThat(perMinute.get(0).subject()).isEqualTo("wf-r");
        assertThat(perMinute.get(1).total()).isEqualTo(1);
        List<Rollup> bySubject = store.rollups(ws, new RollupQuery(RollupDimension.WORKFLOW, null, true, at(0),
                at(180_000), null));
        assertThat(bySubject).extracting(Rollup::subject).containsExactly("wf-r", "wf-s");
        assertThat(bySubject.get(0).bucketLength()).isEqualTo(Duration.ofMinutes(3));
        List<Rollup> merged = store.rollups(ws, RollupQuery.total(RollupDimension.WORKFLOW, null, at(0),
                at(180_000)));
        assertThat(merged).hasSize(1);
        assertThat(merged.get(0).subject()).isNull();
        assertThat(merged.get(0).total()).isEqualTo(4);
        assertThat(merged.get(0).executionTime().statistics().max()).isCloseTo(3000.0,
                org.assertj.core.data.Offset.offset(3.0));
    }

    @Test
    void dropPolicyCountsWhatItDrops() {
        String ws = newWorkspace();
        try (JdbcRunStore tiny = JdbcRunStore.builder(db.app()).queueCapacity(1)
                .queueFullPolicy(QueueFullPolicy.DROP, Duration.ZERO).build()) {
            for (int i = 0; i < 200; i++) {
                tiny.saveRun(ws, snapshot(ws, newRunId(), "wf-drop", RunStatus.QUEUED, i));
            }
            assertThat(tiny.flush(Duration.ofSeconds(20))).isTrue();
            WriterStats stats = tiny.stats();
            assertThat(stats.accepted() + stats.dropped()).isEqualTo(200);
            assertThat(stats.written()).isEqualTo(stats.accepted());
            assertThat(stats.queueDepth()).isZero();
            assertThat(store.findRuns(ws, RunQuery.latest("wf-drop", 1000)).total()).isEqualTo(stats.accepted());
        }
    }

    @Test
    void closeDrainsTheQueueAndThenRefusesWrites() {
        String ws = newWorkspace();
        JdbcRunStore closing = JdbcRunStore.builder(db.app()).maxBatchSize(7).build();
        for (int i = 0; i < 300; i++) {
            closing.saveRun(ws, snapshot(ws, newRunId(), "wf-close", RunStatus.COMPLETED, 1, i, 5, i + 10));
        }
        closing.close();
        closing.close();
        assertThat(closing.stats().written()).isEqualTo(300);
        assertThat(closing.stats().queueDepth()).isZero();
        assertThat(store.findRuns(ws, RunQuery.latest("wf-close", 10)).total()).isEqualTo(300);
        assertThatThrownBy(() -> closing.saveRun(ws, snapshot(ws, newRunId(), "wf-close", RunStatus.QUEUED, 1)))
                .isInstanceOf(dev.runmetrics.core.store.RunStoreException.class);
    }

    @Test
    void theExecutionTimeStatisticsViewShowsEndedRunsOfTheWorkspace() throws Exception {
        String ws = newWorkspace();
        Run done = snapshot(ws, newRunId(), "wf-view", RunStatus.COMPLETED, 1, 0, 1234, 2000);
        store.saveRun(ws, done);
        store.saveRun(ws, snapshot(ws, newRunId(), "wf-view", RunStatus.RUNNING, 10));
        flush();
        try (java.sql.Connection c = db.app().getConnection()) {
            c.setAutoCommit(false);
            try (java.sql.PreparedStatement ps = c.prepareStatement(
                    "SELECT set_config('runmetrics.workspace_id', ?, true)")) {
                ps.setString(1, ws);
                ps.executeQuery().close();
            }
            try (java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery(
                    "SELECT workflow_id, run_id, execution_time_ms, created_at FROM runmetrics.execution_time_statistics")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("wf-view");
                assertThat(rs.getString(2)).isEqualTo(done.runId());
                assertThat(rs.getDouble(3)).isEqualTo(1234.0);
                assertThat(rs.getObject(4, java.time.OffsetDateTime.class).toInstant()).isEqualTo(done.completedAt());
                assertThat(rs.next()).isFalse();
            }
            c.rollback();
        }
    }

    @Test
    void twoStoresWritingTheSameRunsConcurrentlyNeitherDeadlockNorDuplicate() throws Exception {
        String ws = newWorkspace();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add(newRunId());
        }
        try (JdbcRunStore a = JdbcRunStore.builder(db.app()).instanceId("twin-a").maxBatchSize(50).build();
                JdbcRunStore b = JdbcRunStore.builder(db.app()).instanceId("twin-b").maxBatchSize(37).build()) {
            Thread ta = new Thread(() -> {
                for (int i = 0; i < ids.size(); i++) {
                    a.saveRun(ws, snapshot(ws, ids.get(i), "wf-twin", RunStatus.RUNNING, 1, i, 0, i + 1));
                    a.saveStep(ws, stepSnapshot(ws, ids.get(i), "s", 1, RunStatus.RUNNING, i, 0, i + 1));
                }
            });
            Thread tb = new Thread(() -> {
                for (int i = ids.size() - 1; i >= 0; i--) { // the other order
                    b.saveRun(ws, snapshot(ws, ids.get(i), "wf-twin", RunStatus.COMPLETED, 1, i, 5, i + 100));
                    b.saveStep(ws, stepSnapshot(ws, ids.get(i), "s", 1, RunStatus.COMPLETED, i, 1, i + 100));
                }
            });
            ta.start();
            tb.start();
            ta.join();
            tb.join();
            assertThat(a.flush(Duration.ofSeconds(60))).isTrue();
            assertThat(b.flush(Duration.ofSeconds(60))).isTrue();
            assertThat(a.stats().failed() + b.stats().failed()).isZero();
        }
        Page<Run> runs = store.findRuns(ws, RunQuery.latest("wf-twin", 1000));
        assertThat(runs.total()).isEqualTo(200);
        assertThat(runs.items()).allMatch(r -> r.status() == RunStatus.COMPLETED);
        assertThat(runs.items()).extracting(Run::executionNumber).doesNotHaveDuplicates();
        Rollup total = store.rollups(ws, RollupQuery.total(RollupDimension.WORKFLOW, "wf-twin", at(-60_000),
                at(3_600_000))).get(0);
        assertThat(total.total()).isEqualTo(200);
    }
}
