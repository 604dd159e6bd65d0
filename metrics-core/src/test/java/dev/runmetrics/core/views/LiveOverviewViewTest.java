package dev.runmetrics.core.views;

import static dev.runmetrics.core.model.RunFixtures.at;
import static dev.runmetrics.core.model.RunFixtures.queued;
import static dev.runmetrics.core.model.RunFixtures.running;
import static dev.runmetrics.core.model.RunFixtures.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.runmetrics.core.model.RunFixtures;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.store.DurationHistogram;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.views.overview.AgentPerformance;
import dev.runmetrics.core.views.overview.Anomaly;
import dev.runmetrics.core.views.overview.AnomalyType;
import dev.runmetrics.core.views.overview.Burst;
import dev.runmetrics.core.views.overview.DatabaseLoad;
import dev.runmetrics.core.views.overview.HourPerformance;
import dev.runmetrics.core.views.overview.Latency;
import dev.runmetrics.core.views.overview.LatencyBucket;
import dev.runmetrics.core.views.overview.LatencySummary;
import dev.runmetrics.core.views.overview.Level;
import dev.runmetrics.core.views.overview.LiveOverview;
import dev.runmetrics.core.views.overview.ModelUsage;
import dev.runmetrics.core.views.overview.PatternSummary;
import dev.runmetrics.core.views.overview.Patterns;
import dev.runmetrics.core.views.overview.Performance;
import dev.runmetrics.core.views.overview.PeriodComparison;
import dev.runmetrics.core.views.overview.QueuedRun;
import dev.runmetrics.core.views.overview.Realtime;
import dev.runmetrics.core.views.overview.Resources;
import dev.runmetrics.core.views.overview.RunInProgress;
import dev.runmetrics.core.views.overview.Throughput;
import dev.runmetrics.core.views.overview.ThroughputPoint;
import dev.runmetrics.core.views.overview.TimedValue;
import dev.runmetrics.core.views.overview.Timeframe;
import dev.runmetrics.core.views.overview.TimelinePoint;
import dev.runmetrics.core.views.overview.Workers;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The live overview of a hand-made workspace. Now is Monday 2026-03-02 10:30:30Z; the 1h period is
 * [09:31, 10:31) with 3570 s elapsed; the previous one is [08:31, 09:31).
 */
class LiveOverviewViewTest {
    private static final String WS = "ws-1";
    private static final Instant NOW = at("2026-03-02T10:30:30Z");
    private static final double E = DurationHistogram.RELATIVE_ERROR;
    private static final double ELAPSED = 3570;

    private final InMemoryRunStore store = new InMemoryRunStore("test-instance");
    private final SettableClock clock = new SettableClock(NOW);
    private final ResourceSampler sampler = new ResourceSampler(clock, 10, () -> 42.0, () -> 55.5);
    private final LiveOverviewView overview = RunViews.builder(store).clock(clock).workerCapacity(2)
            .resourceSampler(sampler).databaseLoad(() -> new DatabaseLoad(3, 12.5, 0.004)).build().overview();

    private static Offset<Double> rel(double expected) {
        return within(Math.abs(expected) * E + 1e-9);
    }

    private void ended(String id, String queued, double waitS, double execS, RunStatus status) {
        store.saveRun(WS, RunFixtures.ended(WS, id, "etl", at(queued), Duration.ofMillis((long) (waitS * 1000)),
                Duration.ofMillis((long) (execS * 1000)), status));
    }

    private void handMadeWorkspace() {
        // current period: execution times 0.5, 3, 7, 20, 45, 90 s, one in each latency bucket
        ended("r1", "2026-03-02T10:00:00Z", 1, 0.5, RunStatus.COMPLETED);
        ended("r2", "2026-03-02T10:00:00Z", 2, 3, RunStatus.COMPLETED);
        ended("r3", "2026-03-02T10:10:00Z", 1, 7, RunStatus.FAILED);
        ended("r4", "2026-03-02T10:10:00Z", 1, 20, RunStatus.TIMEOUT);
        ended("r5", "2026-03-02T10:20:00Z", 0, 45, RunStatus.COMPLETED);
        ended("r6", "2026-03-02T10:20:00Z", 0, 90, RunStatus.CANCELLED);
        // previous period: four runs of 10 s, one failed
        ended("p1", "2026-03-02T09:00:00Z", 0, 10, RunStatus.COMPLETED);
        ended("p2", "2026-03-02T09:01:00Z", 0, 10, RunStatus.COMPLETED);
        ended("p3", "2026-03-02T09:02:00Z", 0, 10, RunStatus.COMPLETED);
        ended("p4", "2026-03-02T09:03:00Z", 0, 10, RunStatus.FAILED);
        // steps of r1 and r3: node "fetch" twice completed, node "llm" once completed and once failed
        store.saveStep(WS, step(WS, "r1", "fetch", 1, "fetch", 1, RunStatus.COMPLETED,
                at("2026-03-02T10:00:01Z"), Duration.ofMillis(200), Map.of()));
        store.saveStep(WS, step(WS, "r1", "ask", 2, "llm", 1, RunStatus.COMPLETED,
                at("2026-03-02T10:00:01.200Z"), Duration.ofMillis(300),
                Map.of(StepRun.MODEL, "gpt-x", StepRun.TOKENS, 100, StepRun.COST, 0.5)));
        store.saveStep(WS, step(WS, "r3", "fetch", 1, "fetch", 1, RunStatus.COMPLETED,
                at("2026-03-02T10:10:01Z"), Duration.ofSeconds(1), Map.of()));
        store.saveStep(WS, step(WS, "r3", "ask", 2, "llm", 1, RunStatus.FAILED, at("2026-03-02T10:10:02Z"),
                Duration.ofSeconds(5), Map.of(StepRun.MODEL, "gpt-x", StepRun.TOKENS, 50, StepRun.COST, 0.25)));
        // live: two running, three queued
        store.saveRun(WS, running(WS, "L1", "etl", at("2026-03-02T10:29:00Z"), at("2026-03-02T10:29:10Z"),
                Map.of("user_id", "u1")));
        store.saveRun(WS, running(WS, "L2", "report", at("2026-03-02T10:29:30Z"), at("2026-03-02T10:30:00Z"),
                Map.of()));
        store.saveRun(WS, queued(WS, "Q1", "etl", at("2026-03-02T10:30:00Z"), Map.of()));
        store.saveRun(WS, queued(WS, "Q2", "etl", at("2026-03-02T10:30:10Z"), Map.of("priority", 5)));
        store.saveRun(WS, queued(WS, "Q3", "report", at("2026-03-02T10:30:20Z"), Map.of()));
    }

