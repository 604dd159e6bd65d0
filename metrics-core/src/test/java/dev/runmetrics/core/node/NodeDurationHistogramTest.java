package dev.runmetrics.core.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class NodeDurationHistogramTest {

    @Test
    void aDurationFallsInTheFirstBucketWhoseBoundIsAtOrAboveIt() {
        DurationBuckets b = DurationBuckets.of(1, 10, 100);
        assertThat(b.indexOf(0)).isZero();
        assertThat(b.indexOf(1)).isZero();
        assertThat(b.indexOf(1.0001)).isEqualTo(1);
        assertThat(b.indexOf(10)).isEqualTo(1);
        assertThat(b.indexOf(100)).isEqualTo(2);
        assertThat(b.indexOf(100.5)).isEqualTo(3);
        assertThat(b.indexOf(NodeMetricsCollector.MAX_DURATION_MS)).isEqualTo(3);
        assertThat(b.size()).isEqualTo(4);
    }

    @Test
    void bucketBoundsMustBePositiveFiniteAndIncreasing() {
        assertThatThrownBy(DurationBuckets::of).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 64 bounds");
        assertThatThrownBy(() -> DurationBuckets.of(0)).hasMessageContaining("finite and positive");
        assertThatThrownBy(() -> DurationBuckets.of(Double.NaN)).hasMessageContaining("finite and positive");
        assertThatThrownBy(() -> DurationBuckets.of(1, Double.POSITIVE_INFINITY))
                .hasMessageContaining("finite and positive");
        assertThatThrownBy(() -> DurationBuckets.of(5, 5)).hasMessageContaining("increase strictly");
        assertThatThrownBy(() -> DurationBuckets.of(new double[65])).hasMessageContaining("1 to 64 bounds");
        assertThatThrownBy(() -> NodeMetricsCollector.builder().durationBuckets(null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void theHistogramCountsEveryExecutionCumulatively() {
        NodeMetricsCollector c = NodeMetricsCollector.builder().windowSize(2)
                .durationBuckets(DurationBuckets.of(10, 100)).build();
        c.recordSuccess("n", 5);
        c.recordSuccess("n", 10);
        c.recordFailure("n", 50, ErrorCategory.NETWORK);
        c.recordSuccess("n", 500);
        NodeDurationHistogram h = c.getDurationHistogram("n");
        assertThat(h.upperBoundsMs()).containsExactly(10.0, 100.0);
        // all four executions, although the window holds only the last two
        assertThat(h.cumulativeCounts()).containsExactly(2L, 3L, 4L);
        assertThat(h.count()).isEqualTo(4).isEqualTo(c.getNodeMetrics("n").totalExecutions());
        assertThat(h.sumMs()).isEqualTo(565.0);
    }

    @Test
    void aResetEmptiesTheHistogramAndAnUnknownNodeHasAnEmptyOne() {
        NodeMetricsCollector c = NodeMetricsCollector.create();
        NodeMetricsHandle handle = c.node("n");
        handle.recordSuccess(3);
        c.resetNodeMetrics("n");
        assertThat(handle.durationHistogram().count()).isZero();
        assertThat(handle.durationHistogram().cumulativeCounts()).hasSize(DurationBuckets.defaults().size())
                .allMatch(n -> n == 0);
        assertThat(c.getDurationHistogram("never").count()).isZero();
        assertThat(c.getDurationHistogram("never").upperBoundsMs()).isEqualTo(DurationBuckets.defaults()
                .upperBoundsMs());
    }

    @Test
    void concurrentRecordingLosesNoBucketCount() throws Exception {
        NodeMetricsCollector c = NodeMetricsCollector.builder().durationBuckets(DurationBuckets.of(1, 2)).build();
        NodeMetricsHandle handle = c.node("hot");
        int threads = 4;
        int perThread = 50_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    handle.recordSuccess(i % 3); // 0 and 1 -> first bucket, 2 -> second
                }
            });
            thread.start();
            started.add(thread);
        }
        go.countDown();
        for (Thread thread : started) {
            thread.join();
        }
        NodeDurationHistogram h = handle.durationHistogram();
        long twos = (long) threads * (perThread / 3);
        assertThat(h.count()).isEqualTo((long) threads * perThread);
        assertThat(h.cumulativeCounts()).containsExactly((long) threads * perThread - twos,
                (long) threads * perThread, (long) threads * perThread);
    }
}
