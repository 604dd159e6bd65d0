/**
 * {@code RunStore} on PostgreSQL through JDBI, isolated per workspace by row-level security.
 *
 * <p>{@link dev.runmetrics.jdbc.JdbcRunStore} is the store (built with
 * {@link dev.runmetrics.jdbc.JdbcRunStore#builder}); {@link dev.runmetrics.jdbc.SchemaMigrator}
 * applies its schema (numbered SQL files in {@code dev/runmetrics/jdbc/migrations/}, usable by
 * Flyway or Liquibase instead) and grants the application role;
 * {@link dev.runmetrics.jdbc.WriterStats} and {@link dev.runmetrics.jdbc.QueueFullPolicy} describe
 * and configure its write-behind queue and spill journal. Package-private classes are
 * implementation details: the writer ({@code BatchWriter}), the journal ({@code SpillJournal},
 * {@code SpillCodec}), the time-bounded connections ({@code BoundedConnections}) and the
 * availability watchdog ({@code StoreAvailability}).
 */
package dev.runmetrics.jdbc;