    /** The median of etl's ten execution times as the rollups report it (nearest rank: 10 s). */
    private static Duration etlMedian() {
        DurationHistogram.Builder b = DurationHistogram.builder();
        for (double s : new double[] {0.5, 3, 7, 20, 45, 90, 10, 10, 10, 10}) {
            b.recordMicros((long) (s * 1_000_000));
        }
        return Duration.ofNanos(b.build().valueAtPercentileMicros(50) * 1000);
    }

    @Test
    void thePeriodEndsWithTheBucketHoldingNow() {
        LiveOverview m = overview.of(WS, Timeframe.LAST_HOUR);
        assertThat(m.timeframe()).isEqualTo(Timeframe.LAST_HOUR);
        assertThat(m.workspaceId()).isEqualTo(WS);
        assertThat(m.generatedAt()).isEqualTo(NOW);
        assertThat(m.periodStart()).isEqualTo(at("2026-03-02T09:31:00Z"));
        assertThat(m.periodEnd()).isEqualTo(at("2026-03-02T10:31:00Z"));
        assertThat(m.patterns().timeline()).hasSize(60);
    }

    @Test
    void realtimeShowsRunningAndQueuedRunsWithEstimatesFromHistory() {
        handMadeWorkspace();
        Duration median = etlMedian();
        assertThat(median.toMillis()).isBetween(10_000L, 10_010L);

        Realtime r = overview.of(WS, Timeframe.LAST_HOUR).realtime();

        assertThat(r.currentlyRunning()).isEqualTo(2);
        assertThat(r.queueDepth()).isEqualTo(3);
        assertThat(r.avgQueueWaitTime()).isCloseTo(20.0, within(1e-9)); // (30 + 20 + 10) / 3
        assertThat(r.executionsInProgress()).hasSize(2);
        RunInProgress l1 = r.executionsInProgress().get(0);
        assertThat(l1.runId()).isEqualTo("L1");
        assertThat(l1.agentId()).isEqualTo("etl");
        assertThat(l1.agentName()).isEqualTo("etl name");
        assertThat(l1.userId()).isEqualTo("u1");
        assertThat(l1.startedAt()).isEqualTo(at("2026-03-02T10:29:10Z"));
        assertThat(l1.elapsedTime()).isEqualTo(80.0);
        assertThat(l1.estimatedCompletion()).isEqualTo(at("2026-03-02T10:29:10Z").plus(median));
        RunInProgress l2 = r.executionsInProgress().get(1);
        assertThat(l2.elapsedTime()).isEqualTo(30.0);
        assertThat(l2.estimatedCompletion()).as("no history of 'report'").isNull();
        // worker 1 is free now (L1 is overdue), worker 2's L2 has no estimate: the queue runs on worker 1,
        // priority first, each holding it for a median (etl's, or all workflows' for 'report')
        assertThat(r.queuedExecutions()).extracting(QueuedRun::queueId)
                .containsExactly("Q2", "Q1", "Q3");
        assertThat(r.queuedExecutions()).extracting(QueuedRun::estimatedStartTime)
                .containsExactly(NOW, NOW.plus(median), NOW.plus(median).plus(median));
        assertThat(r.queuedExecutions().get(0).priority()).isEqualTo(5);
        assertThat(r.queuedExecutions().get(0).agentId()).isEqualTo("etl");
        assertThat(r.queuedExecutions().get(0).queuedAt()).isEqualTo(at("2026-03-02T10:30:10Z"));
        assertThat(r.systemLoad().cpu()).isEqualTo(42.0);
        assertThat(r.systemLoad().memory()).isEqualTo(55.5);
        assertThat(r.systemLoad().workers()).isEqualTo(new Workers(2, 2, 0));
    }

    @Test
    void realtimeAloneMatchesTheViewsLiveSection() {
        handMadeWorkspace();
        assertThat(overview.realtime(WS)).isEqualTo(overview.of(WS, Timeframe.LAST_24_HOURS).realtime());
    }

