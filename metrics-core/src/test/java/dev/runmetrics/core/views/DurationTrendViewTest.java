package dev.runmetrics.core.views;

import static dev.runmetrics.core.model.RunFixtures.at;
import static dev.runmetrics.core.model.RunFixtures.ended;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.store.DurationHistogram;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The duration trend: count, failures, median and p95 per UTC hour or day, from the rollups. */
class DurationTrendViewTest {
    private static final String WS = "ws-1";
    private static final Instant T0 = at("2026-03-02T10:00:00Z");
    private static final double E = DurationHistogram.RELATIVE_ERROR;

    private final InMemoryRunStore store = new InMemoryRunStore("test-instance");
    private final DurationTrendView trends = RunViews.builder(store).clock(new SettableClock(T0)).workerCapacity(4)
            .build().durationTrend();

    /** A run of {@code workflow} that ran {@code execMs} and ended about {@code minutes} after T0. */
    private void run(String workflow, long minutes, long execMs, RunStatus status) {
        store.saveRun(WS, ended(WS, workflow, T0.plus(Duration.ofMinutes(minutes)), Duration.ofMillis(20),
                Duration.ofMillis(execMs), status));
    }

    @Test
    void everyHourOfTheRangeIsABucketWithItsCountFailuresMedianAndP95() {
        for (long ms : new long[] {100, 200, 300, 400, 1000}) {
            run("wf", 5, ms, RunStatus.COMPLETED);
        }
        run("wf", 130, 50, RunStatus.FAILED);
        run("wf", 131, 70, RunStatus.TIMEOUT);

        DurationTrend t = trends.trend(WS, Optional.of("wf"), T0, T0.plus(Duration.ofHours(3)), Optional.empty());

        assertThat(t.bucket()).isEqualTo(TrendGranularity.HOUR);
        assertThat(t.unit()).isEqualTo("ms");
        assertThat(t.count()).isEqualTo(7);
        assertThat(t.buckets()).extracting(DurationTrendPoint::start)
                .containsExactly(T0, T0.plusSeconds(3600), T0.plusSeconds(7200));
        DurationTrendPoint first = t.buckets().get(0);
        assertThat(first.count()).isEqualTo(5);
        assertThat(first.failed()).isZero();
        // nearest rank over 100, 200, 300, 400, 1000: the 3rd for the median, the 5th for p95
        assertThat(first.median()).isBetween(300.0, 300 * (1 + E));
        assertThat(first.p95()).isBetween(1000.0, 1000 * (1 + E));
        assertThat(t.buckets().get(1)).isEqualTo(new DurationTrendPoint(T0.plusSeconds(3600), 0, 0, null, null));
        DurationTrendPoint third = t.buckets().get(2);
        assertThat(third.count()).isEqualTo(2);
        assertThat(third.failed()).as("failed and timed out").isEqualTo(2);
        assertThat(third.median()).isBetween(50.0, 50 * (1 + E));
    }

    @Test
    void withoutAWorkflowEveryWorkflowCountsAndWithOneOnlyThatOne() {
        run("wf-a", 10, 100, RunStatus.COMPLETED);
        run("wf-b", 10, 900, RunStatus.COMPLETED);
        run("wf-b", 70, 900, RunStatus.CANCELLED);
        Instant to = T0.plus(Duration.ofHours(2));

        DurationTrend all = trends.trend(WS, Optional.empty(), T0, to, Optional.empty());
        DurationTrend a = trends.trend(WS, Optional.of("wf-a"), T0, to, Optional.empty());

        assertThat(all.workflowId()).isNull();
        assertThat(all.buckets()).extracting(DurationTrendPoint::count).containsExactly(2L, 1L);
        assertThat(all.buckets().get(0).p95()).isBetween(900.0, 900 * (1 + E));
        assertThat(a.workflowId()).isEqualTo("wf-a");
        assertThat(a.buckets()).extracting(DurationTrendPoint::count).containsExactly(1L, 0L);
        assertThat(trends.trend("ws-elsewhere", Optional.empty(), T0, to, Optional.empty()).count()).isZero();
    }

    @Test
    void rangesUpToThreeDaysAreHourlyLongerOnesDailyUnlessAsked() {
        run("wf", 10, 100, RunStatus.COMPLETED);
        run("wf", 60 * 24 * 2 + 10, 300, RunStatus.COMPLETED);

        DurationTrend threeDays = trends.trend(WS, Optional.empty(), T0, T0.plus(Duration.ofDays(3)), Optional.empty());
        DurationTrend week = trends.trend(WS, Optional.empty(), T0, T0.plus(Duration.ofDays(7)), Optional.empty());
        DurationTrend daily = trends.trend(WS, Optional.empty(), T0, T0.plus(Duration.ofDays(3)),
                Optional.of(TrendGranularity.DAY));

        assertThat(threeDays.bucket()).isEqualTo(TrendGranularity.HOUR);
        assertThat(threeDays.buckets()).hasSize(72);
        assertThat(week.bucket()).isEqualTo(TrendGranularity.DAY);
        // UTC days: the range starts at 10:00 on the 2nd, so the first bucket is the whole 2nd.
        assertThat(week.buckets()).hasSize(8);
        assertThat(week.buckets().get(0).start()).isEqualTo(at("2026-03-02T00:00:00Z"));
        assertThat(daily.buckets()).extracting(DurationTrendPoint::count).containsExactly(1L, 0L, 1L, 0L);
    }

    @Test
    void anEdgeBucketCountsOnlyWhatEndedInsideTheRange() {
        run("wf", 5, 100, RunStatus.COMPLETED); // ends 10:05
        run("wf", 40, 100, RunStatus.COMPLETED); // ends 10:40

        DurationTrend t = trends.trend(WS, Optional.empty(), T0.plus(Duration.ofMinutes(30)),
                T0.plus(Duration.ofMinutes(90)), Optional.empty());

        assertThat(t.buckets()).extracting(DurationTrendPoint::start).containsExactly(T0, T0.plusSeconds(3600));
        assertThat(t.buckets()).extracting(DurationTrendPoint::count).containsExactly(1L, 0L);
    }

    @Test
    void anEmptyRangeHasNoBucketsAndTooManyBucketsAreRefused() {
        assertThat(trends.trend(WS, Optional.empty(), T0, T0, Optional.empty()).buckets()).isEmpty();
        Instant to = T0.plus(Duration.ofHours(DurationTrendView.MAX_BUCKETS));
        assertThat(trends.trend(WS, Optional.empty(), T0, to, Optional.of(TrendGranularity.HOUR)).buckets())
                .hasSize(DurationTrendView.MAX_BUCKETS);
        assertThatThrownBy(() -> trends.trend(WS, Optional.empty(), T0, to.plusSeconds(1),
                Optional.of(TrendGranularity.HOUR))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 1000 buckets");
        assertThatThrownBy(() -> trends.trend(WS, Optional.empty(), T0, T0.minusSeconds(1), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void granularitiesCountTheirBucketsAndReadTheirWireNames() {
        assertThat(TrendGranularity.HOUR.bucketsIn(T0, T0.plusSeconds(1))).isEqualTo(1);
        assertThat(TrendGranularity.HOUR.bucketsIn(T0.minusSeconds(1), T0.plusSeconds(1))).isEqualTo(2);
        assertThat(TrendGranularity.DAY.bucketsIn(T0, T0)).isZero();
        assertThat(TrendGranularity.parse("day")).isEqualTo(TrendGranularity.DAY);
        assertThatThrownBy(() -> TrendGranularity.parse("week")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hour or day");
    }
}
