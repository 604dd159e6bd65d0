package dev.runmetrics.core.views.overview;

import java.util.List;
import java.util.Objects;

/**
 * The live section of the overview, from the store's live set (queued and running runs); also
 * what the {@code execution_update} stream sends. Its lists hold at most {@code listLimit} runs
 * each, while its counts are the true totals, so its size does not grow with the runs in flight.
 * Immutable.
 *
 * @param currentlyRunning runs in status RUNNING (all of them, however many are listed)
 * @param queueDepth runs in status QUEUED (all of them, however many are listed)
 * @param avgQueueWaitTime mean time the queued runs have waited so far, seconds (0 when none); over
 *     the queued runs read: all of them up to the views' live limit, else the oldest ones read
 * @param executionsInProgress the running runs, oldest queued first, at most {@code listLimit}
 * @param queuedExecutions the queued runs in start order (priority descending, then queued first),
 *     at most {@code listLimit}: the next to start
 * @param systemLoad CPU, memory and workers
 * @param listLimit the most runs each list holds (the views' live list limit); a list shorter
 *     than its count was cut to its first {@code listLimit}
 */
public record Realtime(int currentlyRunning, int queueDepth, double avgQueueWaitTime,
        List<RunInProgress> executionsInProgress, List<QueuedRun> queuedExecutions, SystemLoad systemLoad,
        int listLimit) {
    /**
     * Copies the lists.
     *
     * @throws IllegalArgumentException if a count or the limit is negative, or a list is longer than
     *     the limit
     */
    public Realtime {
        executionsInProgress = List.copyOf(executionsInProgress);
        queuedExecutions = List.copyOf(queuedExecutions);
        Objects.requireNonNull(systemLoad, "systemLoad");
        if (currentlyRunning < 0 || queueDepth < 0 || listLimit < 0) {
            throw new IllegalArgumentException("counts and listLimit must not be negative");
        }
        if (executionsInProgress.size() > listLimit || queuedExecutions.size() > listLimit) {
            throw new IllegalArgumentException("a list is longer than listLimit (" + listLimit + ")");
        }
    }
}