    @Test
    void theLiveListsAreCutToTheListLimitWhileTheCountsStayTheTrueTotals() {
        handMadeWorkspace(); // two running (L1 the longest), three queued (Q2, Q1, Q3 in start order)
        LiveOverviewView capped = RunViews.builder(store).clock(clock).workerCapacity(2).resourceSampler(sampler)
                .liveListLimit(1).build().overview();
        Realtime full = overview.realtime(WS);
        Realtime r = capped.realtime(WS);
        assertThat(r.listLimit()).isEqualTo(1);
        assertThat(r.currentlyRunning()).isEqualTo(2);
        assertThat(r.queueDepth()).isEqualTo(3);
        assertThat(r.avgQueueWaitTime()).isEqualTo(full.avgQueueWaitTime());
        assertThat(r.executionsInProgress()).containsExactly(full.executionsInProgress().get(0));
        assertThat(r.queuedExecutions()).containsExactly(full.queuedExecutions().get(0));
        assertThat(r.systemLoad().workers()).isEqualTo(new Workers(2, 2, 0));
        assertThat(full.listLimit()).isEqualTo(RunViews.DEFAULT_LIVE_LIST_LIMIT);
        // 0 lists none: counts only
        Realtime counts = RunViews.builder(store).clock(clock).workerCapacity(2).resourceSampler(sampler)
                .liveListLimit(0).build().overview().realtime(WS);
        assertThat(counts.executionsInProgress()).isEmpty();
        assertThat(counts.queuedExecutions()).isEmpty();
        assertThat(counts.currentlyRunning()).isEqualTo(2);
        assertThat(counts.queueDepth()).isEqualTo(3);
    }

    @Test
    void beyondTheLiveLimitTheCountsAreStillExact() {
        for (int i = 0; i < 30; i++) {
            store.saveRun(WS, running(WS, String.format("R%02d", i), "etl", at("2026-03-02T10:00:00Z").plusSeconds(i),
                    at("2026-03-02T10:00:00Z").plusSeconds(i), Map.of()));
        }
        for (int i = 0; i < 20; i++) {
            store.saveRun(WS, queued(WS, String.format("Q%02d", i), "etl", at("2026-03-02T10:10:00Z").plusSeconds(i),
                    Map.of()));
        }
        // reads the 10 oldest live runs (all running), lists 3 of them, counts the rest apart, and fetches
        // the 3 oldest queued runs, since the read held none
        Realtime r = RunViews.builder(store).clock(clock).workerCapacity(2).resourceSampler(sampler).liveLimit(10)
                .liveListLimit(3).build().overview().realtime(WS);
        assertThat(r.currentlyRunning()).isEqualTo(30);
        assertThat(r.queueDepth()).isEqualTo(20);
        assertThat(r.executionsInProgress()).extracting(RunInProgress::runId).containsExactly("R00", "R01", "R02");
        assertThat(r.queuedExecutions()).extracting(QueuedRun::queueId).containsExactly("Q00", "Q01", "Q02");
        assertThat(r.avgQueueWaitTime()).isCloseTo(1229.0, within(1e-9)); // over the queued runs fetched
        assertThat(r.systemLoad().workers()).isEqualTo(new Workers(2, 2, 0));
    }

    @Test
    void aQueuedRunStartsNowWhenAWorkerIsIdle() {
        store.saveRun(WS, queued(WS, "Q", "etl", at("2026-03-02T10:30:00Z"), Map.of()));
        Realtime r = overview.realtime(WS);
        assertThat(r.queuedExecutions()).singleElement()
                .satisfies(q -> assertThat(q.estimatedStartTime()).isEqualTo(NOW));
        assertThat(r.systemLoad().workers()).isEqualTo(new Workers(2, 0, 2));
    }

    @Test
    void throughputIsPerElapsedMinuteWithATrendPerBucket() {
        handMadeWorkspace();

        Throughput t = overview.of(WS, Timeframe.LAST_HOUR).throughput();

        assertThat(t.executionsPerMinute()).isCloseTo(6 / (ELAPSED / 60), within(1e-9));
        assertThat(t.executionsPerHour()).isCloseTo(6 / (ELAPSED / 3600), within(1e-9));
        assertThat(t.executionsPerDay()).isCloseTo(6 / (ELAPSED / 86400), within(1e-9));
        assertThat(t.throughputTrend()).hasSize(60);
        assertThat(t.throughputTrend()).filteredOn(v -> v.value() > 0).containsExactly(
                new ThroughputPoint(at("2026-03-02T10:00:00Z"), 2, true),
                new ThroughputPoint(at("2026-03-02T10:10:00Z"), 2, true),
                new ThroughputPoint(at("2026-03-02T10:20:00Z"), 1, true),
                new ThroughputPoint(at("2026-03-02T10:21:00Z"), 1, true));
        assertThat(t.throughputTrend()).filteredOn(v -> !v.complete()).singleElement()
                .isEqualTo(new ThroughputPoint(at("2026-03-02T10:30:00Z"), 0, false));
        assertThat(t.peakThroughput()).isEqualTo(new TimedValue(at("2026-03-02T10:00:00Z"), 2));
        assertThat(t.maxCapacity()).isEqualTo(2);
        // 165.5 s of execution over 2 workers × 3570 s
        assertThat(t.capacityUtilization()).isCloseTo(165.5 / (2 * ELAPSED) * 100, rel(165.5 / (2 * ELAPSED) * 100));
    }

