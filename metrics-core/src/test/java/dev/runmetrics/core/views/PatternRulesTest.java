package dev.runmetrics.core.views;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.views.overview.Anomaly;
import dev.runmetrics.core.views.overview.AnomalyType;
import dev.runmetrics.core.views.overview.Burst;
import dev.runmetrics.core.views.overview.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Each burst and anomaly rule, triggered and not triggered. The last bucket is the one in progress. */
class PatternRulesTest {
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    private static PatternRules.Buckets buckets(long[] executions, long[] failures) {
        List<Instant> starts = IntStream.range(0, executions.length).mapToObj(i -> T0.plusSeconds(60L * i)).toList();
        return new PatternRules.Buckets(starts, Duration.ofMinutes(1), executions, failures);
    }

    private static PatternRules.Buckets buckets(long... executions) {
        return buckets(executions, new long[executions.length]);
    }

    /** 40 buckets alternating 8 and 12 (μ 10, σ 2), then {@code tail}. */
    private static long[] noisy(long... tail) {
        return LongStream.concat(LongStream.range(0, 40).map(i -> i % 2 == 0 ? 8 : 12), LongStream.of(tail))
                .toArray();
    }

    private static List<Anomaly> of(List<Anomaly> anomalies, AnomalyType type) {
        return anomalies.stream().filter(a -> a.type() == type).toList();
    }

    @Test
    void aBucketAboveMeanPlusThreeSigmaIsASpike() {
        // μ = 440/41 = 10.73, σ = 5.03: 40 is 5.8σ above
        List<Anomaly> anomalies = PatternRules.anomalies(buckets(noisy(40, 0)));

        assertThat(of(anomalies, AnomalyType.SPIKE)).singleElement().satisfies(a -> {
            assertThat(a.timestamp()).isEqualTo(T0.plusSeconds(60 * 40));
            assertThat(a.severity()).isEqualTo(Level.HIGH);
            assertThat(a.description()).contains("40 executions", "5.8σ above", "10.7 per bucket");
        });
    }

    @Test
    void aBucketWithinThreeSigmaIsNoSpike() {
        // μ = 10.12, σ = 2.12: 15 is below μ + 3σ = 16.5
        assertThat(of(PatternRules.anomalies(buckets(noisy(15, 0))), AnomalyType.SPIKE)).isEmpty();
    }

    @Test
    void aBucketWithFewerThanFiveExecutionsIsNeverASpike() {
        long[] sparse = new long[60];
        sparse[30] = 4;
        assertThat(PatternRules.anomalies(buckets(sparse))).isEmpty();
        assertThat(PatternRules.bursts(buckets(sparse))).isEmpty();
    }

    @Test
    void aCompletedBucketBelowMeanMinusThreeSigmaIsADrop() {
        long[] counts = LongStream.concat(LongStream.range(0, 40).map(i -> i % 2 == 0 ? 18 : 22), LongStream.of(0, 0))
                .toArray();
        // μ = 800/41 = 19.51, σ = 3.67: 0 is 5.3σ below; the last bucket (in progress, also 0) is not judged
        List<Anomaly> drops = of(PatternRules.anomalies(buckets(counts)), AnomalyType.DROP);

        assertThat(drops).singleElement().satisfies(a -> {
            assertThat(a.timestamp()).isEqualTo(T0.plusSeconds(60 * 40));
            assertThat(a.severity()).isEqualTo(Level.HIGH);
            assertThat(a.description()).contains("0 executions", "below the period's mean of 19.5");
        });
    }

    @Test
    void noDropWhenTheMeanIsBelowFive() {
        long[] counts = LongStream.concat(LongStream.range(0, 40).map(i -> i % 2 == 0 ? 1 : 3), LongStream.of(0, 2))
                .toArray();
        assertThat(of(PatternRules.anomalies(buckets(counts)), AnomalyType.DROP)).isEmpty();
    }

    @Test
    void noDropWithinThreeSigma() {
        assertThat(of(PatternRules.anomalies(buckets(noisy(5, 0))), AnomalyType.DROP)).isEmpty();
    }

