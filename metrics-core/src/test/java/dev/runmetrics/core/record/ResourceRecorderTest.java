package dev.runmetrics.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.runmetrics.core.store.DatabaseActivity;
import dev.runmetrics.core.store.ResourceSample;
import dev.runmetrics.core.store.ResourceSampleStore;
import dev.runmetrics.core.store.memory.InMemoryResourceSampleStore;
import dev.runmetrics.core.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ResourceRecorderTest {
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:20Z");
    private final ManualClock clock = new ManualClock(T0);
    private final InMemoryResourceSampleStore store = new InMemoryResourceSampleStore();
    private final AtomicReference<DatabaseActivity> db = new AtomicReference<>(new DatabaseActivity(100, 0, 0, 0, 4));

    private ResourceRecorder.Builder builder() {
        return ResourceRecorder.builder(store, "i-1").clock(clock).workspaces(List.of("ws-a", "ws-b"))
                .cpuPercent(() -> 37.5).heapPercent(() -> 61.0).workers(() -> 3, () -> 8).queuedSteps(() -> 5)
                .database(db::get);
    }

    @Test
    void oneSampleOfTheMinutePerServedWorkspace() {
        ResourceRecorder recorder = builder().build();
        recorder.sampleNow();
        Instant minute = Instant.parse("2026-03-02T10:00:00Z");
        for (String ws : List.of("ws-a", "ws-b")) {
            assertThat(store.samples(ws, minute, minute.plusSeconds(60))).singleElement().satisfies(s -> {
                assertThat(s.instanceId()).isEqualTo("i-1");
                assertThat(s.cpuPercent()).isEqualTo(37.5);
                assertThat(s.heapPercent()).isEqualTo(61.0);
                assertThat(s.workersBusy()).isEqualTo(3);
                assertThat(s.workersTotal()).isEqualTo(8);
                assertThat(s.queuedSteps()).isEqualTo(5);
                assertThat(s.dbPoolSize()).isEqualTo(4);
            });
        }
    }

    @Test
    void queryRateAndTimeAreTheDatabaseProbesDifferencesSinceThePreviousSample() {
        ResourceRecorder recorder = builder().build();
        clock.advance(Duration.ofSeconds(60));
        // 600 statements in 60 s taking 1.2 s in all: 10 per second, 2 ms each; at most 3 connections held
        db.set(new DatabaseActivity(700, 1_200_000_000L, 1, 3, 4));
        ResourceSample first = recorder.sampleNow().get(0);
        assertThat(first.dbQueriesPerSecond()).isCloseTo(10.0, within(1e-9));
        assertThat(first.dbQueryTimeMs()).isCloseTo(2.0, within(1e-9));
        assertThat(first.dbConnectionsInUse()).isEqualTo(3);

        clock.advance(Duration.ofSeconds(30));
        ResourceSample idle = recorder.sampleNow().get(0);
        assertThat(idle.dbQueriesPerSecond()).isZero();
        assertThat(idle.dbQueryTimeMs()).as("no statement: no mean time").isNull();
    }

    @Test
    void aFailingOrMissingProbeGivesNullForItsFigureOnly() {
        ResourceRecorder recorder = ResourceRecorder.builder(store, "i-1").clock(clock).workspaces(List.of("ws-a"))
                .cpuPercent(() -> {
                    throw new IllegalStateException("no bean");
                }).heapPercent(() -> Double.NaN).build();
        ResourceSample s = recorder.sampleNow().get(0);
        assertThat(s.cpuPercent()).isNull();
        assertThat(s.heapPercent()).isNull();
        assertThat(s.workersBusy()).isNull();
        assertThat(s.dbQueriesPerSecond()).isNull();
        assertThat(s.minuteStart()).isEqualTo(Instant.parse("2026-03-02T10:00:00Z"));
    }

    @Test
    void aFailingStoreIsContained() {
        ResourceSampleStore failing = new ResourceSampleStore() {
            @Override
            public void save(ResourceSample sample) {
                throw new IllegalStateException("database down");
            }

            @Override
            public List<ResourceSample> samples(String workspaceId, Instant from, Instant to) {
                return List.of();
            }
        };
        ResourceRecorder recorder = ResourceRecorder.builder(failing, "i-1").clock(clock)
                .workspaces(List.of("ws-a")).build();
        assertThat(recorder.sampleNow()).isEmpty();
    }

    @Test
    void theServedWorkspacesAreRequired() {
        assertThatThrownBy(() -> ResourceRecorder.builder(store, "i-1").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("workspaces");
    }
}
