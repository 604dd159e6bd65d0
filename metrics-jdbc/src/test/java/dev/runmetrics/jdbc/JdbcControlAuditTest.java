package dev.runmetrics.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.http.ControlAuditContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The control audit suite (the HTTP adapter and the reference runner) over PostgreSQL. */
class JdbcControlAuditTest extends ControlAuditContract {

    static JdbcRunStore store;

    @BeforeAll
    static void open() {
        store = JdbcRunStore.builder(TestDatabase.shared().app()).build();
    }

    @AfterAll
    static void close() {
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
