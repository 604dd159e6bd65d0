/**
 * {@link dev.runmetrics.core.store.memory.InMemoryRunStore}: the
 * {@link dev.runmetrics.core.store.RunStore} that keeps everything in the JVM's heap, for tests,
 * examples and hosts that want the statistics and the live view without a database. It follows
 * the store conventions exactly (the same contract tests as the PostgreSQL store); its writes are
 * synchronous, and nothing survives a restart.
 */
package dev.runmetrics.core.store.memory;
