package dev.runmetrics.core.views.overview;

import java.time.Instant;

/**
 * A queued run, as the live section lists it. Immutable.
 *
 * @param queueId the run id
 * @param agentId the workflow id
 * @param priority the run's {@code priority} attribute, 0 when absent
 * @param queuedAt when it was queued
 * @param estimatedStartTime when a worker is expected to take it (the runs ahead of it each hold a
 *     worker for their workflow's median execution time), or null when an earlier duration is
 *     unknown
 */
public record QueuedRun(String queueId, String agentId, int priority, Instant queuedAt,
        Instant estimatedStartTime) {
}
