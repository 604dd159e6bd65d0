package dev.runmetrics.core.views;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ResultCacheTest {
    private final SettableClock clock = new SettableClock(Instant.parse("2026-03-02T12:00:00Z"));
    private final ResultCache<String, Integer> cache =
            new ResultCache<>(clock, Duration.ofSeconds(5).toNanos(), 100);

    @Test
    void aFreshAnswerIsReusedAndAnExpiredOneRecomputed() {
        AtomicInteger computed = new AtomicInteger();
        assertThat(cache.get("q", computed::incrementAndGet)).isEqualTo(1);
        assertThat(cache.get("q", computed::incrementAndGet)).isEqualTo(1);

        clock.advance(Duration.ofSeconds(5));
        assertThat(cache.get("q", computed::incrementAndGet)).isEqualTo(2);
        assertThat(computed).hasValue(2);
    }

    @Test
    void callersArrivingDuringTheFirstComputationWaitForItInsteadOfComputingToo() throws Exception {
        AtomicInteger computed = new AtomicInteger();
        CountDownLatch computing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> answers = new ArrayList<>();
        answers.add(pool.submit(() -> cache.get("q", () -> {
            computing.countDown();
            await(release);
            return computed.incrementAndGet();
        })));
        computing.await();
        for (int i = 0; i < 7; i++) {
            answers.add(pool.submit(() -> cache.get("q", computed::incrementAndGet)));
        }
        release.countDown();
        for (Future<Integer> answer : answers) {
            assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        }
        pool.shutdown();
        assertThat(computed).hasValue(1);
    }

    @Test
    void whileOneCallerRefreshesAnExpiredAnswerTheOthersGetTheExpiredOne() throws Exception {
        AtomicInteger computed = new AtomicInteger();
        cache.get("q", computed::incrementAndGet);
        clock.advance(Duration.ofSeconds(6));
        CountDownLatch refreshing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<Integer> refresher = pool.submit(() -> cache.get("q", () -> {
            refreshing.countDown();
            await(release);
            return computed.incrementAndGet();
        }));
        refreshing.await();

        assertThat(cache.get("q", computed::incrementAndGet)).as("stale while revalidating").isEqualTo(1);
        release.countDown();
        assertThat(refresher.get(10, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(cache.get("q", computed::incrementAndGet)).isEqualTo(2);
        pool.shutdown();
        assertThat(computed).hasValue(2);
    }

    @Test
    void aFailedFirstComputationIsNotCachedAndReachesItsCaller() {
        assertThatThrownBy(() -> cache.get("q", () -> {
            throw new IllegalStateException("store down");
        })).isInstanceOf(IllegalStateException.class).hasMessage("store down");
        assertThat(cache.get("q", () -> 7)).isEqualTo(7);
    }

    @Test
    void theMapStaysBounded() {
        for (int i = 0; i < 1000; i++) {
            cache.get("q" + i, () -> 1);
        }
        assertThat(cache.size()).isLessThanOrEqualTo(101);
    }

    @Test
    void aZeroTtlComputesEveryTime() {
        ResultCache<String, Integer> off = new ResultCache<>(clock, 0, 100);
        AtomicInteger computed = new AtomicInteger();
        off.get("q", computed::incrementAndGet);
        off.get("q", computed::incrementAndGet);
        assertThat(computed).hasValue(2);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
