package dev.runmetrics.http.internal;

import dev.runmetrics.core.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-key token buckets (one per API token): {@code capacity} requests at once, refilled at
 * {@code perSecond}. Time comes from the injected clock's monotonic reading, so tests move time
 * by hand. Thread-safe: each bucket is updated under its own lock.
 */
public final class TokenBuckets {

    private final Clock clock;
    private final double capacity;
    private final double perSecond;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public TokenBuckets(Clock clock, int capacity, double perSecond) {
        this.clock = clock;
        this.capacity = capacity;
        this.perSecond = perSecond;
    }

    /**
     * Takes one token for {@code key}.
     *
     * @return 0 if allowed, else the whole seconds to wait before the next token (at least 1)
     */
    public long tryTake(String key) {
        Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(capacity, clock.monotonicNanos()));
        synchronized (b) {
            long now = clock.monotonicNanos();
            double elapsed = Math.max(0, now - b.lastNanos) / 1e9;
            b.tokens = Math.min(capacity, b.tokens + elapsed * perSecond);
            b.lastNanos = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - b.tokens) / perSecond));
        }
    }

    private static final class Bucket {
        double tokens;
        long lastNanos;

        Bucket(double tokens, long lastNanos) {
            this.tokens = tokens;
            this.lastNanos = lastNanos;
        }
    }
}