    /**
     * Six runs of 10 s a minute from 10:00, twelve in 10:29 (the last complete minute) and twenty in
     * 10:30, the minute holding now: the current rates read the last complete minutes, the period
     * average spreads 206 runs over the 59.5 elapsed minutes, and the peak leaves the partial minute out.
     */
    @Test
    void currentRatesAreTheLastCompleteMinutesApartFromThePeriodAverage() {
        for (Instant m = at("2026-03-02T10:00:00Z"); !m.isAfter(at("2026-03-02T10:30:00Z")); m = m.plusSeconds(60)) {
            int n = m.equals(at("2026-03-02T10:30:00Z")) ? 20 : m.equals(at("2026-03-02T10:29:00Z")) ? 12 : 6;
            for (int i = 0; i < n; i++) {
                store.saveRun(WS, RunFixtures.ended(WS, "etl", m.plusSeconds(i), Duration.ZERO, Duration.ofSeconds(10),
                        RunStatus.COMPLETED));
            }
        }

        Throughput t = overview.of(WS, Timeframe.LAST_HOUR).throughput();

        assertThat(t.recentWindowEnd()).isEqualTo(at("2026-03-02T10:30:00Z"));
        assertThat(t.executionsLastMinute()).isEqualTo(12);
        assertThat(t.executionsPerMinuteLast5Minutes()).isCloseTo((4 * 6 + 12) / 5.0, within(1e-9));
        // 12 runs × 10 s over 2 workers × 60 s; 36 × 10 s over 2 × 300 s
        assertThat(t.capacityUtilizationLastMinute()).isCloseTo(100.0, rel(100.0));
        assertThat(t.capacityUtilizationLast5Minutes()).isCloseTo(60.0, rel(60.0));
        assertThat(t.executionsPerMinute()).isCloseTo(206 / (ELAPSED / 60), within(1e-9));
        assertThat(t.executionsPerDay()).isCloseTo(t.executionsPerMinute() * 1440, within(1e-9));
        assertThat(t.capacityUtilization()).isCloseTo(2060 / (2 * ELAPSED) * 100, rel(2060 / (2 * ELAPSED) * 100));
        assertThat(t.peakThroughput()).isEqualTo(new TimedValue(at("2026-03-02T10:29:00Z"), 12));
        assertThat(t.throughputTrend().get(59)).isEqualTo(new ThroughputPoint(at("2026-03-02T10:30:00Z"), 20, false));
        assertThat(t.throughputTrend().subList(0, 59)).allSatisfy(p -> assertThat(p.complete()).isTrue());
    }

    @Test
    void withNothingEndedLatelyTheCurrentRatesAreZeroWhateverThePeriodAverage() {
        handMadeWorkspace(); // the last run ended at 10:21:30, more than five minutes before 10:30

        Throughput t = overview.of(WS, Timeframe.LAST_HOUR).throughput();

        assertThat(t.executionsPerMinute()).isPositive();
        assertThat(t.executionsLastMinute()).isZero();
        assertThat(t.executionsPerMinuteLast5Minutes()).isZero();
        assertThat(t.capacityUtilizationLastMinute()).isZero();
        assertThat(t.capacityUtilizationLast5Minutes()).isZero();
    }

    /** A conditional branch not taken: "thorough" ran once and was skipped five times. */
    @Test
    void aSkippedStepIsNeitherASuccessNorAFailureAndIsCountedApart() {
        store.saveStep(WS, step(WS, "r0", "thorough", 1, "thorough", 1, RunStatus.COMPLETED,
                at("2026-03-02T10:00:00Z"), Duration.ofSeconds(2), Map.of()));
        store.saveStep(WS, step(WS, "r1", "thorough", 1, "thorough", 1, RunStatus.FAILED,
                at("2026-03-02T10:01:00Z"), Duration.ofSeconds(2), Map.of()));
        for (int i = 0; i < 5; i++) {
            Instant skippedAt = at("2026-03-02T10:05:00Z").plusSeconds(i);
            store.saveStep(WS, RunFixtures.stepBuilder(WS, "s" + i, "thorough", 1, "thorough", skippedAt)
                    .status(RunStatus.SKIPPED).completedAt(skippedAt).updatedAt(skippedAt).build());
        }

        AgentPerformance a = overview.of(WS, Timeframe.LAST_HOUR).performance().byAgent().get(0);

        assertThat(a.agentId()).isEqualTo("thorough");
        assertThat(a.executions()).isEqualTo(2);
        assertThat(a.skipped()).isEqualTo(5);
        assertThat(a.failures()).isEqualTo(1);
        assertThat(a.successRate()).isEqualTo(50.0);
        assertThat(a.errorRate()).isEqualTo(50.0);
        assertThat(a.avgRuntime()).isCloseTo(2.0, rel(2.0));
    }

