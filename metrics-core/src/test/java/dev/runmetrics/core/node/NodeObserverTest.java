package dev.runmetrics.core.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runmetrics.core.time.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

class NodeObserverTest {

    /**
     * Writes every call as text: "node success 12.5", "node failure 3.0 TIMEOUT", "node retry 2", and
     * if asked, the ends of the node's calls: "node call 2 succeeded".
     */
    private static final class Transcript implements NodeObserver {
        final List<String> calls = new CopyOnWriteArrayList<>();
        private final boolean endsOfCalls;

        Transcript() {
            this(false);
        }

        Transcript(boolean endsOfCalls) {
            this.endsOfCalls = endsOfCalls;
        }
        final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();

        @Override
        public Records forNode(String nodeName) {
            asked.computeIfAbsent(nodeName, n -> new AtomicInteger()).incrementAndGet();
            return new Records() {
                @Override
                public void onSuccess(double durationMs) {
                    calls.add(nodeName + " success " + durationMs);
                }

                @Override
                public void onFailure(double durationMs, ErrorCategory category) {
                    calls.add(nodeName + " failure " + durationMs + " " + category);
                }

                @Override
                public void onRetry(int attemptNumber) {
                    calls.add(nodeName + " retry " + attemptNumber);
                }

                @Override
                public void onCall(int attempts, boolean succeeded) {
                    if (endsOfCalls) {
                        calls.add(nodeName + " call " + attempts + (succeeded ? " succeeded" : " failed"));
                    }
                }
            };
        }
    }

    @Test
    void anObserverSeesTheCallsTheNodeCountsIncludingExecutionsCountedAsCalls() {
        NodeMetricsCollector collector = NodeMetricsCollector.create();
        Transcript transcript = new Transcript(true);
        collector.addObserver(transcript);

        collector.recordSuccess("hand", 1.0); // no call recorded on this node: a call of one attempt
        collector.recordFailure("called", 2.0, ErrorCategory.OTHER); // likewise, before its first call
        collector.recordCall("called", 4, false);
        collector.recordFailure("called", 2.0, ErrorCategory.OTHER); // an attempt only, from now on

        assertThat(transcript.calls).containsExactly("hand success 1.0", "hand call 1 succeeded",
                "called failure 2.0 OTHER", "called call 1 failed", "called call 4 failed", "called failure 2.0 OTHER");
        assertThat(collector.getNodeMetrics("called").callCount()).isEqualTo(2);
    }

    @Test
    void anObserverSeesEveryRecordWithTheValuesRecorded() {
        NodeMetricsCollector collector = NodeMetricsCollector.create();
        Transcript transcript = new Transcript();
        collector.addObserver(transcript);

        collector.recordSuccess("fetch", 12.5);
        collector.recordFailure("fetch", 30.0, ErrorCategory.TIMEOUT);
        collector.recordFailure("fetch", 4.0, new IOException("reset")); // classified: NETWORK
        collector.recordRetry("fetch", 2);
        collector.node("parse").recordSuccess(-3.0); // clamped to 0, as the collector records it

        assertThat(transcript.calls).containsExactly("fetch success 12.5", "fetch failure 30.0 TIMEOUT",
                "fetch failure 4.0 NETWORK", "fetch retry 2", "parse success 0.0");
        assertThat(collector.getNodeMetrics("fetch").totalExecutions()).isEqualTo(3);
    }

    @Test
    void anObserverAddedLaterIsAskedForTheNodesThatExistAndSeesRecordsThroughHandlesHeldBefore() {
        NodeMetricsCollector collector = NodeMetricsCollector.create();
        NodeMetricsHandle fetch = collector.node("fetch");
        fetch.recordSuccess(1.0); // before any observer: seen by none
        Transcript transcript = new Transcript();

        collector.addObserver(transcript);
        fetch.recordSuccess(2.0);
        collector.recordSuccess("later", 3.0);

        assertThat(transcript.asked).containsOnlyKeys("fetch", "later");
        assertThat(transcript.calls).containsExactly("fetch success 2.0", "later success 3.0");
    }

    @Test
    void eachObserverIsAskedOncePerNodeAndAllAreToldInTheOrderAdded() {
        NodeMetricsCollector collector = NodeMetricsCollector.create();
        List<String> order = new ArrayList<>();
        AtomicInteger askedFirst = new AtomicInteger();
        collector.addObserver(node -> {
            askedFirst.incrementAndGet();
            return recordsAppendingTo(order, "first");
        });
        collector.addObserver(node -> recordsAppendingTo(order, "second"));

        for (int i = 0; i < 3; i++) {
            collector.recordSuccess("n", 1.0);
        }

        assertThat(askedFirst).hasValue(1);
        assertThat(order).containsExactly("first", "second", "first", "second", "first", "second");
    }

    @Test
    void anObserverReturningNullLeavesThatNodeUnobserved() {
        NodeMetricsCollector collector = NodeMetricsCollector.create();
        Transcript transcript = new Transcript();
        collector.addObserver(node -> node.equals("quiet") ? null : transcript.forNode(node));

        collector.recordSuccess("quiet", 1.0);
        collector.recordSuccess("loud", 2.0);

        assertThat(transcript.calls).containsExactly("loud success 2.0");
        assertThat(collector.getNodeMetrics("quiet").successCount()).isEqualTo(1);
    }

