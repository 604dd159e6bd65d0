package dev.runmetrics.core.views;

import static dev.runmetrics.core.model.RunFixtures.at;
import static dev.runmetrics.core.model.RunFixtures.ended;
import static dev.runmetrics.core.model.RunFixtures.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunFixtures;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-step statistics of a workflow across its latest ended runs. */
class StepStatisticsViewTest {
    private static final String WS = "ws-1";
    private static final Instant T0 = at("2026-03-02T10:00:00Z");
    private static final Instant DAY_END = T0.plus(Duration.ofDays(1));

    private final InMemoryRunStore store = new InMemoryRunStore("test-instance");
    private final StepStatisticsView view = RunViews.builder(store).clock(new SettableClock(T0)).workerCapacity(4)
            .build().stepStatistics();

    /** Run {@code i} of wf: "load" takes (i + 1) * 100 ms and ends in {@code loadStatus}; "report" is skipped. */
    private Run run(int i, RunStatus loadStatus) {
        Run run = ended(WS, "wf", T0.plus(Duration.ofMinutes(i)), Duration.ofMillis(5), Duration.ofSeconds(2),
                loadStatus == RunStatus.COMPLETED ? RunStatus.COMPLETED : RunStatus.FAILED);
        store.saveRun(WS, run);
        store.saveStep(WS, step(WS, run.runId(), "load", 1, "loader", 1, loadStatus, run.startedAt(),
                Duration.ofMillis((i + 1) * 100L), Map.of()));
        Instant skippedAt = run.startedAt().plusSeconds(1);
        store.saveStep(WS, RunFixtures.stepBuilder(WS, run.runId(), "report", 2, "mailer", skippedAt)
                .status(RunStatus.SKIPPED).completedAt(skippedAt).updatedAt(skippedAt).build());
        return run;
    }

    @Test
    void eachStepHasItsOutcomesFailureRateSkipsAndExactDurations() {
        run(0, RunStatus.COMPLETED);
        run(1, RunStatus.FAILED);
        run(2, RunStatus.COMPLETED);
        run(3, RunStatus.TIMEOUT);
        run(4, RunStatus.CANCELLED);

        WorkflowStepStatistics s = view.steps(WS, "wf", T0, DAY_END, StepStatisticsView.DEFAULT_RUN_LIMIT);

        assertThat(s.workflowId()).isEqualTo("wf");
        assertThat(s.unit()).isEqualTo("ms");
        assertThat(s.runsAnalyzed()).isEqualTo(5);
        assertThat(s.truncated()).isFalse();
        assertThat(s.steps()).extracting(StepStatistics::stepId).containsExactly("load", "report");
        StepStatistics load = s.steps().get(0);
        assertThat(load.count()).isEqualTo(5);
        assertThat(load.completed()).isEqualTo(2);
        assertThat(load.failed()).as("failed and timed out").isEqualTo(2);
        assertThat(load.cancelled()).isEqualTo(1);
        assertThat(load.skipped()).isZero();
        assertThat(load.failureRate()).isCloseTo(40.0, within(1e-9));
        assertThat(load.nodeName()).isEqualTo("loader");
        // 100..500 ms, nearest rank: the median is the 3rd (ceil(0.5 * 5)), p95 the 5th (ceil(0.95 * 5))
        assertThat(load.median()).isCloseTo(300.0, within(1e-9));
        assertThat(load.p95()).isCloseTo(500.0, within(1e-9));
        assertThat(load.avg()).isCloseTo(300.0, within(1e-9));
        assertThat(load.max()).isCloseTo(500.0, within(1e-9));
        StepStatistics report = s.steps().get(1);
        assertThat(report.count()).isZero();
        assertThat(report.skipped()).isEqualTo(5);
        assertThat(report.failureRate()).isZero();
        assertThat(report.median()).isNull();
        assertThat(report.p95()).isNull();
    }

    @Test
    void onlyTheLatestRunsUpToTheLimitAreMeasuredAndTheAnswerSaysSo() {
        for (int i = 0; i < 4; i++) {
            run(i, RunStatus.COMPLETED);
        }

        WorkflowStepStatistics s = view.steps(WS, "wf", T0, DAY_END, 2);

        assertThat(s.runLimit()).isEqualTo(2);
        assertThat(s.runsAnalyzed()).isEqualTo(2);
        assertThat(s.truncated()).isTrue();
        // The latest two runs are 3 and 2: their loads took 400 and 300 ms; the median is the 1st of 2.
        assertThat(s.steps().get(0).count()).isEqualTo(2);
        assertThat(s.steps().get(0).median()).isCloseTo(300.0, within(1e-9));
        assertThat(s.steps().get(0).max()).isCloseTo(400.0, within(1e-9));
    }

    @Test
    void aWorkflowWithoutRunsInTheRangeHasNoStepsAndABadLimitIsRefused() {
        run(0, RunStatus.COMPLETED);

        WorkflowStepStatistics none = view.steps(WS, "wf", DAY_END, DAY_END.plusSeconds(60), 10);

        assertThat(none.runsAnalyzed()).isZero();
        assertThat(none.steps()).isEmpty();
        assertThatThrownBy(() -> view.steps(WS, "wf", T0, DAY_END, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("runLimit");
        assertThatThrownBy(() -> view.steps(WS, "wf", T0, DAY_END, StepStatisticsView.MAX_RUN_LIMIT + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> view.steps(WS, "wf", DAY_END, T0, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
