package dev.runmetrics.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The demo's embedded PostgreSQL is locked: no connection without the right password, the
 * superuser not at all over TCP, the application role without CREATE anywhere, the passwords in
 * a file only its owner can read, no {@code trust} in {@code pg_hba.conf}; and a data folder made
 * before the lock (trusting, with a known password) is locked at its next start.
 */
class EmbeddedDatabaseSecurityTest {

    @TempDir
    Path dataDir;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @Test
    void everyRoleNeedsItsPasswordTheSuperuserIsNotReachableOverTcpAndTheAppRoleCreatesNothing() throws Exception {
        try (DemoDatabase db = DemoDatabase.embedded(dataDir, out)) {
            Properties pw = passwords();
            assertThat(pw.stringPropertyNames()).containsExactlyInAnyOrder("postgres", "runmetrics_owner",
                    "runmetrics_app");
            assertThat(pw.getProperty("runmetrics_app")).hasSizeGreaterThanOrEqualTo(32)
                    .isNotEqualTo(pw.getProperty("runmetrics_owner")).isNotEqualTo("runmetrics-demo");
            assertLocked(pw);
        }
        // Files: the passwords and the data folder are the owner's alone; no trust line.
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("postgres-passwords"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("pgdata"))))
                .isEqualTo("rwx------");
        assertThat(hbaRules()).isNotEmpty().noneMatch(l -> l.contains("trust"))
                .allMatch(l -> l.endsWith("scram-sha-256") || l.endsWith("reject"));
        assertThat(printed.toString(StandardCharsets.UTF_8)).doesNotContain(passwords().getProperty("runmetrics_app"));

        // A restart keeps the passwords and the lock.
        Properties before = passwords();
        try (DemoDatabase db = DemoDatabase.embedded(dataDir, out)) {
            assertThat(passwords()).isEqualTo(before);
            assertLocked(before);
        }
    }

    @Test
    void aDataFolderFromBeforeTheLockIsLockedAtItsNextStart() throws Exception {
        try (DemoDatabase db = DemoDatabase.embedded(dataDir, out)) {
            // nothing: makes the folder
        }
        // What an earlier demo left: trust for every local connection, the known password, no password file.
        Path hba = dataDir.resolve("pgdata").resolve("pg_hba.conf");
        Files.writeString(hba, "local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n");
        String old = passwords().getProperty("runmetrics_app");
        Files.delete(dataDir.resolve("postgres-passwords"));

        try (DemoDatabase db = DemoDatabase.embedded(dataDir, out)) {
            Properties fresh = passwords();
            assertThat(fresh.getProperty("runmetrics_app")).isNotEqualTo(old);
            assertThat(hbaRules()).noneMatch(l -> l.contains("trust"));
            assertLocked(fresh);
            assertThatThrownBy(() -> connect("runmetrics", "runmetrics_app", old).close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("locking a database made by an earlier demo");
    }

    private void assertLocked(Properties pw) throws Exception {
        String app = pw.getProperty("runmetrics_app");
        // No password, a wrong one: refused, for every role.
        for (String role : List.of("runmetrics_app", "runmetrics_owner", "postgres")) {
            assertThatThrownBy(() -> connect("runmetrics", role, null).close()).as(role)
                    .isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> connect("runmetrics", role, "wrong-password").close()).as(role)
                    .isInstanceOf(SQLException.class);
        }
        assertThatThrownBy(() -> connect("runmetrics", "runmetrics_app", null).close())
                .hasMessageContaining("password");
        // The superuser over TCP, even with its password: refused by pg_hba.conf.
        for (String database : List.of("postgres", "runmetrics")) {
            assertThatThrownBy(() -> connect(database, "postgres", pw.getProperty("postgres")).close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("pg_hba.conf rejects connection");
        }
        // The app role reads and writes the store's tables, and creates nothing anywhere.
        try (Connection c = connect("runmetrics", "runmetrics_app", app); Statement st = c.createStatement()) {
            st.execute("SELECT set_config('runmetrics.workspace_id', 'ws-x', false)");
            st.executeQuery("SELECT count(*) FROM runmetrics.workflow_executions").close();
            for (String ddl : List.of("CREATE TABLE public.intruder (x int)", "CREATE TABLE runmetrics.intruder (x int)",
                    "CREATE TEMP TABLE intruder (x int)", "CREATE SCHEMA intruder",
                    "CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'")) {
                assertThatThrownBy(() -> st.execute(ddl)).as(ddl).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
            }
        }
        try (Connection c = connect("postgres", "runmetrics_app", app); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.execute("CREATE TABLE public.intruder (x int)"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
        }
    }

    private Connection connect(String database, String user, String password) throws SQLException {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL("jdbc:postgresql://127.0.0.1:" + port() + "/" + database);
        ds.setUser(user);
        if (password != null) {
            ds.setPassword(password);
        }
        ds.setConnectTimeout(5);
        return ds.getConnection();
    }

    private int port() {
        try {
            return Integer.parseInt(Files.readString(dataDir.resolve("postgres.port")).strip());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Properties passwords() throws IOException {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(dataDir.resolve("postgres-passwords"))) {
            p.load(in);
        }
        return p;
    }

    private List<String> hbaRules() throws IOException {
        return Files.readAllLines(dataDir.resolve("pgdata").resolve("pg_hba.conf")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).map(l -> l.replaceAll("\\s+", " ")).toList();
    }
}
