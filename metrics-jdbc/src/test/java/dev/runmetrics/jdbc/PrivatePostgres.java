package dev.runmetrics.jdbc;

import dev.runmetrics.core.store.PostgresProcesses;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A PostgreSQL of the fault tests' own, started once per test JVM on a fixed data directory and
 * port, so that they may freeze it (SIGSTOP), stop it and start it again without disturbing the
 * {@link TestDatabase#shared() shared} one. Each test leaves it running ({@link #running()}
 * restarts it if a test did not).
 */
final class PrivatePostgres {

    private static PrivatePostgres instance;

    final Path dataDirectory;
    final int port;
    final TestDatabase db;
    private EmbeddedPostgres pg;

    private PrivatePostgres(Path dataDirectory, int port) {
        this.dataDirectory = dataDirectory;
        this.port = port;
        this.pg = TestDatabase.startEmbedded(dataDirectory, port);
        this.db = TestDatabase.prepare(pg.getJdbcUrl("postgres", "postgres"), pg, "runmetrics");
    }

    /** The fault tests' database, running. */
    static synchronized PrivatePostgres running() {
        if (instance == null) {
            try {
                Path dir = Files.createTempDirectory("runmetrics-faults-pg");
                int port;
                try (ServerSocket s = new ServerSocket(0)) {
                    port = s.getLocalPort();
                }
                instance = new PrivatePostgres(dir, port);
                PrivatePostgres started = instance;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> started.removeAtExit(), "private-postgres-cleanup"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            instance.thaw();
            if (instance.pg == null) {
                instance.start();
            }
        }
        return instance;
    }

    /** Every process stopped with SIGSTOP: connections stay open, nothing answers. */
    synchronized void freeze() {
        PostgresProcesses.freeze(dataDirectory);
        frozen = true;
    }

    synchronized void thaw() {
        if (frozen) {
            PostgresProcesses.thaw(dataDirectory);
            frozen = false;
        }
    }

    /** A clean shutdown: connections are refused until {@link #start()}. */
    synchronized void stop() {
        try {
            pg.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pg = null;
    }

    synchronized void start() {
        pg = TestDatabase.startEmbedded(dataDirectory, port);
    }

    /** At JVM exit: stop the server (zonky's own hook may already have) and delete its files. */
    private synchronized void removeAtExit() {
        try {
            thaw();
            if (pg != null) {
                pg.close();
            }
            try (java.util.stream.Stream<Path> files = Files.walk(dataDirectory)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort: it is a temporary directory
        }
    }

    private boolean frozen;
}
