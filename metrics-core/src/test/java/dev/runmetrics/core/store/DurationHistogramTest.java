package dev.runmetrics.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DurationHistogramTest {

    @Test
    void anEmptyHistogramHasNoStatisticsRatherThanZeros() {
        DurationStatistics s = DurationHistogram.empty().statistics();
        assertThat(s.count()).isZero();
        assertThat(s.mean()).isNull();
        assertThat(s.p99()).isNull();
    }

    @Test
    void theMeanIsHdrHistogramsMeanToTheLastBit() {
        Random random = new Random(17);
        DurationHistogram.Builder b = DurationHistogram.builder();
        org.HdrHistogram.Histogram reference = new org.HdrHistogram.Histogram(DurationHistogram.SIGNIFICANT_DIGITS);
        reference.setAutoResize(true);
        for (int i = 0; i < 20_000; i++) {
            long v = (long) Math.exp(random.nextDouble() * 18);
            b.recordMicros(v);
            reference.recordValue(v);
        }
        assertThat(b.build().statistics().mean()).isEqualTo(reference.getMean() / 1000.0);
    }

    @Test
    void manyThreadsReadingOneHistogramAtOnceGetTheSameStatisticsAndEncoding() throws Exception {
        Random random = new Random(23);
        DurationHistogram.Builder b = DurationHistogram.builder();
        for (int i = 0; i < 50_000; i++) {
            b.recordMicros((long) Math.exp(random.nextDouble() * 18));
        }
        DurationHistogram base = b.build();
        DurationStatistics want = DurationHistogram.decode(base.encode()).statistics();
        byte[] wantBytes = DurationHistogram.builder().add(base).build().encode(); // a copy's range, as below
        int threads = 4;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            for (int trial = 0; trial < 200; trial++) {
                // A fresh histogram each trial, so no thread finds the statistics already computed.
                DurationHistogram shared = DurationHistogram.builder().add(base).build();
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
                List<java.util.concurrent.Future<Object[]>> answers = new java.util.ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    answers.add(pool.submit(() -> {
                        start.await();
                        return new Object[] {shared.statistics(), shared.encode()};
                    }));
                }
                for (java.util.concurrent.Future<Object[]> answer : answers) {
                    Object[] got = answer.get();
                    assertThat(got[0]).as("trial %d", trial).isEqualTo(want);
                    assertThat((byte[]) got[1]).as("trial %d", trial).isEqualTo(wantBytes);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theCompressedEncodingReadsBackToAnEqualHistogram() {
        DurationHistogram.Builder b = DurationHistogram.builder();
        Random random = new Random(11);
        for (int i = 0; i < 5_000; i++) {
            b.recordMicros((long) Math.exp(random.nextDouble() * 20));
        }
        DurationHistogram h = b.build();
        DurationHistogram back = DurationHistogram.decode(h.encode());
        assertThat(back).isEqualTo(h);
        assertThat(back.statistics()).isEqualTo(h.statistics());
    }

    @Test
    void percentilesStayWithinTheRelativeErrorOfTheSampleAtTheSameRank() {
        Random random = new Random(5);
        long[] samples = new long[10_000];
        DurationHistogram.Builder b = DurationHistogram.builder();
        for (int i = 0; i < samples.length; i++) {
            samples[i] = 1000 + random.nextInt(5_000_000);
            b.recordMicros(samples[i]);
        }
        Arrays.sort(samples);
        DurationHistogram h = b.build();
        for (double p : new double[] {50, 75, 90, 95, 99}) {
            long atRank = samples[(int) Math.ceil(p / 100 * samples.length) - 1];
            assertThat((double) h.valueAtPercentileMicros(p)).as("p%s", p)
                    .isBetween(atRank * (1 - DurationHistogram.RELATIVE_ERROR), atRank * (1 + DurationHistogram.RELATIVE_ERROR));
        }
    }

    @Test
    void aBuilderKeepsGrowingAfterBuildingAndBuiltHistogramsDoNotChange() {
        DurationHistogram.Builder b = DurationHistogram.builder().record(Duration.ofMillis(5));
        DurationHistogram first = b.build();
        b.record(Duration.ofDays(3));
        assertThat(first.count()).isEqualTo(1);
        assertThat(b.build().statistics().max()).isGreaterThan(3 * 86_400_000.0 * 0.999);
    }

    @Test
    void countBetweenSplitsSamplesIntoBuckets() {
        DurationHistogram h = DurationHistogram.builder().recordMicros(500_000).recordMicros(2_000_000)
                .recordMicros(7_000_000).recordMicros(90_000_000).build();
        assertThat(h.countBetweenMicros(0, 1_000_000)).isEqualTo(1);
        assertThat(h.countBetweenMicros(1_000_000, 5_000_000)).isEqualTo(1);
        assertThat(h.countBetweenMicros(60_000_000, Long.MAX_VALUE)).isEqualTo(1);
        assertThatThrownBy(() -> h.countBetweenMicros(5, 1)).hasMessageContaining("bad range");
    }

    @Test
    void bytesThatAreNotAHistogramAreRejected() {
        assertThatThrownBy(() -> DurationHistogram.decode(new byte[] {1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a compressed HdrHistogram");
    }
}
