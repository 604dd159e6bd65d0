package dev.runmetrics.core.store.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.store.ResourceSampleStore;
import dev.runmetrics.core.store.ResourceSampleStoreContract;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryResourceSampleStoreTest extends ResourceSampleStoreContract {
    private final InMemoryResourceSampleStore store = new InMemoryResourceSampleStore();

    @Override
    protected ResourceSampleStore store() {
        return store;
    }

    @Test
    void eachInstanceKeepsThirtyDaysBackFromItsNewestMinute() {
        Instant newest = MINUTE.plus(Duration.ofDays(30));
        store.save(sample(ws, "i-1", MINUTE.minusSeconds(60), 1));
        store.save(sample(ws, "i-1", MINUTE, 2));
        store.save(sample(ws, "i-2", MINUTE.minusSeconds(60), 3));
        store.save(sample(ws, "i-1", newest, 4));
        assertThat(store.samples(ws, Instant.EPOCH, newest.plusSeconds(60)))
                .as("i-1 forgot its minute beyond 30 days; i-2, whose newest is that minute, did not")
                .containsExactly(sample(ws, "i-2", MINUTE.minusSeconds(60), 3), sample(ws, "i-1", MINUTE, 2),
                        sample(ws, "i-1", newest, 4));
    }
}
