package dev.runmetrics.examples;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A minimal connection reuser for the demo, which may not pull in a pool library: closing a
 * borrowed connection puts its physical connection back (rolled back, auto-commit restored) for
 * the next borrower, keeping at most {@code maxIdle}; it never blocks (a borrower finding none idle
 * opens a new one). A connection that threw an {@link SQLException} is validated before it is
 * reused, so a database restart costs each broken connection one failure, not an endless loop.
 *
 * <p>Only for borrowers that leave no session state behind: the store sets its workspace per
 * transaction ({@code set_config(..., true)}), so nothing carries over from one borrower to the next.
 *
 * <p>A host uses a real pool (HikariCP, ...) instead; see the metrics-jdbc README.
 */
final class ReusingDataSource implements DataSource, AutoCloseable {

    private final DataSource target;
    private final BlockingDeque<Connection> idle;
    /** Physical connections open: borrowed and idle. */
    private final AtomicInteger open = new AtomicInteger();

    ReusingDataSource(DataSource target, int maxIdle) {
        this.target = target;
        this.idle = new LinkedBlockingDeque<>(maxIdle);
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection physical = idle.pollFirst();
        if (physical == null) {
            physical = target.getConnection();
            open.incrementAndGet();
        }
        return wrap(physical);
    }

    /** How many physical connections are open now, borrowed or idle: the pool's size. */
    int openConnections() {
        return open.get();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("ReusingDataSource connects as its target's user only");
    }

    /** Closes the idle connections. */
    @Override
    public void close() {
        for (Connection c; (c = idle.pollFirst()) != null; ) {
            closeQuietly(c);
        }
    }

    private Connection wrap(Connection physical) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                new Borrowed(physical));
    }

    private void giveBack(Connection physical, boolean suspect) {
        try {
            if (physical.isClosed() || (suspect && !physical.isValid(2))) {
                closeQuietly(physical);
                return;
            }
            if (!physical.getAutoCommit()) {
                physical.rollback();
                physical.setAutoCommit(true);
            }
            physical.clearWarnings();
        } catch (SQLException e) {
            closeQuietly(physical);
            return;
        }
        if (!idle.offerFirst(physical)) {
            closeQuietly(physical);
        }
    }

    private void closeQuietly(Connection c) {
        open.decrementAndGet();
        try {
            c.close();
        } catch (SQLException ignored) {
            // it is being discarded anyway
        }
    }

    private final class Borrowed implements InvocationHandler {
        private final Connection physical;
        private boolean closed;
        private boolean suspect;

        Borrowed(Connection physical) {
            this.physical = physical;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close" -> {
                    if (!closed) {
                        closed = true;
                        giveBack(physical, suspect);
                    }
                    return null;
                }
                case "isClosed" -> {
                    return closed || physical.isClosed();
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "toString" -> {
                    return "Borrowed[" + physical + (closed ? ", closed" : "") + "]";
                }
                default -> {
                    if (closed) {
                        throw new SQLException("connection is closed", "08003");
                    }
                    try {
                        return method.invoke(physical, args);
                    } catch (InvocationTargetException e) {
                        if (e.getCause() instanceof SQLException) {
                            suspect = true;
                        }
                        throw e.getCause();
                    }
                }
            }
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return target.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || target.isWrapperFor(iface);
    }
}
