package dev.runmetrics.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UuidV7Test {

    private Instant wall = Instant.parse("2026-01-01T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public long monotonicNanos() {
            return 0;
        }

        @Override
        public Instant wallTime() {
            return wall;
        }
    };

    @Test
    void idsAreStrictlyIncreasingAsStringsWithinOneMillisecond() {
        UuidV7 ids = new UuidV7(clock, new Random(42));
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) { // far more than the 12-bit counter holds in one millisecond
            made.add(ids.nextString());
        }
        assertThat(made).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void idsKeepIncreasingWhenTheWallClockStepsBack() {
        UuidV7 ids = new UuidV7(clock, new Random(7));
        String before = ids.nextString();
        wall = wall.minusSeconds(3600);
        String after = ids.nextString();
        assertThat(after).isGreaterThan(before);
    }

    @Test
    void idsFollowTheClockAcrossMilliseconds() {
        UuidV7 ids = new UuidV7(clock, new Random(1));
        String first = ids.nextString();
        wall = wall.plusMillis(1);
        String second = ids.nextString();
        assertThat(second).isGreaterThan(first);
        assertThat(UUID.fromString(second).getMostSignificantBits() >>> 16).isEqualTo(wall.toEpochMilli());
    }

    @Test
    void idsAreCanonicalVersion7() {
        String id = new UuidV7(clock).nextString();
        assertThat(UUID.fromString(id).version()).isEqualTo(7);
        assertThat(UUID.fromString(id).variant()).isEqualTo(2);
        assertThat(UuidV7.isCanonical(id)).isTrue();
        assertThat(UuidV7.isCanonical(id.toUpperCase())).isFalse();
        assertThat(UuidV7.isCanonical("exec-123")).isFalse();
        assertThat(UuidV7.isCanonical(UUID.randomUUID().toString())).isFalse();
    }
}
