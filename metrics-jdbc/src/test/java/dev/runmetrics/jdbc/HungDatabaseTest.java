package dev.runmetrics.jdbc;

import static dev.runmetrics.core.model.RunFixtures.T0;
import static dev.runmetrics.core.model.RunFixtures.newWorkspace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runmetrics.core.store.RunQuery;
import dev.runmetrics.core.store.RunStoreUnavailableException;
import dev.runmetrics.core.store.StepCheckpoint;
import dev.runmetrics.core.store.StoreHealth;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A database that hangs (every PostgreSQL process stopped with SIGSTOP: connections stay open,
 * nothing answers) or is stopped: with the store's default time bounds, reads and synchronous
 * writes fail with {@link RunStoreUnavailableException} within about 2 s (and at once once the
 * store knows), recording never blocks, and after SIGCONT (or a restart) everything recorded
 * meanwhile is stored exactly once.
 */
class HungDatabaseTest {

    /** A call in flight when the database hangs ends within this (the store's bound is ~1.6 s). */
    static final long BOUND_MILLIS = 2_500;

    PrivatePostgres pg;
    TestDatabase db;

    @BeforeEach
    void start() {
        pg = PrivatePostgres.running();
        db = pg.db;
    }

    /** One read a client made, and how it ended. */
    record Call(long startNanos, long endNanos, Throwable failure) {
        long millis() {
            return (endNanos - startNanos) / 1_000_000;
        }
    }

    @Test
    void aHungDatabaseFailsCallsWithinTheBoundAndLosesNothingRecordedMeanwhile() throws Exception {
        String ws = newWorkspace();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger produced = new AtomicInteger();
        Histogram saves = new Histogram(3);
        ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        long frozenAt;
        long detectedAt;
        long thawedAt;
        int producedWhileFrozen;
        try (JdbcRunStore store = JdbcRunStore.builder(db.app()).instanceId("hung").build()) {
            Thread producer = new Thread(() -> {
                for (int i = 0; running.get(); i++) {
                    StoreTraffic.record(store, ws, "wf-hung", i, saves);
                    produced.incrementAndGet();
                    sleep(2); // ~ 4,000 snapshots/s
                }
            }, "producer");
            List<Thread> readers = List.of(reader(store, ws, running, calls, 0), reader(store, ws, running, calls, 1),
                    reader(store, ws, running, calls, 2));
            producer.start();
            readers.forEach(Thread::start);
            Thread.sleep(700);

            pg.freeze();
            frozenAt = System.nanoTime();
            int atFreeze = produced.get();
            eventually(() -> !store.health().available(), "the store notices");
            detectedAt = System.nanoTime();
            StoreHealth health = store.health();
            assertThat(health.reason()).startsWith("database unavailable: ");
            assertThat(health.since()).isNotNull();

            // Known to be down: synchronous calls fail at once.
            long t = System.nanoTime();
            assertThatThrownBy(() -> store.saveCheckpoint(ws, new StepCheckpoint(ws, "run-x", "s0", 1, Map.of("a", 1),
                    T0))).isInstanceOf(RunStoreUnavailableException.class).hasMessageContaining("unavailable");
            assertThatThrownBy(() -> store.claimResume(ws, "run-x", 1, "me", T0))
                    .isInstanceOf(RunStoreUnavailableException.class);
            assertThatThrownBy(() -> store.findRun(ws, "run-x")).isInstanceOf(RunStoreUnavailableException.class)
                    .satisfies(e -> assertThat(((RunStoreUnavailableException) e).retryAfter())
                            .isEqualTo(Duration.ofSeconds(1)));
            assertThat((System.nanoTime() - t) / 1_000_000).as("three calls to a store known to be down, ms")
                    .isLessThan(100);

            Thread.sleep(Math.max(0, 4_000 - (System.nanoTime() - frozenAt) / 1_000_000));
            producedWhileFrozen = produced.get() - atFreeze;
            pg.thaw();
            thawedAt = System.nanoTime();
            eventually(() -> store.health().available(), "the store finds the database again");
            Thread.sleep(300);
            running.set(false);
            producer.join();
            for (Thread r : readers) {
                r.join();
            }
            assertThat(store.flush(Duration.ofSeconds(60))).isTrue();
            WriterStats stats = store.stats();
            System.out.printf("hung database: noticed after %d ms; %d runs recorded (%d while frozen); %s; %d reads;"
                    + " %s%n", (detectedAt - frozenAt) / 1_000_000, produced.get(), producedWhileFrozen,
                    StoreTraffic.describe(saves), calls.size(), stats);
            assertThat(stats.dropped()).isZero();
            assertThat(stats.failed()).isZero();
            assertThat(stats.written()).isEqualTo(stats.accepted())
                    .isEqualTo((long) produced.get() * StoreTraffic.EVENTS_PER_RUN);
        }
        assertThat((detectedAt - frozenAt) / 1_000_000).as("ms until the store knows").isLessThan(BOUND_MILLIS);
        assertThat(producedWhileFrozen).as("runs recorded while the database was frozen").isGreaterThan(100);
        StoreTraffic.assertNeverWaitedOnTheDatabase(saves);

        // Every read ended within the bound, and failed only as unavailable.
        assertThat(calls).isNotEmpty().allSatisfy(c -> {
            assertThat(c.millis()).as("read time, ms").isLessThan(BOUND_MILLIS);
            if (c.failure() != null) {
                assertThat(c.failure()).isInstanceOf(RunStoreUnavailableException.class);
            }
        });
        List<Call> inFlightAtFreeze = calls.stream().filter(c -> c.startNanos() < frozenAt && c.endNanos() > frozenAt
                + 100_000_000L).toList();
        List<Call> whileKnownDown = calls.stream().filter(c -> c.startNanos() > detectedAt
                && c.endNanos() < thawedAt).toList();
        assertThat(whileKnownDown).hasSizeGreaterThan(100).allSatisfy(c -> {
            assertThat(c.failure()).isInstanceOf(RunStoreUnavailableException.class);
            assertThat(c.millis()).isLessThan(50);
        });
        assertThat(inFlightAtFreeze).allSatisfy(c -> assertThat(c.failure())
                .isInstanceOf(RunStoreUnavailableException.class));
        assertThat(calls.stream().filter(c -> c.failure() == null && c.startNanos() > thawedAt))
                .as("reads that succeeded after the thaw").isNotEmpty();

        StoreTraffic.assertStoredExactlyOnce(db.app(), ws, produced.get());
    }

