package dev.runmetrics.http.internal;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an HTTP/1 connection whose request headers take longer than a bound to arrive. Jetty's
 * idle timeout restarts with every byte, so a client that sends its headers one byte every few
 * seconds would otherwise hold its connection for as long as it likes.
 *
 * <p>The clock of a connection's first request starts when it is opened; that of a later request
 * on the same (keep-alive) connection starts when its first bytes are seen after the previous
 * response. It stops when the headers are complete (this is the {@link HttpConfiguration.Customizer}
 * Jetty calls then); the body is then the {@link BodyReader}'s business. A sweep every
 * {@code min(250 ms, timeout / 4)} checks the clocks, so a connection is closed between the timeout
 * and the timeout plus one sweep period (plus the moment it took to notice its first bytes, for a
 * keep-alive request). An idle keep-alive connection is left to Jetty's idle timeout.
 *
 * <p>Registered on the HTTP/1 connection factory ({@code addEventListener}), as a customizer of its
 * {@link HttpConfiguration}, and as a bean of the server (whose scheduler runs the sweep while it
 * runs). Thread-safe: each connection's state is guarded by its own lock.
 */
public final class RequestHeaderTimeout extends AbstractLifeCycle implements Connection.Listener,
        HttpConfiguration.Customizer {

    private static final Logger LOG = LoggerFactory.getLogger(RequestHeaderTimeout.class);

    private final long timeoutNanos;
    private final long sweepMillis;
    private final Scheduler scheduler;
    private final ConcurrentHashMap<Connection, Watch> watches = new ConcurrentHashMap<>();
    private final LongAdder closed = new LongAdder();
    private volatile Scheduler.Task next;

    /**
     * @param timeout the longest request headers may take to arrive
     * @param scheduler runs the sweep (the server's)
     */
    public RequestHeaderTimeout(Duration timeout, Scheduler scheduler) {
        this.timeoutNanos = timeout.toNanos();
        this.sweepMillis = Math.max(10, Math.min(250, timeout.toMillis() / 4));
        this.scheduler = scheduler;
    }

    @Override
    public void onOpened(Connection connection) {
        watches.put(connection, new Watch(connection, System.nanoTime()));
    }

    @Override
    public void onClosed(Connection connection) {
        watches.remove(connection);
    }

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        Watch watch = watches.get(request.getConnectionMetaData().getConnection());
        if (watch != null) {
            watch.headersComplete();
            Request.addCompletionListener(request, failure -> watch.requestEnded());
        }
        return request;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        schedule();
    }

    @Override
    protected void doStop() throws Exception {
        Scheduler.Task t = next;
        if (t != null) {
            t.cancel();
        }
        super.doStop();
    }

    private void schedule() {
        if (isRunning()) {
            next = scheduler.schedule(this::sweep, sweepMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            for (Watch watch : watches.values()) {
                if (watch.expired(now, timeoutNanos)) {
                    closed.increment();
                    LOG.debug("closing {}: its request headers took longer than {} ms", watch.connection,
                            TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
                    watch.connection.getEndPoint().close(new TimeoutException("request headers took longer than "
                            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("the request header sweep failed; it runs again in {} ms", sweepMillis, e);
        } finally {
            schedule();
        }
    }

    /** How many connections were closed for slow headers since the server started. */
    public long closed() {
        return closed.sum();
    }

    @Override
    public String toString() {
        return "RequestHeaderTimeout{timeout=" + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms, watched="
                + watches.size() + ", closed=" + closed.sum() + "}";
    }

    /** One connection's clock. */
    private static final class Watch {
        private static final long NOT_STARTED = Long.MIN_VALUE;

        final Connection connection;
        private boolean inRequest;
        private boolean closing;
        /** When the headers being read began to arrive, or NOT_STARTED while idle between requests. */
        private long since;
        /** The connection's bytes in when its last request ended: more means a new request began. */
        private long bytesWhenIdle;

        Watch(Connection connection, long openedAt) {
            this.connection = connection;
            this.since = openedAt;
        }

        synchronized void headersComplete() {
            inRequest = true;
        }

        synchronized void requestEnded() {
            inRequest = false;
            since = NOT_STARTED;
            bytesWhenIdle = connection.getBytesIn();
        }

        /** Whether its headers are overdue; true once at most, since the connection is then closed. */
        synchronized boolean expired(long now, long timeoutNanos) {
            if (inRequest || closing) {
                return false;
            }
            if (since == NOT_STARTED) {
                if (connection.getBytesIn() > bytesWhenIdle) {
                    since = now;
                }
                return false;
            }
            closing = now - since >= timeoutNanos;
            return closing;
        }
    }
}
