package dev.runmetrics.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Many threads recording into the same node lose no update and never see a made-up sample. */
class ConcurrentRecordingTest {
    private static final int THREADS = 8;
    private static final int RECORDS_PER_THREAD = 50_000;

    @Test
    void manyThreadsLoseNoUpdate() throws Exception {
        NodeMetricsCollector collector = NodeMetricsCollector.create();
        NodeMetricsHandle handle = collector.node("shared");

        runTogether(THREADS, thread -> {
            for (int i = 0; i < RECORDS_PER_THREAD; i++) {
                switch (i % 4) {
                    case 0 -> collector.recordSuccess("shared", 1.0);
                    case 1 -> handle.recordSuccess(2.0);
                    case 2 -> handle.recordFailure(3.0, ErrorCategory.values()[thread % 4]);
                    default -> {
                        collector.recordFailure("shared", 4.0, ErrorCategory.NETWORK);
                        collector.recordRetry("shared", 2);
                    }
                }
            }
        });

        long total = (long) THREADS * RECORDS_PER_THREAD;
        NodeMetrics shared = collector.getNodeMetrics("shared");
        assertThat(shared.totalExecutions()).isEqualTo(total);
        assertThat(shared.successCount()).isEqualTo(total / 2);
        assertThat(shared.failureCount()).isEqualTo(total / 2);
        assertThat(shared.retryCount()).isEqualTo(total / 4);
        long perCategoryFromCase2 = total / 4 / 4;
        assertThat(shared.timeoutErrors()).isEqualTo(perCategoryFromCase2);
        assertThat(shared.validationErrors()).isEqualTo(perCategoryFromCase2);
        assertThat(shared.otherErrors()).isEqualTo(perCategoryFromCase2);
        assertThat(shared.networkErrors()).isEqualTo(perCategoryFromCase2 + total / 4);
        assertThat(shared.avgExecutionMs()).isEqualTo(2.5);
    }

    @Test
    void concurrentSnapshotsOnlyEverSeeRecordedSamples() throws Exception {
        NodeMetricsCollector collector = NodeMetricsCollector.create();
        NodeMetricsHandle handle = collector.node("shared");
        AtomicBoolean writersDone = new AtomicBoolean();
        List<String> violations = new ArrayList<>();
        ExecutorService readerPool = Executors.newSingleThreadExecutor();
        Future<Integer> reader = readerPool.submit(() -> {
            int snapshots = 0;
            while (!writersDone.get() || snapshots < 100) {
                NodeMetrics metrics = handle.metrics();
                snapshots++;
                for (Double p : new Double[] {metrics.p50(), metrics.p90(), metrics.p99()}) {
                    // Writers record only the values 1..8; anything else was invented by a race.
                    if (p != null && (p < 1 || p > 8 || p != Math.rint(p))) {
                        synchronized (violations) {
                            violations.add("percentile " + p);
                        }
                    }
                }
                if (metrics.successCount() < 0 || metrics.failureCount() > metrics.totalExecutions()) {
                    synchronized (violations) {
                        violations.add("counts " + metrics);
                    }
                }
            }
            return snapshots;
        });

        runTogether(THREADS, thread -> {
            for (int i = 0; i < RECORDS_PER_THREAD; i++) {
                handle.recordSuccess(thread + 1);
            }
        });
        writersDone.set(true);

        assertThat(reader.get(60, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(100);
        readerPool.shutdownNow();
        assertThat(violations).isEmpty();
        assertThat(handle.metrics().totalExecutions()).isEqualTo((long) THREADS * RECORDS_PER_THREAD);
    }

    @Test
    void manyThreadsCreatingTheSameNodeGetOneNode() throws Exception {
        NodeMetricsCollector collector = NodeMetricsCollector.create();
        runTogether(THREADS, thread -> {
            for (int i = 0; i < 1000; i++) {
                collector.recordSuccess("node-" + (i % 50), 1.0);
            }
        });

        assertThat(collector.getAllNodeMetrics()).hasSize(50);
        assertThat(collector.getAllNodeMetrics().values())
                .allSatisfy(m -> assertThat(m.totalExecutions()).isEqualTo(THREADS * 20L));
    }

    @Test
    void aCreatedNodeCalledFromManyThreadsCountsEveryCallAndAttemptExactly() throws Exception {
        NodeMetricsCollector collector = NodeMetricsCollector.create();
        // Each call's input says how many of its attempts fail; three attempts at most.
        Node<AtomicInteger, String> node = Nodes.createNode(
                NodeConfig.builder("shared").metricsCollector(collector)
                        .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ZERO).build())
                        .sleeper(delay -> { })
                        .build(),
                failuresLeft -> {
                    if (failuresLeft.getAndDecrement() > 0) {
                        throw new IOException("transient");
                    }
                    return "ok";
                });
        int callsPerThread = 20_000;

        runTogether(THREADS, thread -> {
            for (int i = 0; i < callsPerThread; i++) {
                try {
                    node.apply(new AtomicInteger(i % 4)); // 0, 1 or 2 failures, or 3: the call fails
                } catch (IOException expected) {
                    // the calls with three failures fail
                }
            }
        });

        long quarter = (long) THREADS * callsPerThread / 4;
        NodeMetrics shared = collector.getNodeMetrics("shared");
        assertThat(shared.callCount()).isEqualTo(4 * quarter);
        assertThat(shared.failedCallCount()).isEqualTo(quarter);
        assertThat(shared.callsByAttempts()).containsExactly(quarter, quarter, 2 * quarter, 0L, 0L, 0L, 0L, 0L, 0L,
                0L, 0L);
        assertThat(shared.totalExecutions()).isEqualTo(quarter * (1 + 2 + 3 + 3));
        assertThat(shared.failureCount()).isEqualTo(quarter * (0 + 1 + 2 + 3));
        assertThat(shared.retryCount()).isEqualTo(quarter * (0 + 1 + 2 + 2));
    }

    @Test
    void callsRecordedByHandFromManyThreadsLoseNoUpdate() throws Exception {
        NodeMetricsCollector collector = NodeMetricsCollector.create();
        NodeMetricsHandle handle = collector.node("shared");

        runTogether(THREADS, thread -> {
            for (int i = 0; i < RECORDS_PER_THREAD; i++) {
                handle.recordCall(1 + i % 12, i % 2 == 0); // 1..12 attempts: 11 and 12 share the last bucket
            }
        });

        long total = (long) THREADS * RECORDS_PER_THREAD;
        NodeMetrics shared = handle.metrics();
        assertThat(shared.callCount()).isEqualTo(total);
        assertThat(shared.failedCallCount()).isEqualTo(total / 2);
        long perAttempts = THREADS * (long) (RECORDS_PER_THREAD / 12);
        for (int attempts = 1; attempts <= 10; attempts++) {
            assertThat(shared.callsWithAttempts(attempts)).as("calls of %d attempts", attempts)
                    .isEqualTo(perAttempts + (RECORDS_PER_THREAD % 12 >= attempts ? THREADS : 0));
        }
        assertThat(shared.totalExecutions()).isZero();
    }

    interface ThreadBody {
        void run(int thread) throws Exception;
    }

    /** Starts all threads at once (so they really contend) and waits for every one of them. */
    static void runTogether(int threads, ThreadBody body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                ready.countDown();
                start.await();
                body.run(thread);
                return null;
            }));
        }
        ready.await();
        start.countDown();
        for (Future<?> future : futures) {
            future.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
    }
}
