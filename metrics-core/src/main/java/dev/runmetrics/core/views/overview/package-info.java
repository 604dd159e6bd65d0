/**
 * The live overview's data: {@link dev.runmetrics.core.views.overview.LiveOverview} and its
 * sections (live runs, throughput, latency, outcomes, patterns, resources), the
 * {@link dev.runmetrics.core.views.overview.Timeframe} it is asked for, and
 * {@link dev.runmetrics.core.views.overview.DatabaseLoad}, which a host reports into it. Computed by
 * {@code dev.runmetrics.core.views.LiveOverviewView}; these types hold values only and depend on
 * nothing in {@code dev.runmetrics.core.views}.
 *
 * <p>Conventions, the same in every type here:
 * <ul>
 *   <li>Component names are the JSON field names (camelCase); the HTTP adapter writes the records
 *       as they are, and enums by their lowercase {@code wireName()}. Renaming a component changes
 *       the API.
 *   <li>"Execution" in a component name means a run: in the live section a running or queued
 *       one; in the period's counts one ended run attempt (a resumed run that ends again counts
 *       again), or, under {@code byAgent}, one ended step attempt. "Agent" is the workflow in the
 *       live section and the node in {@code byAgent}.
 *   <li>Durations and latencies are in <b>seconds</b>; rates and utilisations in <b>percent</b>
 *       (0-100); instants are UTC; hours of day and weekdays are in the zone the views are
 *       configured with (UTC by default).
 *   <li>Numbers are not rounded (presentation rounds). A statistic of no samples is null, never 0;
 *       rates of no executions are 0.
 * </ul>
 *
 * <p>Every type is immutable (records copy their lists and maps) and so thread-safe.
 */
package dev.runmetrics.core.views.overview;
