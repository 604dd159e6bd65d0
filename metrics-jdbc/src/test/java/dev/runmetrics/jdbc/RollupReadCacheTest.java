package dev.runmetrics.jdbc;

import static dev.runmetrics.core.model.RunFixtures.newWorkspace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunFixtures;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.store.DurationKind;
import dev.runmetrics.core.store.Rollup;
import dev.runmetrics.core.store.RollupDimension;
import dev.runmetrics.core.store.RollupQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rollup read cache never changes an answer: a store with it and one without, on the same
 * database, give equal rollups for random ranges, subjects, groupings and buckets, while runs keep
 * arriving, late ones into long-closed days and hours included, and from a third store (another
 * writing instance, as another process would be). And it is used: repeated reads of unchanged
 * rows are answered from it.
 */
class RollupReadCacheTest {

    static TestDatabase db;
    static JdbcRunStore cached;
    static JdbcRunStore uncached;
    static JdbcRunStore otherWriter;

    static final Instant END = Instant.parse("2026-06-01T00:00:00Z");
    static final Instant START = END.minus(Duration.ofDays(10));
    static final List<String> WORKFLOWS = List.of("wf-a", "wf-b", "wf-c");
    static final List<RunStatus> ENDINGS = List.of(RunStatus.COMPLETED, RunStatus.COMPLETED, RunStatus.FAILED,
            RunStatus.CANCELLED);

    @BeforeAll
    static void start() {
        db = TestDatabase.shared();
        cached = JdbcRunStore.builder(db.app()).instanceId("read-cache-on").maxBatchSize(50).build();
        uncached = JdbcRunStore.builder(db.app()).instanceId("read-cache-off").rollupReadCache(0).build();
        otherWriter = JdbcRunStore.builder(db.app()).instanceId("read-cache-other").maxBatchSize(13).build();
    }

    @AfterAll
    static void stop() {
        cached.close();
        uncached.close();
        otherWriter.close();
    }

    private static Run ended(String ws, Random random, Instant completed) {
        long execMillis = 1 + (long) Math.exp(random.nextDouble() * 9); // 1 ms .. 8 s, spread over many buckets
        Instant queued = completed.minusMillis(execMillis + 5);
        return RunFixtures.ended(ws, WORKFLOWS.get(random.nextInt(WORKFLOWS.size())), queued,
                Duration.ofMillis(random.nextInt(50)), Duration.ofMillis(execMillis),
                ENDINGS.get(random.nextInt(ENDINGS.size())));
    }

    private static Instant randomInstant(Random random) {
        return START.plusMillis((long) (random.nextDouble() * Duration.between(START, END).toMillis()));
    }

    private static void write(JdbcRunStore store, String ws, Random random, int runs) {
        for (int i = 0; i < runs; i++) {
            store.saveRun(ws, ended(ws, random, randomInstant(random)));
        }
        assertThat(store.flush(Duration.ofSeconds(30))).isTrue();
    }

    private static RollupQuery randomQuery(Random random) {
        Instant a = randomInstant(random);
        Instant b = randomInstant(random);
        Instant from = a.isBefore(b) ? a : b;
        Instant to = (a.isBefore(b) ? b : a).plusSeconds(61);
        String subject = random.nextInt(3) == 0 ? WORKFLOWS.get(random.nextInt(WORKFLOWS.size())) : null;
        boolean group = subject == null && random.nextBoolean();
        Duration bucket = switch (random.nextInt(4)) {
            case 0 -> null;
            case 1 -> Duration.ofHours(1);
            case 2 -> Duration.ofDays(1);
            default -> Duration.ofMinutes(15);
        };
        RollupDimension dimension = random.nextInt(4) == 0 ? RollupDimension.workflowEndedAs(RunStatus.FAILED)
                : RollupDimension.WORKFLOW;
        RollupQuery q = new RollupQuery(dimension, subject, group, from, to, bucket);
        return random.nextBoolean() ? q.withHistograms(DurationKind.EXECUTION_TIME) : q;
    }

    @Test
    void answersEqualAnUncachedStoreWhileRunsArriveLateIntoClosedPeriodsFromAnotherWriter() {
        String ws = newWorkspace();
        Random random = new Random(20261204L);
        write(cached, ws, random, 400);
        List<RollupQuery> queries = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            queries.add(randomQuery(random));
        }
        int compared = 0;
        for (int round = 0; round < 6; round++) {
            for (RollupQuery q : queries) {
                List<Rollup> want = uncached.rollups(ws, q);
                assertThat(cached.rollups(ws, q)).as("round %d, %s", round, q).isEqualTo(want);
                assertThat(cached.rollups(ws, q)).as("again, round %d, %s", round, q).isEqualTo(want);
                compared++;
            }
            // Late runs into random past periods (days already read and remembered), alternately
            // through this store's writer and another instance's.
            write(round % 2 == 0 ? otherWriter : cached, ws, random, 5 + random.nextInt(20));
        }
        assertThat(compared).isEqualTo(240);
        // Each query is read twice in a row with nothing written in between: the second read is a
        // hit, unless its answer is too large to remember (15-minute buckets over many days hold
        // hundreds of histograms, more than a quarter of the bound).
        assertThat(cached.rollupReadCache().hits()).as("repeated reads of unchanged rows").isGreaterThan(120);
    }

    @Test
    void oneLateRunIntoALongClosedDayChangesTheRememberedAnswer() {
        String ws = newWorkspace();
        Random random = new Random(7);
        write(cached, ws, random, 100);
        RollupQuery thirtyDays = new RollupQuery(RollupDimension.WORKFLOW, null, false, START, END, null);
        long before = cached.rollups(ws, thirtyDays).get(0).total();
        assertThat(cached.rollups(ws, thirtyDays).get(0).total()).isEqualTo(before);
        long hits = cached.rollupReadCache().hits();
        assertThat(hits).isPositive();

        // Another writing instance records one attempt that ended on the first day, long closed.
        otherWriter.saveRun(ws, ended(ws, random, START.plus(Duration.ofHours(3))));
        assertThat(otherWriter.flush(Duration.ofSeconds(30))).isTrue();

        List<Rollup> after = cached.rollups(ws, thirtyDays);
        assertThat(after.get(0).total()).isEqualTo(before + 1);
        assertThat(after).isEqualTo(uncached.rollups(ws, thirtyDays));
    }

    @Test
    void aStoreWithoutTheCacheNeverRemembers() {
        String ws = newWorkspace();
        write(uncached, ws, new Random(3), 20);
        RollupQuery q = new RollupQuery(RollupDimension.WORKFLOW, null, false, START, END, null);
        uncached.rollups(ws, q);
        uncached.rollups(ws, q);
        assertThat(uncached.rollupReadCache().hits()).isZero();
        assertThat(uncached.rollupReadCache().misses()).isZero();
    }
}
