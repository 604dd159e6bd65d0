package dev.runmetrics.core.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

class NodeMetricsCollectorTest {
    private final NodeMetricsCollector collector = NodeMetricsCollector.create();

    @Test
    void successIncrementsSuccessCountAndRecordsDuration() {
        collector.recordSuccess("fetch", 12.5);

        NodeMetrics fetch = collector.getNodeMetrics("fetch");
        assertThat(fetch.totalExecutions()).isEqualTo(1);
        assertThat(fetch.successCount()).isEqualTo(1);
        assertThat(fetch.failureCount()).isZero();
        assertThat(fetch.lastExecutionMs()).isEqualTo(12.5);
        assertThat(fetch.avgExecutionMs()).isEqualTo(12.5);
    }

    @Test
    void failureIncrementsFailureCountAndItsCategory() {
        collector.recordFailure("fetch", 30.0, ErrorCategory.TIMEOUT);
        collector.recordFailure("fetch", 1.0, ErrorCategory.VALIDATION);
        collector.recordFailure("fetch", 2.0, ErrorCategory.NETWORK);
        collector.recordFailure("fetch", 3.0, ErrorCategory.OTHER);
        collector.recordFailure("fetch", 4.0, ErrorCategory.OTHER);
        collector.recordSuccess("fetch", 10.0);

        NodeMetrics fetch = collector.getNodeMetrics("fetch");
        assertThat(fetch.totalExecutions()).isEqualTo(6);
        assertThat(fetch.failureCount()).isEqualTo(5);
        assertThat(fetch.successCount()).isEqualTo(1);
        assertThat(fetch.timeoutErrors()).isEqualTo(1);
        assertThat(fetch.validationErrors()).isEqualTo(1);
        assertThat(fetch.networkErrors()).isEqualTo(1);
        assertThat(fetch.otherErrors()).isEqualTo(2);
        assertThat(fetch.failureRate()).isCloseTo(5.0 / 6.0, within(1e-12));
        assertThat(fetch.avgExecutionMs()).isCloseTo(50.0 / 6.0, within(1e-12));
        assertThat(fetch.lastExecutionMs()).isEqualTo(10.0);
    }

    @Test
    void failureWithAnExceptionIsCategorisedByTheClassifier() {
        collector.recordFailure("fetch", 1.0, new SocketTimeoutException("read timed out"));
        collector.recordFailure("fetch", 1.0, new IOException("connection reset"));
        collector.recordFailure("fetch", 1.0, new IllegalArgumentException("bad id"));
        collector.recordFailure("fetch", 1.0, new IllegalStateException("boom"));

        NodeMetrics fetch = collector.getNodeMetrics("fetch");
        assertThat(fetch.timeoutErrors()).isEqualTo(1);
        assertThat(fetch.networkErrors()).isEqualTo(1);
        assertThat(fetch.validationErrors()).isEqualTo(1);
        assertThat(fetch.otherErrors()).isEqualTo(1);
    }

    @Test
    void aCustomClassifierDecidesTheCategory() {
        NodeMetricsCollector custom = NodeMetricsCollector.builder()
                .errorClassifier(error -> ErrorCategory.NETWORK)
                .build();
        custom.recordFailure("n", 1.0, new IllegalArgumentException());
        assertThat(custom.getNodeMetrics("n").networkErrors()).isEqualTo(1);
    }

    @Test
    void aClassifierThatThrowsOrReturnsNullCountsOther() {
        NodeMetricsCollector throwing = NodeMetricsCollector.builder()
                .errorClassifier(error -> {
                    throw new IllegalStateException("classifier bug");
                })
                .build();
        NodeMetricsCollector returningNull = NodeMetricsCollector.builder().errorClassifier(error -> null).build();

        throwing.recordFailure("n", 1.0, new IOException());
        returningNull.recordFailure("n", 1.0, new IOException());

        assertThat(throwing.getNodeMetrics("n").otherErrors()).isEqualTo(1);
        assertThat(returningNull.getNodeMetrics("n").otherErrors()).isEqualTo(1);
    }

    @Test
    void retryIncrementsRetryCountOnly() {
        collector.recordRetry("fetch", 2);
        collector.recordRetry("fetch", 3);

        NodeMetrics fetch = collector.getNodeMetrics("fetch");
        assertThat(fetch.retryCount()).isEqualTo(2);
        assertThat(fetch.totalExecutions()).isZero();
        assertThat(fetch.p50()).isNull();
    }

