package dev.runmetrics.jdbc;

import dev.runmetrics.core.store.RunStoreUnavailableException;
import dev.runmetrics.core.store.StoreHealth;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the store's database is available, and the watchdog that finds out when it hangs.
 *
 * <p>The database counts as <b>unavailable</b> from a call's connection failure (refused, lost,
 * reset, timed out; shutting down), or when it hangs: a call has waited longer than half the
 * probe timeout (for a connection, or on the one it holds) and a probe ({@code SELECT 1} on a connection of its own, bounded by the
 * probe timeout) gets no answer either; every call waiting on the hung database is then aborted,
 * so it fails at once rather than at its network timeout. While unavailable, the store's calls fail at
 * once with {@link RunStoreUnavailableException} ({@link #check}) and the watchdog probes every
 * probe timeout; the first success (a probe, or any call such as the writer's) makes it available
 * again. So a call waits at most about 1.6 probe timeouts on a database that stops answering, and
 * not at all on one known to be down.
 *
 * <p>Thread-safe: the state is one volatile reference; the watchdog is one daemon thread.
 */
final class StoreAvailability {

    private static final Logger log = LoggerFactory.getLogger(StoreAvailability.class);

    /** The state while unavailable: why, since when (wall, for people; monotonic, for thresholds). */
    private record Down(String reason, Instant since, long sinceNanos) {}

    private final BoundedConnections connections;
    private final long probeNanos;
    private final int probeMillis;
    private final Duration retryAfter;
    private final Thread watchdog;
    private final Object changes = new Object();
    private volatile Down down;
    private volatile boolean closed;

    StoreAvailability(BoundedConnections connections, Duration probeTimeout, String name) {
        this.connections = connections;
        this.probeNanos = probeTimeout.toNanos();
        this.probeMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, probeTimeout.toMillis()));
        this.retryAfter = probeTimeout.compareTo(RunStoreUnavailableException.DEFAULT_RETRY_AFTER) > 0
                ? probeTimeout : RunStoreUnavailableException.DEFAULT_RETRY_AFTER;
        this.watchdog = new Thread(this::watch, "runmetrics-jdbc-watchdog-" + name);
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** Fails at once if the database is known to be unavailable. */
    void check(String what) {
        Down d = down;
        if (d != null) {
            throw new RunStoreUnavailableException(what + ": the database is unavailable (since " + d.since() + ": "
                    + d.reason() + ")", retryAfter, null);
        }
    }

    boolean isDown() {
        return down != null;
    }

    /** How long the database has been unavailable, in nanoseconds; 0 while it is available. */
    long downForNanos() {
        Down d = down;
        return d == null ? 0 : System.nanoTime() - d.sinceNanos();
    }

    StoreHealth health() {
        Down d = down;
        return d == null ? StoreHealth.up() : StoreHealth.unavailable("database unavailable: " + d.reason(), d.since());
    }

    Duration retryAfter() {
        return retryAfter;
    }

    /** A call failed: if its database connection did, the database is unavailable. */
    void failed(Throwable e) {
        if (isConnectionFailure(e)) {
            markDown(BatchWriter.brief(e));
        }
    }

    /** A call succeeded: the database answers. */
    void succeeded() {
        if (down != null) {
            markUp();
        }
    }

    /**
     * Waits until the database is available again, at most {@code nanos}; returns whether it is.
     * Interruptible (returns false).
     */
    boolean awaitAvailable(long nanos) {
        long deadline = System.nanoTime() + nanos;
        synchronized (changes) {
            while (down != null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(changes, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    void close() {
        closed = true;
        watchdog.interrupt();
        try {
            watchdog.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether a failure is the database connection's, not the statement's: SQLSTATE class 08
     * (pgjdbc's code for refused, lost and timed-out connections, and the store's own acquisition
     * timeout), 57P01-57P03 (shutting down, starting up), a connection exception type, or an I/O
     * error.
     */
    static boolean isConnectionFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof IOException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                        || state.equals("57P03")) {
                    return true;
                }
            }
        }
        return false;
    }

    private void markDown(String reason) {
        synchronized (changes) {
            if (down == null) {
                down = new Down(reason, Instant.now(), System.nanoTime());
                log.warn("runmetrics database unavailable: {}; calls fail at once until it answers again", reason);
                changes.notifyAll();
            }
        }
    }

    private void markUp() {
        synchronized (changes) {
            Down d = down;
            if (d != null) {
                down = null;
                log.info("runmetrics database available again after {} ms", (System.nanoTime() - d.sinceNanos())
                        / 1_000_000);
                changes.notifyAll();
            }
        }
    }

    private void watch() {
        long tick = Math.max(10_000_000L, Math.min(probeNanos / 10, 100_000_000L));
        long stallNanos = probeNanos / 2;
        long lastProbe = System.nanoTime() - probeNanos;
        while (!closed) {
            try {
                TimeUnit.NANOSECONDS.sleep(tick);
            } catch (InterruptedException e) {
                continue; // closing, checked above
            }
            long now = System.nanoTime();
            if (down != null) {
                if (now - lastProbe >= probeNanos) {
                    lastProbe = now;
                    String failure = probe();
                    if (failure == null) {
                        markUp();
                    }
                }
            } else if (connections.longestWaitNanos() > stallNanos && now - lastProbe >= stallNanos) {
                lastProbe = now;
                String failure = probe();
                if (failure != null && !closed) {
                    String reason = "no answer within " + probeMillis + " ms (" + failure + ")";
                    markDown(reason);
                    int aborted = connections.abortAll("the database is unavailable: " + reason);
                    if (aborted > 0) {
                        log.warn("aborted {} runmetrics database calls waiting on the unavailable database", aborted);
                    }
                }
            }
        }
    }

    /** Runs {@code SELECT 1} within the probe timeout; null if it answered, else why not. */
    private String probe() {
        try (Connection c = connections.open(probeNanos, probeMillis); Statement st = c.createStatement()) {
            st.execute("SELECT 1");
            return null;
        } catch (SQLException | RuntimeException e) {
            return BatchWriter.brief(e);
        }
    }
}
