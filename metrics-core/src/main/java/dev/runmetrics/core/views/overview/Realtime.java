package dev.runmetrics.core.views.overview;

import java.util.List;
import java.util.Objects;

/**
 * The live section of the overview, from the store's live set (queued and running runs); also
 * what the {@code execution_update} stream sends. Immutable.
 *
 * @param currentlyRunning runs in status RUNNING
 * @param queueDepth runs in status QUEUED
 * @param avgQueueWaitTime mean time the queued runs have waited so far, seconds (0 when none)
 * @param executionsInProgress the running runs, oldest queued first
 * @param queuedExecutions the queued runs in start order (priority descending, then queued first)
 * @param systemLoad CPU, memory and workers
 */
public record Realtime(int currentlyRunning, int queueDepth, double avgQueueWaitTime,
        List<RunInProgress> executionsInProgress, List<QueuedRun> queuedExecutions, SystemLoad systemLoad) {
    /** Copies the lists. */
    public Realtime {
        executionsInProgress = List.copyOf(executionsInProgress);
        queuedExecutions = List.copyOf(queuedExecutions);
        Objects.requireNonNull(systemLoad, "systemLoad");
    }
}
