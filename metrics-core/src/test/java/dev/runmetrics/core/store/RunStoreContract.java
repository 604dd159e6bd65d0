package dev.runmetrics.core.store;

import static dev.runmetrics.core.model.RunFixtures.T0;
import static dev.runmetrics.core.model.RunFixtures.at;
import static dev.runmetrics.core.model.RunFixtures.ended;
import static dev.runmetrics.core.model.RunFixtures.newRunId;
import static dev.runmetrics.core.model.RunFixtures.newWorkspace;
import static dev.runmetrics.core.model.RunFixtures.queued;
import static dev.runmetrics.core.model.RunFixtures.started;
import static dev.runmetrics.core.model.RunFixtures.step;
import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunFixtures;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.views.ExecutionTimeStatistics;
import dev.runmetrics.core.views.RunViews;
import dev.runmetrics.core.views.WorkflowExecutionTimes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link RunStore} must have, written once and run against each store: extend
 * it, return the store under test from {@link #store()}, and, for a store whose snapshot writes are
 * asynchronous, make {@link #awaitWrites()} wait until they are applied.
 *
 * <p>Each test uses fresh workspace ids, so a store may be shared between tests (one database).
 */
public abstract class RunStoreContract {
    protected String ws;
    protected String otherWs;

    /** @return the store under test; may be the same instance for every test */
    protected abstract RunStore store();

    /** Waits until every snapshot write accepted so far is visible to reads. */
    protected void awaitWrites() {
    }

    @BeforeEach
    void freshWorkspaces() {
        ws = newWorkspace();
        otherWs = newWorkspace();
    }

    private Run saved(Run run) {
        store().saveRun(ws, run);
        return run;
    }

    // ---- runs ----

    @Test
    void aRunsPlannedStepsAndStatusHistoryReadBackAndSurviveAResumeClaim() {
        List<dev.runmetrics.core.model.StepSpec> planned = List.of(
                new dev.runmetrics.core.model.StepSpec("extract", "Extract", 1, "extract-node"),
                new dev.runmetrics.core.model.StepSpec("load", "Load \"all\"", 2, "load-node"));
        Run failed = ended(ws, "wf-basic", at(0), ofMillis(10), ofMillis(500), RunStatus.FAILED);
        failed = failed.toBuilder().attributes(Map.of(Run.USER_ID, "u-1", Run.PLANNED_STEPS,
                Run.plannedStepsAttribute(planned))).build()
                .withStatusChange(new dev.runmetrics.core.model.RunStatusChange(
                        dev.runmetrics.core.model.RunStatusChange.Event.QUEUED, RunStatus.QUEUED, 1, at(0), null))
                .withStatusChange(new dev.runmetrics.core.model.RunStatusChange(
                        dev.runmetrics.core.model.RunStatusChange.Event.FAILED, RunStatus.FAILED, 1,
                        at(510).plusNanos(123_000), "Step 'load' failed"));
        store().saveRun(ws, failed);
        awaitWrites();

        Run read = store().findRun(ws, failed.runId()).orElseThrow();
        assertThat(read.plannedSteps()).isEqualTo(planned);
        assertThat(read.statusHistory()).isEqualTo(failed.statusHistory());
        assertThat(read.attributes()).containsEntry(Run.USER_ID, "u-1");

        ResumeClaim claim = store().claimResume(ws, failed.runId(), 1, "me", at(2_000));
        assertThat(claim).isInstanceOf(ResumeClaim.Claimed.class);
        Run claimed = store().findRun(ws, failed.runId()).orElseThrow();
        assertThat(claimed.plannedSteps()).isEqualTo(planned);
        assertThat(claimed.statusHistory()).isEqualTo(failed.statusHistory());
        assertThat(store().findRun(otherWs, failed.runId())).isEmpty();
    }

    @Test
    void aSavedRunReadsBackWithItsFields() {
        Run run = ended(ws, "wf-basic", at(0), ofMillis(150), ofMillis(2_500), RunStatus.COMPLETED);
        store().saveRun(ws, run);
        awaitWrites();

        Run found = store().findRun(ws, run.runId()).orElseThrow();
        assertThat(found.withExecutionNumber(0)).isEqualTo(run);
        assertThat(found.executionNumber()).isEqualTo(1);
        assertThat(found.queueWait()).contains(Duration.ofMillis(150));
        assertThat(found.executionTime()).contains(Duration.ofMillis(2_500));
    }

    @Test
    void executionNumbersIncreasePerWorkflowAndNeverChange() {
        Run a1 = saved(queued(ws, newRunId(), "wf-a", at(0)));
        Run a2 = saved(queued(ws, newRunId(), "wf-a", at(1)));
        Run b1 = saved(queued(ws, newRunId(), "wf-b", at(2)));
        awaitWrites();
        store().saveRun(ws, started(a1, ofMillis(10)));
        awaitWrites();

        assertThat(store().findRun(ws, a1.runId()).orElseThrow().executionNumber()).isEqualTo(1);
        assertThat(store().findRun(ws, a2.runId()).orElseThrow().executionNumber()).isEqualTo(2);
        assertThat(store().findRun(ws, b1.runId()).orElseThrow().executionNumber()).isEqualTo(1);
        assertThat(store().findRun(ws, a1.runId()).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
    }

    @Test
    void aStaleSnapshotNeverMovesARunBackwards() {
        Run queued = queued(ws, newRunId(), "wf", at(0));
        Run done = ended(started(queued, ofMillis(10)), RunStatus.COMPLETED, ofMillis(100));
        store().saveRun(ws, done);
        store().saveRun(ws, queued); // replayed late
        awaitWrites();

        assertThat(store().findRun(ws, queued.runId()).orElseThrow().status()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void aSnapshotAsNewAsTheStoredOneIsApplied() {
        // Two events of one run within the same microsecond: the later call must not be lost.
        Run queued = queued(ws, newRunId(), "wf", at(0));
        Run startedSameInstant = started(queued, Duration.ZERO);
        store().saveRun(ws, queued);
        store().saveRun(ws, startedSameInstant);
        String runId = newRunId();
        StepRun stepQueued = step(ws, runId, "s", 1, "node", 1, RunStatus.QUEUED, at(0), Duration.ZERO, Map.of());
        StepRun stepRunning = step(ws, runId, "s", 1, "node", 1, RunStatus.RUNNING, at(0), Duration.ZERO, Map.of());
        store().saveStep(ws, stepQueued);
        store().saveStep(ws, stepRunning);
        awaitWrites();

        assertThat(store().findRun(ws, queued.runId()).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
        assertThat(store().findSteps(ws, runId)).singleElement()
                .satisfies(s -> assertThat(s.status()).isEqualTo(RunStatus.RUNNING));
    }

    @Test
    void aLaterAttemptWinsOverAnEarlierOne() {
        Run failed = ended(started(queued(ws, newRunId(), "wf", at(0)), ofMillis(10)), RunStatus.FAILED, ofMillis(100));
        store().saveRun(ws, failed);
        awaitWrites();
        Run resumed = failed.claimedForResume("instance-b", failed.updatedAt().minusSeconds(60));
        store().saveRun(ws, resumed); // older updatedAt but a later attempt
        awaitWrites();

        Run found = store().findRun(ws, failed.runId()).orElseThrow();
        assertThat(found.attempt()).isEqualTo(2);
        assertThat(found.status()).isEqualTo(RunStatus.QUEUED);
    }

    @Test
    void findRunsFiltersPagesAndOrdersNewestFirst() {
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            RunStatus status = i % 2 == 0 ? RunStatus.COMPLETED : RunStatus.FAILED;
            runs.add(saved(ended(ws, "wf", at(i * 1000L), ofMillis(5), ofMillis(50), status)));
        }
        saved(ended(ws, "other-wf", at(500), ofMillis(5), ofMillis(50), RunStatus.COMPLETED));
        awaitWrites();

        Page<Run> page = store().findRuns(ws, new RunQuery("wf", Set.of(), null, null, 1, 3));
        assertThat(page.total()).isEqualTo(7);
        assertThat(page.items()).extracting(Run::runId)
                .containsExactly(runs.get(5).runId(), runs.get(4).runId(), runs.get(3).runId());

        Page<Run> failed = store().findRuns(ws, new RunQuery("wf", Set.of(RunStatus.FAILED), null, null, 0, 10));
        assertThat(failed.total()).isEqualTo(3);
        assertThat(failed.items()).allSatisfy(run -> assertThat(run.status()).isEqualTo(RunStatus.FAILED));

        Page<Run> range = store().findRuns(ws, new RunQuery(null, Set.of(), at(1000), at(3000), 0, 10));
        assertThat(range.items()).extracting(Run::runId).containsExactly(runs.get(2).runId(), runs.get(1).runId());

        Page<Run> beyond = store().findRuns(ws, new RunQuery("wf", Set.of(), null, null, 50, 10));
        assertThat(beyond.items()).isEmpty();
        assertThat(beyond.total()).isEqualTo(7);
    }

    @Test
    void liveRunsAreTheQueuedAndRunningOnesOldestFirst() {
        Run running = saved(started(queued(ws, newRunId(), "wf", at(0)), ofMillis(5)));
        Run waiting = saved(queued(ws, newRunId(), "wf", at(100)));
        saved(ended(ws, "wf", at(50), ofMillis(5), ofMillis(5), RunStatus.COMPLETED));
        Run paused = ended(started(queued(ws, newRunId(), "wf", at(60)), ofMillis(5)), RunStatus.PAUSED, ofMillis(5));
        saved(paused);
        awaitWrites();

        assertThat(store().liveRuns(ws, 10)).extracting(Run::runId).containsExactly(running.runId(), waiting.runId());
        assertThat(store().liveRuns(ws, 1)).hasSize(1);
        assertThatThrownBy(() -> store().liveRuns(ws, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- steps ----

    @Test
    void stepsReadBackInAttemptAndStepOrder() {
        String runId = newRunId();
        StepRun second = step(ws, runId, "process", 2, "node-process", 1, RunStatus.COMPLETED, at(101), ofMillis(10),
                Map.of());
        StepRun first = step(ws, runId, "initialize", 1, "node-init", 1, RunStatus.COMPLETED, at(1), ofMillis(10),
                Map.of());
        store().saveStep(ws, second);
        store().saveStep(ws, first);
        awaitWrites();

        assertThat(store().findSteps(ws, runId)).containsExactly(first, second);
        assertThat(store().findSteps(ws, newRunId())).isEmpty();
    }

    @Test
    void aStaleStepSnapshotIsIgnored() {
        String runId = newRunId();
        StepRun running = step(ws, runId, "s", 1, "node", 1, RunStatus.RUNNING, at(1), Duration.ZERO, Map.of());
        StepRun done = step(ws, runId, "s", 1, "node", 1, RunStatus.COMPLETED, at(1), ofMillis(10), Map.of());
        store().saveStep(ws, done);
        store().saveStep(ws, running);
        awaitWrites();

        assertThat(store().findSteps(ws, runId)).containsExactly(done);
    }

    // ---- checkpoints and resume ----

    @Test
    void checkpointsAreStoredPerAttemptAndReplaced() {
        String runId = newRunId();
        store().saveCheckpoint(ws, new StepCheckpoint(ws, runId, "extract", 1, Map.of("rows", 10), at(0)));
        store().saveCheckpoint(ws, new StepCheckpoint(ws, runId, "extract", 1, Map.of("rows", 11), at(1)));
        store().saveCheckpoint(ws, new StepCheckpoint(ws, runId, "extract", 2, List.of("a", 1.5, true), at(2)));
        store().saveCheckpoint(ws, new StepCheckpoint(ws, runId, "load", 1, "text", at(3)));

        List<StepCheckpoint> found = store().findCheckpoints(ws, runId);
        assertThat(found).extracting(StepCheckpoint::stepId, StepCheckpoint::attempt)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("extract", 1),
                        org.assertj.core.groups.Tuple.tuple("extract", 2),
                        org.assertj.core.groups.Tuple.tuple("load", 1));
        assertThat(found.get(0).output()).isEqualTo(Map.of("rows", 11L));
        assertThat(found.get(1).output()).isEqualTo(List.of("a", 1.5, true));
        assertThat(found.get(2).output()).isEqualTo("text");
    }

    @Test
    void aClaimWinsOnlyOnTheExpectedAttemptOfAFailedOrPausedRun() {
        Run failed = saved(ended(ws, "wf", at(0), ofMillis(5), ofMillis(50), RunStatus.FAILED));
        Run done = saved(ended(ws, "wf", at(10), ofMillis(5), ofMillis(50), RunStatus.COMPLETED));
        awaitWrites();

        assertThat(store().claimResume(ws, newRunId(), 1, "me", at(1000))).isInstanceOf(ResumeClaim.NotFound.class);
        assertThat(store().claimResume(otherWs, failed.runId(), 1, "me", at(1000)))
                .isInstanceOf(ResumeClaim.NotFound.class);
        assertThat(store().claimResume(ws, failed.runId(), 2, "me", at(1000)))
                .isInstanceOf(ResumeClaim.Conflict.class);
        assertThat(store().claimResume(ws, done.runId(), 1, "me", at(1000)))
                .isInstanceOf(ResumeClaim.Conflict.class);

        ResumeClaim claim = store().claimResume(ws, failed.runId(), 1, "me", at(1000));
        assertThat(claim).isInstanceOf(ResumeClaim.Claimed.class);
        Run claimed = ((ResumeClaim.Claimed) claim).run();
        assertThat(claimed.attempt()).isEqualTo(2);
        assertThat(claimed.status()).isEqualTo(RunStatus.QUEUED);
        assertThat(claimed.instanceId()).isEqualTo("me");
        assertThat(store().findRun(ws, failed.runId()).orElseThrow().attempt()).isEqualTo(2);
        assertThat(store().claimResume(ws, failed.runId(), 1, "me", at(1001)))
                .isInstanceOf(ResumeClaim.Conflict.class);
    }

    @Test
    void ofConcurrentClaimsExactlyOneWins() throws Exception {
        Run failed = saved(ended(ws, "wf", at(0), ofMillis(5), ofMillis(50), RunStatus.FAILED));
        awaitWrites();
        int claimants = 8;
        ExecutorService pool = Executors.newFixedThreadPool(claimants);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<ResumeClaim>> results = new ArrayList<>();
        for (int i = 0; i < claimants; i++) {
            String claimant = "instance-" + i;
            Callable<ResumeClaim> claim = () -> {
                start.await();
                return store().claimResume(ws, failed.runId(), 1, claimant, at(1000));
            };
            results.add(pool.submit(claim));
        }
        start.countDown();
        int won = 0;
        int conflicts = 0;
        for (Future<ResumeClaim> result : results) {
            ResumeClaim claim = result.get(30, TimeUnit.SECONDS);
            if (claim instanceof ResumeClaim.Claimed) {
                won++;
            } else if (claim instanceof ResumeClaim.Conflict) {
                conflicts++;
            }
        }
        pool.shutdown();
        assertThat(won).isEqualTo(1);
        assertThat(conflicts).isEqualTo(claimants - 1);
        assertThat(store().findRun(ws, failed.runId()).orElseThrow().attempt()).isEqualTo(2);
    }

    @Test
    void everyControlActionAndOutcomeReadsBackWithItsFields() {
        String runId = newRunId();
        List<ControlAudit> written = new ArrayList<>();
        int i = 0;
        for (ControlAction action : ControlAction.values()) {
            for (ControlOutcome outcome : ControlOutcome.values()) {
                i++;
                boolean resume = action == ControlAction.RESUME;
                written.add(new ControlAudit(ws, String.format("audit-%03d", i), runId, resume ? "process" : null,
                        action, i % 3 == 0 ? ControlAudit.INVALID_TOKEN : "operator-" + i, at(i * 10L),
                        resume ? 2 : 0, outcome, outcome == ControlOutcome.ACCEPTED ? null : "why " + i,
                        resume ? Map.of("limit", i, "nested", Map.of("flag", true, "list", List.of("a", 1.5))) : null));
            }
        }
        List<ControlAudit> newestFirst = new ArrayList<>(written);
        java.util.Collections.reverse(newestFirst);
        for (ControlAudit entry : newestFirst) {
            store().appendControlAudit(ws, entry);
        }

        assertThat(store().findControlAudit(ws, runId)).containsExactlyElementsOf(written);
        assertThat(store().findControlAudit(otherWs, runId)).isEmpty();
        assertThat(store().findControlAudit(ws, newRunId())).isEmpty();
    }

    @Test
    void aControlAuditEntryIsStoredOnceForItsId() {
        String runId = newRunId();
        ControlAudit entry = new ControlAudit(ws, "audit-1", runId, null, ControlAction.PAUSE, "alice", at(5), 0,
                ControlOutcome.ACCEPTED, "maintenance window", null);
        store().appendControlAudit(ws, entry);
        store().appendControlAudit(ws, entry);
        store().appendControlAudit(ws, new ControlAudit(ws, "audit-1", runId, null, ControlAction.CANCEL, "mallory",
                at(6), 0, ControlOutcome.REFUSED, "a replay with other fields", null));

        assertThat(store().findControlAudit(ws, runId)).containsExactly(entry);
    }

    @Test
    void theResumeViewOfTheControlLogHoldsResumesWithAStepOnly() {
        String runId = newRunId();
        ResumeAudit legacy = new ResumeAudit(ws, "audit-1", runId, "process", "bob", at(1), 2,
                ResumeOutcome.ACCEPTED, null);
        store().appendResumeAudit(ws, legacy);
        ControlAudit forbidden = new ControlAudit(ws, "audit-2", runId, "process", ControlAction.RESUME, "viewer",
                at(2), 0, ControlOutcome.FORBIDDEN, "viewer token", Map.of("k", "v"));
        ControlAudit anonymous = new ControlAudit(ws, "audit-3", runId, null, ControlAction.RESUME,
                ControlAudit.ANONYMOUS, at(3), 0, ControlOutcome.UNAUTHENTICATED, "no token", null);
        ControlAudit cancel = new ControlAudit(ws, "audit-4", runId, null, ControlAction.CANCEL, "alice", at(4), 0,
                ControlOutcome.ACCEPTED, null, null);
        store().appendControlAudit(ws, forbidden);
        store().appendControlAudit(ws, anonymous);
        store().appendControlAudit(ws, cancel);

        assertThat(store().findControlAudit(ws, runId)).containsExactly(ControlAudit.of(legacy), forbidden, anonymous,
                cancel);
        assertThat(store().findResumeAudit(ws, runId)).containsExactly(legacy, new ResumeAudit(ws, "audit-2", runId,
                "process", "viewer", at(2), 0, ResumeOutcome.REFUSED, "viewer token"));
    }

    @Test
    void aControlAuditEntryNamingAnotherWorkspaceIsRejected() {
        String runId = newRunId();
        assertThatThrownBy(() -> store().appendControlAudit(ws, new ControlAudit(otherWs, "a", runId, null,
                ControlAction.CANCEL, "bob", at(0), 0, ControlOutcome.FORBIDDEN, "x", null)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store().findControlAudit(otherWs, runId)).isEmpty();
        assertThat(store().findControlAudit(ws, runId)).isEmpty();
    }

    @Test
    void theAuditLogIsAppendOnlyIdempotentAndOrdered() {
        String runId = newRunId();
        ResumeAudit second = new ResumeAudit(ws, "audit-2", runId, "process", "alice", at(2000), 2,
                ResumeOutcome.CONFLICT, "another resume won");
        ResumeAudit first = new ResumeAudit(ws, "audit-1", runId, "process", "bob", at(1000), 2,
                ResumeOutcome.ACCEPTED, null);
        store().appendResumeAudit(ws, second);
        store().appendResumeAudit(ws, first);
        store().appendResumeAudit(ws, first);

        assertThat(store().findResumeAudit(ws, runId)).containsExactly(first, second);
        assertThat(store().findResumeAudit(otherWs, runId)).isEmpty();
    }

    // ---- rollups and statistics ----

    @Test
    void anEndedRunIsCountedInItsMinuteOnceHoweverOftenItIsWritten() {
        Run run = ended(ws, "wf", T0.plusSeconds(5), ofMillis(200), ofMillis(3_000), RunStatus.COMPLETED);
        store().saveRun(ws, run);
        store().saveRun(ws, run);
        store().saveRun(ws, run.withExecutionNumber(99));
        awaitWrites();

        List<Rollup> rollups = store().rollups(ws,
                RollupQuery.total(RollupDimension.WORKFLOW, null, T0, T0.plus(Duration.ofHours(1))));
        assertThat(rollups).hasSize(1);
        Rollup rollup = rollups.get(0);
        assertThat(rollup.total()).isEqualTo(1);
        assertThat(rollup.count(RunStatus.COMPLETED)).isEqualTo(1);
        assertThat(rollup.queueWait().count()).isEqualTo(1);
        assertThat(rollup.executionTime().valueAtPercentileMicros(50))
                .isCloseTo(3_000_000L, within((long) (3_000_000L * DurationHistogram.RELATIVE_ERROR) + 1));
        assertThat(rollup.instanceId()).isNull();
    }

    @Test
    void rollupsBucketAndGroupBySubjectAndFilter() {
        for (int minute = 0; minute < 3; minute++) {
            for (int i = 0; i < 2; i++) {
                saved(ended(ws, "wf-a", T0.plus(Duration.ofMinutes(minute)), Duration.ZERO, ofMillis(1_000),
                        RunStatus.COMPLETED));
            }
            saved(ended(ws, "wf-b", T0.plus(Duration.ofMinutes(minute)), Duration.ZERO, ofMillis(1_000),
                    RunStatus.FAILED));
        }
        awaitWrites();
        Instant to = T0.plus(Duration.ofHours(1));

        List<Rollup> perMinute = store().rollups(ws,
                new RollupQuery(RollupDimension.WORKFLOW, null, false, T0, to, Duration.ofMinutes(1)));
        assertThat(perMinute).extracting(Rollup::total).containsExactly(3L, 3L, 3L);
        assertThat(perMinute).extracting(Rollup::bucketStart)
                .containsExactly(T0, T0.plusSeconds(60), T0.plusSeconds(120));

        List<Rollup> bySubject = store().rollups(ws,
                new RollupQuery(RollupDimension.WORKFLOW, null, true, T0, to, null));
        assertThat(bySubject).extracting(Rollup::subject, Rollup::total)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("wf-a", 6L),
                        org.assertj.core.groups.Tuple.tuple("wf-b", 3L));

        List<Rollup> onlyB = store().rollups(ws, RollupQuery.total(RollupDimension.WORKFLOW, "wf-b", T0, to));
        assertThat(onlyB).singleElement().satisfies(r -> {
            assertThat(r.count(RunStatus.FAILED)).isEqualTo(3);
            assertThat(r.subject()).isEqualTo("wf-b");
        });

        List<Rollup> secondMinuteOnly = store().rollups(ws, RollupQuery.total(RollupDimension.WORKFLOW, null,
                T0.plus(Duration.ofMinutes(1)), T0.plus(Duration.ofMinutes(2))));
        assertThat(secondMinuteOnly).singleElement().satisfies(r -> assertThat(r.total()).isEqualTo(3));
    }

    @Test
    void rollupBucketsCountExactlyTheRunsOfTheirMinutesAcrossHourBoundaries() {
        // One run every 7 minutes for 5 hours: ranges and buckets that cut hours unevenly.
        List<Instant> completions = new ArrayList<>();
        for (int minute = 0; minute < 300; minute += 7) {
            Run run = ended(ws, "wf", T0.plus(Duration.ofMinutes(minute)), Duration.ZERO, ofMillis(1_000),
                    RunStatus.COMPLETED);
            saved(run);
            completions.add(run.completedAt());
        }
        awaitWrites();
        Instant from = T0.plus(Duration.ofMinutes(37));
        Instant to = T0.plus(Duration.ofMinutes(251));
        for (Duration bucket : new Duration[] {null, Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(2)}) {
            RollupQuery query = new RollupQuery(RollupDimension.WORKFLOW, null, false, from, to, bucket);
            List<Rollup> rollups = store().rollups(ws, query);

            Map<Instant, Long> expected = new java.util.TreeMap<>();
            for (Instant completedAt : completions) {
                Instant minute = completedAt.truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
                if (!minute.isBefore(from) && minute.isBefore(to)) {
                    expected.merge(query.bucketStartOf(minute), 1L, Long::sum);
                }
            }
            Map<Instant, Long> actual = new java.util.TreeMap<>();
            rollups.forEach(r -> actual.put(r.bucketStart(), r.total()));
            assertThat(actual).as("bucket %s", bucket).isEqualTo(expected);
            assertThat(rollups).allSatisfy(r -> assertThat(r.bucketLength()).isEqualTo(query.bucketLength()));
        }
    }

    @Test
    void rollupBucketsCountExactlyTheRunsOfTheirMinutesAcrossDayBoundaries() {
        // One run every 97 minutes for 5 days: ranges and buckets that cut days and hours unevenly
        // (a store may read whole days and hours from coarser rows; the answer must not change).
        List<Run> runs = new ArrayList<>();
        for (int minute = 0; minute < 5 * 1440; minute += 97) {
            Run run = ended(ws, "wf", T0.plus(Duration.ofMinutes(minute)), Duration.ZERO, ofMillis(1_000 + minute),
                    RunStatus.COMPLETED);
            saved(run);
            runs.add(run);
        }
        awaitWrites();
        Instant from = T0.plus(Duration.ofMinutes(301));
        Instant to = T0.plus(Duration.ofDays(4)).plus(Duration.ofMinutes(533));
        for (Duration bucket : new Duration[] {null, Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(8),
            Duration.ofDays(1), Duration.ofDays(2)}) {
            RollupQuery query = new RollupQuery(RollupDimension.WORKFLOW, "wf", false, from, to, bucket);
            Map<Instant, Long> expected = new java.util.TreeMap<>();
            Map<Instant, Long> expectedMaxMicros = new java.util.TreeMap<>();
            for (Run run : runs) {
                Instant minute = run.completedAt().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
                if (!minute.isBefore(from) && minute.isBefore(to)) {
                    expected.merge(query.bucketStartOf(minute), 1L, Long::sum);
                    expectedMaxMicros.merge(query.bucketStartOf(minute),
                            run.executionTime().orElseThrow().toNanos() / 1000, Math::max);
                }
            }
            List<Rollup> rollups = store().rollups(ws, query);
            Map<Instant, Long> actual = new java.util.TreeMap<>();
            Map<Instant, Long> actualMaxMicros = new java.util.TreeMap<>();
            rollups.forEach(r -> {
                actual.put(r.bucketStart(), r.total());
                assertThat(r.executionTime().count()).isEqualTo(r.total());
                actualMaxMicros.put(r.bucketStart(), r.executionTime().valueAtPercentileMicros(100));
            });
            assertThat(actual).as("bucket %s", bucket).isEqualTo(expected);
            assertThat(actualMaxMicros).as("bucket %s", bucket).hasSameSizeAs(expectedMaxMicros);
            actualMaxMicros.forEach((start, max) -> assertThat((double) max).as("max of %s", start)
                    .isCloseTo(expectedMaxMicros.get(start), org.assertj.core.data.Percentage.withPercentage(0.1)));

            // Asking for the execution-time histogram only changes nothing the caller reads.
            List<Rollup> executionOnly = store().rollups(ws,
                    query.withHistograms(dev.runmetrics.core.store.DurationKind.EXECUTION_TIME));
            assertThat(executionOnly).hasSameSizeAs(rollups);
            for (int i = 0; i < rollups.size(); i++) {
                assertThat(executionOnly.get(i).bucketStart()).isEqualTo(rollups.get(i).bucketStart());
                assertThat(executionOnly.get(i).total()).isEqualTo(rollups.get(i).total());
                assertThat(executionOnly.get(i).executionTime()).isEqualTo(rollups.get(i).executionTime());
            }
        }
    }

    @Test
    void endedStepsFeedNodeAndModelRollups() {
        String runId = newRunId();
        store().saveStep(ws, step(ws, runId, "summarise", 1, "llm-node", 1, RunStatus.COMPLETED, at(5), ofMillis(800),
                Map.of("model", "gpt-x", "tokens", 1200, "cost", 0.25)));
        store().saveStep(ws, step(ws, runId, "classify", 2, "llm-node", 1, RunStatus.FAILED, at(5), ofMillis(300),
                Map.of("model", "gpt-x", "tokens", 300, "cost", 0.05)));
        store().saveStep(ws, step(ws, runId, "plain", 3, "plain-node", 1, RunStatus.RUNNING, at(5), Duration.ZERO,
                Map.of()));
        awaitWrites();
        Instant to = T0.plus(Duration.ofHours(1));

        List<Rollup> nodes = store().rollups(ws, new RollupQuery(RollupDimension.NODE, null, true, T0, to, null));
        assertThat(nodes).singleElement().satisfies(r -> {
            assertThat(r.subject()).isEqualTo("llm-node");
            assertThat(r.count(RunStatus.COMPLETED)).isEqualTo(1);
            assertThat(r.count(RunStatus.FAILED)).isEqualTo(1);
        });
        List<Rollup> models = store().rollups(ws, new RollupQuery(RollupDimension.MODEL, null, true, T0, to, null));
        assertThat(models).singleElement().satisfies(r -> {
            assertThat(r.subject()).isEqualTo("gpt-x");
            assertThat(r.tokens()).isEqualTo(1500);
            assertThat(r.cost()).isCloseTo(0.30, within(1e-9));
        });
    }

    @Test
    void exactDurationsAreNearestRankPercentilesOfTheEndedRunsInRange() {
        Random random = new Random(7);
        List<Double> exec = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            long execMs = 10 + random.nextInt(5_000);
            exec.add((double) execMs);
            saved(ended(ws, "wf", at(i * 100L), ofMillis(20), ofMillis(execMs),
                    i % 5 == 0 ? RunStatus.FAILED : RunStatus.COMPLETED));
        }
        saved(started(queued(ws, newRunId(), "wf", at(10)), ofMillis(5))); // still running: not counted
        saved(ended(ws, "other", at(10), ofMillis(20), ofMillis(99_999), RunStatus.COMPLETED));
        awaitWrites();

        DurationBreakdown breakdown = store().exactDurations(ws,
                new DurationQuery("wf", T0, T0.plus(Duration.ofDays(1))));

        DurationStatistics expected = DurationStatistics.exactOf(exec.stream().mapToDouble(Double::doubleValue).toArray());
        DurationStatistics actual = breakdown.executionTime();
        assertThat(actual.exact()).isTrue();
        assertThat(actual.count()).isEqualTo(200);
        assertThat(actual.mean()).isCloseTo(expected.mean(), within(1e-6));
        assertThat(actual.min()).isCloseTo(expected.min(), within(1e-6));
        assertThat(actual.max()).isCloseTo(expected.max(), within(1e-6));
        assertThat(actual.p50()).isCloseTo(expected.p50(), within(1e-6));
        assertThat(actual.p95()).isCloseTo(expected.p95(), within(1e-6));
        assertThat(actual.p99()).isCloseTo(expected.p99(), within(1e-6));
        assertThat(breakdown.queueWait().p50()).isCloseTo(20.0, within(1e-6));

        DurationBreakdown none = store().exactDurations(ws, new DurationQuery("wf", at(-10_000), at(-1)));
        assertThat(none.executionTime().count()).isZero();
        assertThat(none.executionTime().p50()).isNull();
    }

    /** A run that failed after 3 s, waited an hour and ten seconds, was resumed and completed 3 s later. */
    private Run[] failedThenResumedAndCompleted(String workflow, Instant queuedAt) {
        Run failed = saved(ended(ws, newRunId(), workflow, queuedAt, ofMillis(5), Duration.ofSeconds(3),
                RunStatus.FAILED));
        awaitWrites();
        Instant claimedAt = failed.completedAt().plus(Duration.ofHours(1));
        Run claimed = ((ResumeClaim.Claimed) store().claimResume(ws, failed.runId(), 1, "me", claimedAt)).run();
        Instant startedAgain = claimedAt.plusSeconds(10);
        Instant done = startedAgain.plusSeconds(3);
        Run completed = saved(claimed.toBuilder().status(RunStatus.COMPLETED)
                .waitedBetweenAttempts(claimed.waitedBetweenAttempts().plusSeconds(10)).completedAt(done)
                .updatedAt(done).heartbeatAt(done).build());
        awaitWrites();
        return new Run[] {failed, completed};
    }

    @Test
    void aResumedRunCountsOnceForEachEndedAttemptAndItsExecutionTimeLeavesOutTheWait() {
        Run[] attempts = failedThenResumedAndCompleted("wf-resumed", at(0));

        Run found = store().findRun(ws, attempts[1].runId()).orElseThrow();
        assertThat(found.attempt()).isEqualTo(2);
        assertThat(found.waitedBetweenAttempts()).isEqualTo(Duration.ofHours(1).plusSeconds(10));
        assertThat(found.executionTime()).contains(Duration.ofSeconds(6));
        assertThat(found.endToEnd()).contains(Duration.between(found.queuedAt(), found.completedAt()));

        DurationQuery day = new DurationQuery("wf-resumed", T0, T0.plus(Duration.ofDays(1)));
        DurationStatistics exact = store().exactDurations(ws, day).executionTime();
        assertThat(exact.count()).as("the failed attempt and the completed one").isEqualTo(2);
        assertThat(exact.min()).isCloseTo(3_000.0, within(1e-6));
        assertThat(exact.max()).as("6 s of work, not the hour it waited").isCloseTo(6_000.0, within(1e-6));
        DurationHistogram raw = store().exactExecutionTimes(ws, day).get("wf-resumed");
        assertThat(raw.count()).isEqualTo(2);
        assertThat(raw.statistics().max()).isCloseTo(6_000.0, within(6.0));

        RunViews rollupsOnly = RunViews.builder(store()).workerCapacity(4).exactCutover(Duration.ZERO).build();
        assertThat(rollupsOnly.statistics().executionTimes(ws, Optional.of("wf-resumed"), T0,
                T0.plus(Duration.ofDays(1))).count()).as("the rollups count the same two attempts").isEqualTo(2);
        assertThat(store().exactDurations(otherWs, day).executionTime().count()).isZero();
    }

    @Test
    void severalRangesReadTogetherGiveTheSumOfEachReadAlone() {
        for (int i = 0; i < 12; i++) {
            saved(ended(ws, newRunId(), i % 3 == 0 ? "wf-x" : "wf-y", at(i * 7_000L), ofMillis(5),
                    ofMillis(10 + 97L * i), i % 4 == 0 ? RunStatus.FAILED : RunStatus.COMPLETED));
        }
        awaitWrites();
        for (String workflow : java.util.Arrays.asList(null, "wf-x")) {
            for (RunStatus status : java.util.Arrays.asList(null, RunStatus.COMPLETED)) {
                DurationQuery early = new DurationQuery(workflow, status, at(-1), at(20_000));
                DurationQuery late = new DurationQuery(workflow, status, at(50_000), at(200_000));
                Map<String, DurationHistogram> want = new java.util.TreeMap<>();
                for (DurationQuery q : List.of(early, late)) {
                    store().exactExecutionTimes(ws, q).forEach((wf, h) -> want.merge(wf, h, DurationHistogram::plus));
                }
                assertThat(want).as("%s %s", workflow, status).isNotEmpty();
                assertThat(store().exactExecutionTimes(ws, List.of(early, late))).as("%s %s", workflow, status)
                        .isEqualTo(want);
            }
        }
        DurationQuery other = new DurationQuery("wf-y", null, at(50_000), at(200_000));
        DurationQuery mixed = new DurationQuery("wf-x", null, at(-1), at(20_000));
        assertThat(store().exactExecutionTimes(ws, List.of(mixed, other)).keySet()).containsExactly("wf-x", "wf-y");
        assertThat(store().exactExecutionTimes(ws, List.of())).isEmpty();
        assertThat(store().exactExecutionTimes(otherWs, List.of(mixed, other))).isEmpty();
    }

    @Test
    void aWorkflowIsKnownByItsRunsOrItsRollupsNotByItsId() {
        RunViews views = RunViews.builder(store()).workerCapacity(4).build();
        saved(ended(ws, "wf-ended", at(0), ofMillis(5), ofMillis(50), RunStatus.COMPLETED));
        Run paused = ended(started(queued(ws, newRunId(), "wf-paused", at(0)), ofMillis(5)), RunStatus.PAUSED,
                ofMillis(20));
        saved(paused);
        saved(started(queued(ws, newRunId(), "wf-running", at(0)), ofMillis(5)));
        awaitWrites();

        assertThat(views.statistics().knowsWorkflow(ws, "wf-ended")).isTrue();
        assertThat(views.statistics().knowsWorkflow(ws, "wf-paused")).isTrue();
        assertThat(views.statistics().knowsWorkflow(ws, "wf-running")).isTrue();
        assertThat(views.statistics().knowsWorkflow(ws, "wf-never")).isFalse();
        assertThat(views.statistics().knowsWorkflow(otherWs, "wf-ended")).as("another workspace's").isFalse();
    }

    @Test
    void theExactAndTheRollupPathsAgreeOnEveryRangeAroundTheCutOver() {
        long seed = 20261204L;
        Random random = new Random(seed);
        List<Run> endedAttempts = new ArrayList<>();
        for (int i = 0; i < 240; i++) {
            Instant queuedAt = T0.plusNanos(random.nextLong(Duration.ofHours(3).toNanos()) / 1000 * 1000);
            if (i % 40 == 0) {
                // cancelled before it started: an ended attempt without an execution time
                Instant end = queuedAt.plusMillis(7);
                endedAttempts.add(saved(queued(ws, newRunId(), "wf", queuedAt).toBuilder()
                        .status(RunStatus.CANCELLED).completedAt(end).updatedAt(end).heartbeatAt(end).build()));
                continue;
            }
            // execution times from 0.5 ms to about 60 s, log-uniform, in whole microseconds
            long execMicros = (long) Math.exp(Math.log(500) + random.nextDouble() * (Math.log(60e6) - Math.log(500)));
            endedAttempts.add(saved(ended(ws, newRunId(), i % 3 == 0 ? "wf-other" : "wf", queuedAt,
                    Duration.ofNanos(random.nextInt(50_000) * 1000L), Duration.ofNanos(execMicros * 1000),
                    i % 7 == 0 ? RunStatus.FAILED : RunStatus.COMPLETED)));
        }
        for (int i = 0; i < 12; i++) {
            Run[] both = failedThenResumedAndCompleted("wf", T0.plusSeconds(random.nextInt(3600)));
            endedAttempts.addAll(List.of(both));
        }
        awaitWrites();

        RunViews exactOnly = RunViews.builder(store()).workerCapacity(4).exactCutover(Duration.ofDays(36_500)).build();
        RunViews rollupsOnly = RunViews.builder(store()).workerCapacity(4).exactCutover(Duration.ZERO).build();
        double e = DurationHistogram.RELATIVE_ERROR;
        for (int i = 0; i < 120; i++) {
            Instant from = T0.plusNanos(random.nextLong(Duration.ofHours(3).toNanos()) / 1000 * 1000);
            Instant to = from.plus(Duration.ofMinutes(60)).plusNanos((random.nextLong(240_000_000) - 120_000_000) * 1000);
            Optional<String> workflow = i % 4 == 0 ? Optional.empty() : Optional.of("wf");
            Optional<RunStatus> status = i % 3 == 0 ? Optional.of(i % 2 == 0 ? RunStatus.COMPLETED : RunStatus.FAILED)
                    : Optional.empty();
            String what = "seed " + seed + ", case " + i + ": " + workflow.orElse("all") + " "
                    + status.map(RunStatus::wireName).orElse("any") + " [" + from + ", " + to + ")";
            assertPathsAgree(what, truth(endedAttempts, workflow, status, from, to),
                    exactOnly.statistics().executionTimes(ws, workflow, status, from, to),
                    rollupsOnly.statistics().executionTimes(ws, workflow, status, from, to), e);
            // Per workflow in one call: the same figures, workflow by workflow, on both paths.
            List<WorkflowExecutionTimes> exactGroups = exactOnly.statistics().executionTimesByWorkflow(ws, status,
                    from, to);
            List<WorkflowExecutionTimes> rollupGroups = rollupsOnly.statistics().executionTimesByWorkflow(ws, status,
                    from, to);
            assertThat(exactGroups).extracting(WorkflowExecutionTimes::workflowId).as(what)
                    .isEqualTo(rollupGroups.stream().map(WorkflowExecutionTimes::workflowId).toList());
            for (int g = 0; g < exactGroups.size(); g++) {
                String wf = exactGroups.get(g).workflowId();
                assertPathsAgree(what + " group " + wf, truth(endedAttempts, Optional.of(wf), status, from, to),
                        exactGroups.get(g).statistics(), rollupGroups.get(g).statistics(), e);
            }
        }
    }

    /** Nearest-rank statistics of the saved attempts' execution times that the filters select. */
    private static DurationStatistics truth(List<Run> endedAttempts, Optional<String> workflow,
            Optional<RunStatus> status, Instant from, Instant to) {
        return DurationStatistics.exactOf(endedAttempts.stream()
                .filter(r -> workflow.map(r.workflowId()::equals).orElse(true))
                .filter(r -> status.map(r.status()::equals).orElse(true))
                .filter(r -> !r.completedAt().isBefore(from) && r.completedAt().isBefore(to))
                .flatMap(r -> r.executionTime().stream())
                .mapToDouble(d -> d.toNanos() / 1e6).toArray());
    }

    /**
     * The exact path equals the truth (nearest rank over the attempts the test saved); the rollup
     * path has the same count and every value within the documented bound above the exact one.
     */
    private static void assertPathsAgree(String what, DurationStatistics truth, ExecutionTimeStatistics exact,
            ExecutionTimeStatistics rollups, double e) {
        assertThat(exact.exact()).as(what).isTrue();
        assertThat(rollups.exact()).as(what).isFalse();
        assertThat(exact.count()).as(what + ": exact count").isEqualTo(truth.count());
        assertThat(rollups.count()).as(what + ": rollup count").isEqualTo(truth.count());
        if (truth.count() == 0) {
            assertThat(exact.median()).as(what).isNull();
            assertThat(rollups.median()).as(what).isNull();
            return;
        }
        double[][] pairs = {
            {truth.p50(), exact.median(), rollups.median()}, {truth.p95(), exact.p95(), rollups.p95()},
            {truth.p99(), exact.p99(), rollups.p99()}, {truth.max(), exact.max(), rollups.max()}};
        for (double[] p : pairs) {
            assertThat(p[1]).as(what + ": exact value").isCloseTo(p[0], within(1e-6));
            assertThat(p[2]).as(what + ": rollup value of exact " + p[0]).isBetween(p[0] - 1e-6, p[0] * (1 + e) + 1e-6);
        }
        assertThat(exact.min()).as(what).isCloseTo(truth.min(), within(1e-6));
        assertThat(rollups.min()).as(what).isBetween(truth.min() * (1 - e) - 1e-6, truth.min() * (1 + e) + 1e-6);
        assertThat(exact.avg()).as(what).isCloseTo(truth.mean(), within(1e-6));
        assertThat(rollups.avg()).as(what).isCloseTo(truth.mean(), within(truth.mean() * e + 1e-6));
    }

    // ---- step durations ----

    /** A skipped step, as the recorder writes one: ended without a start. */
    private StepRun skipped(String runId, String stepId, int order, Instant at) {
        return RunFixtures.stepBuilder(ws, runId, stepId, order, "node-" + stepId, at).status(RunStatus.SKIPPED)
                .completedAt(at).updatedAt(at).build();
    }

    @Test
    void stepDurationsAreExactPerStepOverEveryAttemptOfTheEndedRunsOfTheWorkflow() {
        Random random = new Random(11);
        List<Double> fetch = new ArrayList<>();
        List<Double> parse = new ArrayList<>();
        long parseFailed = 0;
        for (int i = 0; i < 40; i++) {
            Run run = saved(ended(ws, "wf", at(i * 60_000L), ofMillis(5), ofMillis(5_000), i % 4 == 0
                    ? RunStatus.FAILED : RunStatus.COMPLETED));
            long fetchMs = 10 + random.nextInt(900);
            fetch.add((double) fetchMs);
            store().saveStep(ws, step(ws, run.runId(), "fetch", 1, "http", 1, RunStatus.COMPLETED, at(i * 60_000L + 10),
                    ofMillis(fetchMs), Map.of()));
            long parseMs = 100 + random.nextInt(3_000);
            parse.add((double) parseMs);
            RunStatus parseStatus = i % 4 == 0 ? RunStatus.FAILED : i % 10 == 3 ? RunStatus.TIMEOUT : RunStatus.COMPLETED;
            parseFailed += parseStatus == RunStatus.COMPLETED ? 0 : 1;
            store().saveStep(ws, step(ws, run.runId(), "parse", 2, "parser", 1, parseStatus,
                    at(i * 60_000L + 1_000), ofMillis(parseMs), Map.of()));
            if (i % 2 == 0) {
                store().saveStep(ws, skipped(run.runId(), "notify", 3, at(i * 60_000L + 4_000)));
            }
        }
        // A resumed run: its second attempt's steps count as well.
        Run resumed = saved(ended(ws, "wf", at(50 * 60_000L), ofMillis(5), ofMillis(5_000), RunStatus.COMPLETED)
                .toBuilder().attempt(2).build());
        store().saveStep(ws, step(ws, resumed.runId(), "parse", 2, "parser", 1, RunStatus.FAILED,
                at(50 * 60_000L + 10), ofMillis(700), Map.of()));
        store().saveStep(ws, step(ws, resumed.runId(), "parse", 2, "parser-v2", 2, RunStatus.COMPLETED,
                at(50 * 60_000L + 2_000), ofMillis(900), Map.of()));
        parse.add(700.0);
        parse.add(900.0);
        parseFailed++;
        // Not measured: a running run, another workflow, a run that ended outside the range, and a step still running.
        Run live = saved(started(queued(ws, newRunId(), "wf", at(10)), ofMillis(5)));
        store().saveStep(ws, step(ws, live.runId(), "fetch", 1, "http", 1, RunStatus.COMPLETED, at(20), ofMillis(99_000),
                Map.of()));
        Run other = saved(ended(ws, "other", at(10), ofMillis(5), ofMillis(50), RunStatus.COMPLETED));
        store().saveStep(ws, step(ws, other.runId(), "fetch", 1, "http", 1, RunStatus.COMPLETED, at(20),
                ofMillis(99_000), Map.of()));
        Run late = saved(ended(ws, "wf", T0.plus(Duration.ofDays(2)), ofMillis(5), ofMillis(50), RunStatus.COMPLETED));
        store().saveStep(ws, step(ws, late.runId(), "fetch", 1, "http", 1, RunStatus.COMPLETED,
                T0.plus(Duration.ofDays(2)), ofMillis(99_000), Map.of()));
        store().saveStep(ws, step(ws, resumed.runId(), "cleanup", 4, "janitor", 2, RunStatus.RUNNING,
                at(50 * 60_000L + 3_000), Duration.ZERO, Map.of()));
        awaitWrites();

        StepDurationReport report = store().stepDurations(ws,
                new StepDurationQuery("wf", T0, T0.plus(Duration.ofDays(1)), 1000));

        assertThat(report.runs()).isEqualTo(41);
        assertThat(report.truncated()).isFalse();
        assertThat(report.steps()).extracting(StepDurations::stepId).containsExactly("fetch", "parse", "notify");
        StepDurations f = report.steps().get(0);
        assertThat(f.count(RunStatus.COMPLETED)).isEqualTo(40);
        assertThat(f.counts().keySet()).containsExactly(RunStatus.COMPLETED);
        assertThat(f.stepName()).isEqualTo("fetch name");
        assertThat(f.nodeName()).isEqualTo("http");
        assertExact(f.executionTime(), fetch);
        StepDurations p = report.steps().get(1);
        assertThat(p.count(RunStatus.FAILED) + p.count(RunStatus.TIMEOUT)).isEqualTo(parseFailed);
        assertThat(p.count(RunStatus.COMPLETED) + p.count(RunStatus.FAILED) + p.count(RunStatus.TIMEOUT))
                .isEqualTo(42);
        assertThat(p.count(RunStatus.TIMEOUT)).isEqualTo(4);
        assertThat(p.nodeName()).as("the latest step run's node").isEqualTo("parser-v2");
        assertExact(p.executionTime(), parse);
        StepDurations n = report.steps().get(2);
        assertThat(n.count(RunStatus.SKIPPED)).isEqualTo(20);
        assertThat(n.stepOrder()).isEqualTo(3);
        assertThat(n.executionTime().count()).as("a skipped step has no execution time").isZero();
        assertThat(n.executionTime().p50()).isNull();

        assertThat(store().stepDurations(ws, new StepDurationQuery("wf", at(-10_000), at(-1), 10)))
                .isEqualTo(new StepDurationReport(0, false, List.of()));
        assertThat(store().stepDurations(ws, new StepDurationQuery("nothing-ran", T0, T0.plusSeconds(3600), 10))
                .steps()).isEmpty();
        assertThat(store().stepDurations(otherWs, new StepDurationQuery("wf", T0, T0.plus(Duration.ofDays(1)), 1000)))
                .isEqualTo(new StepDurationReport(0, false, List.of()));
    }

    private static void assertExact(DurationStatistics actual, List<Double> samples) {
        DurationStatistics expected = DurationStatistics.exactOf(samples.stream().mapToDouble(Double::doubleValue)
                .toArray());
        assertThat(actual.exact()).isTrue();
        assertThat(actual.count()).isEqualTo(samples.size());
        assertThat(actual.mean()).isCloseTo(expected.mean(), within(1e-6));
        assertThat(actual.min()).isCloseTo(expected.min(), within(1e-6));
        assertThat(actual.max()).isCloseTo(expected.max(), within(1e-6));
        assertThat(actual.p50()).isCloseTo(expected.p50(), within(1e-6));
        assertThat(actual.p95()).isCloseTo(expected.p95(), within(1e-6));
        assertThat(actual.p99()).isCloseTo(expected.p99(), within(1e-6));
    }

    @Test
    void stepDurationsReadOnlyTheLatestEndedRunsUpToTheRunLimit() {
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            // Queued in reverse order of their end: "latest" is by completedAt, not by queuedAt.
            Run run = saved(ended(ws, "wf", at(10_000 - i * 1_000L), ofMillis(5), ofMillis(100 + i * 2_000L),
                    RunStatus.COMPLETED));
            runs.add(run);
            store().saveStep(ws, step(ws, run.runId(), "only", 1, "n", 1, RunStatus.COMPLETED, run.startedAt(),
                    ofMillis(100L * (i + 1)), Map.of()));
        }
        awaitWrites();
        Instant to = T0.plus(Duration.ofHours(1));

        StepDurationReport three = store().stepDurations(ws, new StepDurationQuery("wf", T0, to, 3));
        assertThat(three.runs()).isEqualTo(3);
        assertThat(three.truncated()).isTrue();
        // Run i ends at 10 s - i s + 100 ms + 2 i s: the latest three are i = 4, 3, 2 (steps 500, 400, 300 ms).
        assertThat(three.steps()).singleElement().satisfies(step -> {
            assertThat(step.count(RunStatus.COMPLETED)).isEqualTo(3);
            assertThat(step.executionTime().min()).isCloseTo(300.0, within(1e-6));
            assertThat(step.executionTime().max()).isCloseTo(500.0, within(1e-6));
        });
        StepDurationReport all = store().stepDurations(ws, new StepDurationQuery("wf", T0, to, 5));
        assertThat(all.runs()).isEqualTo(5);
        assertThat(all.truncated()).isFalse();
        assertThat(all.steps().get(0).count(RunStatus.COMPLETED)).isEqualTo(5);
    }

    // ---- tenancy ----

    @Test
    void anotherWorkspaceSeesNothingOfThisOne() {
        Run run = saved(ended(ws, "wf", at(0), ofMillis(5), ofMillis(50), RunStatus.FAILED));
        store().saveStep(ws, step(ws, run.runId(), "s", 1, "node", 1, RunStatus.FAILED, at(1), ofMillis(10), Map.of()));
        store().saveCheckpoint(ws, new StepCheckpoint(ws, run.runId(), "s", 1, "out", at(1)));
        store().appendResumeAudit(ws, new ResumeAudit(ws, "audit-x", run.runId(), "s", "bob", at(2), 2,
                ResumeOutcome.REFUSED, "nope"));
        awaitWrites();
        Instant to = T0.plus(Duration.ofDays(1));

        assertThat(store().findRun(otherWs, run.runId())).isEmpty();
        assertThat(store().findSteps(otherWs, run.runId())).isEmpty();
        assertThat(store().findCheckpoints(otherWs, run.runId())).isEmpty();
        assertThat(store().findResumeAudit(otherWs, run.runId())).isEmpty();
        assertThat(store().findRuns(otherWs, RunQuery.latest(null, 100)).total()).isZero();
        assertThat(store().liveRuns(otherWs, 100)).isEmpty();
        assertThat(store().rollups(otherWs, RollupQuery.total(RollupDimension.WORKFLOW, null, T0, to))).isEmpty();
        assertThat(store().rollups(otherWs, RollupQuery.total(RollupDimension.NODE, null, T0, to))).isEmpty();
        assertThat(store().exactDurations(otherWs, new DurationQuery(null, T0, to)).executionTime().count()).isZero();
        assertThat(store().findRun(ws, run.runId())).isPresent();
    }

    @Test
    void aWriteNamingAnotherWorkspaceIsRejected() {
        Run theirs = ended(otherWs, "wf", at(0), ofMillis(5), ofMillis(50), RunStatus.COMPLETED);
        assertThatThrownBy(() -> store().saveRun(ws, theirs)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().saveStep(ws,
                step(otherWs, theirs.runId(), "s", 1, "n", 1, RunStatus.COMPLETED, at(1), ofMillis(1), Map.of())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().saveCheckpoint(ws,
                new StepCheckpoint(otherWs, theirs.runId(), "s", 1, "x", at(0))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().appendResumeAudit(ws, new ResumeAudit(otherWs, "a", theirs.runId(), "s",
                "bob", at(0), 1, ResumeOutcome.REFUSED, "x"))).isInstanceOf(IllegalArgumentException.class);
        awaitWrites();
        assertThat(store().findRun(otherWs, theirs.runId())).isEmpty();
        assertThat(store().findRun(ws, theirs.runId())).isEmpty();
    }
}
