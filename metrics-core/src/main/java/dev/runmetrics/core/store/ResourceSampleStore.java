package dev.runmetrics.core.store;

import java.time.Instant;
import java.util.List;

/**
 * Keeps per-minute {@link ResourceSample}s and reads them back by workspace and time, so that the
 * live overview's resource history outlives a restart and covers every instance. Separate from
 * {@link RunStore}: a host may keep its samples elsewhere, or not at all. Implementations:
 * {@code InMemoryResourceSampleStore} (bounded to 30 days per instance) and
 * {@code JdbcResourceSampleStore} in metrics-jdbc (PostgreSQL, pruned by age).
 *
 * <p>Implementations are thread-safe. Like every store call, each one names its workspace and sees
 * only that workspace's samples.
 */
public interface ResourceSampleStore {

    /**
     * Keeps a sample, replacing the one with the same workspace, instance and minute.
     *
     * @throws NullPointerException if sample is null
     * @throws RunStoreException if the store fails ({@link RunStoreUnavailableException} while it is
     *     unavailable)
     */
    void save(ResourceSample sample);

    /**
     * The workspace's samples of every instance whose minute is in {@code [from, to)}, ordered by
     * minute, then instance id.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the workspace id is malformed or {@code to} is before {@code from}
     * @throws RunStoreException if the store fails
     */
    List<ResourceSample> samples(String workspaceId, Instant from, Instant to);
}
