package dev.runmetrics.core.views.overview;

import java.time.Instant;
import java.util.Objects;

/**
 * A value at an instant: a throughput trend point or a resource sample. Immutable.
 *
 * @param timestamp when
 * @param value the value, in the unit of the list it is in
 */
public record TimedValue(Instant timestamp, double value) {
    /** @throws NullPointerException if timestamp is null */
    public TimedValue {
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
