package dev.runmetrics.core.views;

import static dev.runmetrics.core.model.RunFixtures.at;
import static dev.runmetrics.core.model.RunFixtures.ended;
import static dev.runmetrics.core.model.RunFixtures.queued;
import static dev.runmetrics.core.model.RunFixtures.runBuilder;
import static dev.runmetrics.core.model.RunFixtures.running;
import static dev.runmetrics.core.model.RunFixtures.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunFixtures;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.store.Page;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The run list, a run's detail and its timeline. */
class RunHistoryViewTest {
    private static final String WS = "ws-1";
    private static final Instant T0 = at("2026-03-02T10:00:00Z");

    private final InMemoryRunStore store = new InMemoryRunStore("test-instance");
    private final SettableClock clock = new SettableClock(at("2026-03-02T12:00:00Z"));
    private final RunHistoryView runs = RunViews.builder(store).clock(clock).workerCapacity(4).build().runs();

    private void twelveRuns() {
        for (int i = 0; i < 12; i++) {
            RunStatus status = i % 3 == 0 ? RunStatus.FAILED : RunStatus.COMPLETED;
            store.saveRun(WS, ended(WS, "run-" + (100 + i), "wf-a", T0.plusSeconds(i), Duration.ofMillis(500),
                    Duration.ofMillis(1500), status));
        }
        store.saveRun(WS, ended(WS, "other", "wf-b", T0, Duration.ZERO, Duration.ofSeconds(1),
                RunStatus.COMPLETED));
    }

