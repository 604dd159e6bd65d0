/**
 * The run model and its recording: workspace → workflow → run (with attempts) → step runs
 * ({@link dev.runmetrics.core.run.Run}, {@link dev.runmetrics.core.run.StepRun},
 * {@link dev.runmetrics.core.run.RunStatus}); the {@link dev.runmetrics.core.run.RunRecorder} an
 * orchestrator calls; the {@link dev.runmetrics.core.run.RunListener}s it notifies; and the
 * {@link dev.runmetrics.core.run.RunStore} SPI that stores implement (in memory here; PostgreSQL in
 * metrics-jdbc).
 *
 * <p>Conventions: ids are Strings (run and audit ids are canonical lowercase UUIDv7 strings, made
 * in process); instants are UTC, truncated to microseconds; JSON-like values follow
 * {@link dev.runmetrics.core.run.JsonValues}; every value type is an immutable, thread-safe record
 * that checks its arguments.
 */
package dev.runmetrics.core.run;
