package dev.runmetrics.core.node;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * How a created node retries: how many attempts, how long to wait before each retry (exponential
 * backoff with jitter), and which failures are worth retrying. Immutable and thread-safe.
 *
 * <p>The wait before retry {@code r} (1 for the first retry) is
 * {@code min(maxBackoff, initialBackoff * multiplier^(r-1))}, then multiplied by a random factor
 * drawn uniformly from {@code [1 - jitter, 1 + jitter]} and capped at {@code maxBackoff} again.
 * Jitter spreads the retries of many callers that failed together.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.builder()
 *         .maxAttempts(3)
 *         .initialBackoff(Duration.ofMillis(100))
 *         .retryOn(ErrorCategory.TIMEOUT, ErrorCategory.NETWORK)
 *         .build();
 * }</pre>
 */
public final class RetryPolicy {
    private static final RetryPolicy NONE = builder().maxAttempts(1).build();

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final double multiplier;
    private final double jitter;
    private final RetryCondition condition;
    private final String conditionDescription;

    private RetryPolicy(Builder builder) {
        this.maxAttempts = builder.maxAttempts;
        this.initialBackoff = builder.initialBackoff;
        this.maxBackoff = builder.maxBackoff;
        this.multiplier = builder.multiplier;
        this.jitter = builder.jitter;
        this.condition = builder.condition;
        this.conditionDescription = builder.conditionDescription;
    }

    /**
     * Returns the policy of a single attempt and no retry: the default of a created node.
     *
     * @return the no-retry policy
     */
    public static RetryPolicy none() {
        return NONE;
    }

    /**
     * Returns a builder; its defaults are 3 attempts, 100 ms initial backoff doubling up to 10 s, 20%
     * jitter, and retrying every category but {@link ErrorCategory#VALIDATION} (the same input
     * would fail the same way).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the maximum number of attempts, the first included; at least 1 */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * Returns whether a failure may be retried by this policy's condition (attempts aside). A
     * condition that throws counts as "do not retry".
     *
     * @param error the failure
     * @param category its category
     * @return {@code true} if it may be retried
     */
    public boolean shouldRetry(Throwable error, ErrorCategory category) {
        try {
            return condition.shouldRetry(error, category);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Returns the wait before a retry.
     *
     * @param retryNumber 1 for the first retry
     * @param random a number drawn uniformly from [0, 1), which places the jitter
     * @return the wait, between 0 and {@code maxBackoff}
     * @throws IllegalArgumentException if {@code retryNumber < 1} or {@code random} is outside [0, 1)
     */
    public Duration backoff(int retryNumber, double random) {
        if (retryNumber < 1) {
            throw new IllegalArgumentException("retryNumber must be at least 1, was " + retryNumber);
        }
        if (!(random >= 0.0 && random < 1.0)) {
            throw new IllegalArgumentException("random must be within [0, 1), was " + random);
        }
        double maxNanos = maxBackoff.toNanos();
        double base = Math.min(maxNanos, initialBackoff.toNanos() * Math.pow(multiplier, retryNumber - 1));
        double factor = 1.0 + jitter * (2.0 * random - 1.0);
        return Duration.ofNanos((long) Math.min(maxNanos, base * factor));
    }

    @Override
    public String toString() {
        if (maxAttempts == 1) {
            return "RetryPolicy.none()";
        }
        return "RetryPolicy{maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff
                + ", maxBackoff=" + maxBackoff + ", multiplier=" + multiplier + ", jitter=" + jitter
                + ", retryOn=" + conditionDescription + "}";
    }

    /** Builds a {@link RetryPolicy}. Each setter checks its argument at once. Not thread-safe. */
    public static final class Builder {
        private int maxAttempts = 3;
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private double multiplier = 2.0;
        private double jitter = 0.2;
        private RetryCondition condition = (error, category) -> category != ErrorCategory.VALIDATION;
        private String conditionDescription = "every category but VALIDATION";

        private Builder() {
        }

        /**
         * @param maxAttempts the maximum number of attempts, the first included; at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code maxAttempts < 1}
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * @param initialBackoff the wait before the first retry; zero or positive
         * @return this builder
         * @throws IllegalArgumentException if negative
         * @throws NullPointerException if null
         */
        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = nonNegative(initialBackoff, "initialBackoff");
            return this;
        }

        /**
         * @param maxBackoff the longest wait before any retry; zero or positive
         * @return this builder
         * @throws IllegalArgumentException if negative
         * @throws NullPointerException if null
         */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = nonNegative(maxBackoff, "maxBackoff");
            return this;
        }

        /**
         * @param multiplier how much the wait grows per retry; at least 1
         * @return this builder
         * @throws IllegalArgumentException if below 1, NaN or infinite
         */
        public Builder multiplier(double multiplier) {
            if (!(multiplier >= 1.0 && multiplier <= 1000.0)) {
                throw new IllegalArgumentException("multiplier must be within [1, 1000], was " + multiplier);
            }
            this.multiplier = multiplier;
            return this;
        }

        /**
         * @param jitter the share of each wait that is randomised, from 0 (none) to 1
         * @return this builder
         * @throws IllegalArgumentException if outside [0, 1]
         */
        public Builder jitter(double jitter) {
            if (!(jitter >= 0.0 && jitter <= 1.0)) {
                throw new IllegalArgumentException("jitter must be within [0, 1], was " + jitter);
            }
            this.jitter = jitter;
            return this;
        }

        /**
         * Retries only failures of the given categories.
         *
         * @param first a category to retry
         * @param more further categories to retry
         * @return this builder
         * @throws NullPointerException if any category is null
         */
        public Builder retryOn(ErrorCategory first, ErrorCategory... more) {
            Set<ErrorCategory> categories = EnumSet.of(Objects.requireNonNull(first, "first"), more);
            this.condition = (error, category) -> categories.contains(category);
            this.conditionDescription = categories.toString();
            return this;
        }

        /**
         * Retries the failures {@code condition} accepts.
         *
         * @param condition decides per failure
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder retryOn(RetryCondition condition) {
            this.condition = Objects.requireNonNull(condition, "condition");
            this.conditionDescription = condition.toString();
            return this;
        }

        /**
         * @return the policy
         * @throws IllegalStateException if {@code initialBackoff > maxBackoff}
         */
        public RetryPolicy build() {
            if (initialBackoff.compareTo(maxBackoff) > 0) {
                throw new IllegalStateException(
                        "initialBackoff " + initialBackoff + " is longer than maxBackoff " + maxBackoff);
            }
            return new RetryPolicy(this);
        }

        private static Duration nonNegative(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative, was " + value);
            }
            return value;
        }
    }
}
