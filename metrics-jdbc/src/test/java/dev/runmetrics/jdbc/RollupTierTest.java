package dev.runmetrics.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** How a range is split over the minute, hour and day tables (no database needed). */
class RollupTierTest {

    private static final Instant MIDNIGHT = Instant.parse("2026-03-02T00:00:00Z");

    private static RollupTier.Part part(RollupTier tier, String from, String to) {
        return new RollupTier.Part(tier, Instant.parse(from), Instant.parse(to));
    }

    @Test
    void thirtyDaysReadWholeDaysThenEdgeHoursThenEdgeMinutes() {
        Instant from = Instant.parse("2026-03-02T13:46:00Z");
        Instant to = from.plus(Duration.ofDays(30));
        assertThat(RollupTier.plan(from, to, null)).containsExactly(
                part(RollupTier.MINUTE, "2026-03-02T13:46:00Z", "2026-03-02T14:00:00Z"),
                part(RollupTier.HOUR, "2026-03-02T14:00:00Z", "2026-03-03T00:00:00Z"),
                part(RollupTier.DAY, "2026-03-03T00:00:00Z", "2026-04-01T00:00:00Z"),
                part(RollupTier.HOUR, "2026-04-01T00:00:00Z", "2026-04-01T13:00:00Z"),
                part(RollupTier.MINUTE, "2026-04-01T13:00:00Z", "2026-04-01T13:46:00Z"));
    }

    @Test
    void aBucketThatCouldCutARowKeepsToFinerRows() {
        Instant from = MIDNIGHT.plus(Duration.ofMinutes(30));
        Instant to = MIDNIGHT.plus(Duration.ofDays(3));
        // 8-hour buckets never cut an hour but may cut a day: hours and minutes only.
        assertThat(RollupTier.plan(from, to, Duration.ofHours(8))).extracting(RollupTier.Part::tier)
                .containsExactly(RollupTier.MINUTE, RollupTier.HOUR);
        // 15-minute buckets may cut an hour: minutes only.
        assertThat(RollupTier.plan(from, to, Duration.ofMinutes(15))).extracting(RollupTier.Part::tier)
                .containsExactly(RollupTier.MINUTE);
        // Whole days: the same as one bucket for the range.
        assertThat(RollupTier.plan(from, to, Duration.ofDays(1))).isEqualTo(RollupTier.plan(from, to, null));
    }

    @Test
    void alignedAndTinyRangesHaveNoEmptyParts() {
        assertThat(RollupTier.plan(MIDNIGHT, MIDNIGHT.plus(Duration.ofDays(2)), null))
                .containsExactly(new RollupTier.Part(RollupTier.DAY, MIDNIGHT, MIDNIGHT.plus(Duration.ofDays(2))));
        Instant t = MIDNIGHT.plus(Duration.ofMinutes(7));
        assertThat(RollupTier.plan(t, t.plus(Duration.ofMinutes(1)), null))
                .containsExactly(new RollupTier.Part(RollupTier.MINUTE, t, t.plus(Duration.ofMinutes(1))));
    }

    @Test
    void everyPlanCoversItsRangeExactlyOnceWithRowsItsBucketCannotCut() {
        Random random = new Random(7);
        Duration[] buckets = {null, Duration.ofMinutes(1), Duration.ofMinutes(15), Duration.ofHours(1),
            Duration.ofHours(6), Duration.ofDays(1), Duration.ofDays(7)};
        for (int i = 0; i < 5_000; i++) {
            Instant from = MIDNIGHT.plus(Duration.ofMinutes(random.nextInt(3 * 1440)));
            Instant to = from.plus(Duration.ofMinutes(1 + random.nextInt(40 * 1440)));
            Duration bucket = buckets[random.nextInt(buckets.length)];
            List<RollupTier.Part> plan = RollupTier.plan(from, to, bucket);
            Instant cursor = from;
            for (RollupTier.Part p : plan) {
                assertThat(p.from()).isEqualTo(cursor); // contiguous, in order
                assertThat(p.to()).isAfter(p.from()); // never empty
                assertThat(p.tier().fits(bucket)).isTrue();
                assertThat(p.tier().floor(p.from())).isEqualTo(p.from()); // whole rows of its tier
                assertThat(p.tier().floor(p.to())).isEqualTo(p.to());
                cursor = p.to();
            }
            assertThat(cursor).isEqualTo(to);
            assertThat(plan.size()).isLessThanOrEqualTo(5);
        }
    }
}
