package dev.runmetrics.core.views;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ResourceSamplerTest {
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
