package dev.runmetrics.core.views.overview;

import java.util.Locale;

/** How strongly something stands out: a {@link Burst}'s impact or an {@link Anomaly}'s severity. */
public enum Level {
    /** {@code "low"} */ LOW,
    /** {@code "medium"} */ MEDIUM,
    /** {@code "high"} */ HIGH;

    /** Returns the lowercase name on the wire. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
