package dev.runmetrics.core.views;

import static dev.runmetrics.core.model.RunFixtures.at;
import static dev.runmetrics.core.model.RunFixtures.ended;
import static dev.runmetrics.core.model.RunFixtures.queued;
import static dev.runmetrics.core.model.RunFixtures.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunFixtures;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.store.DurationHistogram;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Execution-time statistics over a range, a workflow's summary and the workspace's workflows. */
class ExecutionTimeStatisticsViewTest {
    private static final String WS = "ws-1";
    private static final Instant T0 = at("2026-03-02T10:00:00Z");
    private static final double E = DurationHistogram.RELATIVE_ERROR;

    private final InMemoryRunStore store = new InMemoryRunStore("test-instance");
    private final SettableClock clock = new SettableClock(at("2026-03-02T12:00:00Z"));
    private final ExecutionTimeStatisticsView statistics = RunViews.builder(store).clock(clock).workerCapacity(4)
            .build().statistics();

    /** Five runs of wf-a ending between 10:00 and 10:10, executing 100, 200, 300, 400 and 1000 ms. */
    private void fiveRuns() {
        long[] execMs = {300, 100, 1000, 200, 400};
        for (int i = 0; i < execMs.length; i++) {
            store.saveRun(WS, ended(WS, "wf-a", T0.plusSeconds(60L * i), Duration.ofMillis(50),
                    Duration.ofMillis(execMs[i]), RunStatus.COMPLETED));
        }
        store.saveRun(WS, ended(WS, "wf-b", T0, Duration.ZERO, Duration.ofSeconds(99), RunStatus.COMPLETED));
    }

    @Test
    void aShortRangeIsAnsweredExactlyByNearestRank() {
        fiveRuns();

        ExecutionTimeStatistics s = statistics.executionTimes(WS, Optional.of("wf-a"), T0, T0.plusSeconds(600));

        assertThat(s.exact()).isTrue();
        assertThat(s.count()).isEqualTo(5);
        assertThat(s.avg()).isCloseTo(400.0, within(1e-9));
        assertThat(s.median()).isCloseTo(300.0, within(1e-9));
        assertThat(s.min()).isCloseTo(100.0, within(1e-9));
        assertThat(s.max()).isCloseTo(1000.0, within(1e-9));
        // nearest rank, never interpolated: ceil(0.95 * 5) = ceil(0.99 * 5) = 5th = 1000
        assertThat(s.p95()).isCloseTo(1000.0, within(1e-9));
        assertThat(s.p99()).isCloseTo(1000.0, within(1e-9));
    }

    @Test
    void aRangeLongerThanTheCutOverIsAnsweredFromRollupsWithinTheStatedError() {
        fiveRuns();

        ExecutionTimeStatistics s = statistics.executionTimes(WS, Optional.of("wf-a"), T0, T0.plusSeconds(7200));

        assertThat(s.exact()).isFalse();
        assertThat(s.count()).isEqualTo(5);
        double bound = DurationHistogram.RELATIVE_ERROR;
        assertThat(s.avg()).isCloseTo(400.0, within(400 * bound));
        // nearest rank: ceil(0.5 * 5) = 3rd = 300; ceil(0.95 * 5) = ceil(0.99 * 5) = 5th = 1000
        assertThat(s.median()).isBetween(300.0, 300 * (1 + bound));
        assertThat(s.p95()).isBetween(1000.0, 1000 * (1 + bound));
        assertThat(s.p99()).isBetween(1000.0, 1000 * (1 + bound));
        assertThat(s.min()).isCloseTo(100.0, within(100 * bound));
        assertThat(s.max()).isCloseTo(1000.0, within(1000 * bound));
    }

    @Test
    void withAResultCacheTheSameQuestionIsAnsweredFromItUntilItsTtlPasses() {
        RunViews cached = RunViews.builder(store).clock(clock).workerCapacity(4)
                .resultCacheTtl(Duration.ofSeconds(2)).build();
        fiveRuns();
        Instant to = T0.plusSeconds(7200);
        assertThat(cached.statistics().executionTimes(WS, Optional.of("wf-a"), T0, to).count()).isEqualTo(5);

        store.saveRun(WS, ended(WS, "wf-a", T0.plusSeconds(900), Duration.ZERO, Duration.ofMillis(10),
                RunStatus.COMPLETED));
        assertThat(cached.statistics().executionTimes(WS, Optional.of("wf-a"), T0, to).count())
                .as("within the TTL: the cached answer").isEqualTo(5);
        assertThat(cached.statistics().executionTimes(WS, Optional.of("wf-a"), T0, to.plusSeconds(60)).count())
                .as("another range is another question").isEqualTo(6);
        assertThat(statistics.executionTimes(WS, Optional.of("wf-a"), T0, to).count())
                .as("views without a cache are always fresh").isEqualTo(6);

        clock.advance(Duration.ofSeconds(2));
        assertThat(cached.statistics().executionTimes(WS, Optional.of("wf-a"), T0, to).count())
                .as("after the TTL: fresh again").isEqualTo(6);
    }