    @Test
    void anObserverThatThrowsIsCountedAndLoggedAndRecordingGoesOn() {
        NodeMetricsCollector collector = NodeMetricsCollector.create();
        Transcript after = new Transcript();
        collector.addObserver(node -> {
            if (node.equals("unbindable")) {
                throw new IllegalStateException("no meters for you");
            }
            return new NodeObserver.Records() {
                @Override
                public void onSuccess(double durationMs) {
                    throw new IllegalStateException("registry closed");
                }

                @Override
                public void onFailure(double durationMs, ErrorCategory category) {
                    throw new IllegalStateException("registry closed");
                }

                @Override
                public void onRetry(int attemptNumber) {
                    throw new IllegalStateException("registry closed");
                }
            };
        });
        collector.addObserver(after);

        try (LogCapture log = new LogCapture(NodeMetricsCollector.class)) {
            collector.recordSuccess("n", 1.0);
            collector.recordFailure("n", 2.0, ErrorCategory.OTHER);
            collector.recordRetry("n", 2);
            collector.recordSuccess("unbindable", 3.0);

            assertThat(collector.observerFailures()).isEqualTo(4);
            assertThat(log.records()).hasSize(4).allSatisfy(r -> {
                assertThat(r.getLevel()).isEqualTo(Level.WARNING);
                assertThat(r.getMessage()).contains("NodeObserver threw");
            });
        }
        NodeMetrics n = collector.getNodeMetrics("n");
        assertThat(n.successCount()).isEqualTo(1);
        assertThat(n.failureCount()).isEqualTo(1);
        assertThat(n.retryCount()).isEqualTo(1);
        assertThat(collector.getNodeMetrics("unbindable").successCount()).isEqualTo(1);
        assertThat(after.calls).containsExactly("n success 1.0", "n failure 2.0 OTHER", "n retry 2",
                "unbindable success 3.0");
    }

    @Test
    void createdNodesReportEachAttemptEachRetryAndTheCallToTheObserver() throws Exception {
        ManualClock clock = new ManualClock();
        NodeMetricsCollector collector = NodeMetricsCollector.builder().clock(clock).build();
        Transcript transcript = new Transcript(true);
        collector.addObserver(transcript);
        AtomicInteger calls = new AtomicInteger();
        Node<String, String> flaky = Nodes.createNode(
                NodeConfig.builder("flaky").metricsCollector(collector)
                        .retryPolicy(RetryPolicy.builder().maxAttempts(3).jitter(0).build())
                        .sleeper(d -> { })
                        .build(),
                input -> {
                    clock.advance(Duration.ofMillis(10));
                    if (calls.incrementAndGet() < 2) {
                        throw new IOException("transient");
                    }
                    return "ok";
                });

        assertThat(flaky.apply("x")).isEqualTo("ok");

        assertThat(transcript.calls).containsExactly("flaky failure 10.0 NETWORK", "flaky retry 2",
                "flaky success 10.0", "flaky call 2 succeeded");
    }

    @Test
    void observersStayAcrossResets() {
        NodeMetricsCollector collector = NodeMetricsCollector.create();
        Transcript transcript = new Transcript();
        collector.addObserver(transcript);
        collector.recordSuccess("n", 1.0);

        collector.resetNodeMetrics();
        collector.recordSuccess("n", 2.0);

        assertThat(transcript.calls).containsExactly("n success 1.0", "n success 2.0");
        assertThat(transcript.asked.get("n")).hasValue(1);
    }

    @Test
    void aNullObserverIsRejected() {
        assertThatThrownBy(() -> NodeMetricsCollector.create().addObserver(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("observer");
    }

    @Test
    void everyNodeCreatedWhileAnObserverIsAddedIsBoundExactlyOnce() throws Exception {
        int nodesPerThread = 2_000;
        for (int round = 0; round < 20; round++) {
            NodeMetricsCollector collector = NodeMetricsCollector.create();
            Transcript transcript = new Transcript();
            ExecutorService pool = Executors.newFixedThreadPool(3);
            CountDownLatch start = new CountDownLatch(1);
            try {
                List<Future<?>> tasks = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    int thread = t;
                    tasks.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < nodesPerThread; i++) {
                            collector.node("t" + thread + "-" + i);
                        }
                        return null;
                    }));
                }
                tasks.add(pool.submit(() -> {
                    start.await();
                    collector.addObserver(transcript);
                    return null;
                }));
                start.countDown();
                for (Future<?> task : tasks) {
                    task.get(30, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }

            assertThat(transcript.asked).hasSize(2 * nodesPerThread);
            assertThat(transcript.asked.values()).allSatisfy(count -> assertThat(count).hasValue(1));
        }
    }

    private static NodeObserver.Records recordsAppendingTo(List<String> order, String name) {
        return new NodeObserver.Records() {
            @Override
            public void onSuccess(double durationMs) {
                order.add(name);
            }

            @Override
            public void onFailure(double durationMs, ErrorCategory category) {
                order.add(name);
            }

            @Override
            public void onRetry(int attemptNumber) {
                order.add(name);
            }
        };
    }
}
