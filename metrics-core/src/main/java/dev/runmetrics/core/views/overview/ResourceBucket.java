package dev.runmetrics.core.views.overview;

import java.time.Instant;
import java.util.Objects;

/**
 * The resources used in one bucket of a {@link ResourceHistory}, from the per-minute samples of
 * every instance. Each figure is first combined per minute across the instances that sampled it —
 * CPU and heap: their mean; workers, queued steps, connections, pool size and queries per second:
 * their sum; query time: the mean weighted by each instance's queries per second — and then
 * summarised over the bucket's minutes as a {@link MeanMax}, null when no minute has it.
 * Immutable.
 *
 * @param timestamp the start of the bucket
 * @param minutes how many minutes of the bucket have a sample
 * @param cpuPercent machine CPU load, percent 0-100
 * @param heapPercent JVM heap in use over its maximum, percent 0-100
 * @param workersBusy workers running a step (count)
 * @param workersTotal configured workers (count)
 * @param queuedSteps steps waiting for a worker (count)
 * @param dbConnectionsInUse the most database connections the stores held at once in a minute (count)
 * @param dbPoolSize connections the stores' pools held open (count)
 * @param dbQueriesPerSecond statements the stores ran per second
 * @param dbQueryTimeMs mean statement time, milliseconds
 */
public record ResourceBucket(Instant timestamp, int minutes, MeanMax cpuPercent, MeanMax heapPercent,
        MeanMax workersBusy, MeanMax workersTotal, MeanMax queuedSteps, MeanMax dbConnectionsInUse, MeanMax dbPoolSize,
        MeanMax dbQueriesPerSecond, MeanMax dbQueryTimeMs) {

    /** @throws NullPointerException if timestamp is null */
    public ResourceBucket {
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
