package dev.runmetrics.jdbc;

import dev.runmetrics.core.store.DatabaseActivity;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleListener;
import org.jdbi.v3.core.Handles;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The store's own measurements of its database work, taken through JDBI's hooks on the store's
 * {@link Jdbi}: its {@link SqlLogger} counts every statement JDBI runs and its elapsed time (from
 * the statement's execution to its completion or failure), and a {@link HandleListener} counts the
 * handles open, each holding one connection. The writer's work, raw JDBC round trips (its COPY
 * streams and multi-statement writes) as well as JDBI statements, is counted by the writer itself:
 * each timed round trip as one statement, with the time it waited ({@link #writerRoundTrips}); the
 * JDBI statements of its thread are skipped here so that none counts twice. What it cannot see:
 * the availability probe's own connection.
 *
 * <p>Thread-safe: adders and atomics; {@link #activity()} may be called from any thread, and each
 * call resets the peak of connections in use.
 */
final class StatementMeter implements SqlLogger, HandleListener {

    private final LongAdder statements = new LongAdder();
    private final LongAdder statementNanos = new LongAdder();
    private final AtomicInteger inUse = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();

    /** Registers this meter on {@code jdbi}: its SQL logger and a handle listener. */
    void install(Jdbi jdbi) {
        jdbi.getConfig(SqlStatements.class).setSqlLogger(this);
        jdbi.getConfig(Handles.class).addListener(this);
    }

    @Override
    public void logAfterExecution(StatementContext context) {
        count(context.getExecutionMoment(), context.getCompletionMoment());
    }

    @Override
    public void logException(StatementContext context, SQLException ex) {
        count(context.getExecutionMoment(), context.getExceptionMoment());
    }

    /**
     * The thread whose JDBI statements are not counted one by one: the writer's, which reports
     * its round trips itself ({@link #writerRoundTrips}), raw JDBC and JDBI alike.
     */
    private volatile Thread countedSeparately;

    void countSeparately(Thread thread) {
        this.countedSeparately = thread;
    }

    /** Adds the writer's round trips of one batch (each counted as one statement) and the time it waited on them. */
    void writerRoundTrips(long roundTrips, long nanos) {
        statements.add(roundTrips);
        statementNanos.add(Math.max(0, nanos));
    }

    private void count(Instant start, Instant end) {
        if (Thread.currentThread() == countedSeparately) {
            return;
        }
        statements.increment();
        if (start != null && end != null) {
            long nanos = java.time.Duration.between(start, end).toNanos();
            statementNanos.add(Math.max(0, nanos));
        }
    }

    @Override
    public void handleCreated(Handle handle) {
        int now = inUse.incrementAndGet();
        peak.accumulateAndGet(now, Math::max);
    }

    @Override
    public void handleClosed(Handle handle) {
        inUse.decrementAndGet();
    }

    /** The counts so far; resets the peak of connections in use to those in use now. */
    DatabaseActivity activity() {
        int now = Math.max(0, inUse.get());
        int most = Math.max(now, peak.getAndSet(now));
        return new DatabaseActivity(statements.sum(), statementNanos.sum(), now, most, null);
    }
}
