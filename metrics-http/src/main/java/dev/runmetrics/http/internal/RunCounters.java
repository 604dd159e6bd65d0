package dev.runmetrics.http.internal;

import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.record.RunEvent;
import dev.runmetrics.core.record.RunListener;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the run lifecycle events this process recorded, per workspace and status, for
 * {@code GET /metrics}: runs started, and runs that reached each terminal or paused status.
 * Thread-safe, lock-free on the recording path.
 */
public final class RunCounters implements RunListener {

    /** A counter key: workspace and status ({@code "started"} for starts). */
    public record Key(String workspace, String status) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = workspace.compareTo(o.workspace);
            return c != 0 ? c : status.compareTo(o.status);
        }
    }

    private final ConcurrentHashMap<Key, LongAdder> ended = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> started = new ConcurrentHashMap<>();

    @Override
    public void onEvent(RunEvent event) {
        String ws = event.run().workspaceId();
        switch (event.type()) {
            case RUN_STARTED -> started.computeIfAbsent(ws, k -> new LongAdder()).increment();
            case RUN_COMPLETED, RUN_FAILED, RUN_CANCELLED, RUN_TIMEOUT, RUN_PAUSED -> {
                RunStatus s = event.run().status();
                ended.computeIfAbsent(new Key(ws, s.wireName()), k -> new LongAdder()).increment();
            }
            default -> { }
        }
    }

    /** Runs started per workspace, sorted. */
    public Map<String, Long> started() {
        Map<String, Long> out = new TreeMap<>();
        started.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Runs ended per workspace and status, sorted. */
    public Map<Key, Long> ended() {
        Map<Key, Long> out = new TreeMap<>();
        ended.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
