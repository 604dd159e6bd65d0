package dev.runmetrics.core.views.overview;

import java.time.Instant;

/**
 * A running run, as the live section lists it. The overview's "agent" is what runs: here, the
 * workflow. Immutable.
 *
 * @param runId the run
 * @param agentId the workflow id
 * @param agentName the workflow's name
 * @param userId the run's {@code user_id} attribute, or null
 * @param startedAt when it started
 * @param elapsedTime seconds since it started
 * @param estimatedCompletion {@code startedAt} plus the workflow's median execution time over the
 *     estimation window, or null without history; in the past when the run is slower than usual
 */
public record RunInProgress(String runId, String agentId, String agentName, String userId, Instant startedAt,
        double elapsedTime, Instant estimatedCompletion) {
}