    @Test
    void theListIsNewestFirstWithEveryItemField() {
        twelveRuns();

        Page<RunSummary> page = runs.list(WS, Optional.of("wf-a"), Optional.empty(), 0, RunHistoryView.DEFAULT_LIMIT);

        assertThat(page.total()).isEqualTo(12);
        assertThat(page.skip()).isZero();
        assertThat(page.limit()).isEqualTo(10);
        assertThat(page.items()).hasSize(10);
        RunSummary first = page.items().get(0);
        assertThat(first.id()).isEqualTo("run-111");
        assertThat(first.workflowId()).isEqualTo("wf-a");
        assertThat(first.executionNumber()).isEqualTo(12);
        assertThat(first.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(first.startedAt()).isEqualTo(T0.plusSeconds(11).plusMillis(500));
        assertThat(first.completedAt()).isEqualTo(T0.plusSeconds(13));
        assertThat(first.duration()).isEqualTo(1.5);
        assertThat(first.inputVariables()).isEqualTo(Map.of("mode", "standard"));
        assertThat(first.results()).isEqualTo(Map.of("output", "done"));
        assertThat(first.createdAt()).isEqualTo(T0.plusSeconds(11));
        assertThat(first.updatedAt()).isEqualTo(T0.plusSeconds(13));
    }

    @Test
    void theListPagesAndFiltersByStatus() {
        twelveRuns();

        Page<RunSummary> second = runs.list(WS, Optional.of("wf-a"), Optional.empty(), 10, 10);
        Page<RunSummary> failed = runs.list(WS, Optional.of("wf-a"), Optional.of(RunStatus.FAILED), 0, 100);
        Page<RunSummary> all = runs.list(WS, Optional.empty(), Optional.empty(), 0, 100);

        assertThat(second.items()).extracting(RunSummary::id).containsExactly("run-101", "run-100");
        assertThat(failed.total()).isEqualTo(4);
        assertThat(failed.items()).extracting(RunSummary::id).containsExactly("run-109", "run-106", "run-103",
                "run-100");
        assertThat(all.total()).isEqualTo(13);
    }

    @Test
    void aLimitAbove100OrBelow1AndANegativeSkipAreRejectedByName() {
        assertThatThrownBy(() -> runs.list(WS, Optional.empty(), Optional.empty(), 0, 101))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
        assertThatThrownBy(() -> runs.list(WS, Optional.empty(), Optional.empty(), 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
        assertThatThrownBy(() -> runs.list(WS, Optional.empty(), Optional.empty(), -1, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("skip");
    }

    /** Attempt 1: init completed, process failed. Attempt 2 (resumed at process): process and finalize completed. */
    private void resumedRun() {
        Instant q = T0;
        store.saveRun(WS, runBuilder(WS, "exec-1", "wf-a", q).status(RunStatus.COMPLETED).attempt(2)
                .startedAt(q.plusSeconds(1)).completedAt(q.plusSeconds(200)).resultsSummary(Map.of("output", "success"))
                .updatedAt(q.plusSeconds(200)).heartbeatAt(q.plusSeconds(200)).build());
        store.saveStep(WS, step(WS, "exec-1", "init", 1, "node-init", 1, RunStatus.COMPLETED,
                q.plusSeconds(1), Duration.ofSeconds(30), Map.of()));
        store.saveStep(WS, step(WS, "exec-1", "process", 2, "node-process", 1, RunStatus.FAILED,
                q.plusSeconds(31), Duration.ofSeconds(10), Map.of()));
        store.saveStep(WS, step(WS, "exec-1", "process", 2, "node-process", 2, RunStatus.COMPLETED,
                q.plusSeconds(100), Duration.ofSeconds(90), Map.of()));
        store.saveStep(WS, step(WS, "exec-1", "finalize", 3, "node-final", 2, RunStatus.COMPLETED,
                q.plusSeconds(190), Duration.ofMillis(10_500), Map.of()));
    }

    @Test
    void theDetailHasTheStepExecutionsOfEveryAttempt() {
        resumedRun();

        RunDetail d = runs.detail(WS, "exec-1").orElseThrow();

        assertThat(d.id()).isEqualTo("exec-1");
        assertThat(d.executionNumber()).isEqualTo(1);
        assertThat(d.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(d.attempt()).isEqualTo(2);
        assertThat(d.duration()).isEqualTo(199.0);
        assertThat(d.results()).isEqualTo(Map.of("output", "success"));
        assertThat(d.errorMessage()).isNull();
        assertThat(d.stepExecutions()).extracting(StepDetail::id).containsExactly("exec-1:init:1",
                "exec-1:process:1", "exec-1:process:2", "exec-1:finalize:2");
        StepDetail failed = d.stepExecutions().get(1);
        assertThat(failed.executionId()).isEqualTo("exec-1");
        assertThat(failed.stepId()).isEqualTo("process");
        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.duration()).isEqualTo(10.0);
        assertThat(failed.errorMessage()).isEqualTo("boom");
        assertThat(failed.outputData()).isEqualTo(Map.of("out", 2L));
        assertThat(failed.startedAt()).isEqualTo(T0.plusSeconds(31));
        assertThat(failed.completedAt()).isEqualTo(T0.plusSeconds(41));
    }

    @Test
    void theTimelineShowsEveryAttemptAndCountsEachStepByItsLatestAttempt() {
        resumedRun();

        RunTimeline t = runs.timeline(WS, "exec-1").orElseThrow();

        assertThat(t.executionId()).isEqualTo("exec-1");
        assertThat(t.workflowId()).isEqualTo("wf-a");
        assertThat(t.totalDurationSeconds()).isEqualTo(199.0);
        assertThat(t.stepCount()).isEqualTo(3);
        assertThat(t.completedStepCount()).isEqualTo(3);
        assertThat(t.failedStepCount()).isZero();
        assertThat(t.skippedStepCount()).isZero();
        assertThat(t.stepTimeline()).extracting(StepTimelineEntry::stepId, StepTimelineEntry::attempt,
                StepTimelineEntry::status).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("init", 1, RunStatus.COMPLETED),
                        org.assertj.core.groups.Tuple.tuple("process", 1, RunStatus.FAILED),
                        org.assertj.core.groups.Tuple.tuple("process", 2, RunStatus.COMPLETED),
                        org.assertj.core.groups.Tuple.tuple("finalize", 2, RunStatus.COMPLETED));
        StepTimelineEntry last = t.stepTimeline().get(3);
        assertThat(last.stepName()).isEqualTo("finalize name");
        assertThat(last.stepOrder()).isEqualTo(3);
        assertThat(last.durationSeconds()).isEqualTo(10.5);
        assertThat(last.retryCount()).isZero();
        assertThat(last.inputSummary()).isEqualTo(Map.of("in", 3L));
        assertThat(last.outputSummary()).isEqualTo(Map.of("out", 3L));
    }

    @Test
    void theTimelineOfAFailedRunCountsFailedAndSkippedSteps() {
        store.saveRun(WS, ended(WS, "exec-2", "wf-a", T0, Duration.ZERO, Duration.ofSeconds(5), RunStatus.FAILED));
        store.saveStep(WS, step(WS, "exec-2", "a", 1, "n", 1, RunStatus.COMPLETED, T0, Duration.ofSeconds(1),
                Map.of()));
        store.saveStep(WS, step(WS, "exec-2", "b", 2, "n", 1, RunStatus.TIMEOUT, T0.plusSeconds(1),
                Duration.ofSeconds(4), Map.of()));
        store.saveStep(WS, step(WS, "exec-2", "c", 3, "n", 1, RunStatus.SKIPPED, T0.plusSeconds(5),
                Duration.ZERO, Map.of()));

        RunTimeline t = runs.timeline(WS, "exec-2").orElseThrow();

        assertThat(t.status()).isEqualTo(RunStatus.FAILED);
        assertThat(t.errorMessage()).isEqualTo("it went failed");
        assertThat(t.stepCount()).isEqualTo(3);
        assertThat(t.completedStepCount()).isEqualTo(1);
        assertThat(t.failedStepCount()).isEqualTo(1);
        assertThat(t.skippedStepCount()).isEqualTo(1);
    }

    @Test
    void anUnknownRunHasNoDetailAndNoTimeline() {
        assertThat(runs.detail(WS, "nope")).isEmpty();
        assertThat(runs.timeline(WS, "nope")).isEmpty();
    }
}
