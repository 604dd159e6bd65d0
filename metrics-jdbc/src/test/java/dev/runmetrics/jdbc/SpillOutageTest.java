package dev.runmetrics.jdbc;

import static dev.runmetrics.core.model.RunFixtures.at;
import static dev.runmetrics.core.model.RunFixtures.newWorkspace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.store.Rollup;
import dev.runmetrics.core.store.RollupDimension;
import dev.runmetrics.core.store.RollupQuery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An outage longer than the write queue: with a spill directory, snapshots that do not fit in
 * the queue (or that come after the database has been down for {@code spillAfter}) go to the
 * journal, and once the database answers again the writer replays it, in order: every run and
 * step is stored exactly once, and counted once in the rollups, however many snapshots the
 * outage held.
 */
class SpillOutageTest {

    static final int QUEUE = 2_000;

    @TempDir
    Path spill;

    PrivatePostgres pg;

    @BeforeEach
    void start() {
        pg = PrivatePostgres.running();
    }

    @Test
    void anOutageWithFifteenTimesMoreSnapshotsThanTheQueueHoldsLosesAndDuplicatesNothing() throws Exception {
        String ws = newWorkspace();
        int runs = 3_000; // 30,000 snapshots
        Histogram calls = new Histogram(3);
        WriterStats during;
        WriterStats after;
        try (JdbcRunStore store = JdbcRunStore.builder(pg.db.app()).instanceId("spill-full").queueCapacity(QUEUE)
                .spillDirectory(spill, Duration.ofMinutes(5)).spillSegmentBytes(256 << 10)
                .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(500)).build()) {
            for (int i = 0; i < 100; i++) {
                StoreTraffic.record(store, ws, "wf-spill", i);
            }
            assertThat(store.flush(Duration.ofSeconds(30))).isTrue();
            pg.freeze();
            try {
                for (int i = 100; i < runs; i++) {
                    StoreTraffic.record(store, ws, "wf-spill", i, calls);
                }
                during = store.stats();
                Thread.sleep(300); // the syncer writes the last appends
                assertThat(segments()).isNotEmpty();
            } finally {
                pg.thaw();
            }
            assertThat(store.flush(Duration.ofSeconds(90))).isTrue();
            eventually(() -> !store.stats().spilling(), "the writer writes from memory again");
            after = store.stats();
        }
        System.out.printf("spill (queue full): during %s%n  after %s%n  %s%n", during, after,
                StoreTraffic.describe(calls));
        assertThat(during.spilling()).isTrue();
        assertThat(during.spillBacklog()).isGreaterThan(10L * QUEUE);
        assertThat(during.spillBytes()).isPositive().isLessThanOrEqualTo(during.spillMaxBytes());
        assertThat(during.dropped()).isZero();
        StoreTraffic.assertNeverWaitedOnTheDatabase(calls);

        assertThat(after.spilling()).isFalse();
        assertThat(after.dropped()).isZero();
        assertThat(after.failed()).isZero();
        assertThat(after.accepted()).isEqualTo(after.written()).isEqualTo((long) runs * StoreTraffic.EVENTS_PER_RUN);
        assertThat(after.replayed()).isGreaterThan(10L * QUEUE);
        assertThat(after.spillBacklog()).isZero();
        assertThat(after.spillBytes()).isZero();
        assertThat(segments()).as("the journal's files are gone once replayed").isEmpty();
        assertStoredAndCountedOnce(ws, runs);
    }

    @Test
    void afterSpillAfterTheQueueMovesToTheJournalAndTheRestFollowsIt() throws Exception {
        String ws = newWorkspace();
        int runs = 400;
        WriterStats during;
        try (JdbcRunStore store = JdbcRunStore.builder(pg.db.app()).instanceId("spill-time")
                .spillDirectory(spill, Duration.ofMillis(500)).build()) {
            pg.stop();
            try {
                for (int i = 0; i < runs / 2; i++) {
                    StoreTraffic.record(store, ws, "wf-spill", i);
                }
                eventually(() -> store.stats().spilling(), "the writer spills");
                WriterStats moved = store.stats();
                assertThat(moved.queueDepth()).as("nothing stays in memory").isZero();
                assertThat(moved.spilled()).isEqualTo((long) runs / 2 * StoreTraffic.EVENTS_PER_RUN);
                for (int i = runs / 2; i < runs; i++) {
                    StoreTraffic.record(store, ws, "wf-spill", i);
                }
                during = store.stats();
            } finally {
                pg.start();
            }
            assertThat(store.flush(Duration.ofSeconds(60))).isTrue();
            eventually(() -> !store.stats().spilling(), "the writer writes from memory again");
            assertThat(store.stats().dropped()).isZero();
        }
        assertThat(during.spilled()).isEqualTo((long) runs * StoreTraffic.EVENTS_PER_RUN);
        assertThat(during.queueDepth()).isZero();
        assertStoredAndCountedOnce(ws, runs);
    }

    private void assertStoredAndCountedOnce(String ws, int runs) throws Exception {
        StoreTraffic.assertStoredExactlyOnce(pg.db.app(), ws, runs);
        try (JdbcRunStore reader = JdbcRunStore.builder(pg.db.app()).build()) {
            List<Rollup> wf = reader.rollups(ws, RollupQuery.total(RollupDimension.WORKFLOW, null, at(-3_600_000),
                    at(36_000_000)));
            assertThat(wf.get(0).total()).as("runs counted in the rollups exactly once").isEqualTo(runs);
            List<Rollup> node = reader.rollups(ws, RollupQuery.total(RollupDimension.NODE, null, at(-3_600_000),
                    at(36_000_000)));
            assertThat(node.get(0).total()).isEqualTo((long) runs * StoreTraffic.STEPS_PER_RUN);
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(spill)) {
            return s.filter(p -> p.getFileName().toString().startsWith("spill-")).toList();
        }
    }

    private static void eventually(BooleanSupplier check, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!check.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }
}
