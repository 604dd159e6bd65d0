package dev.runmetrics.core.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runmetrics.core.time.Clock;
import dev.runmetrics.core.time.ManualClock;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NodesTest {
    private final ManualClock clock = new ManualClock();
    private final NodeMetricsCollector collector = NodeMetricsCollector.builder().clock(clock).build();
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final Sleeper recordingSleeper = sleeps::add;

    @AfterEach
    void clearInterruptFlag() {
        Thread.interrupted();
    }

    @Test
    void aSuccessfulCallIsRecordedWithItsDurationFromTheClock() throws Exception {
        Node<Integer, Integer> doubler = Nodes.createNode(
                NodeConfig.builder("double").metricsCollector(collector).build(),
                input -> {
                    clock.advance(Duration.ofMillis(25));
                    return input * 2;
                });

        assertThat(doubler.apply(21)).isEqualTo(42);
        assertThat(doubler.name()).isEqualTo("double");

        NodeMetrics metrics = collector.getNodeMetrics("double");
        assertThat(metrics.successCount()).isEqualTo(1);
        assertThat(metrics.lastExecutionMs()).isEqualTo(25.0);
    }

    @Test
    void aNodeWithoutACollectorNeverReadsTheClock() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        Clock counting = new Clock() {
            @Override
            public long monotonicNanos() {
                reads.incrementAndGet();
                return clock.monotonicNanos();
            }

            @Override
            public java.time.Instant wallTime() {
                return clock.wallTime();
            }
        };
        Node<Integer, Integer> untimed = Nodes.createNode(NodeConfig.builder("untimed").clock(counting).build(),
                input -> input + 1);
        Node<Integer, Integer> timed = Nodes.createNode(
                NodeConfig.builder("timed").metricsCollector(collector).clock(counting).build(), input -> input + 1);

        assertThat(untimed.apply(1)).isEqualTo(2);
        assertThat(reads).hasValue(0);
        assertThat(timed.apply(1)).isEqualTo(2);
        assertThat(reads).hasValue(2); // start and end of the one attempt
    }

    @Test
    void aFailedCallIsRecordedWithItsCategoryAndRethrown() {
        Node<String, String> failing = Nodes.createNode(
                NodeConfig.builder("connect").metricsCollector(collector).build(),
                input -> {
                    clock.advance(Duration.ofMillis(3));
                    throw new ConnectException("refused");
                });

        assertThatThrownBy(() -> failing.apply("x")).isInstanceOf(ConnectException.class).hasMessage("refused");

        NodeMetrics metrics = collector.getNodeMetrics("connect");
        assertThat(metrics.failureCount()).isEqualTo(1);
        assertThat(metrics.networkErrors()).isEqualTo(1);
        assertThat(metrics.lastExecutionMs()).isEqualTo(3.0);
    }

    @Test
    void retriesRecordEveryAttemptAndEveryRetryAndWaitTheBackoff() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Node<String, String> flaky = Nodes.createNode(
                NodeConfig.builder("flaky")
                        .metricsCollector(collector)
                        .retryPolicy(RetryPolicy.builder().maxAttempts(4).initialBackoff(Duration.ofMillis(100))
                                .multiplier(2).jitter(0).build())
                        .sleeper(recordingSleeper)
                        .build(),
                input -> {
                    clock.advance(Duration.ofMillis(10));
                    if (calls.incrementAndGet() < 3) {
                        throw new IOException("transient");
                    }
                    return "ok";
                });

        assertThat(flaky.apply("x")).isEqualTo("ok");

        NodeMetrics metrics = collector.getNodeMetrics("flaky");
        assertThat(calls).hasValue(3);
        assertThat(metrics.totalExecutions()).isEqualTo(3);
        assertThat(metrics.failureCount()).isEqualTo(2);
        assertThat(metrics.successCount()).isEqualTo(1);
        assertThat(metrics.retryCount()).isEqualTo(2);
        assertThat(sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void aCallIsRecordedOnceAtItsEndWithTheAttemptsItTook() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        Node<String, String> flaky = Nodes.createNode(
                NodeConfig.builder("flaky").metricsCollector(collector)
                        .retryPolicy(RetryPolicy.builder().maxAttempts(4).initialBackoff(Duration.ZERO).build())
                        .sleeper(recordingSleeper).build(),
                input -> {
                    if (attempts.incrementAndGet() % 3 != 0) {
                        throw new IOException("transient");
                    }
                    return "ok";
                });

        assertThat(flaky.apply("x")).isEqualTo("ok");
        assertThat(flaky.apply("y")).isEqualTo("ok");

        NodeMetrics metrics = collector.getNodeMetrics("flaky");
        assertThat(metrics.totalExecutions()).isEqualTo(6);
        assertThat(metrics.failureRate()).isEqualTo(4.0 / 6); // per attempt
        assertThat(metrics.callCount()).isEqualTo(2);
        assertThat(metrics.failedCallCount()).isZero();
        assertThat(metrics.callFailureRate()).isZero(); // per call: both calls succeeded
        assertThat(metrics.callsWithAttempts(3)).isEqualTo(2);
        assertThat(metrics.callsByAttempts()).containsExactly(0L, 0L, 2L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L);
    }

    @Test
    void aCallThatRunsOutOfAttemptsIsOneFailedCallOfAllItsAttempts() {
        Node<String, String> down = Nodes.createNode(
                NodeConfig.builder("down").metricsCollector(collector)
                        .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ZERO).build())
                        .sleeper(recordingSleeper).build(),
                input -> {
                    throw new IOException("down");
                });

        assertThatThrownBy(() -> down.apply("x")).isInstanceOf(IOException.class);

        NodeMetrics metrics = collector.getNodeMetrics("down");
        assertThat(metrics.failureCount()).isEqualTo(3);
        assertThat(metrics.callCount()).isEqualTo(1);
        assertThat(metrics.failedCallCount()).isEqualTo(1);
        assertThat(metrics.callFailureRate()).isEqualTo(1.0);
        assertThat(metrics.callsWithAttempts(3)).isEqualTo(1);
    }

    @Test
    void aFailureThatIsNotRetriedEndsTheCallAfterOneAttempt() {
        Node<String, String> invalid = Nodes.createNode(
                NodeConfig.builder("invalid").metricsCollector(collector)
                        .retryPolicy(RetryPolicy.builder().maxAttempts(5).initialBackoff(Duration.ZERO).build())
                        .build(),
                input -> {
                    throw new IllegalArgumentException("bad input");
                });

        assertThatThrownBy(() -> invalid.apply("x")).isInstanceOf(IllegalArgumentException.class);

        NodeMetrics metrics = collector.getNodeMetrics("invalid");
        assertThat(metrics.callCount()).isEqualTo(1);
        assertThat(metrics.failedCallCount()).isEqualTo(1);
        assertThat(metrics.callsWithAttempts(1)).isEqualTo(1);
    }

    @Test
    void aCallInterruptedDuringItsBackoffEndsFailedAfterTheAttemptsThatRan() {
        Node<String, String> flaky = Nodes.createNode(
                NodeConfig.builder("backoff").metricsCollector(collector)
                        .retryPolicy(RetryPolicy.builder().maxAttempts(5).initialBackoff(Duration.ofSeconds(1)).build())
                        .sleeper(delay -> {
                            throw new InterruptedException("stop");
                        })
                        .build(),
                input -> {
                    throw new IOException("transient");
                });

        assertThatThrownBy(() -> flaky.apply("x")).isInstanceOf(IOException.class);

        NodeMetrics metrics = collector.getNodeMetrics("backoff");
        assertThat(metrics.totalExecutions()).isEqualTo(1);
        assertThat(metrics.retryCount()).isEqualTo(1); // announced, never started
        assertThat(metrics.callCount()).isEqualTo(1);
        assertThat(metrics.failedCallCount()).isEqualTo(1);
        assertThat(metrics.callsWithAttempts(1)).isEqualTo(1);
    }

    @Test
    void theLastFailureIsThrownWithTheEarlierOnesSuppressed() {
        AtomicInteger calls = new AtomicInteger();
        Node<String, String> alwaysFailing = Nodes.createNode(
                NodeConfig.builder("down")
                        .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ZERO).build())
                        .sleeper(recordingSleeper)
                        .build(),
                input -> {
                    throw new IOException("attempt " + calls.incrementAndGet());
                });

        assertThatThrownBy(() -> alwaysFailing.apply("x"))
                .isInstanceOf(IOException.class)
                .hasMessage("attempt 3")
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1)
                        .allSatisfy(s -> assertThat(s).hasMessage("attempt 2")));
        assertThat(calls).hasValue(3);
    }

    @Test
    void validationFailuresAreNotRetriedByDefault() {
        AtomicInteger calls = new AtomicInteger();
        Node<String, String> validating = Nodes.createNode(
                NodeConfig.builder("validate")
                        .metricsCollector(collector)
                        .retryPolicy(RetryPolicy.builder().maxAttempts(5).build())
                        .sleeper(recordingSleeper)
                        .build(),
                input -> {
                    calls.incrementAndGet();
                    throw new IllegalArgumentException("bad input");
                });

        assertThatThrownBy(() -> validating.apply("x")).isInstanceOf(IllegalArgumentException.class);

        assertThat(calls).hasValue(1);
        assertThat(collector.getNodeMetrics("validate").validationErrors()).isEqualTo(1);
        assertThat(collector.getNodeMetrics("validate").retryCount()).isZero();
        assertThat(sleeps).isEmpty();
    }

    @Test
    void retryOnlyTheCategoriesTheRetryPolicyNames() {
        AtomicInteger calls = new AtomicInteger();
        Node<String, String> node = Nodes.createNode(
                NodeConfig.builder("n")
                        .retryPolicy(RetryPolicy.builder().maxAttempts(5).retryOn(ErrorCategory.TIMEOUT).build())
                        .sleeper(recordingSleeper)
                        .build(),
                input -> {
                    calls.incrementAndGet();
                    throw new IOException("network");
                });

        assertThatThrownBy(() -> node.apply("x")).isInstanceOf(IOException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void aNodeWithoutACollectorBehavesTheSame() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Node<Integer, Integer> node = Nodes.createNode(
                NodeConfig.builder("plain")
                        .retryPolicy(RetryPolicy.builder().maxAttempts(2).initialBackoff(Duration.ZERO).build())
                        .sleeper(recordingSleeper)
                        .build(),
                input -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new IOException("once");
                    }
                    return input + 1;
                });

        assertThat(node.apply(1)).isEqualTo(2);
        assertThat(calls).hasValue(2);
        assertThat(collector.getAllNodeMetrics()).isEmpty();
    }

    @Test
    void anAttemptLongerThanTheTimeoutFailsAsTimeoutAndIsInterrupted() throws Exception {
        NodeMetricsCollector realTime = NodeMetricsCollector.create();
        CountDownLatch interrupted = new CountDownLatch(1);
        Node<String, String> slow = Nodes.createNode(
                NodeConfig.builder("slow").metricsCollector(realTime).timeout(Duration.ofMillis(50)).build(),
                input -> {
                    try {
                        Thread.sleep(10_000);
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                        throw e;
                    }
                    return "late";
                });

        assertThatThrownBy(() -> slow.apply("x"))
                .isInstanceOf(NodeTimeoutException.class)
                .hasMessageContaining("slow")
                .hasMessageContaining("50 ms");

        assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the attempt's thread was interrupted").isTrue();
        NodeMetrics metrics = realTime.getNodeMetrics("slow");
        assertThat(metrics.timeoutErrors()).isEqualTo(1);
        assertThat(metrics.lastExecutionMs()).isGreaterThanOrEqualTo(50.0);
    }

    @Test
    void aTimedAttemptThatFinishesInTimeReturnsItsOutputAndItsOwnException() throws Exception {
        Node<Integer, Integer> quick = Nodes.createNode(
                NodeConfig.builder("quick").timeout(Duration.ofSeconds(10)).build(), input -> input * 3);
        Node<Integer, Integer> throwing = Nodes.createNode(
                NodeConfig.builder("throwing").timeout(Duration.ofSeconds(10)).build(), input -> {
                    throw new IOException("own failure");
                });

        assertThat(quick.apply(3)).isEqualTo(9);
        assertThatThrownBy(() -> throwing.apply(1)).isInstanceOf(IOException.class).hasMessage("own failure");
    }

    @Test
    void anInterruptedCallerIsNotRetriedAndKeepsItsInterruptFlag() {
        AtomicInteger calls = new AtomicInteger();
        Node<String, String> node = Nodes.createNode(
                NodeConfig.builder("interrupted")
                        .metricsCollector(collector)
                        .retryPolicy(RetryPolicy.builder().maxAttempts(5).initialBackoff(Duration.ZERO).build())
                        .sleeper(recordingSleeper)
                        .build(),
                input -> {
                    calls.incrementAndGet();
                    throw new InterruptedException("stop");
                });

        assertThatThrownBy(() -> node.apply("x")).isInstanceOf(InterruptedException.class);

        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        assertThat(calls).hasValue(1);
        assertThat(collector.getNodeMetrics("interrupted").retryCount()).isZero();
    }

    @Test
    void aFailureWhileTheThreadIsInterruptedIsNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        Node<String, String> node = Nodes.createNode(
                NodeConfig.builder("n")
                        .retryPolicy(RetryPolicy.builder().maxAttempts(5).initialBackoff(Duration.ZERO).build())
                        .sleeper(recordingSleeper)
                        .build(),
                input -> {
                    calls.incrementAndGet();
                    Thread.currentThread().interrupt();
                    throw new IOException("failed while being interrupted");
                });

        assertThatThrownBy(() -> node.apply("x")).isInstanceOf(IOException.class);
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        assertThat(calls).hasValue(1);
    }

    @Test
    void anInterruptDuringBackoffStopsRetryingAndKeepsTheFlag() {
        AtomicInteger calls = new AtomicInteger();
        Node<String, String> node = Nodes.createNode(
                NodeConfig.builder("n")
                        .retryPolicy(RetryPolicy.builder().maxAttempts(5).build())
                        .sleeper(duration -> {
                            throw new InterruptedException("woken");
                        })
                        .build(),
                input -> {
                    calls.incrementAndGet();
                    throw new IOException("down");
                });

        assertThatThrownBy(() -> node.apply("x"))
                .isInstanceOf(IOException.class)
                .satisfies(e -> assertThat(e.getSuppressed()[0]).isInstanceOf(InterruptedException.class));
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        assertThat(calls).hasValue(1);
    }

    @Test
    void anErrorIsRecordedAndPropagatedWithoutRetry() {
        AtomicInteger calls = new AtomicInteger();
        Node<String, String> node = Nodes.createNode(
                NodeConfig.builder("assert")
                        .metricsCollector(collector)
                        .retryPolicy(RetryPolicy.builder().maxAttempts(5).initialBackoff(Duration.ZERO).build())
                        .sleeper(recordingSleeper)
                        .build(),
                input -> {
                    calls.incrementAndGet();
                    throw new AssertionError("bug");
                });

        assertThatThrownBy(() -> node.apply("x")).isInstanceOf(AssertionError.class);
        assertThat(calls).hasValue(1);
        assertThat(collector.getNodeMetrics("assert").otherErrors()).isEqualTo(1);
    }

    @Test
    void aNodeWithOwnClassifierUsesIt() {
        Node<String, String> node = Nodes.createNode(
                NodeConfig.builder("n").metricsCollector(collector)
                        .errorClassifier(error -> ErrorCategory.VALIDATION).build(),
                input -> {
                    throw new IOException("would be NETWORK by default");
                });

        assertThatThrownBy(() -> node.apply("x")).isInstanceOf(IOException.class);
        assertThat(collector.getNodeMetrics("n").validationErrors()).isEqualTo(1);
    }

    @Test
    void manyThreadsCallingOneNodeAreAllRecorded() throws Exception {
        NodeMetricsCollector shared = NodeMetricsCollector.create();
        Node<Integer, Integer> node = Nodes.createNode(
                NodeConfig.builder("parallel").metricsCollector(shared).build(), input -> {
                    if (input % 10 == 0) {
                        throw new IOException("every tenth");
                    }
                    return input;
                });

        ConcurrentRecordingTest.runTogether(4, thread -> {
            for (int i = 1; i <= 10_000; i++) {
                try {
                    node.apply(i);
                } catch (IOException expected) {
                    // counted below
                }
            }
        });

        NodeMetrics metrics = shared.getNodeMetrics("parallel");
        assertThat(metrics.totalExecutions()).isEqualTo(40_000);
        assertThat(metrics.failureCount()).isEqualTo(4_000);
        assertThat(metrics.networkErrors()).isEqualTo(4_000);
    }

    @Test
    void configRejectsBadSettings() {
        assertThatThrownBy(() -> NodeConfig.builder(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> NodeConfig.builder("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeConfig.builder("n").timeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
        assertThatThrownBy(() -> NodeConfig.builder("n").timeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Nodes.createNode(null, input -> input)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Nodes.createNode(NodeConfig.of("n"), null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void configDefaultsComeFromTheCollector() {
        NodeConfig config = NodeConfig.builder("n").metricsCollector(collector).build();
        assertThat(config.clock()).isSameAs(clock);
        assertThat(config.errorClassifier()).isSameAs(collector.errorClassifier());
        assertThat(config.retryPolicy()).isSameAs(RetryPolicy.none());
        assertThat(NodeConfig.of("n").clock()).isSameAs(Clock.system());
        assertThat(NodeConfig.of("n").metricsCollector()).isEmpty();
        assertThat(config.toString()).contains("name=n");
    }
}
