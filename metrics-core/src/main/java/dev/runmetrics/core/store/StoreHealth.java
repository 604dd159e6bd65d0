package dev.runmetrics.core.store;

import java.time.Instant;
import java.util.Objects;

/**
 * Whether a {@link RunStore} can serve calls now, as the store itself last saw it (without a
 * call to its storage): for a health check ({@code /health}) and status lines. Immutable.
 *
 * @param available true when calls are expected to succeed
 * @param reason why the store is unavailable, for people; null when available
 * @param since when it became unavailable (UTC); null when available
 */
public record StoreHealth(boolean available, String reason, Instant since) {

    private static final StoreHealth UP = new StoreHealth(true, null, null);

    /**
     * @throws NullPointerException if unavailable without a reason or instant
     * @throws IllegalArgumentException if available with a reason or instant
     */
    public StoreHealth {
        if (available) {
            if (reason != null || since != null) {
                throw new IllegalArgumentException("an available store has no reason and no since");
            }
        } else {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(since, "since");
        }
    }

    /** Returns the health of a store that serves calls. */
    public static StoreHealth up() {
        return UP;
    }

    /** Returns the health of a store that cannot serve calls since {@code since}, for {@code reason}. */
    public static StoreHealth unavailable(String reason, Instant since) {
        return new StoreHealth(false, reason, since);
    }
}
