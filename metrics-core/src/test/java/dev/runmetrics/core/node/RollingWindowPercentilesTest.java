package dev.runmetrics.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Percentiles are nearest-rank over the last windowSize samples, successes and failures alike. */
class RollingWindowPercentilesTest {

    @Test
    void singleSampleIsEveryPercentile() {
        NodeMetricsCollector collector = NodeMetricsCollector.create();
        collector.recordSuccess("n", 42.0);

        NodeMetrics n = collector.getNodeMetrics("n");
        assertThat(n.p50()).isEqualTo(42.0);
        assertThat(n.p90()).isEqualTo(42.0);
        assertThat(n.p99()).isEqualTo(42.0);
    }

    @Test
    void nearestRankOverOneToOneHundred() {
        NodeMetricsCollector collector = NodeMetricsCollector.create();
        for (int value = 100; value >= 1; value--) { // order must not matter
            collector.recordSuccess("n", value);
        }

        NodeMetrics n = collector.getNodeMetrics("n");
        assertThat(n.p50()).isEqualTo(50.0);
        assertThat(n.p90()).isEqualTo(90.0);
        assertThat(n.p99()).isEqualTo(99.0);
    }

    @Test
    void nearestRankWithFewSamplesRoundsTheRankUp() {
        NodeMetricsCollector collector = NodeMetricsCollector.create();
        collector.recordSuccess("n", 10.0);
        collector.recordSuccess("n", 20.0);
        collector.recordSuccess("n", 30.0);

        NodeMetrics n = collector.getNodeMetrics("n");
        assertThat(n.p50()).isEqualTo(20.0); // rank ceil(1.5) = 2
        assertThat(n.p90()).isEqualTo(30.0); // rank ceil(2.7) = 3
        assertThat(n.p99()).isEqualTo(30.0);
    }

    @Test
    void percentilesForgetSamplesOlderThanTheWindow() {
        NodeMetricsCollector collector = NodeMetricsCollector.builder().windowSize(10).build();
        for (int i = 0; i < 10; i++) {
            collector.recordSuccess("n", 1000.0);
        }
        for (int value = 1; value <= 10; value++) {
            collector.recordSuccess("n", value);
        }

        NodeMetrics n = collector.getNodeMetrics("n");
        assertThat(n.p99()).isEqualTo(10.0);
        assertThat(n.p50()).isEqualTo(5.0);
        assertThat(n.totalExecutions()).isEqualTo(20); // counts are lifetime, not windowed
        assertThat(n.avgExecutionMs()).isEqualTo((10 * 1000.0 + 55.0) / 20);
    }

    @Test
    void failuresArePartOfTheWindow() {
        NodeMetricsCollector collector = NodeMetricsCollector.builder().windowSize(4).build();
        collector.recordSuccess("n", 1.0);
        collector.recordFailure("n", 100.0, ErrorCategory.TIMEOUT);

        assertThat(collector.getNodeMetrics("n").p99()).isEqualTo(100.0);
    }

    @Test
    void windowOfOneHoldsOnlyTheLastSample() {
        NodeMetricsCollector collector = NodeMetricsCollector.builder().windowSize(1).build();
        collector.recordSuccess("n", 5.0);
        collector.recordSuccess("n", 3.0);

        NodeMetrics n = collector.getNodeMetrics("n");
        assertThat(n.p50()).isEqualTo(3.0);
        assertThat(n.p99()).isEqualTo(3.0);
    }

    @Test
    void percentilesMatchASortedCopyOfTheLastWindowOnRandomData() {
        Random random = new Random(20261122);
        for (int windowSize : new int[] {1, 2, 7, 64, 100, 128, 1000}) {
            NodeMetricsCollector collector = NodeMetricsCollector.builder().windowSize(windowSize).build();
            List<Double> all = new ArrayList<>();
            int samples = windowSize * 3 + random.nextInt(windowSize + 1);
            for (int i = 0; i < samples; i++) {
                double value = Math.exp(random.nextGaussian() * 2) * 10;
                all.add(value);
                if (random.nextBoolean()) {
                    collector.recordSuccess("n", value);
                } else {
                    collector.recordFailure("n", value, ErrorCategory.OTHER);
                }
            }
            double[] window = all.subList(all.size() - windowSize, all.size()).stream()
                    .mapToDouble(Double::doubleValue).sorted().toArray();

            NodeMetrics n = collector.getNodeMetrics("n");
            assertThat(n.p50()).as("p50, window %d", windowSize).isEqualTo(nearestRank(window, 50));
            assertThat(n.p90()).as("p90, window %d", windowSize).isEqualTo(nearestRank(window, 90));
            assertThat(n.p99()).as("p99, window %d", windowSize).isEqualTo(nearestRank(window, 99));
        }
    }

    @Test
    void nearestRankIndexIsExactForWholePercentiles() {
        assertThat(Percentiles.nearestRankIndex(100, 99)).isEqualTo(98);
        assertThat(Percentiles.nearestRankIndex(100, 50)).isEqualTo(49);
        assertThat(Percentiles.nearestRankIndex(1, 99)).isZero();
        assertThat(Percentiles.nearestRankIndex(1000, 99.9)).isEqualTo(998);
        assertThat(Percentiles.nearestRankIndex(10, 0)).isZero();
        assertThat(Percentiles.nearestRankIndex(10, 100)).isEqualTo(9);
    }

    /** The textbook definition, written independently of the code under test. */
    private static double nearestRank(double[] sorted, int percentile) {
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length - 1e-9);
        return sorted[Math.max(1, rank) - 1];
    }

    @Test
    void textbookHelperAgreesWithAKnownExample() {
        double[] sorted = {15, 20, 35, 40, 50};
        assertThat(nearestRank(sorted, 30)).isEqualTo(20);
        assertThat(nearestRank(sorted, 40)).isEqualTo(20);
        assertThat(nearestRank(sorted, 50)).isEqualTo(35);
        assertThat(nearestRank(sorted, 100)).isEqualTo(50);
        assertThat(Arrays.stream(sorted).max().orElseThrow()).isEqualTo(50);
    }
}