    @Test
    void retryAttemptNumberMustBePositive() {
        assertThatThrownBy(() -> collector.recordRetry("fetch", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attemptNumber");
    }

    @Test
    void unknownNodeGivesEmptyMetricsWithoutCreatingIt() {
        NodeMetrics unknown = collector.getNodeMetrics("never-recorded");

        assertThat(unknown).isEqualTo(NodeMetrics.empty());
        assertThat(unknown.totalExecutions()).isZero();
        assertThat(unknown.successCount()).isZero();
        assertThat(unknown.failureRate()).isZero();
        assertThat(unknown.p50()).isNull();
        assertThat(unknown.p90()).isNull();
        assertThat(unknown.p99()).isNull();
        assertThat(unknown.avgExecutionMs()).isNull();
        assertThat(unknown.lastExecutionMs()).isNull();
        assertThat(collector.getAllNodeMetrics()).isEmpty();
    }

    @Test
    void allNodeMetricsHoldsEveryNodeThatRecordedSortedByName() {
        collector.recordSuccess("b", 1.0);
        collector.recordFailure("a", 2.0, ErrorCategory.OTHER);
        collector.recordRetry("c", 2);
        collector.node("bound-but-idle");

        assertThat(collector.getAllNodeMetrics()).containsOnlyKeys("a", "b", "c");
        assertThat(collector.getAllNodeMetrics().keySet()).containsExactly("a", "b", "c");
        assertThat(collector.getAllNodeMetrics().get("a").failureCount()).isEqualTo(1);
    }

    @Test
    void resetOfOneNodeClearsOnlyThatNode() {
        collector.recordSuccess("a", 1.0);
        collector.recordSuccess("b", 1.0);

        collector.resetNodeMetrics("a");

        assertThat(collector.getNodeMetrics("a")).isEqualTo(NodeMetrics.empty());
        assertThat(collector.getNodeMetrics("b").totalExecutions()).isEqualTo(1);
        assertThat(collector.getAllNodeMetrics()).containsOnlyKeys("b");
    }

    @Test
    void resetOfAllNodesClearsEverything() {
        collector.recordSuccess("a", 1.0);
        collector.recordRetry("b", 2);

        collector.resetNodeMetrics();

        assertThat(collector.getAllNodeMetrics()).isEmpty();
        assertThat(collector.getNodeMetrics("a")).isEqualTo(NodeMetrics.empty());
    }

    @Test
    void resetOfUnknownNodeIsANoOp() {
        collector.resetNodeMetrics("never-recorded");
        assertThat(collector.getAllNodeMetrics()).isEmpty();
    }

    @Test
    void aHandleKeepsRecordingIntoItsNodeAfterAReset() {
        NodeMetricsHandle fetch = collector.node("fetch");
        fetch.recordSuccess(5.0);

        collector.resetNodeMetrics();
        fetch.recordSuccess(7.0);

        assertThat(collector.node("fetch")).isSameAs(fetch);
        assertThat(collector.getNodeMetrics("fetch").totalExecutions()).isEqualTo(1);
        assertThat(collector.getNodeMetrics("fetch").p50()).isEqualTo(7.0);
    }

    @Test
    void handleAndNameRecordIntoTheSameNode() {
        collector.node("fetch").recordSuccess(1.0);
        collector.recordSuccess("fetch", 2.0);
        collector.node("fetch").recordFailure(3.0, ErrorCategory.NETWORK);
        collector.node("fetch").recordFailure(4.0, new IOException());
        collector.node("fetch").recordRetry(2);

        NodeMetrics fetch = collector.node("fetch").metrics();
        assertThat(fetch.totalExecutions()).isEqualTo(4);
        assertThat(fetch.networkErrors()).isEqualTo(2);
        assertThat(fetch.retryCount()).isEqualTo(1);
        assertThat(fetch).isEqualTo(collector.getNodeMetrics("fetch"));
    }

    @Test
    void negativeDurationIsClampedToZeroWithAWarning() {
        try (LogCapture log = new LogCapture(NodeMetricsCollector.class)) {
            collector.recordSuccess("fetch", -5.0);

            assertThat(collector.getNodeMetrics("fetch").lastExecutionMs()).isEqualTo(0.0);
            assertThat(collector.getNodeMetrics("fetch").p50()).isEqualTo(0.0);
            assertThat(collector.clampedDurations()).isEqualTo(1);
            assertThat(log.records()).anySatisfy(record -> {
                assertThat(record.getLevel()).isEqualTo(Level.WARNING);
                assertThat(record.getMessage()).contains("out of range");
            });
        }
    }

    @Test
    void negativeZeroIsRecordedAsZeroAndNotAsAFailure() {
        collector.recordSuccess("fetch", -0.0);

        NodeMetrics fetch = collector.getNodeMetrics("fetch");
        assertThat(fetch.failureCount()).isZero();
        assertThat(Double.doubleToRawLongBits(fetch.p50())).isEqualTo(Double.doubleToRawLongBits(0.0));
    }

    @Test
    void nanAndInfiniteDurationsAreRejected() {
        assertThatThrownBy(() -> collector.recordSuccess("fetch", Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite");
        assertThatThrownBy(() -> collector.recordFailure("fetch", Double.POSITIVE_INFINITY, ErrorCategory.OTHER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite");
        assertThatThrownBy(() -> collector.node("fetch").recordSuccess(Double.NEGATIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fetch");
        assertThat(collector.getNodeMetrics("fetch").totalExecutions()).isZero();
    }

    @Test
    void nullAndEmptyNamesAreRejected() {
        assertThatThrownBy(() -> collector.recordSuccess(null, 1.0))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("nodeName");
        assertThatThrownBy(() -> collector.recordSuccess("", 1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> collector.getNodeMetrics(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> collector.recordFailure("n", 1.0, (ErrorCategory) null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("category");
        assertThatThrownBy(() -> collector.recordFailure("n", 1.0, (Throwable) null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("error");
    }

    @Test
    void veryLargeDurationsDoNotOverflow() {
        double huge = 9.0e12; // about 285 years
        for (int i = 0; i < 1000; i++) {
            collector.recordSuccess("slow", huge);
        }
        collector.recordSuccess("slow", Double.MAX_VALUE);

        NodeMetrics slow = collector.getNodeMetrics("slow");
        assertThat(slow.totalExecutions()).isEqualTo(1001);
        assertThat(slow.avgExecutionMs()).isFinite().isBetween(huge, NodeMetricsCollector.MAX_DURATION_MS);
        assertThat(slow.p99()).isEqualTo(huge);
        assertThat(slow.lastExecutionMs()).isEqualTo(NodeMetricsCollector.MAX_DURATION_MS);
        assertThat(collector.toJSON()).doesNotContain("Infinity").doesNotContain("NaN");
    }

    @Test
    void builderRejectsBadSettings() {
        assertThatThrownBy(() -> NodeMetricsCollector.builder().windowSize(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("windowSize");
        assertThatThrownBy(() -> NodeMetricsCollector.builder().windowSize(NodeMetricsCollector.MAX_WINDOW_SIZE + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeMetricsCollector.builder().failureRateThreshold(1.0, (n, r) -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 1)");
        assertThatThrownBy(() -> NodeMetricsCollector.builder().failureRateThreshold(Double.NaN, (n, r) -> { }))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeMetricsCollector.builder().failureRateThreshold(0.5, null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> NodeMetricsCollector.builder().latencyThreshold(-1, (n, p) -> { }))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeMetricsCollector.builder()
                .latencyThreshold(1, (n, p) -> { }).latencyThreshold(2, (n, p) -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already");
        assertThatThrownBy(() -> NodeMetricsCollector.builder().failureRateMinExecutions(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeMetricsCollector.builder().thresholdEvaluationInterval(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeMetricsCollector.builder().clock(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void toStringShowsTheConfiguration() {
        NodeMetricsCollector configured = NodeMetricsCollector.builder()
                .windowSize(50)
                .latencyThreshold(250, (n, p) -> { })
                .build();
        assertThat(configured.toString()).contains("windowSize=50").contains("p99>250.0ms");
        assertThat(configured.windowSize()).isEqualTo(50);
    }

    @Test
    void executionsRecordedWithoutCallsCountAsCallsOfOneAttempt() {
        collector.recordSuccess("fetch", 1.0);
        collector.recordFailure("fetch", 1.0, ErrorCategory.NETWORK);
        collector.recordRetry("fetch", 2);
        collector.recordSuccess("fetch", 1.0);

        NodeMetrics fetch = collector.getNodeMetrics("fetch");
        assertThat(fetch.callCount()).isEqualTo(3);
        assertThat(fetch.failedCallCount()).isEqualTo(1);
        assertThat(fetch.callFailureRate()).isEqualTo(fetch.failureRate());
        assertThat(fetch.callsWithAttempts(1)).isEqualTo(3);
    }

    @Test
    void recordedCallsReplaceExecutionsAsCallsFromTheFirstRecordedCallOn() {
        collector.recordSuccess("fetch", 1.0); // a call of one attempt: no call recorded yet
        collector.recordCall("fetch", 1, true); // the node now records calls; that execution stays a call

        collector.recordFailure("fetch", 1.0, ErrorCategory.NETWORK);
        collector.recordRetry("fetch", 2);
        collector.recordFailure("fetch", 1.0, ErrorCategory.NETWORK);
        collector.recordRetry("fetch", 3);
        collector.recordSuccess("fetch", 1.0);
        collector.recordCall("fetch", 3, true);

        NodeMetrics fetch = collector.getNodeMetrics("fetch");
        assertThat(fetch.totalExecutions()).isEqualTo(4);
        assertThat(fetch.failureRate()).isEqualTo(0.5);
        assertThat(fetch.callCount()).isEqualTo(3);
        assertThat(fetch.failedCallCount()).isZero();
        assertThat(fetch.callsByAttempts()).containsExactly(2L, 0L, 1L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L);
    }

    @Test
    void callsOfMoreThanTheTrackedAttemptsShareTheLastBucket() {
        NodeMetricsHandle fetch = collector.node("fetch");
        fetch.recordCall(NodeMetrics.TRACKED_ATTEMPTS, false);
        fetch.recordCall(NodeMetrics.TRACKED_ATTEMPTS + 1, false);
        fetch.recordCall(Integer.MAX_VALUE, true);

        NodeMetrics metrics = fetch.metrics();
        assertThat(metrics.callsWithAttempts(NodeMetrics.TRACKED_ATTEMPTS)).isEqualTo(1);
        assertThat(metrics.callsByAttempts().get(NodeMetrics.TRACKED_ATTEMPTS)).isEqualTo(2);
        assertThat(metrics.callsWithAttempts(500)).isEqualTo(2);
        assertThat(metrics.callFailureRate()).isEqualTo(2.0 / 3);
        assertThat(collector.getAllNodeMetrics()).containsKey("fetch"); // calls alone are activity
    }

    @Test
    void aCallTakesAtLeastOneAttempt() {
        assertThatThrownBy(() -> collector.recordCall("fetch", 0, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attempts");
        assertThatThrownBy(() -> collector.node("fetch").recordCall(-1, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attempts");
        assertThatThrownBy(() -> collector.getNodeMetrics("fetch").callsWithAttempts(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(collector.getNodeMetrics("fetch").callCount()).isZero();
    }

    @Test
    void resetClearsCallsAndCountsExecutionsAsCallsAgain() {
        collector.recordCall("fetch", 2, false);
        collector.resetNodeMetrics("fetch");
        collector.recordFailure("fetch", 1.0, ErrorCategory.OTHER);

        NodeMetrics fetch = collector.getNodeMetrics("fetch");
        assertThat(fetch.callCount()).isEqualTo(1);
        assertThat(fetch.callsWithAttempts(1)).isEqualTo(1);
        assertThat(fetch.failedCallCount()).isEqualTo(1);
    }

    @Test
    void aSnapshotRejectsCallCountsThatDoNotAddUp() {
        List<Long> one = List.of(1L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L);
        assertThatThrownBy(() -> new NodeMetrics(0, 0, 0, 0, null, null, 0.0, null, null, null, 0, 0, 0, 0,
                2, 0, 0.0, one)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sum");
        assertThatThrownBy(() -> new NodeMetrics(0, 0, 0, 0, null, null, 0.0, null, null, null, 0, 0, 0, 0,
                1, 2, 1.0, one)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("failedCallCount");
        assertThatThrownBy(() -> new NodeMetrics(0, 0, 0, 0, null, null, 0.0, null, null, null, 0, 0, 0, 0,
                1, 0, 0.0, List.of(1L))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entries");
    }
}
