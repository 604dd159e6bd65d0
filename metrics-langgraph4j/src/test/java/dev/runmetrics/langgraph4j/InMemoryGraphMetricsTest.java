package dev.runmetrics.langgraph4j;

import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.store.memory.InMemoryRunStore;

/** The adapter's rules on {@link InMemoryRunStore}. */
class InMemoryGraphMetricsTest extends GraphMetricsContract {

    @Override
    RunStore newStore() {
        return new InMemoryRunStore();
    }

    @Override
    void settle() {
        // reads see every write at once
    }
}
