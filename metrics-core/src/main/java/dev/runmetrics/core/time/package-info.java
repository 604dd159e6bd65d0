/**
 * Time as runmetrics reads it: {@link dev.runmetrics.core.time.Clock} separates wall time (for
 * timestamps and rollup buckets, UTC) from monotonic time (for durations), so every component can
 * be driven by a manual clock in tests. Used by every other package; depends on none.
 */
package dev.runmetrics.core.time;
