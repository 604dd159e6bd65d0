package dev.runmetrics.core.views;

import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.store.DurationHistogram;
import dev.runmetrics.core.store.DurationStatistics;
import dev.runmetrics.core.store.Rollup;
import dev.runmetrics.core.store.RollupDimension;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumMap;
import java.util.Map;

/**
 * One pass over the WORKFLOW rollups of a period in fine buckets (each inside one timeline bucket
 * and one local hour), folding them into what the live overview needs: the period's
 * merged counts and histograms, per timeline bucket counts and execution-time sums, per hour of
 * day the same, and weekday/weekend totals. Memory stays bounded by the timeline's length however
 * many fine buckets pass through, so a caller can feed it one chunk of rollups at a time.
 *
 * <p>Not thread-safe: one scan per view computation.
 */
final class PeriodScan {
    private final Instant from;
    private final Duration timelineBucket;
    private final ZoneId zone;

    private final EnumMap<RunStatus, Long> counts = new EnumMap<>(RunStatus.class);
    private final DurationHistogram.Builder queueWait = DurationHistogram.builder();
    private final DurationHistogram.Builder executionTime = DurationHistogram.builder();
    private final DurationHistogram.Builder endToEnd = DurationHistogram.builder();

    final long[] timelineTotal;
    final long[] timelineCompleted;
    final long[] timelineFailed;
    final long[] timelineExecCount;
    final double[] timelineExecSumMs;

    final long[] hourTotal = new long[24];
    final long[] hourCompleted = new long[24];
    final long[] hourExecCount = new long[24];
    final double[] hourExecSumMs = new double[24];
    long weekdayTotal;
    long weekendTotal;

    PeriodScan(Instant from, Instant to, Duration timelineBucket, ZoneId zone) {
        this.from = from;
        this.timelineBucket = timelineBucket;
        this.zone = zone;
        int n = (int) (Duration.between(from, to).toSeconds() / timelineBucket.toSeconds());
        timelineTotal = new long[n];
        timelineCompleted = new long[n];
        timelineFailed = new long[n];
        timelineExecCount = new long[n];
        timelineExecSumMs = new double[n];
    }

    int timelineSize() {
        return timelineTotal.length;
    }

    Instant timelineStart(int i) {
        return from.plus(timelineBucket.multipliedBy(i));
    }

    /** Folds in one fine bucket. */
    void add(Rollup r) {
        for (Map.Entry<RunStatus, Long> e : r.counts().entrySet()) {
            counts.merge(e.getKey(), e.getValue(), Long::sum);
        }
        queueWait.add(r.queueWait());
        executionTime.add(r.executionTime());
        endToEnd.add(r.endToEnd());

        long total = r.total();
        long completed = r.count(RunStatus.COMPLETED);
        long failed = RollupTotals.failures(r);
        DurationStatistics exec = r.executionTime().statistics();
        double execSum = exec.count() == 0 ? 0 : exec.mean() * exec.count();

        int i = (int) (Duration.between(from, r.bucketStart()).toSeconds() / timelineBucket.toSeconds());
        if (i >= 0 && i < timelineTotal.length) {
            timelineTotal[i] += total;
            timelineCompleted[i] += completed;
            timelineFailed[i] += failed;
            timelineExecCount[i] += exec.count();
            timelineExecSumMs[i] += execSum;
        }
        ZonedDateTime local = r.bucketStart().atZone(zone);
        int h = local.getHour();
        hourTotal[h] += total;
        hourCompleted[h] += completed;
        hourExecCount[h] += exec.count();
        hourExecSumMs[h] += execSum;
        if (PeriodCalendar.isWeekend(local.getDayOfWeek())) {
            weekendTotal += total;
        } else {
            weekdayTotal += total;
        }
    }

    /** The whole period merged into one rollup (subjects merged, no instance). */
    Rollup total(String workspaceId, Duration length) {
        return new Rollup(workspaceId, RollupDimension.WORKFLOW, null, from, length, null, counts, queueWait.build(),
                executionTime.build(), endToEnd.build(), 0, 0);
    }
}
