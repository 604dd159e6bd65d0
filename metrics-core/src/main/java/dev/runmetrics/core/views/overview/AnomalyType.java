package dev.runmetrics.core.views.overview;

import java.util.Locale;

/** What kind of {@link Anomaly} was found in a timeline bucket. */
public enum AnomalyType {
    /** {@code "spike"}: far more executions than usual in one bucket. */ SPIKE,
    /** {@code "drop"}: far fewer executions than usual in one completed bucket. */ DROP,
    /** {@code "failure_surge"}: a much higher failure rate than usual in one bucket. */ FAILURE_SURGE;

    /** Returns the lowercase name on the wire ({@code "failure_surge"}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
