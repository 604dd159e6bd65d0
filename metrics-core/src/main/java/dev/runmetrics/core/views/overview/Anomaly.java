package dev.runmetrics.core.views.overview;

import java.time.Instant;

/**
 * An anomaly found in one timeline bucket. Immutable.
 *
 * @param timestamp the start of the bucket it was found in
 * @param type spike, drop or failure surge
 * @param severity how strong
 * @param description what was seen, in a sentence, with the numbers that triggered it
 */
public record Anomaly(Instant timestamp, AnomalyType type, Level severity, String description) {
}
