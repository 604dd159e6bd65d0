package dev.runmetrics.core.views;

import dev.runmetrics.core.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Keeps computed view results for a short time, so a dashboard or an API client asking the same
 * long-range question many times a second is answered without merging the same rollups again
 * (see {@link RunViews.Builder#resultCacheTtl}).
 *
 * <p>Each question is computed by one thread at a time, never by every caller at once: callers
 * that ask while the first answer is being computed wait for it; once an answer has expired, one
 * caller computes the next while the others keep getting the expired one (stale while
 * revalidating). So an answer may be up to {@code ttl} plus one computation old, and a burst of
 * requests at expiry costs one computation, not one per request.
 *
 * <p>Thread-safe. The map is bounded: when full, expired entries that nobody is refreshing are
 * dropped, and if that is not enough, all of them.
 */
final class ResultCache<K, V> {
    private static final class Entry<V> {
        /** Completes with the first answer; callers that arrive before it wait on it. */
        final CompletableFuture<V> first = new CompletableFuture<>();
        final AtomicBoolean refreshing = new AtomicBoolean();
        volatile V value;
        volatile long expiresAtNanos;
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
        Entry<V> entry = entries.get(key);
        if (entry == null) {
            Entry<V> fresh = new Entry<>();
            fresh.refreshing.set(true);
            entry = entries.putIfAbsent(key, fresh);
            if (entry == null) {
                makeRoom();
                return computeInto(key, fresh, compute);
            }
        }
        if (!entry.first.isDone()) {
            return await(entry.first);
        }
        if (clock.monotonicNanos() - entry.expiresAtNanos < 0 || !entry.refreshing.compareAndSet(false, true)) {
            return entry.value; // fresh, or expired while another caller computes the next answer
        }
        return computeInto(key, entry, compute);
    }

    private V computeInto(K key, Entry<V> entry, Supplier<V> compute) {
        V value;
        try {
            value = compute.get();
        } catch (RuntimeException | Error e) {
            entry.refreshing.set(false);
            if (!entry.first.isDone()) {
                entries.remove(key, entry); // nothing to serve: the next caller tries again
                entry.first.completeExceptionally(e);
            }
            throw e;
        }
        entry.value = value;
        entry.expiresAtNanos = clock.monotonicNanos() + ttlNanos;
        entry.refreshing.set(false);
        entry.first.complete(value);
        return value;
    }

    private static <V> V await(CompletableFuture<V> first) {
        try {
            return first.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private void makeRoom() {
        if (entries.size() <= maxEntries) {
            return;
        }
        long now = clock.monotonicNanos();
        entries.values().removeIf(e -> e.first.isDone() && !e.refreshing.get() && now - e.expiresAtNanos >= 0);
        if (entries.size() > maxEntries) {
            entries.clear();
        }
    }

    int size() {
        return entries.size();
    }
}