    /** 54 quiet minutes, then a workload of about 175 a minute for five: no spike, drop or burst. */
    @Test
    void aWorkloadStartingInsideThePeriodIsNoAnomaly() {
        for (Instant m = at("2026-03-02T10:25:00Z"); !m.isAfter(at("2026-03-02T10:30:00Z")); m = m.plusSeconds(60)) {
            int n = m.equals(at("2026-03-02T10:25:00Z")) ? 90 : m.equals(at("2026-03-02T10:30:00Z")) ? 80
                    : m.getEpochSecond() / 60 % 2 == 0 ? 170 : 182;
            for (int i = 0; i < n; i++) {
                store.saveRun(WS, RunFixtures.ended(WS, "etl", m.plusMillis(i * 100L), Duration.ZERO,
                        Duration.ofMillis(100), RunStatus.COMPLETED));
            }
        }

        LiveOverview m = overview.of(WS, Timeframe.LAST_HOUR);

        assertThat(m.patterns().anomalies()).isEmpty();
        assertThat(m.patterns().bursts()).isEmpty();
        assertThat(m.throughput().executionsLastMinute()).isBetween(170L, 182L);
        assertThat(m.throughput().executionsPerMinute()).isLessThan(20);
    }

    @Test
    void latencySplitsQueueExecutionAndEndToEndAndBucketsTheExecutionTimes() {
        handMadeWorkspace();

        Latency l = overview.of(WS, Timeframe.LAST_HOUR).latency();

        // queue waits 0, 0, 1, 1, 1, 2 s; nearest ranks 3, 5, 6, 6, 6 for p50, p75, p90, p95, p99
        assertLatency(l.queueLatency(), 5.0 / 6, 1, 1, 2, 2, 2);
        // execution times 0.5, 3, 7, 20, 45, 90 s
        assertLatency(l.executionLatency(), 165.5 / 6, 7, 45, 90, 90, 90);
        // end to end 1.5, 5, 8, 21, 45, 90 s
        assertLatency(l.endToEndLatency(), 170.5 / 6, 8, 45, 90, 90, 90);
        assertThat(l.latencyDistribution()).extracting(LatencyBucket::bucket)
                .containsExactly("0-1s", "1-5s", "5-10s", "10-30s", "30-60s", "60s+");
        assertThat(l.latencyDistribution()).allSatisfy(b -> {
            assertThat(b.count()).isEqualTo(1);
            assertThat(b.percentage()).isCloseTo(100.0 / 6, within(1e-9));
        });
    }

    private static void assertLatency(LatencySummary s, double avg, double p50, double p75, double p90, double p95,
            double p99) {
        assertThat(s.avg()).isCloseTo(avg, rel(avg));
        assertThat(s.median()).isEqualTo(s.p50());
        assertThat(s.p50()).isCloseTo(p50, rel(p50));
        assertThat(s.p75()).isCloseTo(p75, rel(p75));
        assertThat(s.p90()).isCloseTo(p90, rel(p90));
        assertThat(s.p95()).isCloseTo(p95, rel(p95));
        assertThat(s.p99()).isCloseTo(p99, rel(p99));
    }

