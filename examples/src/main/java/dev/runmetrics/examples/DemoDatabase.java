package dev.runmetrics.examples;

import dev.runmetrics.jdbc.SchemaMigrator;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import io.zonky.test.db.postgres.util.LinuxUtils;
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
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The demo's PostgreSQL: an embedded one whose data lives in a local folder (so a restart keeps
 * the history), or an existing server named by a JDBC URL. Either way it hands out two
 * DataSources: the schema owner, which migrates, and the application role the store connects as,
 * so that row-level security really applies to the store.
 *
 * <p><b>The embedded server is locked</b>, since the demo is often the first thing run on a shared
 * host: every role needs its password (scram-sha-256; {@code pg_hba.conf} has no {@code trust}
 * line and is rewritten at every start); the superuser {@code postgres} is refused over TCP (only
 * the local socket, with its password, reaches it; the socket is the owner's alone); the
 * passwords are random, made at the first start, and kept in {@code <data-dir>/postgres-passwords}
 * (mode 600, the data folder 700); the application role has only the store's grants, and no
 * {@code CREATE} (nor {@code TEMPORARY}) anywhere, {@code public} included. The roles, passwords
 * and revocations are set before the server starts, by PostgreSQL's single-user mode on the
 * stopped data directory, so the server never listens unlocked. A data folder from a demo that
 * predates this is locked the same way at its next start. The PostgreSQL binaries are unpacked
 * into {@code <data-dir>/postgres-binaries}, not into a temporary folder other users can write to.
 */
final class DemoDatabase implements AutoCloseable {

    static final String DATABASE = "runmetrics";
    static final String SUPERUSER = "postgres";
    static final String OWNER_ROLE = "runmetrics_owner";
    static final String APP_ROLE = "runmetrics_app";
    static final String PASSWORD_FILE = "postgres-passwords";
    static final String BINARIES_DIR = "postgres-binaries";
    /** The schema of Spring Batch's job repository ({@code --spring-batch}), owned by the owner role. */
    static final String SPRING_BATCH_SCHEMA = "spring_batch";
    private static final String PORT_FILE = "postgres.port";
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    /** The pg_hba.conf the embedded server always runs with. */
    static final String HBA = """
            # Written by the runmetrics demo at every start; edits here are overwritten.
            # Every role needs its password (scram-sha-256). The superuser is refused over TCP:
            # only the local socket (mode 0700, the demo's user alone) reaches it, with its password.
            # The passwords are in ../postgres-passwords (mode 600).
            local   all   all                      scram-sha-256
            host    all   postgres   0.0.0.0/0     reject
            host    all   postgres   ::/0          reject
            host    all   all        127.0.0.1/32  scram-sha-256
            host    all   all        ::1/128       scram-sha-256
            """;

    /** How many idle connections of the store's role are kept for reuse. */
    static final int STORE_CONNECTIONS = 48;

    private final EmbeddedPostgres embedded;
    private final Path pgdata;
    private final DataSource owner;
    private final DataSource app;
    private final ReusingDataSource pooled;
    private final String description;
    private ReusingDataSource jobRepository;

    private DemoDatabase(EmbeddedPostgres embedded, Path pgdata, DataSource owner, DataSource app,
            String description) {
        this.embedded = embedded;
        this.pgdata = pgdata;
        this.owner = owner;
        this.app = app;
        // Enough idle connections for a saturated runner (32 workers checkpointing at once, the
        // writer, the API's reads): fewer, and a burst's workers open new ones faster than the
        // store lets logins wait, which it reports as the database being unavailable.
        this.pooled = new ReusingDataSource(app, STORE_CONNECTIONS);
        this.description = description;
    }

    /**
     * Starts (or restarts) an embedded PostgreSQL with its data in {@code dataDir/pgdata}, on the
     * port it had last time when that port is free, locked as the class documentation says:
     * passwords made (first start) or read, roles, database and revocations set in single-user
     * mode, {@code pg_hba.conf} written; then migrates as the owner and grants the app role.
     */
    static DemoDatabase embedded(Path dataDir, PrintStream out) {
        try {
            Files.createDirectories(dataDir);
            ownerOnly(dataDir, OWNER_ONLY_DIR);
            Path pgdata = dataDir.resolve("pgdata");
            Path portFile = dataDir.resolve(PORT_FILE);
            Path binaries = dataDir.resolve(BINARIES_DIR);
            Files.createDirectories(binaries);
            int port = rememberedPort(portFile);
            boolean fresh = !Files.exists(pgdata.resolve("PG_VERSION"));
            Path passwordFile = dataDir.resolve(PASSWORD_FILE);
            boolean lock = fresh || !Files.exists(passwordFile);
            out.println(fresh ? "initialising PostgreSQL in " + pgdata + " (first start: a few seconds)"
                    : "starting PostgreSQL on the existing data in " + pgdata);
            Passwords passwords = Passwords.loadOrCreate(passwordFile);
            stopOrphan(pgdata, out);
            EmbeddedPostgres pg;
            try {
                pg = EmbeddedPostgres.builder().setDataDirectory(pgdata).setCleanDataDirectory(false)
                        .setOverrideWorkingDirectory(binaries.toFile()).setPgBinaryResolver(new BinariesIn(binaries))
                        .setRegisterShutdownHook(false) // the demo stops it itself, after the writer drained
                        .setServerConfig("synchronous_commit", "on") // zonky turns it off; the demo keeps what it commits
                        .setServerConfig("listen_addresses", "localhost")
                        .setServerConfig("password_encryption", "scram-sha-256")
                        .setServerConfig("unix_socket_permissions", "0700")
                        // zonky checks that the server is up by connecting as "postgres" over TCP, which
                        // is refused: it checks as the app role instead (a connection property wins).
                        .setConnectConfig("user", APP_ROLE).setConnectConfig("password", passwords.app())
                        .setDataDirectoryCustomizer(dir -> {
                            if (lock) {
                                out.println(fresh ? "locking the new database: random passwords in " + passwordFile
                                        : "locking a database made by an earlier demo: new random passwords in "
                                                + passwordFile);
                                lockDown(binaries, dir.toPath(), passwords);
                            }
                            writeHba(dir.toPath());
                        })
                        .setPort(port).start();
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("cannot start the embedded PostgreSQL on " + pgdata + " (port " + port
                        + "); is another demo running on this --data-dir? " + e.getMessage(), e);
            }
            ownerOnly(binaries, OWNER_ONLY_DIR); // zonky makes its working directory writable by all
            Files.writeString(portFile, Integer.toString(pg.getPort()) + "\n", StandardCharsets.UTF_8);
            String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/" + DATABASE;
            DataSource owner = dataSource(url, OWNER_ROLE, passwords.owner());
            DataSource app = dataSource(url, APP_ROLE, passwords.app());
            try {
                SchemaMigrator.migrate(owner);
                SchemaMigrator.grantAppRole(owner, APP_ROLE);
            } catch (RuntimeException e) {
                pg.close();
                throw e;
            }
            return new DemoDatabase(pg, pgdata, owner, app, "embedded PostgreSQL at " + pgdata + ", " + url
                    + " (store as " + APP_ROLE + "; passwords in " + passwordFile + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * zonky's own binary resolver, told apart per binaries directory: zonky unpacks the binaries
     * once per resolver and JVM, wherever the first start put them, so with its shared resolver a
     * second data folder in the same JVM would run the first one's (and the lock-down would not find
     * them in its own folder).
     */
    private record BinariesIn(Path directory) implements PgBinaryResolver {
        @Override
        public java.io.InputStream getPgBinary(String system, String machineHardware) throws IOException {
            return DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machineHardware);
        }
    }

    /** The random passwords of the embedded server's three roles, kept in a file only its owner reads. */
    record Passwords(String superuser, String owner, String app) {

        static Passwords loadOrCreate(Path file) throws IOException {
            if (Files.exists(file)) {
                ownerOnly(file, OWNER_ONLY_FILE); // in case someone loosened it
                Properties p = new Properties();
                try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    p.load(in);
                }
                String su = p.getProperty(SUPERUSER);
                String ow = p.getProperty(OWNER_ROLE);
                String ap = p.getProperty(APP_ROLE);
                if (su == null || ow == null || ap == null) {
                    throw new IllegalStateException(file + " lacks a password for " + SUPERUSER + ", " + OWNER_ROLE
                            + " or " + APP_ROLE + "; delete it to have the demo make new ones");
                }
                return new Passwords(su, ow, ap);
            }
            Passwords made = new Passwords(random(), random(), random());
            Path tmp = file.resolveSibling(file.getFileName() + ".new");
            Files.deleteIfExists(tmp);
            if (posix(file)) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
            } else {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, "# The embedded PostgreSQL's passwords, made by the runmetrics demo. Keep private.\n"
                    + SUPERUSER + "=" + made.superuser() + "\n" + OWNER_ROLE + "=" + made.owner() + "\n" + APP_ROLE
                    + "=" + made.app() + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return made;
        }

        private static String random() {
            byte[] b = new byte[24];
            RANDOM.nextBytes(b);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(b); // [A-Za-z0-9_-]: safe in SQL quotes
        }

        @Override
        public String toString() {
            return "Passwords[hidden]";
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Sets the roles, passwords, database and revocations on the stopped data directory, in
     * single-user mode (no server, no network): the superuser's password; the owner and app roles
     * (created if missing) with LOGIN and nothing else but their passwords; no CREATE on
     * {@code public} and no TEMPORARY for PUBLIC in every database (template1 first, so the demo's
     * database inherits it); the demo's database, owned by the owner role, connectable by the app
     * role only. Idempotent.
     */
    private static void lockDown(Path binaries, Path pgdata, Passwords pw) {
        String plain = " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ";
        singleUser(binaries, pgdata, "template1", List.of(
                "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
                "REVOKE TEMPORARY ON DATABASE template1 FROM PUBLIC"), Set.of());
        singleUser(binaries, pgdata, "postgres", List.of(
                "ALTER ROLE " + SUPERUSER + " PASSWORD '" + pw.superuser() + "'",
                "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + OWNER_ROLE + "') THEN CREATE ROLE "
                        + OWNER_ROLE + "; END IF; IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + APP_ROLE
                        + "') THEN CREATE ROLE " + APP_ROLE + "; END IF; END $$",
                "ALTER ROLE " + OWNER_ROLE + plain + "'" + pw.owner() + "'",
                "ALTER ROLE " + APP_ROLE + plain + "'" + pw.app() + "'",
                "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
                "REVOKE TEMPORARY ON DATABASE postgres FROM PUBLIC",
                "CREATE DATABASE " + DATABASE + " OWNER " + OWNER_ROLE), Set.of("already exists"));
        singleUser(binaries, pgdata, DATABASE, List.of(
                "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
                "REVOKE ALL ON DATABASE " + DATABASE + " FROM PUBLIC",
                "GRANT CONNECT ON DATABASE " + DATABASE + " TO " + APP_ROLE), Set.of());
    }

    /**
     * Runs SQL commands in PostgreSQL's single-user mode ({@code postgres --single}) on a stopped
     * data directory; fails on any error whose message does not contain one of {@code tolerated}.
     * The commands go in on stdin (never on a command line, where {@code ps} shows them), and
     * passwords are blanked out of any error reported.
     */
    private static void singleUser(Path binaries, Path pgdata, String database, List<String> commands,
            Set<String> tolerated) {
        Path postgres = postgresBinary(binaries);
        List<String> command = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            command.addAll(List.of("unshare", "-U")); // as zonky runs it: PostgreSQL refuses to run as root
        }
        command.addAll(List.of(postgres.toString(), "--single", "-j", "-D", pgdata.toString(), "-c",
                "log_min_messages=error", database));
        StringBuilder input = new StringBuilder();
        for (String c : commands) {
            input.append(c).append(";\n\n");
        }
        String output;
        int exit;
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (var in = p.getOutputStream()) {
                in.write(input.toString().getBytes(StandardCharsets.UTF_8));
            }
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            exit = p.waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run PostgreSQL in single-user mode", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while locking the database", e);
        }
        List<String> errors = new ArrayList<>();
        for (String line : output.split("\n")) {
            if ((line.contains("ERROR:") || line.contains("FATAL:") || line.contains("PANIC:"))
                    && tolerated.stream().noneMatch(line::contains)) {
                errors.add(line.replaceAll("PASSWORD '[^']*'", "PASSWORD '...'"));
            }
        }
        if (exit != 0 || !errors.isEmpty()) {
            throw new IllegalStateException("locking the embedded PostgreSQL (database " + database + ") failed, exit "
                    + exit + ": " + String.join(" | ", errors));
        }
    }

    /** The {@code postgres} binary zonky unpacked into {@code binaries} (the newest, if several). */
    private static Path postgresBinary(Path binaries) {
        try (Stream<Path> dirs = Files.list(binaries)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("PG-"))
                    .map(d -> d.resolve("bin").resolve("postgres")).filter(Files::isExecutable)
                    .max(Comparator.comparing(DemoDatabase::modified))
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL binaries in " + binaries));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static void writeHba(Path pgdata) {
        try {
            Path hba = pgdata.resolve("pg_hba.conf");
            Files.writeString(hba, HBA, StandardCharsets.UTF_8);
            ownerOnly(hba, OWNER_ONLY_FILE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write pg_hba.conf", e);
        }
    }

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static void ownerOnly(Path p, Set<PosixFilePermission> permissions) throws IOException {
        if (posix(p)) {
            Files.setPosixFilePermissions(p, permissions);
        }
    }

    /** The data directory of the embedded server, or null for an external one. */
    Path embeddedDataDirectory() {
        return pgdata;
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
        return new DemoDatabase(null, null, owner, app, url + " (store as " + storeRole + ")");
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

    /** How many connections the store's reusing DataSource holds open (borrowed and idle). */
    int storePoolSize() {
        return pooled.openConnections();
    }

    /**
     * The database of Spring Batch's JDBC job repository ({@code --spring-batch}): the owner role
     * in schema {@value #SPRING_BATCH_SCHEMA}, created at the first call with Spring Batch's own
     * {@code schema-postgresql.sql} (from the spring-batch-core jar) when its tables are missing,
     * connections reused. Spring Batch's tables have no row-level security: they are the host's,
     * and the store's application role has no grant on them.
     *
     * @throws IllegalStateException if the schema cannot be created
     */
    synchronized DataSource jobRepository() {
        if (jobRepository != null) {
            return jobRepository;
        }
        PGSimpleDataSource o = (PGSimpleDataSource) owner;
        PGSimpleDataSource batch = dataSource(o.getURL(), o.getUser(), o.getPassword());
        batch.setCurrentSchema(SPRING_BATCH_SCHEMA);
        try (Connection c = batch.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + SPRING_BATCH_SCHEMA);
            boolean present;
            try (ResultSet rs = st.executeQuery("SELECT to_regclass('" + SPRING_BATCH_SCHEMA + ".batch_job_instance')"
                    + " IS NOT NULL")) {
                present = rs.next() && rs.getBoolean(1);
            }
            if (!present) {
                try (var script = org.springframework.batch.core.job.Job.class
                        .getResourceAsStream("/org/springframework/batch/core/schema-postgresql.sql")) {
                    if (script == null) {
                        throw new IllegalStateException("schema-postgresql.sql is missing from spring-batch-core");
                    }
                    st.execute(new String(script.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot create Spring Batch's schema " + SPRING_BATCH_SCHEMA + ": "
                    + e.getMessage(), e);
        }
        jobRepository = new ReusingDataSource(batch, 8);
        return jobRepository;
    }

    @Override
    public String toString() {
        return description;
    }

    /** Stops the embedded server (a fast shutdown: committed data is on disk); nothing for an external one. */
    @Override
    public void close() {
        pooled.close();
        synchronized (this) {
            if (jobRepository != null) {
                jobRepository.close();
            }
        }
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
