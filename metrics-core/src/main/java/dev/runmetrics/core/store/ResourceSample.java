package dev.runmetrics.core.store;

import dev.runmetrics.core.internal.Checks;
import java.time.Instant;
import java.util.Objects;

/**
 * What one instance (a JVM running a store) used in one UTC minute, kept for one workspace that
 * instance serves: one row per workspace, instance and minute. The instance-wide figures (CPU,
 * heap, workers, database) are the same in each workspace's row; they are kept per workspace so
 * that every read, like every other, is scoped to one. A figure the host could not measure is
 * null. Immutable.
 *
 * @param workspaceId the workspace the row is kept for
 * @param instanceId the instance that took it
 * @param minuteStart the UTC minute it describes (a whole minute)
 * @param cpuPercent machine CPU load when it was taken, percent 0-100
 * @param heapPercent JVM heap in use over the maximum heap when it was taken, percent 0-100
 * @param workersBusy workers running a step when it was taken (a count)
 * @param workersTotal the instance's configured workers (a count)
 * @param queuedSteps steps waiting for a worker when it was taken (a count)
 * @param dbConnectionsInUse the most database connections the store held at once during the minute
 * @param dbPoolSize connections the store's pool held open (in use and idle) when it was taken
 * @param dbQueriesPerSecond statements the store ran per second, over the minute
 * @param dbQueryTimeMs the mean time of those statements, milliseconds (null when none ran)
 */
public record ResourceSample(String workspaceId, String instanceId, Instant minuteStart, Double cpuPercent,
        Double heapPercent, Integer workersBusy, Integer workersTotal, Integer queuedSteps, Integer dbConnectionsInUse,
        Integer dbPoolSize, Double dbQueriesPerSecond, Double dbQueryTimeMs) {

    /**
     * @throws NullPointerException if an id or the minute is null
     * @throws IllegalArgumentException if an id is malformed, the minute is not whole, or a figure is
     *     negative or not finite
     */
    public ResourceSample {
        Checks.id("workspaceId", workspaceId);
        Checks.id("instanceId", instanceId);
        Objects.requireNonNull(minuteStart, "minuteStart");
        if (minuteStart.getEpochSecond() % 60 != 0 || minuteStart.getNano() != 0) {
            throw new IllegalArgumentException("minuteStart must be a whole UTC minute, was " + minuteStart);
        }
        figure("cpuPercent", cpuPercent);
        figure("heapPercent", heapPercent);
        figure("dbQueriesPerSecond", dbQueriesPerSecond);
        figure("dbQueryTimeMs", dbQueryTimeMs);
        count("workersBusy", workersBusy);
        count("workersTotal", workersTotal);
        count("queuedSteps", queuedSteps);
        count("dbConnectionsInUse", dbConnectionsInUse);
        count("dbPoolSize", dbPoolSize);
    }

    private static void figure(String name, Double value) {
        if (value != null && (!Double.isFinite(value) || value < 0)) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0, was " + value);
        }
    }

    private static void count(String name, Integer value) {
        if (value != null && value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, was " + value);
        }
    }
}
