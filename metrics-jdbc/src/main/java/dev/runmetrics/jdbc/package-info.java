/**
 * {@code RunStore} on PostgreSQL through JDBI, isolated per workspace by row-level security.
 */
package dev.runmetrics.jdbc;
