package dev.runmetrics.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's connections, each bounded in time whatever the host's {@link DataSource} does:
 * getting one waits at most the acquisition timeout (the DataSource is called on a helper thread,
 * so a driver or pool stuck in a login cannot hold the caller), and each gets a network timeout
 * ({@link Connection#setNetworkTimeout}), so a read from a database that stopped answering fails
 * instead of waiting forever. Connections in use are tracked, so that a database found hung can
 * have the calls waiting on it aborted ({@link Connection#abort}) at once.
 *
 * <p>Thread-safe. At most {@value #MAX_PENDING_OPENS} acquisitions run at a time: beyond that a
 * database that does not answer logins would only pile up helper threads, so a call fails at once.
 */
final class BoundedConnections implements ConnectionFactory {

    static final int MAX_PENDING_OPENS = 8;

    private static final Logger log = LoggerFactory.getLogger(BoundedConnections.class);
    private static final Executor DIRECT = Runnable::run;

    private final DataSource dataSource;
    private final long acquireNanos;
    private final int networkTimeoutMillis;
    private final Semaphore pendingOpens = new Semaphore(MAX_PENDING_OPENS);
    private final ExecutorService opener;
    /** Connections handed out and not yet closed, with the nanoTime they were handed out. */
    private final Map<Connection, Long> inUse = new ConcurrentHashMap<>();
    /** Acquisitions the callers still wait for, with the nanoTime they began. */
    private final Map<CompletableFuture<Connection>, Long> waiting = new ConcurrentHashMap<>();
    private volatile boolean networkTimeoutWarned;

    BoundedConnections(DataSource dataSource, long acquireNanos, int networkTimeoutMillis, String name) {
        this.dataSource = dataSource;
        this.acquireNanos = acquireNanos;
        this.networkTimeoutMillis = networkTimeoutMillis;
        AtomicInteger threads = new AtomicInteger();
        this.opener = Executors.newCachedThreadPool(task -> {
            Thread t = new Thread(task, "runmetrics-jdbc-connect-" + name + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public Connection openConnection() throws SQLException {
        Connection c = open(acquireNanos, networkTimeoutMillis, true);
        inUse.put(c, System.nanoTime());
        return c;
    }

    @Override
    public void closeConnection(Connection connection) throws SQLException {
        inUse.remove(connection);
        connection.close();
    }

    /**
     * Gets a connection within {@code timeoutNanos} and gives it a network timeout of
     * {@code networkMillis}; not tracked (the caller closes it itself).
     *
     * @throws SQLTransientConnectionException (SQLSTATE 08001) if none came in time
     */
    Connection open(long timeoutNanos, int networkMillis) throws SQLException {
        return open(timeoutNanos, networkMillis, false);
    }

    private Connection open(long timeoutNanos, int networkMillis, boolean abortable) throws SQLException {
        if (!pendingOpens.tryAcquire()) {
            throw new SQLTransientConnectionException(MAX_PENDING_OPENS + " connection attempts are already waiting"
                    + " for the database", "08001");
        }
        CompletableFuture<Connection> pending = new CompletableFuture<>();
        try {
            opener.execute(() -> {
                try {
                    Connection got = dataSource.getConnection();
                    if (!pending.complete(got)) {
                        closeQuietly(got); // its caller gave up
                    }
                } catch (Throwable e) {
                    pending.completeExceptionally(e);
                } finally {
                    pendingOpens.release();
                }
            });
        } catch (RuntimeException closed) {
            pendingOpens.release();
            throw new SQLTransientConnectionException("the store is closed", "08003", closed);
        }
        Connection c;
        if (abortable) {
            waiting.put(pending, System.nanoTime());
        }
        try {
            c = pending.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.thenAccept(BoundedConnections::closeQuietly); // if it ever comes, nobody wants it
            throw new SQLTransientConnectionException("no database connection within "
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms (the database does not answer)", "08001");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.thenAccept(BoundedConnections::closeQuietly);
            throw new SQLTransientConnectionException("interrupted while waiting for a database connection", "08001", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql) {
                throw sql;
            }
            throw new SQLTransientConnectionException("getting a database connection failed: " + cause, "08001", cause);
        } finally {
            waiting.remove(pending);
        }
        try {
            c.setNetworkTimeout(DIRECT, networkMillis);
        } catch (SQLException | RuntimeException | AbstractMethodError e) {
            if (!networkTimeoutWarned) {
                networkTimeoutWarned = true;
                log.warn("the DataSource's connections do not take a network timeout ({}); a database that stops"
                        + " answering can hold a call until the driver's own socket timeout", e.toString());
            }
        }
        return c;
    }

    /**
     * How long the call waiting longest on the database has waited, in nanoseconds (0 if none):
     * for a connection, or on the connection it holds.
     */
    long longestWaitNanos() {
        long now = System.nanoTime();
        long longest = 0;
        for (long since : inUse.values()) {
            longest = Math.max(longest, now - since);
        }
        for (long since : waiting.values()) {
            longest = Math.max(longest, now - since);
        }
        return longest;
    }

    /**
     * Aborts every connection in use and every acquisition still waiting: their calls fail at once
     * (the driver closes the socket) instead of waiting for their time bounds. For a database
     * found hung: whatever waits on it now would wait in vain.
     *
     * @return how many calls were cut short
     */
    int abortAll(String reason) {
        int n = 0;
        for (CompletableFuture<Connection> w : List.copyOf(waiting.keySet())) {
            if (w.completeExceptionally(new SQLTransientConnectionException(reason, "08001"))) {
                n++;
            }
        }
        List<Connection> stalled = new ArrayList<>(inUse.keySet());
        for (Connection c : stalled) {
            try {
                c.abort(DIRECT);
            } catch (SQLException | RuntimeException e) {
                log.debug("aborting a stalled connection failed", e);
            }
        }
        return n + stalled.size();
    }

    /** Stops the helper threads; connections in use are the callers' to close. */
    void close() {
        opener.shutdownNow();
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // discarded anyway
        }
    }
}
