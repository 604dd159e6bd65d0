package dev.runmetrics.core.views;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.runmetrics.core.store.ResourceSample;
import dev.runmetrics.core.store.memory.InMemoryResourceSampleStore;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.views.overview.DatabaseLoad;
import dev.runmetrics.core.views.overview.MeanMax;
import dev.runmetrics.core.views.overview.ResourceBucket;
import dev.runmetrics.core.views.overview.ResourceHistory;
import dev.runmetrics.core.views.overview.Resources;
import dev.runmetrics.core.views.overview.TimedValue;
import dev.runmetrics.core.views.overview.Timeframe;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The resource history of kept samples. Now is 2026-03-02 10:30:30Z: the 24h period is
 * [2026-03-01 10:45, 2026-03-02 10:45) in 96 buckets of 15 minutes, the last starting at 10:30.
 */
class ResourceHistoryViewTest {
    private static final String WS = "ws-1";
    private static final Instant NOW = Instant.parse("2026-03-02T10:30:30Z");
    private static final Instant BUCKET = Instant.parse("2026-03-02T10:15:00Z");

    private final InMemoryResourceSampleStore samples = new InMemoryResourceSampleStore();
    private final SettableClock clock = new SettableClock(NOW);
    private final RunViews views = RunViews.builder(new InMemoryRunStore("test-instance")).clock(clock)
            .workerCapacity(4).resourceSamples(samples).build();

    private static ResourceSample sample(String ws, String instance, Instant minute, double cpu, int busy,
            double qps, Double queryMs) {
        return new ResourceSample(ws, instance, minute, cpu, 50.0, busy, 4, 1, busy, 8, qps, queryMs);
    }

    private void twoInstancesInOneBucket() {
        // minute 10:15: instance a and b; minute 10:16: only a
        samples.save(sample(WS, "a", BUCKET, 20, 1, 30, 2.0));
        samples.save(sample(WS, "b", BUCKET, 40, 3, 10, 6.0));
        samples.save(sample(WS, "a", BUCKET.plusSeconds(60), 60, 2, 20, 1.0));
        samples.save(sample("ws-other", "a", BUCKET, 99, 4, 1000, 99.0));
    }

    @Test
    void eachMinuteCombinesTheInstancesThenEachBucketTakesTheMeanAndMaxOfItsMinutes() {
        twoInstancesInOneBucket();

        ResourceHistory h = views.resources().of(WS, Timeframe.LAST_24_HOURS);

        assertThat(h.periodStart()).isEqualTo(Instant.parse("2026-03-01T10:45:00Z"));
        assertThat(h.periodEnd()).isEqualTo(Instant.parse("2026-03-02T10:45:00Z"));
        assertThat(h.bucketSeconds()).isEqualTo(900);
        assertThat(h.buckets()).hasSize(96);
        assertThat(h.instances()).containsExactly("a", "b");
        ResourceBucket b = h.buckets().get(94);
        assertThat(b.timestamp()).isEqualTo(BUCKET);
        assertThat(b.minutes()).isEqualTo(2);
        // CPU: 10:15 mean(20, 40) = 30, 10:16 60 -> mean 45, max 60
        assertThat(b.cpuPercent()).isEqualTo(new MeanMax(45, 60));
        // workers busy: summed per minute (4, then 2) -> mean 3, max 4; total 8 then 4
        assertThat(b.workersBusy()).isEqualTo(new MeanMax(3, 4));
        assertThat(b.workersTotal()).isEqualTo(new MeanMax(6, 8));
        // queries per second summed: 40 then 20
        assertThat(b.dbQueriesPerSecond()).isEqualTo(new MeanMax(30, 40));
        // query time weighted by the rate: (2*30 + 6*10) / 40 = 3 ms, then 1 ms
        assertThat(b.dbQueryTimeMs().mean()).isCloseTo(2.0, within(1e-12));
        assertThat(b.dbQueryTimeMs().max()).isCloseTo(3.0, within(1e-12));
        assertThat(h.buckets().get(95).minutes()).isZero();
        assertThat(h.buckets().get(95).cpuPercent()).as("no sample: null, not 0").isNull();
    }

    @Test
    void theOverviewsComputeHistoryAndDatabaseLoadComeFromTheKeptSamples() {
        twoInstancesInOneBucket();

        Resources r = views.overview().of(WS, Timeframe.LAST_24_HOURS).resources();

        assertThat(r.compute().cpuUsage()).containsExactly(new TimedValue(BUCKET, 45.0));
        assertThat(r.compute().memoryUsage()).containsExactly(new TimedValue(BUCKET, 50.0));
        // the latest minute (10:16, instance a alone): 2 connections, 20 queries/s of 1 ms = 0.001 s
        assertThat(r.databaseLoad()).isEqualTo(new DatabaseLoad(2, 20.0, 0.001));
    }

    @Test
    void withoutASampleStoreTheHistoryIsEmpty() {
        RunViews plain = RunViews.builder(new InMemoryRunStore("test-instance")).clock(clock).workerCapacity(1)
                .build();
        ResourceHistory h = plain.resources().of(WS, Timeframe.LAST_7_DAYS);
        assertThat(h.buckets()).hasSize(168).allSatisfy(b -> assertThat(b.minutes()).isZero());
        assertThat(h.instances()).isEmpty();
    }
}