    @Test
    void aRangeOfExactlyTheCutOverIsStillExact() {
        fiveRuns();
        assertThat(statistics.executionTimes(WS, Optional.empty(), T0, T0.plus(Duration.ofHours(1))).exact())
                .isTrue();
        assertThat(statistics.executionTimes(WS, Optional.empty(), T0, T0.plus(Duration.ofHours(1)).plusNanos(1))
                .exact()).isFalse();
    }

    @Test
    void withoutAWorkflowEveryWorkflowOfTheWorkspaceCounts() {
        fiveRuns();
        assertThat(statistics.executionTimes(WS, Optional.empty(), T0, T0.plusSeconds(600)).count()).isEqualTo(6);
        assertThat(statistics.executionTimes(WS, Optional.empty(), T0, T0.plusSeconds(7200)).count()).isEqualTo(6);
    }

    @Test
    void noRunsMeansNullStatisticsOnBothPaths() {
        for (Instant to : new Instant[] {T0.plusSeconds(60), T0.plusSeconds(7200)}) {
            ExecutionTimeStatistics s = statistics.executionTimes(WS, Optional.of("wf-a"), T0, to);
            assertThat(s.count()).isZero();
            assertThat(s.avg()).isNull();
            assertThat(s.median()).isNull();
            assertThat(s.p99()).isNull();
        }
    }

