/**
 * The run model: what a workflow engine's runs and steps look like once recorded. A workflow has
 * runs ({@link dev.runmetrics.core.model.Run}, an "execution" in the API), a run has attempts
 * (a resume from a step starts the next one), and each attempt has step runs
 * ({@link dev.runmetrics.core.model.StepRun}); both move through the statuses of
 * {@link dev.runmetrics.core.model.RunStatus} and carry the lifecycle instants of
 * {@link dev.runmetrics.core.model.LifecycleTimes}, from which queue wait, execution time and
 * end-to-end latency are derived.
 *
 * <p>Conventions every type here follows, and every store keeps:
 * <ul>
 *   <li><b>Ids</b> are strings, not blank, at most 200 characters. Workspace ids name the
 *       tenant; workflow, step and node ids are the host's own names; the recorder makes run ids,
 *       canonical lowercase UUIDv7 strings (time-ordered, made in process, so several processes
 *       can write to one database without asking it for ids).
 *   <li><b>Instants</b> are {@link java.time.Instant}s (UTC) truncated to microseconds, the
 *       precision of PostgreSQL's {@code timestamptz}, so a snapshot read back from any store
 *       equals the one written. The recorder truncates them; a snapshot made by hand should too.
 *   <li><b>Values</b> of inputs, results, outputs, summaries and attributes are JSON-like
 *       ({@link dev.runmetrics.core.model.JsonValues}): null, strings, booleans, finite numbers,
 *       lists and string-keyed maps; summaries are bounded by
 *       {@link dev.runmetrics.core.model.Summaries}.
 *   <li><b>Immutability.</b> Runs, step runs and step specs are immutable records holding deep
 *       unmodifiable copies of their maps, safe to share between threads and to keep. Runs and
 *       step runs are made and changed with builders ({@code Run.builder()},
 *       {@code run.toBuilder()}, the same on {@code StepRun}); a builder is not thread-safe.
 * </ul>
 *
 * <p>This package depends only on metrics-core's internal helpers; stores, the recorder and the
 * views build on it.
 */
package dev.runmetrics.core.model;
