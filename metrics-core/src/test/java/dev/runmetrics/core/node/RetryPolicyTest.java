package dev.runmetrics.core.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void backoffGrowsExponentiallyUpToTheMaximum() {
        RetryPolicy policy = RetryPolicy.builder().initialBackoff(Duration.ofMillis(100))
                .maxBackoff(Duration.ofMillis(500)).multiplier(2).jitter(0).build();

        assertThat(policy.backoff(1, 0.5)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.backoff(2, 0.5)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.backoff(3, 0.5)).isEqualTo(Duration.ofMillis(400));
        assertThat(policy.backoff(4, 0.5)).isEqualTo(Duration.ofMillis(500));
        assertThat(policy.backoff(1000, 0.5)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void jitterSpreadsTheWaitWithinItsShare() {
        RetryPolicy policy = RetryPolicy.builder().initialBackoff(Duration.ofMillis(100))
                .maxBackoff(Duration.ofSeconds(10)).jitter(0.2).build();

        assertThat(policy.backoff(1, 0.0)).isEqualTo(Duration.ofMillis(80));
        assertThat(policy.backoff(1, 0.5)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.backoff(1, 0.999999)).isBetween(Duration.ofMillis(119), Duration.ofMillis(120));
    }

    @Test
    void jitterNeverExceedsTheMaximum() {
        RetryPolicy policy = RetryPolicy.builder().initialBackoff(Duration.ofMillis(100))
                .maxBackoff(Duration.ofMillis(100)).jitter(1.0).build();
        assertThat(policy.backoff(1, 0.999)).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void defaultRetriesEverythingButValidation() {
        RetryPolicy policy = RetryPolicy.builder().build();
        assertThat(policy.maxAttempts()).isEqualTo(3);
        assertThat(policy.shouldRetry(new IOException(), ErrorCategory.NETWORK)).isTrue();
        assertThat(policy.shouldRetry(new RuntimeException(), ErrorCategory.OTHER)).isTrue();
        assertThat(policy.shouldRetry(new IllegalArgumentException(), ErrorCategory.VALIDATION)).isFalse();
    }

    @Test
    void aConditionThatThrowsMeansNoRetry() {
        RetryPolicy policy = RetryPolicy.builder().retryOn((error, category) -> {
            throw new IllegalStateException("bug");
        }).build();
        assertThat(policy.shouldRetry(new IOException(), ErrorCategory.NETWORK)).isFalse();
    }

    @Test
    void noneIsOneAttempt() {
        assertThat(RetryPolicy.none().maxAttempts()).isEqualTo(1);
        assertThat(RetryPolicy.none()).hasToString("RetryPolicy.none()");
    }

    @Test
    void builderRejectsBadSettings() {
        assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.builder().initialBackoff(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.builder().multiplier(0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.builder().jitter(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.builder().retryOn((ErrorCategory) null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> RetryPolicy.builder().initialBackoff(Duration.ofSeconds(20)).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("maxBackoff");
        assertThatThrownBy(() -> RetryPolicy.none().backoff(0, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.none().backoff(1, 1.0)).isInstanceOf(IllegalArgumentException.class);
    }
}
