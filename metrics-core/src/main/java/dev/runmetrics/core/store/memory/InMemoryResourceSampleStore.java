package dev.runmetrics.core.store.memory;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.store.ResourceSample;
import dev.runmetrics.core.store.ResourceSampleStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link ResourceSampleStore} in memory: each instance's samples of each workspace are kept for
 * {@link #RETENTION} (30 days) back from that series' newest minute, so memory is bounded by
 * 43,200 samples per workspace and instance however long the process runs. Lost at restart: a
 * host that wants its history back uses a persistent store (metrics-jdbc's).
 *
 * <p>Thread-safe: one sorted map per workspace and instance, guarded by its own monitor.
 */
public final class InMemoryResourceSampleStore implements ResourceSampleStore {

    /** How far back from its newest minute an instance's samples are kept. */
    public static final Duration RETENTION = Duration.ofDays(30);

    private record Series(String workspaceId, String instanceId) {}

    private final Map<Series, NavigableMap<Instant, ResourceSample>> series = new ConcurrentHashMap<>();

    @Override
    public void save(ResourceSample sample) {
        Objects.requireNonNull(sample, "sample");
        NavigableMap<Instant, ResourceSample> minutes = series.computeIfAbsent(
                new Series(sample.workspaceId(), sample.instanceId()), k -> new TreeMap<>());
        synchronized (minutes) {
            minutes.put(sample.minuteStart(), sample);
            Instant oldestKept = minutes.lastKey().minus(RETENTION);
            minutes.headMap(oldestKept, false).clear();
        }
    }

    @Override
    public List<ResourceSample> samples(String workspaceId, Instant from, Instant to) {
        Checks.id("workspaceId", workspaceId);
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to (" + to + ") is before from (" + from + ")");
        }
        List<ResourceSample> out = new ArrayList<>();
        series.forEach((key, minutes) -> {
            if (key.workspaceId().equals(workspaceId)) {
                synchronized (minutes) {
                    out.addAll(minutes.subMap(from, true, to, false).values());
                }
            }
        });
        out.sort(Comparator.comparing(ResourceSample::minuteStart).thenComparing(ResourceSample::instanceId));
        return out;
    }

    @Override
    public String toString() {
        return "InMemoryResourceSampleStore{series=" + series.size() + "}";
    }
}