    @Test
    void aFailureRateAboveTwiceThePeriodsAndTwentyPercentIsAFailureSurge() {
        long[] executions = new long[22];
        long[] failures = new long[22];
        java.util.Arrays.fill(executions, 10);
        java.util.Arrays.fill(failures, 1);
        executions[21] = 0;
        failures[21] = 0;
        failures[10] = 5; // 50% against (20 + 5) / 210 = 11.9% over the period

        List<Anomaly> anomalies = PatternRules.anomalies(buckets(executions, failures));

        assertThat(anomalies).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AnomalyType.FAILURE_SURGE);
            assertThat(a.timestamp()).isEqualTo(T0.plusSeconds(600));
            assertThat(a.severity()).isEqualTo(Level.HIGH);
            assertThat(a.description()).contains("5 of 10 executions failed", "(50.0%)", "11.9% over the period");
        });
    }

    @Test
    void aFailureRateBelowTwentyPercentIsNoSurgeEvenAtSixTimesThePeriods() {
        long[] executions = new long[21];
        long[] failures = new long[21];
        java.util.Arrays.fill(executions, 50);
        java.util.Arrays.fill(failures, 1);
        failures[5] = 9; // 18%, period 2.8%
        assertThat(PatternRules.anomalies(buckets(executions, failures))).isEmpty();
    }

    @Test
    void aFailureRateBelowTwiceThePeriodsIsNoSurge() {
        long[] executions = new long[21];
        long[] failures = new long[21];
        java.util.Arrays.fill(executions, 10);
        java.util.Arrays.fill(failures, 3);
        failures[5] = 5; // 50%, period 31%: below 62%
        assertThat(PatternRules.anomalies(buckets(executions, failures))).isEmpty();
    }

    @Test
    void aBucketWithFewerThanFiveExecutionsIsNoSurge() {
        long[] executions = new long[21];
        long[] failures = new long[21];
        executions[3] = 4;
        failures[3] = 4;
        assertThat(of(PatternRules.anomalies(buckets(executions, failures)), AnomalyType.FAILURE_SURGE)).isEmpty();
    }

    @Test
    void consecutiveBusyBucketsFormOneBurst() {
        List<Long> counts = new ArrayList<>();
        LongStream.range(0, 30).forEach(i -> counts.add(i % 2 == 0 ? 8L : 12L));
        counts.addAll(List.of(30L, 35L, 28L));
        LongStream.range(0, 10).forEach(i -> counts.add(i % 2 == 0 ? 8L : 12L));
        counts.add(0L);
        // μ = 493/43 = 11.47, σ = 5.74: μ + 2σ = 22.9; the peak 35 is 4.1σ above
        List<Burst> bursts = PatternRules.bursts(buckets(counts.stream().mapToLong(Long::longValue).toArray()));

        assertThat(bursts).singleElement().satisfies(b -> {
            assertThat(b.startTime()).isEqualTo(T0.plusSeconds(60 * 30));
            assertThat(b.endTime()).isEqualTo(T0.plusSeconds(60 * 33));
            assertThat(b.peakExecutions()).isEqualTo(35);
            assertThat(b.totalExecutions()).isEqualTo(93);
            assertThat(b.impact()).isEqualTo(Level.HIGH);
        });
    }

    @Test
    void aBurstOnlyJustAboveTwoSigmaHasLowImpact() {
        // μ = 10.12, σ = 2.12 with one 15: above μ + 2σ = 14.4, 2.3σ from μ
        assertThat(PatternRules.bursts(buckets(noisy(15, 0)))).singleElement()
                .satisfies(b -> assertThat(b.impact()).isEqualTo(Level.LOW));
    }

    @Test
    void noBurstsOrAnomaliesWhenEveryBucketIsAlike() {
        long[] flat = new long[60];
        java.util.Arrays.fill(flat, 10);
        assertThat(PatternRules.bursts(buckets(flat))).isEmpty();
        assertThat(PatternRules.anomalies(buckets(flat))).isEmpty();
    }

    /** Steady load around 173 a bucket: 170 and 176 alternating (σ 3), {@code tail} after 40 of them. */
    private static long[] steady(long... tail) {
        return LongStream.concat(LongStream.range(0, 40).map(i -> i % 2 == 0 ? 170 : 176), LongStream.of(tail))
                .toArray();
    }

    @Test
    void steadyLoadNoiseIsNeitherABurstNorAnAnomaly() {
        // 189 against μ 173.4 and σ 3.9 is 4σ out, but only 9% above the mean: noise, not an event
        long[] counts = steady(189, 172, 175, 40);
        assertThat(PatternRules.anomalies(buckets(counts))).isEmpty();
        assertThat(PatternRules.bursts(buckets(counts))).isEmpty();
    }

    @Test
    void aRealSpikeOnSteadyLoadIsStillFlagged() {
        // 400 is more than twice μ and far beyond 3σ
        long[] counts = steady(400, 172, 40);
        assertThat(of(PatternRules.anomalies(buckets(counts)), AnomalyType.SPIKE)).singleElement().satisfies(a -> {
            assertThat(a.timestamp()).isEqualTo(T0.plusSeconds(60 * 40));
            assertThat(a.severity()).isEqualTo(Level.HIGH);
        });
        assertThat(PatternRules.bursts(buckets(counts))).singleElement()
                .satisfies(b -> assertThat(b.peakExecutions()).isEqualTo(400));
    }

    @Test
    void aDropMustHalveTheMeanNotOnlyLeaveThreeSigma() {
        // 150 is 6σ below μ 173 on steady load, yet 87% of it: no drop; 60 is one
        assertThat(of(PatternRules.anomalies(buckets(steady(150, 172, 40))), AnomalyType.DROP)).isEmpty();
        assertThat(of(PatternRules.anomalies(buckets(steady(60, 172, 40))), AnomalyType.DROP)).singleElement()
                .satisfies(a -> assertThat(a.timestamp()).isEqualTo(T0.plusSeconds(60 * 40)));
    }

    @Test
    void theFirstMinutesOfAWorkloadAreNoSpikeAgainstTheSilenceBeforeIt() {
        // a demo started 5 minutes ago in a 1h view: 54 empty minutes, a partial first one, then ~175
        long[] counts = new long[60];
        counts[54] = 90;
        for (int i = 55; i < 59; i++) {
            counts[i] = i % 2 == 0 ? 170 : 182;
        }
        counts[59] = 30;
        assertThat(PatternRules.anomalies(buckets(counts))).isEmpty();
        assertThat(PatternRules.bursts(buckets(counts))).isEmpty();
    }

    @Test
    void aWorkloadsPartialFirstBucketIsNotHistoryNorJudged() {
        // started 25 minutes ago: 34 empty minutes, a partial first one (40, would be a drop), then 24 at ~175
        long[] counts = new long[60];
        counts[34] = 40;
        for (int i = 35; i < 59; i++) {
            counts[i] = i % 2 == 0 ? 170 : 180;
        }
        counts[59] = 30;
        assertThat(PatternRules.anomalies(buckets(counts))).isEmpty();
        // a real spike after the start is judged against the 24 buckets since, not the silence before
        counts[50] = 400;
        assertThat(PatternRules.anomalies(buckets(counts))).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AnomalyType.SPIKE);
            assertThat(a.timestamp()).isEqualTo(T0.plusSeconds(60 * 50));
            assertThat(a.description()).contains("400 executions in this 1-minute bucket", "(24 buckets)");
        });
    }

    @Test
    void withFewerThanTenHistoryBucketsNothingIsASpikeOrBurst() {
        // nine complete buckets of about 10, then 40 in the bucket in progress: 15σ out, but nine
        // buckets are too few to judge by
        long[] nine = {8, 12, 8, 12, 8, 12, 8, 12, 8, 40};
        assertThat(PatternRules.anomalies(buckets(nine))).isEmpty();
        assertThat(PatternRules.bursts(buckets(nine))).isEmpty();
        long[] ten = {8, 12, 8, 12, 8, 12, 8, 12, 8, 12, 40};
        assertThat(of(PatternRules.anomalies(buckets(ten)), AnomalyType.SPIKE)).hasSize(1);
        assertThat(PatternRules.bursts(buckets(ten))).hasSize(1);
    }

    @Test
    void anAnomalysDescriptionNamesNoInstantSoThePageShowsOneTimeConvention() {
        List<Anomaly> anomalies = PatternRules.anomalies(buckets(noisy(40, 0)));
        assertThat(anomalies).isNotEmpty().allSatisfy(a -> assertThat(a.description()).doesNotContain("2026", "T10:"));
    }
}
