package dev.runmetrics.examples;

import dev.runmetrics.jdbc.SchemaMigrator;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The demo's PostgreSQL: an embedded one whose data lives in a local folder (so a restart keeps
 * the history), or an existing server named by a JDBC URL. Either way it hands out two
 * DataSources: the schema owner, which migrates, and the application role the store connects as,
 * so that row-level security really applies to the store.
 */
final class DemoDatabase implements AutoCloseable {

    static final String DATABASE = "runmetrics";
    static final String OWNER_ROLE = "runmetrics_owner";
    static final String APP_ROLE = "runmetrics_app";
    /** The embedded server trusts local connections; the passwords only matter on a real server. */
    private static final String EMBEDDED_PASSWORD = "runmetrics-demo";
    private static final String PORT_FILE = "postgres.port";

    private final EmbeddedPostgres embedded;
    private final DataSource owner;
    private final DataSource app;
    private final ReusingDataSource pooled;
    private final String description;

    private DemoDatabase(EmbeddedPostgres embedded, DataSource owner, DataSource app, String description) {
        this.embedded = embedded;
        this.owner = owner;
        this.app = app;
        this.pooled = new ReusingDataSource(app, 16);
        this.description = description;
    }

    /**
     * Starts (or restarts) an embedded PostgreSQL with its data in {@code dataDir/pgdata}, on the
     * port it had last time when that port is free, creates the two roles and the database if
     * missing, migrates as the owner and grants the app role.
     */
    static DemoDatabase embedded(Path dataDir, PrintStream out) {
        try {
            Files.createDirectories(dataDir);
            Path pgdata = dataDir.resolve("pgdata");
            Path portFile = dataDir.resolve(PORT_FILE);
            int port = rememberedPort(portFile);
            boolean fresh = !Files.exists(pgdata.resolve("PG_VERSION"));
            out.println(fresh ? "initialising PostgreSQL in " + pgdata + " (first start: a few seconds)"
                    : "starting PostgreSQL on the existing data in " + pgdata);
            stopOrphan(pgdata, out);
            EmbeddedPostgres pg;
            try {
                pg = EmbeddedPostgres.builder().setDataDirectory(pgdata).setCleanDataDirectory(false)
                        .setRegisterShutdownHook(false) // the demo stops it itself, after the writer drained
                        .setServerConfig("synchronous_commit", "on") // zonky turns it off; the demo keeps what it commits
                        .setPort(port).start();
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("cannot start the embedded PostgreSQL on " + pgdata + " (port " + port
                        + "); is another demo running on this --data-dir? " + e.getMessage(), e);
            }
            Files.writeString(portFile, Integer.toString(pg.getPort()) + "\n", StandardCharsets.UTF_8);
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
                createRole(st, OWNER_ROLE, "");
                createRole(st, APP_ROLE, " NOSUPERUSER NOBYPASSRLS");
                try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                    if (!rs.next()) {
                        st.execute("CREATE DATABASE " + DATABASE + " OWNER " + OWNER_ROLE);
                    }
                }
            } catch (SQLException e) {
                pg.close();
                throw new IllegalStateException("cannot create the demo's roles and database: " + e.getMessage(), e);
            }
            String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/" + DATABASE;
            DataSource owner = dataSource(url, OWNER_ROLE, EMBEDDED_PASSWORD);
            DataSource app = dataSource(url, APP_ROLE, EMBEDDED_PASSWORD);
            SchemaMigrator.migrate(owner);
            SchemaMigrator.grantAppRole(owner, APP_ROLE);
            return new DemoDatabase(pg, owner, app, "embedded PostgreSQL at " + pgdata + ", " + url + " (store as "
                    + APP_ROLE + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Uses an existing PostgreSQL: {@code user} (or the URL's user) owns the schema and migrates;
     * the store connects as {@code appUser} when given (granted here), else as {@code user} too.
     */
    static DemoDatabase external(String url, String user, String password, String appUser, String appPassword,
            PrintStream out) {
        DataSource owner = dataSource(url, user, password);
        SchemaMigrator.migrate(owner);
        DataSource app = owner;
        String storeRole = user == null ? "the URL's user" : user;
        if (appUser != null) {
            SchemaMigrator.grantAppRole(owner, appUser);
            app = dataSource(url, appUser, appPassword);
            storeRole = appUser;
        }
        try (Connection c = app.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")) {
            if (rs.next() && rs.getBoolean(1)) {
                out.println("WARNING: the store's role is a superuser or has BYPASSRLS: row-level security does not"
                        + " apply to it. Use --app-user with a plain role (see examples/README.md).");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to " + url + ": " + e.getMessage(), e);
        }
        return new DemoDatabase(null, owner, app, url + " (store as " + storeRole + ")");
    }

    DataSource owner() {
        return owner;
    }

    /** The application role, a new connection each time (tests and one-off queries). */
    DataSource app() {
        return app;
    }

    /** The application role with connections reused: what the store uses. */
    DataSource forStore() {
        return pooled;
    }

    @Override
    public String toString() {
        return description;
    }

    /** Stops the embedded server (a fast shutdown: committed data is on disk); nothing for an external one. */
    @Override
    public void close() {
        pooled.close();
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * A demo killed without its shutdown hook (kill -9, a crash) leaves its PostgreSQL running on
     * the data folder, and the next start would fail. If {@code postmaster.pid} names a live process
     * and no live demo holds the folder's lock ({@code epg-lock}, held by the JVM that started it),
     * that server is an orphan: stop it (SIGTERM, a smart shutdown; it has no clients left).
     */
    private static void stopOrphan(Path pgdata, PrintStream out) throws IOException {
        Path pidFile = pgdata.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).strip());
        } catch (RuntimeException unreadable) {
            return; // PostgreSQL itself copes with a stale or damaged pid file
        }
        Optional<ProcessHandle> server = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        if (server.isEmpty()) {
            return;
        }
        try (FileChannel channel = FileChannel.open(pgdata.resolve("epg-lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
            if (lock == null) {
                return; // a live demo owns it: the start below reports that
            }
        } catch (OverlappingFileLockException heldHere) {
            return; // this JVM runs a demo on it
        }
        out.println("stopping PostgreSQL (pid " + pid + ") left running on " + pgdata + " by a demo that did not stop"
                + " cleanly");
        server.get().destroy();
        try {
            server.get().onExit().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            out.println("PostgreSQL pid " + pid + " did not stop within 30 s: " + e);
        }
    }

    private static void createRole(Statement st, String role, String options) throws SQLException {
        st.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role + "') THEN"
                + " CREATE ROLE " + role + " LOGIN" + options + " PASSWORD '" + EMBEDDED_PASSWORD + "'; END IF; END $$");
    }

    static PGSimpleDataSource dataSource(String url, String user, String password) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        if (user != null) {
            ds.setUser(user);
        }
        if (password != null) {
            ds.setPassword(password);
        }
        // A database that vanishes without closing the socket must not hold the writer forever.
        ds.setConnectTimeout(10);
        ds.setSocketTimeout(60);
        ds.setApplicationName("runmetrics-demo");
        return ds;
    }

    /** The port of the last start when it is free now, else a free one. */
    private static int rememberedPort(Path portFile) throws IOException {
        if (Files.exists(portFile)) {
            try {
                int port = Integer.parseInt(Files.readString(portFile, StandardCharsets.UTF_8).strip());
                try (ServerSocket s = new ServerSocket(port)) {
                    return port;
                } catch (IOException taken) {
                    // someone else took it since: pick another, the data does not care
                }
            } catch (NumberFormatException ignored) {
                // a damaged file: pick a new port
            }
        }
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
