package dev.runmetrics.core.views;

import static dev.runmetrics.core.views.RollupTotals.failures;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.store.DurationKind;
import dev.runmetrics.core.store.DurationStatistics;
import dev.runmetrics.core.store.Rollup;
import dev.runmetrics.core.store.RollupDimension;
import dev.runmetrics.core.store.RollupQuery;
import dev.runmetrics.core.store.RunStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How execution times change over time: per UTC hour or day of a range, how many runs of a
 * workflow (or of all workflows) ended, how many failed, and the median and 95th percentile of
 * their execution times ({@link #trend}). Obtained from {@link RunViews#durationTrend()}.
 *
 * <p><b>Where the numbers come from.</b> The WORKFLOW rollups, read with the trend's bucket, so a
 * store with hourly and daily rollup tables reads one row per bucket (and instance), not one per
 * minute: the cost grows with the buckets, never with the runs. Counts are exact; percentiles are
 * within {@link dev.runmetrics.core.store.DurationHistogram#RELATIVE_ERROR} (1/1024) as described
 * in {@link ExecutionTimeStatisticsView}. As there, the population is the run attempts that ended
 * in the UTC minutes starting in the range.
 *
 * <p><b>Bounds.</b> At most {@value #MAX_BUCKETS} buckets per answer (about 41 days by the hour,
 * 2.7 years by the day); a longer range is refused.
 *
 * <p>Thread-safe: stateless beyond the store, which is thread-safe.
 */
public final class DurationTrendView {
    /** The most buckets one trend has. */
    public static final int MAX_BUCKETS = 1000;

    private final RunStore store;

    DurationTrendView(RunStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * The trend of the runs of one workflow, or of all, that ended in {@code [from, to)}: every
     * bucket of the range, oldest first, empty ones included (count 0, percentiles null).
     *
     * @param workspaceId the tenant
     * @param workflowId one workflow, or empty for all of the workspace's
     * @param from the first instant (inclusive)
     * @param to the end (exclusive)
     * @param granularity hour or day, or empty to choose by the range
     *     ({@link TrendGranularity#forRange}: hourly up to 3 days)
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if an id is malformed, {@code to} is before {@code from}, or
     *     the range has more than {@value #MAX_BUCKETS} buckets
     */
    public DurationTrend trend(String workspaceId, Optional<String> workflowId, Instant from, Instant to,
            Optional<TrendGranularity> granularity) {
        Checks.id("workspaceId", workspaceId);
        String workflow = Checks.optionalId("workflowId", Objects.requireNonNull(workflowId, "workflowId")
                .orElse(null));
        PeriodCalendar.requireRange(from, to);
        TrendGranularity bucket = Objects.requireNonNull(granularity, "granularity")
                .orElseGet(() -> TrendGranularity.forRange(from, to));
        long buckets = bucket.bucketsIn(from, to);
        if (buckets > MAX_BUCKETS) {
            throw new IllegalArgumentException("a trend has at most " + MAX_BUCKETS + " buckets; " + from + " to " + to
                    + " by the " + bucket.wireName() + " has " + buckets);
        }
        Map<Instant, Rollup> byStart = new HashMap<>();
        if (buckets > 0) {
            RollupQuery query = new RollupQuery(RollupDimension.WORKFLOW, workflow, false, from, to, bucket.length())
                    .withHistograms(DurationKind.EXECUTION_TIME);
            for (Rollup r : store.rollups(workspaceId, query)) {
                byStart.put(r.bucketStart(), r);
            }
        }
        List<DurationTrendPoint> points = new ArrayList<>((int) buckets);
        long total = 0;
        Instant start = bucket.floor(from);
        for (long i = 0; i < buckets; i++, start = start.plus(bucket.length())) {
            Rollup r = byStart.get(start);
            if (r == null) {
                points.add(new DurationTrendPoint(start, 0, 0, null, null));
                continue;
            }
            DurationStatistics exec = r.executionTime().statistics();
            points.add(new DurationTrendPoint(start, r.total(), failures(r), exec.p50(), exec.p95()));
            total += r.total();
        }
        return new DurationTrend(workflow, from, to, bucket, "ms", total, points);
    }

    @Override
    public String toString() {
        return "DurationTrendView{maxBuckets=" + MAX_BUCKETS + "}";
    }
}
