package dev.runmetrics.core.views;

import static dev.runmetrics.core.model.RunFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class PeriodCalendarTest {
    private final SettableClock clock = new SettableClock(at("2026-03-02T10:30:30Z"));

    private PeriodCalendar in(ZoneId zone) {
        return new PeriodCalendar(clock, zone);
    }

    @Test
    void hourBucketsFallWithinOneLocalHourOfHalfAndQuarterHourZones() {
        Instant from = at("2026-03-01T00:00:00Z");
        Instant to = at("2026-03-31T00:00:00Z");
        assertThat(in(ZoneOffset.UTC).hourBucket(from, to)).isEqualTo(Duration.ofHours(1));
        assertThat(in(ZoneId.of("Europe/Paris")).hourBucket(from, to)).isEqualTo(Duration.ofHours(1));
        assertThat(in(ZoneId.of("Asia/Kolkata")).hourBucket(from, to)).isEqualTo(Duration.ofMinutes(30));
        assertThat(in(ZoneId.of("Asia/Kathmandu")).hourBucket(from, to)).isEqualTo(Duration.ofMinutes(15));
    }
}
