package dev.runmetrics.core.internal;

import dev.runmetrics.core.time.Clock;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;

/**
 * Generates time-ordered UUIDs (RFC 9562 version 7) in the process, so ids need no database
 * round trip and several JVMs can write to one database without coordination.
 *
 * <p>Layout: 48 bits of Unix milliseconds from {@link Clock#wallTime()}, the version nibble, 12
 * bits of a per-millisecond counter (RFC 9562 "method 1": rand_a as a counter, randomly seeded each
 * millisecond in its lower half so that a fresh millisecond leaves room to count), the variant, and
 * 62 random bits. Within one generator the ids are strictly increasing, even when the wall clock
 * steps back or more than 2048 ids are made in one millisecond: the generator then runs its own
 * millisecond forward, so an id's timestamp may be slightly ahead of the wall clock.
 *
 * <p>Order: compare the canonical strings ({@code toString()}, lowercase hex, fixed length) or the
 * bytes as unsigned values (PostgreSQL's {@code uuid} order). Not {@link UUID#compareTo}, which
 * compares signed longs and misorders ids whose top bit differs (after the year 6429).
 *
 * <p>Thread-safe: {@link #next()} is synchronized; it takes well under a microsecond.
 */
public final class UuidV7 {

    private static final int COUNTER_MAX = 0xFFF;

    private final Clock clock;
    private final Random random;
    private long lastMillis = Long.MIN_VALUE;
    private int counter;

    /** A generator on the given clock with a {@link SecureRandom}. */
    public UuidV7(Clock clock) {
        this(clock, new SecureRandom());
    }

    /** A generator on the given clock and random source (tests pass a seeded one). */
    public UuidV7(Clock clock, Random random) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Returns the next id, greater than every id this generator returned before. */
    public synchronized UUID next() {
        long now = clock.wallTime().toEpochMilli();
        if (now > lastMillis) {
            lastMillis = now;
            counter = random.nextInt(COUNTER_MAX / 2 + 1);
        } else if (counter < COUNTER_MAX) {
            counter++;
        } else {
            lastMillis++;
            counter = random.nextInt(COUNTER_MAX / 2 + 1);
        }
        long msb = (lastMillis << 16) | 0x7000L | counter;
        long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }

    /** Returns {@code next().toString()}: the canonical lowercase form used as run and audit ids. */
    public String nextString() {
        return next().toString();
    }

    /**
     * Returns whether {@code text} is a canonical lowercase UUID string of version 7 (the form this
     * class produces), so adapters can reject a malformed run id before querying.
     */
    public static boolean isCanonical(String text) {
        if (text == null || text.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        char variant = text.charAt(19);
        return text.charAt(14) == '7' && (variant == '8' || variant == '9' || variant == 'a' || variant == 'b');
    }
}
