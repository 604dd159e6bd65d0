package dev.runmetrics.core.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The striped window of {@link NodeState}: contention spreads threads over stripes without losing a
 * count, the window is the union of the stripes' windows, stale stripes are left out (counted in
 * records), and a node recorded by one thread again after contention gives exact percentiles.
 *
 * <p>The deterministic tests grow the table and pick the stripe with the test hooks
 * ({@link NodeState#growTo}, {@link NodeState#setProbeOfCurrentThread}) instead of relying on
 * real contention.
 */
class StripedWindowTest {

    @AfterEach
    void resetProbe() {
        NodeState.setProbeOfCurrentThread(0);
    }

    @Test
    void contentionCreatesStripesAndTotalsStayExact() throws Exception {
        int threads = 4;
        int records = 100_000;
        NodeState state = null;
        // Contention is what makes stripes; on a busy machine one round may not meet any, so retry.
        for (int round = 0; round < 20 && (state == null || state.stripeCount() == 1); round++) {
            state = new NodeState(100, 4);
            NodeState target = state;
            ConcurrentRecordingTest.runTogether(threads, thread -> {
                for (int i = 0; i < records; i++) {
                    if (i % 2 == 0) {
                        target.recordSuccess(1.0);
                    } else {
                        target.recordFailure(3.0, ErrorCategory.values()[i % 4]);
                    }
                }
            });
            NodeMetrics metrics = target.snapshot();
            long total = (long) threads * records;
            assertThat(metrics.totalExecutions()).isEqualTo(total);
            assertThat(metrics.successCount()).isEqualTo(total / 2);
            assertThat(metrics.failureCount()).isEqualTo(total / 2);
            // i % 4 over odd i is 1 or 3: VALIDATION and OTHER, a quarter of all records each.
            assertThat(metrics.validationErrors()).isEqualTo(total / 4);
            assertThat(metrics.otherErrors()).isEqualTo(total / 4);
            assertThat(metrics.timeoutErrors()).isZero();
            assertThat(metrics.avgExecutionMs()).isEqualTo(2.0);
        }
        assertThat(state.stripeCount()).isBetween(2, 4);
    }

    @Test
    void aThreadThatFindsAnotherThreadsMarkOnItsStripeMovesOn() throws Exception {
        NodeState state = new NodeState(100, 2);
        state.growTo(2);
        ExecutorService a = Executors.newSingleThreadExecutor();
        ExecutorService b = Executors.newSingleThreadExecutor();
        try {
            int before = a.submit(() -> {
                NodeState.setProbeOfCurrentThread(0);
                state.recordSuccess(1.0); // arrives on stripe 0 and marks it
                return NodeState.probeOfCurrentThread();
            }).get();
            b.submit(() -> {
                NodeState.setProbeOfCurrentThread(0);
                state.recordSuccess(2.0); // arrives on stripe 0 too: marks it, stays for now
            }).get();
            int after = a.submit(() -> {
                state.recordSuccess(3.0); // finds b's mark where it recorded last: shared, moves on
                return NodeState.probeOfCurrentThread();
            }).get();

            assertThat(after).isNotEqualTo(before);
            assertThat(state.snapshot().totalExecutions()).isEqualTo(3);
        } finally {
            a.shutdownNow();
            b.shutdownNow();
        }
    }

    @Test
    void theTableNeverGrowsBeyondItsMaximum() {
        NodeState state = new NodeState(100, 2);
        state.growTo(64);
        assertThat(state.stripeCount()).isEqualTo(2);
        // Rings of at most 2^22 slots per node: a window of 2^20 gets at most 4 stripes.
        NodeState huge = new NodeState(NodeMetricsCollector.MAX_WINDOW_SIZE, 64);
        huge.growTo(64);
        assertThat(huge.stripeCount()).isEqualTo(4);
    }

    @Test
    void aNodeStartsWithOneStripe() {
        NodeMetricsCollector collector = NodeMetricsCollector.create();
        NodeMetricsHandle handle = collector.node("n");
        for (int i = 0; i < 10_000; i++) {
            handle.recordSuccess(i);
        }
        assertThat(handle.state().stripeCount()).isEqualTo(1);
    }

    @Test
    void theWindowIsTheUnionOfTheStripesWindows() {
        NodeState state = new NodeState(10, 4);
        state.growTo(2);
        NodeState.setProbeOfCurrentThread(0);
        for (int value = 1; value <= 20; value++) {
            state.recordSuccess(value); // stripe 0 keeps 11..20
        }
        NodeState.setProbeOfCurrentThread(1);
        for (int value = 101; value <= 120; value++) {
            state.recordFailure(value, ErrorCategory.OTHER); // stripe 1 keeps 111..120
        }

        NodeMetrics metrics = state.snapshot();
        // 20 samples: ranks 10, 18 and 20 of {11..20, 111..120}.
        assertThat(metrics.p50()).isEqualTo(20.0);
        assertThat(metrics.p90()).isEqualTo(118.0);
        assertThat(metrics.p99()).isEqualTo(120.0);
        assertThat(metrics.totalExecutions()).isEqualTo(40);
        assertThat(metrics.failureCount()).isEqualTo(20);
        long[] window = new long[state.windowCapacity()];
        assertThat(state.copyWindow(window)).isEqualTo(20);
    }

    @Test
    void anUnusedStripeAddsNoSample() {
        NodeState state = new NodeState(100, 4);
        state.growTo(4);
        NodeState.setProbeOfCurrentThread(2);
        state.recordSuccess(10.0);
        state.recordSuccess(20.0);
        state.recordSuccess(30.0);

        NodeMetrics metrics = state.snapshot();
        assertThat(metrics.p50()).isEqualTo(20.0);
        assertThat(metrics.p90()).isEqualTo(30.0);
        assertThat(metrics.lastExecutionMs()).isEqualTo(30.0);
    }

    @Test
    void theMergedWindowHoldsOnlyRealSamplesWhileThreadsRecord() throws Exception {
        NodeState state = new NodeState(100, 8);
        state.growTo(8);
        AtomicBoolean writersDone = new AtomicBoolean();
        List<String> violations = new ArrayList<>();
        ExecutorService readerPool = Executors.newSingleThreadExecutor();
        Future<Integer> reader = readerPool.submit(() -> {
            int snapshots = 0;
            long[] window = new long[state.windowCapacity()];
            while (!writersDone.get() || snapshots < 100) {
                snapshots++;
                int n = state.copyWindow(window);
                for (int i = 0; i < n; i++) {
                    double value = NodeState.durationOf(window[i]);
                    // Thread t records only t + 1, successes for even t, failures for odd t.
                    if (value < 1 || value > 4 || value != Math.rint(value)
                            || NodeState.isFailure(window[i]) != (((int) value - 1) % 2 == 1)) {
                        synchronized (violations) {
                            violations.add("sample " + Long.toHexString(window[i]));
                        }
                    }
                }
                NodeMetrics metrics = state.snapshot();
                for (Double p : new Double[] {metrics.p50(), metrics.p90(), metrics.p99()}) {
                    if (p != null && (p < 1 || p > 4 || p != Math.rint(p))) {
                        synchronized (violations) {
                            violations.add("percentile " + p);
                        }
                    }
                }
            }
            return snapshots;
        });

        ConcurrentRecordingTest.runTogether(4, thread -> {
            NodeState.setProbeOfCurrentThread(thread); // each on its own stripe from the start
            for (int i = 0; i < 200_000; i++) {
                if (thread % 2 == 0) {
                    state.recordSuccess(thread + 1);
                } else {
                    state.recordFailure(thread + 1, ErrorCategory.NETWORK);
                }
            }
        });
        writersDone.set(true);

        assertThat(reader.get(60, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(100);
        readerPool.shutdownNow();
        assertThat(violations).isEmpty();
        assertThat(state.snapshot().totalExecutions()).isEqualTo(800_000);
        assertThat(state.snapshot().networkErrors()).isEqualTo(400_000);
    }

    @Test
    void aStripeIsKeptUntilMoreThanAWindowOfRecordsWentElsewhere() {
        NodeState state = new NodeState(100, 2);
        state.growTo(2);
        NodeState.setProbeOfCurrentThread(0);
        for (int i = 0; i < 100; i++) {
            state.recordSuccess(1000.0);
        }
        NodeState.setProbeOfCurrentThread(1);
        for (int i = 0; i < 100; i++) {
            state.recordSuccess(1.0);
        }

        // Every sample of stripe 0 is among the node's last 200: it stays in the window.
        assertThat(state.snapshot().p99()).isEqualTo(1000.0);
        assertThat(state.snapshot().p50()).isEqualTo(1.0);
    }

    @Test
    void anIdleStripeAgesOutAfterTheDocumentedNumberOfRecordsElsewhere() {
        // windowSize 100, 2 stripes: stale after (ceil(100 / 64) + 2 + 1) * 64 = 320 records elsewhere.
        NodeState state = new NodeState(100, 2);
        state.growTo(2);
        NodeState.setProbeOfCurrentThread(0);
        for (int i = 0; i < 100; i++) {
            state.recordSuccess(1000.0);
        }
        NodeState.setProbeOfCurrentThread(1);
        for (int i = 0; i < 319; i++) {
            state.recordSuccess(1.0);
        }
        assertThat(state.snapshot().p99()).as("after 319 records elsewhere").isEqualTo(1000.0);

        state.recordSuccess(1.0);
        NodeMetrics metrics = state.snapshot();
        assertThat(metrics.p99()).as("after 320 records elsewhere").isEqualTo(1.0);
        assertThat(metrics.lastExecutionMs()).isEqualTo(1.0);
        assertThat(metrics.totalExecutions()).isEqualTo(420); // counts still include the stale stripe
        assertThat(metrics.avgExecutionMs()).isEqualTo((100 * 1000.0 + 320) / 420);

        NodeState.setProbeOfCurrentThread(0);
        state.recordSuccess(2000.0); // its next record brings the stripe back
        // 200 samples again: 100 x 1.0, 99 x 1000.0 and 2000.0; rank 198 is a 1000.
        assertThat(state.snapshot().p99()).isEqualTo(1000.0);
        assertThat(state.snapshot().p50()).isEqualTo(1.0);
    }

    @Test
    void oneThreadAfterContentionGetsExactPercentilesOverItsLastWindow() {
        Random random = new Random(20261122);
        for (int windowSize : new int[] {1, 7, 100, 128, 1000}) {
            int stripes = 4;
            NodeState state = new NodeState(windowSize, stripes);
            state.growTo(stripes);
            long lifetime = 0;
            for (int stripe = 0; stripe < stripes; stripe++) {
                NodeState.setProbeOfCurrentThread(stripe);
                for (int i = 0; i < windowSize * 2; i++) {
                    state.recordFailure(5000.0 + random.nextInt(1000), ErrorCategory.TIMEOUT);
                    lifetime++;
                }
            }
            NodeState.setProbeOfCurrentThread(2);
            int guaranteed = ((windowSize + 63) / 64 + stripes + 1) * 64;
            List<Double> recent = new ArrayList<>();
            for (int i = 0; i < guaranteed; i++) {
                double value = Math.exp(random.nextGaussian() * 2) * 10;
                recent.add(value);
                state.recordSuccess(value);
                lifetime++;
            }
            double[] window = recent.subList(recent.size() - windowSize, recent.size()).stream()
                    .mapToDouble(Double::doubleValue).sorted().toArray();

            NodeMetrics metrics = state.snapshot();
            assertThat(metrics.p50()).as("p50, window %d", windowSize).isEqualTo(nearestRank(window, 50));
            assertThat(metrics.p90()).as("p90, window %d", windowSize).isEqualTo(nearestRank(window, 90));
            assertThat(metrics.p99()).as("p99, window %d", windowSize).isEqualTo(nearestRank(window, 99));
            assertThat(metrics.lastExecutionMs()).isEqualTo(recent.get(recent.size() - 1));
            assertThat(metrics.totalExecutions()).isEqualTo(lifetime);
            assertThat(metrics.timeoutErrors()).isEqualTo((long) stripes * windowSize * 2);
        }
    }

    @Test
    void theLastExecutionComesFromTheMostRecentlyActiveStripe() {
        NodeState state = new NodeState(100, 2);
        state.growTo(2);
        NodeState.setProbeOfCurrentThread(0);
        for (int i = 0; i < 100; i++) {
            state.recordSuccess(7.0);
        }
        NodeState.setProbeOfCurrentThread(1);
        for (int i = 0; i < 64; i++) { // the 64th record advances the epoch past stripe 0's stamp
            state.recordSuccess(3.0);
        }
        assertThat(state.snapshot().lastExecutionMs()).isEqualTo(3.0);
    }

    @Test
    void thresholdsSeeTheMergedWindow() {
        List<Double> alarms = new ArrayList<>();
        NodeMetricsCollector collector = NodeMetricsCollector.builder()
                .windowSize(10)
                .latencyThreshold(100.0, (node, p99) -> alarms.add(p99))
                .build();
        NodeMetricsHandle handle = collector.node("n");
        handle.state().growTo(2);
        assumeTrue(handle.state().stripeCount() == 2, "a single-processor machine never stripes");
        NodeState.setProbeOfCurrentThread(0);
        handle.recordSuccess(500.0);
        NodeState.setProbeOfCurrentThread(1);
        for (int i = 0; i < 10; i++) {
            handle.recordSuccess(1.0); // stripe 1 alone would be all-fast; the union keeps the 500
        }
        assertThat(alarms).containsExactly(500.0);
        assertThat(handle.state().alarms.latencyRaised.get()).as("still raised over the union").isTrue();
        assertThat(collector.getNodeMetrics("n").p99()).isEqualTo(500.0);
    }

    private static double nearestRank(double[] sorted, int percentile) {
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length - 1e-9);
        return sorted[Math.max(1, rank) - 1];
    }
}
