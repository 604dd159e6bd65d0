package dev.runmetrics.core.views.overview;

/**
 * One bucket of the latency distribution. Immutable.
 *
 * @param bucket {@code "0-1s"}, {@code "1-5s"}, {@code "5-10s"}, {@code "10-30s"}, {@code "30-60s"}
 *     or {@code "60s+"}: lower bound inclusive, upper exclusive
 * @param count executions whose execution latency falls in it
 * @param percentage {@code count} as a percentage of all in the distribution (0 when empty)
 */
public record LatencyBucket(String bucket, long count, double percentage) {
}
