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
 * handles open, each holding one connection. What it cannot see: statements a caller runs on a
 * handle's raw JDBC connection (the writer's bulk upserts), which are outside JDBI's statement
 * pipeline, and the availability probe's own connection.
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

    private void count(Instant start, Instant end) {
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
