package dev.runmetrics.springbatch;

import dev.runmetrics.jdbc.SchemaMigrator;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL of these tests, started once per test JVM (embedded): one database holding
 * Spring Batch's job repository (its own {@code schema-postgresql.sql}, from the spring-batch-core
 * jar) next to runmetrics' schema, as a host would run them. Spring Batch connects as the
 * database owner; the runmetrics store as an application role under row-level security, as the
 * metrics-jdbc tests do.
 */
final class BatchDatabase {

    static final String OWNER_ROLE = "batch_owner";
    static final String APP_ROLE = "runmetrics_app";
    static final String PASSWORD = "batch-test";
    private static final String DATABASE = "batch";

    private static BatchDatabase shared;

    private final String adminUrl;
    private DataSource owner;
    private DataSource app;

    private BatchDatabase(String adminUrl) {
        this.adminUrl = adminUrl;
    }

    static synchronized BatchDatabase shared() {
        if (shared == null) {
            try {
                EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
                shared = prepare(pg.getJdbcUrl("postgres", "postgres"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    private static BatchDatabase prepare(String adminUrl) {
        PGSimpleDataSource admin = new PGSimpleDataSource();
        admin.setURL(adminUrl);
        try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            for (String role : new String[] {OWNER_ROLE, APP_ROLE}) {
                st.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '" + PASSWORD + "'");
            }
            st.execute("CREATE DATABASE " + DATABASE + " OWNER " + OWNER_ROLE);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the test database", e);
        }
        BatchDatabase db = new BatchDatabase(adminUrl);
        SchemaMigrator.migrate(db.owner());
        SchemaMigrator.grantAppRole(db.owner(), APP_ROLE);
        try (Connection c = db.owner().getConnection(); Statement st = c.createStatement();
                InputStream schema = org.springframework.batch.core.job.Job.class
                        .getResourceAsStream("/org/springframework/batch/core/schema-postgresql.sql")) {
            if (schema == null) {
                throw new IllegalStateException("schema-postgresql.sql not found in spring-batch-core");
            }
            st.execute(new String(schema.readAllBytes(), StandardCharsets.UTF_8));
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot create Spring Batch's schema", e);
        }
        return db;
    }

    /** Spring Batch's connections (pooled): the database owner. */
    synchronized DataSource owner() {
        if (owner == null) {
            owner = pool(OWNER_ROLE, 12);
        }
        return owner;
    }

    /** The runmetrics store's connections (pooled): the application role. */
    synchronized DataSource app() {
        if (app == null) {
            app = pool(APP_ROLE, 4);
        }
        return app;
    }

    private DataSource pool(String role, int size) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(adminUrl);
        ds.setDatabaseName(DATABASE);
        ds.setUser(role);
        ds.setPassword(PASSWORD);
        HikariConfig config = new HikariConfig();
        config.setDataSource(ds);
        config.setPoolName(role);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        return new HikariDataSource(config);
    }
}