    @Test
    void performanceCountsOutcomesByNodeByHourAndAgainstTheLastPeriod() {
        handMadeWorkspace();

        Performance p = overview.of(WS, Timeframe.LAST_HOUR).performance();

        assertThat(p.totalExecutions()).isEqualTo(6);
        assertThat(p.successfulExecutions()).isEqualTo(3);
        assertThat(p.failedExecutions()).isEqualTo(2);
        assertThat(p.cancelledExecutions()).isEqualTo(1);
        assertThat(p.successRate()).isCloseTo(50.0, within(1e-9));
        assertThat(p.failureRate()).isCloseTo(100.0 / 3, within(1e-9));
        assertThat(p.cancellationRate()).isCloseTo(100.0 / 6, within(1e-9));

        assertThat(p.byAgent()).extracting(AgentPerformance::agentId).containsExactly("fetch", "llm");
        AgentPerformance fetch = p.byAgent().get(0);
        assertThat(fetch.agentName()).isEqualTo("fetch");
        assertThat(fetch.executions()).isEqualTo(2);
        assertThat(fetch.successRate()).isEqualTo(100.0);
        assertThat(fetch.avgRuntime()).isCloseTo(0.6, rel(0.6));
        assertThat(fetch.errorRate()).isZero();
        AgentPerformance llm = p.byAgent().get(1);
        assertThat(llm.successRate()).isEqualTo(50.0);
        assertThat(llm.avgRuntime()).isCloseTo(2.65, rel(2.65));
        assertThat(llm.errorRate()).isEqualTo(50.0);

        assertThat(p.byHour()).hasSize(24);
        assertThat(p.byHour()).extracting(HourPerformance::hour).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 24).boxed().toList());
        HourPerformance ten = p.byHour().get(10);
        assertThat(ten.executions()).isEqualTo(6);
        assertThat(ten.successRate()).isEqualTo(50.0);
        assertThat(ten.avgLatency()).isCloseTo(165.5 / 6, rel(165.5 / 6));
        assertThat(p.byHour()).filteredOn(h -> h.hour() != 10).allSatisfy(h -> {
            assertThat(h.executions()).isZero();
            assertThat(h.avgLatency()).isNull();
        });

        // previous period: 4 runs of 10 s over 3600 s, 75% successful
        PeriodComparison vs = p.vsLastPeriod();
        double rateNow = 6 / ELAPSED;
        double ratePrevious = 4 / 3600.0;
        assertThat(vs.executionsChange()).isCloseTo((rateNow - ratePrevious) / ratePrevious * 100, within(1e-9));
        assertThat(vs.successRateChange()).isCloseTo(-25.0, within(1e-9));
        assertThat(vs.latencyChange()).isCloseTo((165.5 / 6 - 10) / 10 * 100, within(1.0));
    }

    @Test
    void patternsHaveATimelineHoursAndDailyAverages() {
        handMadeWorkspace();

        Patterns p = overview.of(WS, Timeframe.LAST_HOUR).patterns();

        assertThat(p.timeline()).filteredOn(t -> t.executions() > 0).extracting(TimelinePoint::timestamp)
                .containsExactly(at("2026-03-02T10:00:00Z"), at("2026-03-02T10:10:00Z"), at("2026-03-02T10:20:00Z"),
                        at("2026-03-02T10:21:00Z"));
        TimelinePoint ten = p.timeline().get(29);
        assertThat(ten.timestamp()).isEqualTo(at("2026-03-02T10:00:00Z"));
        assertThat(ten.executions()).isEqualTo(2);
        assertThat(ten.successRate()).isEqualTo(100.0);
        assertThat(ten.avgDuration()).isCloseTo(1.75, rel(1.75));
        TimelinePoint failing = p.timeline().get(39);
        assertThat(failing.successRate()).isZero();
        assertThat(failing.avgDuration()).isCloseTo(13.5, rel(13.5));
        assertThat(p.timeline().get(0).avgDuration()).isNull();
        // two executions in a bucket never reach the five an anomaly or burst needs
        assertThat(p.bursts()).isEmpty();
        assertThat(p.anomalies()).isEmpty();
        assertThat(p.patterns().peakHours()).containsExactly(10);
        assertThat(p.patterns().quietHours()).containsExactly(9);
        assertThat(p.patterns().averageDaily()).isCloseTo(6 / (ELAPSED / 86400), within(1e-9));
        assertThat(p.patterns().weekdayAverage()).isCloseTo(6 / (ELAPSED / 86400), within(1e-9));
        assertThat(p.patterns().weekendAverage()).as("a Monday hour covers no weekend").isNull();
    }

    @Test
    void hoursOfDayFollowTheConfiguredZone() {
        handMadeWorkspace();
        RunViews paris = RunViews.builder(store).clock(clock).workerCapacity(2).zone(ZoneId.of("Europe/Paris"))
                .build();

        LiveOverview m = paris.overview().of(WS, Timeframe.LAST_HOUR);

        assertThat(m.performance().byHour().get(11).executions()).isEqualTo(6); // 10:xxZ is 11:xx in Paris in March
        assertThat(m.patterns().patterns().peakHours()).containsExactly(11);
        assertThat(m.patterns().patterns().quietHours()).containsExactly(10);
    }

    @Test
    void resourcesHaveTheSamplesOfThePeriodModelUsageAndDatabaseLoad() {
        handMadeWorkspace();
        clock.set(at("2026-03-02T09:00:00Z"));
        sampler.sample(); // before the period: left out
        clock.set(at("2026-03-02T10:25:00Z"));
        sampler.sample();
        clock.set(NOW);
        sampler.sample();

        Resources r = overview.of(WS, Timeframe.LAST_HOUR).resources();

        assertThat(r.compute().cpuUsage()).containsExactly(new TimedValue(at("2026-03-02T10:25:00Z"), 42.0),
                new TimedValue(NOW, 42.0));
        assertThat(r.compute().memoryUsage()).extracting(TimedValue::value).containsExactly(55.5, 55.5);
        assertThat(r.compute().gpuUsage()).isNull();
        assertThat(r.modelUsage()).containsOnlyKeys("gpt-x");
        ModelUsage gpt = r.modelUsage().get("gpt-x");
        assertThat(gpt.calls()).isEqualTo(2);
        assertThat(gpt.tokens()).isEqualTo(150);
        assertThat(gpt.cost()).isCloseTo(0.75, within(1e-12));
        assertThat(gpt.avgLatency()).isCloseTo(2.65, rel(2.65));
        assertThat(r.databaseLoad()).isEqualTo(new DatabaseLoad(3, 12.5, 0.004));
    }

    @Test
    void withoutScheduledSamplesTheViewTakesOneNowAndAnUnknownDatabaseLoad() {
        RunViews plain = RunViews.builder(store).clock(clock).workerCapacity(1).build();

        Resources r = plain.overview().of(WS, Timeframe.LAST_HOUR).resources();

        assertThat(r.compute().memoryUsage()).singleElement().satisfies(v -> {
            assertThat(v.timestamp()).isEqualTo(NOW);
            assertThat(v.value()).isBetween(0.0, 100.0);
        });
        assertThat(r.databaseLoad()).isEqualTo(DatabaseLoad.UNKNOWN);
        assertThat(r.modelUsage()).isEmpty();
    }

    @Test
    void aThrowingDatabaseLoadSupplierIsReportedAsUnknown() {
        RunViews failing = RunViews.builder(store).clock(clock).workerCapacity(1).databaseLoad(() -> {
            throw new IllegalStateException("pool closed");
        }).build();
        assertThat(failing.overview().of(WS, Timeframe.LAST_HOUR).resources().databaseLoad())
                .isEqualTo(DatabaseLoad.UNKNOWN);
    }

    @Test
    void anEmptyWorkspaceHasZeroCountsAndNullStatistics() {
        LiveOverview m = overview.of(WS, Timeframe.LAST_30_DAYS);

        assertThat(m.realtime().currentlyRunning()).isZero();
        assertThat(m.realtime().avgQueueWaitTime()).isZero();
        assertThat(m.throughput().executionsPerMinute()).isZero();
        assertThat(m.throughput().peakThroughput()).isNull();
        assertThat(m.throughput().throughputTrend()).hasSize(120);
        assertThat(m.latency().executionLatency().p99()).isNull();
        assertThat(m.latency().latencyDistribution()).allSatisfy(b -> assertThat(b.percentage()).isZero());
        assertThat(m.performance().successRate()).isZero();
        assertThat(m.performance().vsLastPeriod()).isEqualTo(new PeriodComparison(null, null, null));
        assertThat(m.patterns().patterns().peakHours()).isEmpty();
        assertThat(m.patterns().patterns().quietHours()).containsExactly(0, 1, 2);
        assertThat(m.patterns().anomalies()).isEmpty();
    }

    @Test
    void everyTimeframeHasItsNumberOfTimelineBuckets() {
        assertThat(overview.of(WS, Timeframe.LAST_24_HOURS).patterns().timeline()).hasSize(96);
        assertThat(overview.of(WS, Timeframe.LAST_7_DAYS).patterns().timeline()).hasSize(168);
        assertThat(overview.of(WS, Timeframe.LAST_30_DAYS).patterns().timeline()).hasSize(120);
    }

    /** Two runs a minute, except 20 at 10:15 of which 12 failed. */
    @Test
    void aBusyFailingMinuteIsASpikeABurstAndAFailureSurge() {
        for (Instant m = at("2026-03-02T09:31:00Z"); m.isBefore(at("2026-03-02T10:30:00Z")); m = m.plusSeconds(60)) {
            boolean hot = m.equals(at("2026-03-02T10:15:00Z"));
            for (int i = 0; i < (hot ? 20 : 2); i++) {
                store.saveRun(WS, RunFixtures.ended(WS, "etl", m.plusSeconds(i), Duration.ZERO, Duration.ofMillis(100),
                        hot && i < 12 ? RunStatus.FAILED : RunStatus.COMPLETED));
            }
        }

        Patterns p = overview.of(WS, Timeframe.LAST_HOUR).patterns();

        assertThat(p.anomalies()).extracting(Anomaly::type, Anomaly::severity,
                Anomaly::timestamp).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(AnomalyType.SPIKE, Level.HIGH, at("2026-03-02T10:15:00Z")),
                        org.assertj.core.groups.Tuple.tuple(AnomalyType.FAILURE_SURGE, Level.HIGH,
                                at("2026-03-02T10:15:00Z")));
        assertThat(p.bursts()).singleElement().isEqualTo(new Burst(at("2026-03-02T10:15:00Z"),
                at("2026-03-02T10:16:00Z"), 20, 20, Level.HIGH));
    }

    /** Ten runs a minute, none at 10:15; the minute in progress has one. */
    @Test
    void anEmptyMinuteInABusyHourIsADrop() {
        for (Instant m = at("2026-03-02T09:31:00Z"); m.isBefore(at("2026-03-02T10:31:00Z")); m = m.plusSeconds(60)) {
            int n = m.equals(at("2026-03-02T10:15:00Z")) ? 0 : m.equals(at("2026-03-02T10:30:00Z")) ? 1 : 10;
            for (int i = 0; i < n; i++) {
                store.saveRun(WS, RunFixtures.ended(WS, "etl", m.plusSeconds(i), Duration.ZERO, Duration.ofMillis(100),
                        RunStatus.COMPLETED));
            }
        }

        List<Anomaly> anomalies = overview.of(WS, Timeframe.LAST_HOUR).patterns()
                .anomalies();

        assertThat(anomalies).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AnomalyType.DROP);
            assertThat(a.timestamp()).isEqualTo(at("2026-03-02T10:15:00Z"));
            assertThat(a.severity()).isEqualTo(Level.HIGH);
        });
    }

    @Test
    void theLiveSectionUsesTheClockNotTheSystemTime() {
        handMadeWorkspace();
        clock.advance(Duration.ofSeconds(10));
        Realtime r = overview.realtime(WS);
        assertThat(r.executionsInProgress().get(0).elapsedTime()).isEqualTo(90.0);
        assertThat(r.avgQueueWaitTime()).isCloseTo(30.0, within(1e-9));
        assertThat(r.queuedExecutions().get(0).estimatedStartTime()).isEqualTo(NOW.plusSeconds(10));
        assertThat(NOW.truncatedTo(ChronoUnit.MINUTES)).isEqualTo(at("2026-03-02T10:30:00Z"));
    }

    /**
     * 7d ends at Monday 11:00Z, so it starts Monday 2026-02-23 11:00Z and 603,030 s have elapsed:
     * one whole weekend (172,800 s) and 430,230 s of weekdays.
     */
    @Test
    void dailyAveragesArePerCoveredWeekdayAndWeekendDay() {
        for (int i = 0; i < 7; i++) {
            ended("wed-" + i, "2026-02-25T12:00:00Z", 0, 1, RunStatus.COMPLETED);
        }
        ended("sat-1", "2026-02-28T12:00:00Z", 0, 1, RunStatus.COMPLETED);
        ended("sat-2", "2026-02-28T12:00:00Z", 0, 1, RunStatus.COMPLETED);
        ended("sun-1", "2026-03-01T12:00:00Z", 0, 1, RunStatus.COMPLETED);

        LiveOverview m = overview.of(WS, Timeframe.LAST_7_DAYS);

        assertThat(m.periodStart()).isEqualTo(at("2026-02-23T11:00:00Z"));
        PatternSummary p = m.patterns().patterns();
        assertThat(p.averageDaily()).isCloseTo(10 / (603_030 / 86_400.0), within(1e-9));
        assertThat(p.weekdayAverage()).isCloseTo(7 / (430_230 / 86_400.0), within(1e-9));
        assertThat(p.weekendAverage()).isCloseTo(1.5, within(1e-9));
        assertThat(p.peakHours()).containsExactly(12);
        assertThat(p.quietHours()).containsExactly(0, 1, 2);
        assertThat(m.performance().byHour().get(12).executions()).isEqualTo(10);
        assertThat(m.patterns().timeline()).filteredOn(t -> t.executions() > 0).extracting(TimelinePoint::timestamp)
                .containsExactly(at("2026-02-25T12:00:00Z"), at("2026-02-28T12:00:00Z"), at("2026-03-01T12:00:00Z"));
    }

    /** 30d buckets the timeline in 6 hours but hours of day in 1 hour: both from the same pass. */
    @Test
    void aThirtyDayViewBucketsTheTimelineInSixHoursAndStillCountsHoursOfDay() {
        ended("a", "2026-02-20T07:10:00Z", 0, 1, RunStatus.COMPLETED);
        ended("b", "2026-02-20T11:50:00Z", 0, 1, RunStatus.FAILED);

        LiveOverview m = overview.of(WS, Timeframe.LAST_30_DAYS);

        assertThat(m.patterns().timeline()).filteredOn(t -> t.executions() > 0).singleElement().satisfies(t -> {
            assertThat(t.timestamp()).isEqualTo(at("2026-02-20T06:00:00Z"));
            assertThat(t.executions()).isEqualTo(2);
            assertThat(t.successRate()).isEqualTo(50.0);
        });
        assertThat(m.performance().byHour().get(7).executions()).isEqualTo(1);
        assertThat(m.performance().byHour().get(11).executions()).isEqualTo(1);
        assertThat(m.performance().byHour().get(11).successRate()).isZero();
        assertThat(m.performance().totalExecutions()).isEqualTo(2);
    }

    /** India is UTC+5:30: 10:10Z is 15:40 there and 10:40Z is 16:10, though both are in the UTC hour 10:00. */
    @Test
    void aHalfHourZoneSplitsAUtcHourBetweenTwoLocalHours() {
        ended("a", "2026-03-02T10:10:00Z", 0, 1, RunStatus.COMPLETED);
        ended("b", "2026-03-02T10:40:00Z", 0, 1, RunStatus.COMPLETED);
        ended("c", "2026-03-02T09:40:00Z", 0, 1, RunStatus.COMPLETED);
        clock.set(at("2026-03-02T11:00:30Z"));
        RunViews india = RunViews.builder(store).clock(clock).workerCapacity(2).zone(ZoneId.of("Asia/Kolkata"))
                .build();

        LiveOverview m = india.overview().of(WS, Timeframe.LAST_7_DAYS);

        assertThat(m.performance().byHour().get(15).executions()).isEqualTo(2); // 09:40Z and 10:10Z
        assertThat(m.performance().byHour().get(16).executions()).isEqualTo(1); // 10:40Z
        assertThat(m.patterns().timeline()).filteredOn(t -> t.executions() > 0).extracting(TimelinePoint::timestamp,
                TimelinePoint::executions).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(at("2026-03-02T09:00:00Z"), 1L),
                        org.assertj.core.groups.Tuple.tuple(at("2026-03-02T10:00:00Z"), 2L));
    }

    @Test
    void estimatesAreReusedForAMinuteThenReadAgain() {
        store.saveRun(WS, running(WS, "L", "etl", at("2026-03-02T10:30:00Z"), at("2026-03-02T10:30:00Z"),
                Map.of()));
        ended("h1", "2026-03-02T10:00:00Z", 0, 10, RunStatus.COMPLETED);
        assertThat(overview.realtime(WS).executionsInProgress().get(0).estimatedCompletion())
                .isCloseTo(at("2026-03-02T10:30:10Z"), within(20, ChronoUnit.MILLIS));

        // history moves to 100 s runs: within the minute the old median stays, after it the new one counts
        for (int i = 0; i < 5; i++) {
            ended("h" + (i + 2), "2026-03-02T10:01:00Z", 0, 100, RunStatus.COMPLETED);
        }
        clock.advance(Duration.ofSeconds(59));
        assertThat(overview.realtime(WS).executionsInProgress().get(0).estimatedCompletion())
                .isCloseTo(at("2026-03-02T10:30:10Z"), within(20, ChronoUnit.MILLIS));
        clock.advance(Duration.ofSeconds(1));
        assertThat(overview.realtime(WS).executionsInProgress().get(0).estimatedCompletion())
                .isCloseTo(at("2026-03-02T10:31:40Z"), within(100, ChronoUnit.MILLIS));
    }
}
