package dev.runmetrics.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.store.RunStoreContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The shared RunStore contract, against PostgreSQL through the application role. */
class JdbcRunStoreContractTest extends RunStoreContract {

    static JdbcRunStore store;

    @BeforeAll
    static void start() {
        store = JdbcRunStore.builder(TestDatabase.shared().app()).build();
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    @Override
    protected RunStore store() {
        return store;
    }

    @Override
    protected void awaitWrites() {
        assertThat(store.flush(Duration.ofSeconds(30))).isTrue();
    }
}
