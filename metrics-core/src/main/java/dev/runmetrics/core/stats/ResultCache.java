package dev.runmetrics.core.stats;

import dev.runmetrics.core.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Keeps computed view results for a short time, so a dashboard or an API client asking the same
 * long-range question many times a second is answered without merging the same rollups again
 * (seed 003: "implement caching for metrics endpoints"). A result may be up to {@code ttl} old.
 *
 * <p>Thread-safe and lock-free; two threads missing the same key at once may both compute it. The
 * map is bounded: when full, expired entries are dropped, and if that is not enough, all of them.
 */
final class ResultCache<K, V> {
    private record Entry<V>(V value, long expiresAtNanos) {
    }

    private final Clock clock;
    private final long ttlNanos;
    private final int maxEntries;
    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();

    ResultCache(Clock clock, long ttlNanos, int maxEntries) {
        this.clock = clock;
        this.ttlNanos = ttlNanos;
        this.maxEntries = maxEntries;
    }

    V get(K key, Supplier<V> compute) {
        if (ttlNanos <= 0) {
            return compute.get();
        }
        long now = clock.monotonicNanos();
        Entry<V> cached = entries.get(key);
        if (cached != null && now - cached.expiresAtNanos() < 0) {
            return cached.value();
        }
        V value = compute.get();
        if (entries.size() >= maxEntries) {
            entries.values().removeIf(entry -> now - entry.expiresAtNanos() >= 0);
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
        }
        entries.put(key, new Entry<>(value, now + ttlNanos));
        return value;
    }
}
