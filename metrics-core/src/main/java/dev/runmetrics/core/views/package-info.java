/**
 * Answers to the questions a host, a dashboard or the HTTP adapter asks about recorded runs,
 * computed once, here, from the {@link dev.runmetrics.core.store.RunStore} primitives (runs and
 * steps by id or page, rollups for a time range, the live set), so every store answers them the
 * same way.
 *
 * <p>{@link dev.runmetrics.core.views.RunViews} is the entry point: built once over a store
 * ({@code RunViews.builder(store).workerCapacity(n).build()}), it hands out one view per question:
 * <ul>
 *   <li>{@link dev.runmetrics.core.views.ExecutionTimeStatisticsView} — how long runs take:
 *       execution-time statistics over a range (exact over short ranges, from rollups within
 *       1/1024 over long ones), a workflow's summary, the workspace's workflows;
 *   <li>{@link dev.runmetrics.core.views.DurationTrendView} — how execution times change: count,
 *       median and p95 per UTC hour or day of a range, from the rollups;
 *   <li>{@link dev.runmetrics.core.views.StepStatisticsView} — how each step of a workflow behaves
 *       across its latest runs: outcome counts, failure rate and exact durations;
 *   <li>{@link dev.runmetrics.core.views.RunHistoryView} — what ran: the run list, a run's detail,
 *       a run's step timeline;
 *   <li>{@link dev.runmetrics.core.views.LiveOverviewView} — what is happening now and lately: the
 *       live overview, whose data types are in {@link dev.runmetrics.core.views.overview};
 *   <li>{@link dev.runmetrics.core.views.ResourceHistoryView} — how resources were used: the kept
 *       per-minute resource samples of every instance over a timeframe, in buckets.
 * </ul>
 * {@link dev.runmetrics.core.views.ResourceSampler} samples CPU and memory in memory for the live
 * overview; {@code dev.runmetrics.core.record.ResourceRecorder} keeps per-minute samples in a
 * {@code ResourceSampleStore}, which outlive a restart.
 *
 * <p>Conventions:
 * <ul>
 *   <li>Every method takes the workspace id first and reads only that workspace's data.
 *   <li>Result types are immutable records whose component names are the JSON field names (the
 *       HTTP adapter writes the records of this package in snake_case, those of the overview
 *       package in camelCase). Their "execution" is a run (JSON keeps the word); an ended
 *       execution is one ended run attempt, so a resumed run that ends again counts again.
 *   <li>Units: execution-time statistics in milliseconds; run durations, summaries and the live
 *       overview in seconds; rates in percent (0-100). Instants are UTC; rollups are per UTC
 *       minute; hours of day and weekdays are in the configured zone (UTC by default). A statistic
 *       of no samples is null, never 0.
 *   <li>Bad arguments are rejected at once: {@code NullPointerException} for null,
 *       {@code IllegalArgumentException} naming the argument for a malformed id or an out-of-range
 *       value.
 * </ul>
 *
 * <p>Every view is thread-safe and may be shared by any number of threads.
 */
package dev.runmetrics.core.views;
