package dev.runmetrics.core.store;

import java.util.Objects;

/**
 * Statistics of the three durations of the same set of runs (queue wait, execution time and
 * end-to-end latency).
 *
 * @param queueWait statistics of the queue waits
 * @param executionTime statistics of the execution times
 * @param endToEnd statistics of the end-to-end latencies
 */
public record DurationBreakdown(DurationStatistics queueWait, DurationStatistics executionTime,
        DurationStatistics endToEnd) {

    /** @throws NullPointerException if an argument is null */
    public DurationBreakdown {
        Objects.requireNonNull(queueWait, "queueWait");
        Objects.requireNonNull(executionTime, "executionTime");
        Objects.requireNonNull(endToEnd, "endToEnd");
    }

    /** Returns the statistics of one kind. */
    public DurationStatistics of(DurationKind kind) {
        return switch (kind) {
            case QUEUE_WAIT -> queueWait;
            case EXECUTION_TIME -> executionTime;
            case END_TO_END -> endToEnd;
        };
    }
}
