package dev.runmetrics.core.views;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runmetrics.core.store.memory.InMemoryRunStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RunViewsBuilderTest {
    private final InMemoryRunStore store = new InMemoryRunStore("i");

    @Test
    void theWorkerCapacityMustBeSet() {
        assertThatThrownBy(() -> RunViews.builder(store).build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("workerCapacity");
    }

    @Test
    void badSettingsAreRejectedAtOnceByName() {
        RunViews.Builder b = RunViews.builder(store);
        assertThatThrownBy(() -> b.workerCapacity(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("workerCapacity");
        assertThatThrownBy(() -> b.exactCutover(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactCutover");
        assertThatThrownBy(() -> b.estimationWindow(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("estimationWindow");
        assertThatThrownBy(() -> b.liveLimit(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("liveLimit");
        assertThatThrownBy(() -> RunViews.builder(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aZeroCutOverAlwaysUsesTheRollups() {
        Instant t = Instant.parse("2026-03-02T10:00:00Z");
        RunViews views = RunViews.builder(store).workerCapacity(1).exactCutover(Duration.ZERO)
                .clock(new SettableClock(t)).build();
        assertThat(views.executionTimeStatistics("ws", Optional.empty(), t, t.plusSeconds(1)).exact()).isFalse();
    }

    @Test
    void aBlankWorkspaceIsRejected() {
        RunViews views = RunViews.builder(store).workerCapacity(1).build();
        assertThatThrownBy(() -> views.realtime(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("workspaceId");
    }

    @Test
    void timeframesParseTheSeedsNames() {
        assertThat(Timeframe.parse("1h")).isEqualTo(Timeframe.LAST_HOUR);
        assertThat(Timeframe.parse(" 24H ")).isEqualTo(Timeframe.LAST_24_HOURS);
        assertThat(Timeframe.parse("7d")).isEqualTo(Timeframe.LAST_7_DAYS);
        assertThat(Timeframe.parse("30d").wireName()).isEqualTo("30d");
        assertThatThrownBy(() -> Timeframe.parse("2w")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeframe").hasMessageContaining("2w");
    }

    @Test
    void theSamplerRingKeepsTheNewestSamples() {
        SettableClock clock = new SettableClock(Instant.parse("2026-03-02T10:00:00Z"));
        AtomicInteger cpu = new AtomicInteger();
        ResourceSampler sampler = new ResourceSampler(clock, 2, cpu::incrementAndGet, () -> Double.NaN);
        sampler.sample();
        clock.advance(Duration.ofMinutes(1));
        sampler.sample();
        clock.advance(Duration.ofMinutes(1));
        sampler.sample();

        assertThat(sampler.samples()).extracting(ResourceSampler.Sample::cpu).containsExactly(2.0, 3.0);
        assertThat(sampler.samples()).extracting(ResourceSampler.Sample::memory).containsOnlyNulls();
        assertThat(sampler.samples().get(1).at()).isEqualTo(Instant.parse("2026-03-02T10:02:00Z"));
    }

    @Test
    void aThrowingProbeYieldsNullAndNeverFailsTheCaller() {
        ResourceSampler sampler = new ResourceSampler(new SettableClock(Instant.EPOCH), 1, () -> {
            throw new IllegalStateException("no bean");
        }, () -> 12.5);
        assertThat(sampler.sample()).isEqualTo(new ResourceSampler.Sample(Instant.EPOCH, null, 12.5));
    }

    @Test
    void theJvmSamplerReportsHeapUseAsAPercentage() {
        ResourceSampler.Sample s = ResourceSampler.jvm(new SettableClock(Instant.EPOCH), 1).current();
        assertThat(s.memory()).isBetween(0.0, 100.0);
        if (s.cpu() != null) {
            assertThat(s.cpu()).isBetween(0.0, 100.0);
        }
    }
}
