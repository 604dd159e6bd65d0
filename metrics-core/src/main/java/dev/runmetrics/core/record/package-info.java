/**
 * Recording: {@link dev.runmetrics.core.record.RunRecorder} is the API an orchestrator calls at
 * each lifecycle event of its runs and steps (queued, started, step started, retried, completed,
 * failed, paused, resumed, ...). It keeps the runs in flight, turns every call into immutable
 * {@code Run} and {@code StepRun} snapshots, writes them to a {@code RunStore} and hands a
 * {@link dev.runmetrics.core.record.RunEvent} to each {@link dev.runmetrics.core.record.RunListener};
 * {@link dev.runmetrics.core.record.RecorderCounters} tell how that went.
 * {@link dev.runmetrics.core.record.ResourceRecorder} records the instance's resource use, a sample a
 * minute per workspace served.
 *
 * <p>Conventions: the recorder never throws into its caller and never blocks it for long (a bad
 * call or a failing store is logged and counted, never turned into a failed workflow); it makes
 * the run ids (UUIDv7) and stamps every snapshot with its own clock, UTC instants truncated to
 * microseconds whose differences are monotonic; events of one run reach the listeners in order.
 * The recorder is thread-safe; events and their snapshots are immutable.
 */
package dev.runmetrics.core.record;
