package dev.runmetrics.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cardinality cap of one kind of subject (nodes, workflows, steps): admits at most {@code max}
 * distinct subjects, for good, and counts what the refused ones would have published in
 * {@link MeterNames#DROPPED}. Thread-safe and lock-free.
 */
final class SeriesBudget {
    private final int max;
    private final AtomicInteger admitted = new AtomicInteger();
    private final Counter dropped;

    SeriesBudget(MeterRegistry registry, String kind, int max) {
        this.max = max;
        this.dropped = Counter.builder(MeterNames.DROPPED)
                .description("Records and events not published because the bridge's cap on distinct subjects of this kind was reached")
                .tag(MeterNames.KIND, kind)
                .register(registry);
    }

    /** Returns whether one more distinct subject fits; if so it is counted as admitted. */
    boolean tryAdmit() {
        for (;;) {
            int n = admitted.get();
            if (n >= max) {
                return false;
            }
            if (admitted.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Counts one record or event that was not published. */
    void drop() {
        dropped.increment();
    }

    int admitted() {
        return admitted.get();
    }

    int max() {
        return max;
    }
}