    @Test
    void aReversedRangeIsRejected() {
        assertThatThrownBy(() -> statistics.executionTimes(WS, Optional.empty(), T0, T0.minusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before from");
    }

    /**
     * 20,000 log-normal execution times (median 2 s, σ = 1) ending over six hours: every percentile
     * from the merged rollups is within 1/1024 of the exact nearest-rank value (and never below it),
     * and the exact path reports that nearest-rank value itself.
     */
    @Test
    void rollupPercentilesStayWithinTheStatedErrorOfExactOnes() {
        Random random = new Random(20_000);
        int n = 20_000;
        long[] micros = new long[n];
        for (int i = 0; i < n; i++) {
            micros[i] = Math.max(1, Math.round(2_000_000 * Math.exp(random.nextGaussian())));
            Instant queued = T0.plusMillis(i * 1000L);
            store.saveRun(WS, ended(WS, "wf-a", queued, Duration.ofMillis(5), Duration.ofNanos(micros[i] * 1000),
                    RunStatus.COMPLETED));
        }
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        Instant from = T0;
        Instant to = T0.plus(Duration.ofHours(12));

        ExecutionTimeStatistics rollup = statistics.executionTimes(WS, Optional.of("wf-a"), from, to);
        RunViews exactViews = RunViews.builder(store).clock(clock).workerCapacity(4)
                .exactCutover(Duration.ofDays(1)).build();
        ExecutionTimeStatistics exact = exactViews.statistics().executionTimes(WS, Optional.of("wf-a"), from, to);

        assertThat(rollup.exact()).isFalse();
        assertThat(exact.exact()).isTrue();
        assertThat(rollup.count()).isEqualTo(n);
        assertThat(exact.count()).isEqualTo(n);
        double e = DurationHistogram.RELATIVE_ERROR;
        double[][] checks = {{50, rollup.median(), exact.median()}, {95, rollup.p95(), exact.p95()},
            {99, rollup.p99(), exact.p99()}};
        for (double[] c : checks) {
            int rank = (int) Math.ceil(c[0] / 100 * n); // nearest rank, 1-based
            double nearestRankMs = sorted[rank - 1] / 1000.0;
            assertThat(c[1]).as("p%s vs nearest rank", c[0]).isBetween(nearestRankMs, nearestRankMs * (1 + e));
            assertThat(c[2]).as("exact p%s is the nearest-rank sample", c[0]).isEqualTo(nearestRankMs);
        }
        assertThat(rollup.min()).isCloseTo(sorted[0] / 1000.0, within(sorted[0] / 1000.0 * e));
        assertThat(rollup.max()).isCloseTo(sorted[n - 1] / 1000.0, within(sorted[n - 1] / 1000.0 * e));
        assertThat(rollup.avg()).isCloseTo(exact.avg(), within(exact.avg() * e));
        assertThat(exact.min()).isEqualTo(sorted[0] / 1000.0);
        assertThat(exact.max()).isEqualTo(sorted[n - 1] / 1000.0);
    }

    @Test
    void theSummaryCountsEveryEndedExecutionOfTheWorkflow() {
        store.saveRun(WS, ended(WS, "wf-a", T0, Duration.ofSeconds(1), Duration.ofSeconds(10),
                RunStatus.COMPLETED));
        store.saveRun(WS, ended(WS, "wf-a", T0.plusSeconds(60), Duration.ZERO, Duration.ofSeconds(20),
                RunStatus.COMPLETED));
        store.saveRun(WS, ended(WS, "wf-a", T0.plusSeconds(120), Duration.ZERO, Duration.ofSeconds(30),
                RunStatus.FAILED));
        store.saveRun(WS, ended(WS, "wf-a", T0.plusSeconds(180), Duration.ZERO, Duration.ofSeconds(40),
                RunStatus.TIMEOUT));
        Run cancelledWhileQueued = queued(WS, "r-cancel", "wf-a", T0, Map.of());
        store.saveRun(WS, cancelledWhileQueued.toBuilder().status(RunStatus.CANCELLED).completedAt(T0.plusSeconds(5))
                .errorMessage("cancelled").updatedAt(T0.plusSeconds(5)).heartbeatAt(T0.plusSeconds(5)).build());
        store.saveRun(WS, running(WS, "r-live", "wf-a", T0, T0, Map.of()));
        store.saveRun(WS, ended(WS, "wf-b", T0, Duration.ZERO, Duration.ofSeconds(99), RunStatus.COMPLETED));

        WorkflowMetricsSummary s = statistics.workflowSummary(WS, "wf-a");

        assertThat(s.totalExecutions()).isEqualTo(5);
        assertThat(s.successfulExecutions()).isEqualTo(2);
        assertThat(s.failedExecutions()).isEqualTo(2);
        assertThat(s.successRate()).isCloseTo(40.0, within(1e-9));
        // durations: the four runs that executed (the cancelled one never started)
        assertThat(s.totalDurationSeconds()).isCloseTo(100.0, within(100 * E));
        assertThat(s.averageDurationSeconds()).isCloseTo(25.0, within(25 * E));
        assertThat(s.minDurationSeconds()).isCloseTo(10.0, within(10 * E));
        assertThat(s.maxDurationSeconds()).isCloseTo(40.0, within(40 * E));
    }

    @Test
    void theSummaryOfAWorkflowWithoutExecutionsHasZeroCountsAndNoExtremes() {
        WorkflowMetricsSummary s = statistics.workflowSummary(WS, "nothing");
        assertThat(s.totalExecutions()).isZero();
        assertThat(s.successRate()).isZero();
        assertThat(s.averageDurationSeconds()).isZero();
        assertThat(s.minDurationSeconds()).isNull();
        assertThat(s.maxDurationSeconds()).isNull();
    }

    @Test
    void theWorkflowListHasEveryWorkflowWithEndedOrLiveRunsMostRunsFirst() {
        store.saveRun(WS, ended(WS, "wf-a", T0, Duration.ZERO, Duration.ofSeconds(1), RunStatus.COMPLETED));
        store.saveRun(WS, ended(WS, "wf-a", T0.plusSeconds(60), Duration.ZERO, Duration.ofSeconds(1),
                RunStatus.COMPLETED));
        store.saveRun(WS, ended(WS, "wf-a", T0.minus(Duration.ofDays(400)), Duration.ZERO,
                Duration.ofSeconds(1), RunStatus.FAILED)); // long ago: all time counts
        store.saveRun(WS, ended(WS, "wf-b", T0, Duration.ZERO, Duration.ofSeconds(1), RunStatus.TIMEOUT));
        store.saveRun(WS, ended(WS, "wf-c", T0, Duration.ZERO, Duration.ofSeconds(1), RunStatus.COMPLETED));
        store.saveRun(WS, running(WS, "r-live", "wf-b", T0, T0, Map.of()));
        store.saveRun(WS, queued(WS, "r-new", "wf-new", T0, Map.of())); // nothing ended yet
        store.saveRun("ws-other", ended("ws-other", "wf-z", T0, Duration.ZERO, Duration.ofSeconds(1),
                RunStatus.COMPLETED));

        assertThat(statistics.workflows(WS)).containsExactly(
                new WorkflowListing("wf-a", 3, 2, 1, 0),
                new WorkflowListing("wf-b", 1, 0, 1, 1),
                new WorkflowListing("wf-c", 1, 1, 0, 0),
                new WorkflowListing("wf-new", 0, 0, 0, 1));
        assertThat(statistics.workflows("ws-empty")).isEmpty();
        assertThatThrownBy(() -> statistics.workflows(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRangeFromTheFirstToTheLastRepresentableDayIsAnsweredLikeAllTime() {
        fiveRuns();
        Instant firstDay = at("0001-01-01T00:00:00Z");
        Instant afterLastDay = at("+10000-01-01T00:00:00Z");

        ExecutionTimeStatistics s = statistics.executionTimes(WS, Optional.of("wf-a"), firstDay, afterLastDay);

        assertThat(s).isEqualTo(statistics.executionTimes(WS, Optional.of("wf-a"), T0, T0.plusSeconds(7200)));
        assertThat(s.count()).isEqualTo(5);
        assertThat(statistics.executionTimes(WS, Optional.empty(), Instant.MIN, Instant.MAX).count()).isEqualTo(6);
    }
}
