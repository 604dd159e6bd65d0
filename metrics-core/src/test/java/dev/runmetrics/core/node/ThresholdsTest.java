package dev.runmetrics.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ThresholdsTest {
    private final List<String> events = new CopyOnWriteArrayList<>();

    private NodeMetricsCollector.Builder withBothThresholds() {
        return NodeMetricsCollector.builder()
                .windowSize(10)
                .failureRateThreshold(0.5, (node, rate) -> events.add("failureRate " + node + " " + rate))
                .failureRateMinExecutions(4)
                .latencyThreshold(100.0, (node, p99) -> events.add("latency " + node + " " + p99));
    }

    @Test
    void failureRateThresholdFiresOnceWhenCrossed() {
        NodeMetricsCollector collector = withBothThresholds().build();
        collector.recordSuccess("n", 1.0);
        collector.recordSuccess("n", 1.0);
        collector.recordFailure("n", 1.0, ErrorCategory.OTHER);
        collector.recordFailure("n", 1.0, ErrorCategory.OTHER); // 2 of 4 = 0.5: not above
        assertThat(events).isEmpty();

        collector.recordFailure("n", 1.0, ErrorCategory.OTHER); // 3 of 5 = 0.6
        collector.recordFailure("n", 1.0, ErrorCategory.OTHER); // still above: no storm
        collector.recordFailure("n", 1.0, ErrorCategory.OTHER);

        assertThat(events).containsExactly("failureRate n 0.6");
    }

    @Test
    void failureRateThresholdWaitsForTheMinimumExecutions() {
        NodeMetricsCollector collector = withBothThresholds().build();
        collector.recordFailure("n", 1.0, ErrorCategory.OTHER);
        collector.recordFailure("n", 1.0, ErrorCategory.OTHER);
        collector.recordFailure("n", 1.0, ErrorCategory.OTHER);
        assertThat(events).isEmpty(); // 100% failures, but only 3 executions

        collector.recordFailure("n", 1.0, ErrorCategory.OTHER);
        assertThat(events).containsExactly("failureRate n 1.0");
    }

    @Test
    void failureRateThresholdReArmsWhenTheRateFallsBack() {
        NodeMetricsCollector collector = withBothThresholds().build();
        for (int i = 0; i < 10; i++) {
            collector.recordFailure("n", 1.0, ErrorCategory.OTHER);
        }
        for (int i = 0; i < 10; i++) {
            collector.recordSuccess("n", 1.0); // the window recovers to 0%
        }
        for (int i = 0; i < 6; i++) {
            collector.recordFailure("n", 1.0, ErrorCategory.OTHER); // 6 of 10
        }

        assertThat(events).containsExactly("failureRate n 1.0", "failureRate n 0.6");
    }

    @Test
    void latencyThresholdFiresOnceWithTheP99AndReArms() {
        NodeMetricsCollector collector = withBothThresholds().build();
        collector.recordSuccess("n", 50.0);
        collector.recordSuccess("n", 150.0); // p99 of {50, 150} = 150 > 100
        collector.recordSuccess("n", 160.0);
        assertThat(events).containsExactly("latency n 150.0");

        for (int i = 0; i < 10; i++) {
            collector.recordSuccess("n", 10.0); // window back to all-fast
        }
        collector.recordSuccess("n", 500.0);
        assertThat(events).containsExactly("latency n 150.0", "latency n 500.0");
    }

    @Test
    void latencyAtTheThresholdDoesNotFire() {
        NodeMetricsCollector collector = withBothThresholds().build();
        for (int i = 0; i < 10; i++) {
            collector.recordSuccess("n", 100.0);
        }
        assertThat(events).isEmpty();
    }

    @Test
    void thresholdsAreTrackedPerNode() {
        NodeMetricsCollector collector = withBothThresholds().build();
        collector.recordSuccess("a", 500.0);
        collector.recordSuccess("b", 500.0);
        assertThat(events).containsExactlyInAnyOrder("latency a 500.0", "latency b 500.0");
    }

    @Test
    void aResetClearsTheAlarm() {
        NodeMetricsCollector collector = withBothThresholds().build();
        collector.recordSuccess("n", 500.0);
        collector.resetNodeMetrics("n");
        collector.recordSuccess("n", 600.0);
        assertThat(events).containsExactly("latency n 500.0", "latency n 600.0");
    }

    @Test
    void aListenerThatThrowsDoesNotBreakRecording() {
        NodeMetricsCollector collector = NodeMetricsCollector.builder()
                .latencyThreshold(1.0, (node, p99) -> {
                    throw new IllegalStateException("listener bug");
                })
                .build();

        collector.recordSuccess("n", 5.0);
        collector.recordSuccess("n", 1.0);
        for (int i = 0; i < 200; i++) {
            collector.recordSuccess("n", 0.5); // falls back, so the next slow sample fires again
        }
        collector.recordSuccess("n", 5.0);
        collector.recordSuccess("n", 5.0); // two slow samples in 100 put the p99 above again

        assertThat(collector.getNodeMetrics("n").totalExecutions()).isEqualTo(204);
        assertThat(collector.listenerFailures()).isEqualTo(2);
    }

    @Test
    void thresholdsCanBeCheckedEveryNthRecord() {
        NodeMetricsCollector collector = withBothThresholds().thresholdEvaluationInterval(5).build();
        for (int i = 1; i <= 4; i++) {
            collector.recordSuccess("n", 500.0);
        }
        assertThat(events).isEmpty();
        collector.recordSuccess("n", 500.0);
        assertThat(events).containsExactly("latency n 500.0");
    }

    @Test
    void withoutThresholdsNothingIsCalledAndNothingFails() {
        NodeMetricsCollector collector = NodeMetricsCollector.create();
        for (int i = 0; i < 1000; i++) {
            collector.recordFailure("n", 1.0e9, ErrorCategory.TIMEOUT);
        }
        assertThat(collector.listenerFailures()).isZero();
        assertThat(collector.getNodeMetrics("n").failureRate()).isEqualTo(1.0);
    }

    @Test
    void aFailureRateThresholdAloneNeverReportsLatency() {
        NodeMetricsCollector collector = NodeMetricsCollector.builder()
                .failureRateThreshold(0.0, (node, rate) -> events.add("failureRate " + rate))
                .failureRateMinExecutions(1)
                .build();
        collector.recordSuccess("n", 1.0e9);
        collector.recordFailure("n", 1.0e9, ErrorCategory.OTHER);
        assertThat(events).containsExactly("failureRate 0.5");
    }

    /** A node that fails its first two attempts of every call and succeeds on the third. */
    private static Node<String, String> flakyButWorking(NodeMetricsCollector collector) {
        AtomicInteger attempts = new AtomicInteger();
        return Nodes.createNode(retryingThreeTimes("flaky", collector), input -> {
            if (attempts.incrementAndGet() % 3 != 0) {
                throw new IOException("transient");
            }
            return "ok";
        });
    }

    private static Node<String, String> reallyFailing(NodeMetricsCollector collector) {
        return Nodes.createNode(retryingThreeTimes("down", collector), input -> {
            throw new IOException("down");
        });
    }

    private static NodeConfig retryingThreeTimes(String name, NodeMetricsCollector collector) {
        return NodeConfig.builder(name).metricsCollector(collector)
                .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ZERO).build())
                .sleeper(delay -> { })
                .build();
    }

    private NodeMetricsCollector withFailureRateThreshold(FailureRateBasis basis) {
        return NodeMetricsCollector.builder()
                .failureRateThreshold(0.5, (node, rate) -> events.add("failureRate " + node + " " + rate))
                .failureRateBasis(basis)
                .build();
    }

    private static void callManyTimes(Node<String, String> node) {
        for (int i = 0; i < 50; i++) {
            try {
                node.apply("x");
            } catch (Exception expected) {
                // the really failing node's calls fail; the threshold is what is under test
            }
        }
    }

    @Test
    void aFlakyNodeWhoseRetriesSucceedDoesNotTripAPerCallThreshold() {
        NodeMetricsCollector collector = withFailureRateThreshold(FailureRateBasis.PER_CALL);

        callManyTimes(flakyButWorking(collector));

        assertThat(events).isEmpty();
        assertThat(collector.getNodeMetrics("flaky").failureRate()).isEqualTo(100.0 / 150);
        assertThat(collector.getNodeMetrics("flaky").callFailureRate()).isZero();
    }

    @Test
    void aFlakyNodeWhoseRetriesSucceedTripsAPerAttemptThreshold() {
        NodeMetricsCollector collector = withFailureRateThreshold(FailureRateBasis.PER_ATTEMPT);

        callManyTimes(flakyButWorking(collector));

        // After 10 executions (the default minimum): F F S F F S F F S F, 7 of 10 failed.
        assertThat(events).containsExactly("failureRate flaky 0.7");
    }

    @Test
    void aReallyFailingNodeTripsBothBases() {
        for (FailureRateBasis basis : FailureRateBasis.values()) {
            events.clear();
            NodeMetricsCollector collector = withFailureRateThreshold(basis);

            callManyTimes(reallyFailing(collector));

            assertThat(events).as(basis.name()).containsExactly("failureRate down 1.0");
        }
    }

    @Test
    void thePerCallThresholdWaitsForTheMinimumCallsNotExecutions() {
        NodeMetricsCollector collector = withFailureRateThreshold(FailureRateBasis.PER_CALL);
        Node<String, String> down = reallyFailing(collector);

        for (int i = 0; i < 9; i++) {
            callOnce(down);
        }
        assertThat(events).isEmpty(); // 27 failed executions, but only 9 calls

        callOnce(down);
        assertThat(events).containsExactly("failureRate down 1.0");
    }

    @Test
    void thePerCallThresholdReArmsWhenTheCallsRecover() {
        NodeMetricsCollector collector = NodeMetricsCollector.builder()
                .windowSize(10)
                .failureRateThreshold(0.5, (node, rate) -> events.add("failureRate " + node + " " + rate))
                .failureRateMinExecutions(4)
                .build();
        for (int i = 0; i < 10; i++) {
            collector.recordCall("n", 3, false);
        }
        for (int i = 0; i < 10; i++) {
            collector.recordCall("n", 2, true); // the call window recovers to 0%
        }
        for (int i = 0; i < 6; i++) {
            collector.recordCall("n", 1, false); // 6 of 10
        }

        assertThat(events).containsExactly("failureRate n 1.0", "failureRate n 0.6");
    }

    @Test
    void aNodeRecordedByHandWithoutCallsIsWatchedPerExecutionUnderEitherBasis() {
        for (FailureRateBasis basis : FailureRateBasis.values()) {
            events.clear();
            NodeMetricsCollector collector = withFailureRateThreshold(basis);
            for (int i = 0; i < 10; i++) {
                collector.recordFailure("hand", 1.0, ErrorCategory.OTHER);
            }
            assertThat(events).as(basis.name()).containsExactly("failureRate hand 1.0");
        }
    }

    @Test
    void theBasisIsShownInTheConfiguration() {
        assertThat(withFailureRateThreshold(FailureRateBasis.PER_ATTEMPT).toString()).contains("PER_ATTEMPT");
        assertThat(NodeMetricsCollector.builder().failureRateThreshold(0.1, (n, r) -> { }).build().toString())
                .contains("PER_CALL");
    }

    private static void callOnce(Node<String, String> node) {
        try {
            node.apply("x");
        } catch (Exception expected) {
            // every call of this node fails
        }
    }
}