    @Test
    void aStoppedDatabaseFailsCallsAtOnceAndTheStoreRecoversWhenItIsBack() throws Exception {
        String ws = newWorkspace();
        try (JdbcRunStore store = JdbcRunStore.builder(db.app()).instanceId("stopped")
                .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(500)).build()) {
            StoreTraffic.record(store, ws, "wf-stopped", 0);
            assertThat(store.flush(Duration.ofSeconds(10))).isTrue();
            pg.stop();
            try {
                long t = System.nanoTime();
                assertThatThrownBy(() -> store.findRuns(ws, RunQuery.latest(null, 10)))
                        .isInstanceOf(RunStoreUnavailableException.class).hasMessageContaining("listing runs");
                assertThat((System.nanoTime() - t) / 1_000_000).as("first call to a stopped database, ms")
                        .isLessThan(BOUND_MILLIS);
                assertThat(store.health().available()).isFalse();
                assertThat(store.health().reason()).contains("Connection");
                for (int i = 1; i <= 50; i++) {
                    StoreTraffic.record(store, ws, "wf-stopped", i);
                }
                t = System.nanoTime();
                assertThatThrownBy(() -> store.findRun(ws, "run-0000000")).isInstanceOf(
                        RunStoreUnavailableException.class);
                assertThat((System.nanoTime() - t) / 1_000_000).isLessThan(50);
            } finally {
                pg.start();
            }
            eventually(() -> store.health().available(), "the store finds the restarted database");
            assertThat(store.flush(Duration.ofSeconds(30))).isTrue();
            assertThat(store.findRun(ws, "run-0000050")).isPresent();
            assertThat(store.stats().dropped()).isZero();
        }
        StoreTraffic.assertStoredExactlyOnce(db.app(), ws, 51);
    }

    private static Thread reader(JdbcRunStore store, String ws, AtomicBoolean running, ConcurrentLinkedQueue<Call> calls,
            int kind) {
        return new Thread(() -> {
            while (running.get()) {
                long start = System.nanoTime();
                Throwable failure = null;
                try {
                    switch (kind) {
                        case 0 -> store.findRuns(ws, RunQuery.latest("wf-hung", 10));
                        case 1 -> store.findRun(ws, "run-0000001");
                        default -> store.liveRuns(ws, 100);
                    }
                } catch (RuntimeException e) {
                    failure = e;
                }
                calls.add(new Call(start, System.nanoTime(), failure));
                sleep(5);
            }
        }, "reader-" + kind);
    }

    private static void eventually(BooleanSupplier check, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!check.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
