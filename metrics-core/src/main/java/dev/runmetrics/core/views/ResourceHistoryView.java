package dev.runmetrics.core.views;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.store.ResourceSample;
import dev.runmetrics.core.store.ResourceSampleStore;
import dev.runmetrics.core.views.overview.DatabaseLoad;
import dev.runmetrics.core.views.overview.MeanMax;
import dev.runmetrics.core.views.overview.ResourceBucket;
import dev.runmetrics.core.views.overview.ResourceHistory;
import dev.runmetrics.core.views.overview.Timeframe;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * How a workspace's resources were used: the {@link ResourceHistory} of a {@link Timeframe}, from
 * the per-minute samples kept in the {@linkplain RunViews.Builder#resourceSamples configured
 * sample store} (without one, every bucket is empty). Obtained from {@link RunViews#resources()}.
 *
 * <p>Aggregation, in two steps (see {@link ResourceBucket}): each minute's samples of the
 * instances are combined (CPU and heap by their mean, counts and rates by their sum, query time
 * weighted by the queries); then each bucket gets the mean and the maximum of its minutes. A
 * figure missing from a sample (an instance that could not measure it) is left out of both, never
 * read as 0. The cost is one read of the period's samples: a minute per instance, so 43,200 rows
 * per instance for 30 days.
 *
 * <p>Thread-safe: immutable; the store is thread-safe.
 */
public final class ResourceHistoryView {

    private final ResourceSampleStore store;
    private final PeriodCalendar calendar;

    /** @param store the kept samples, or null when the host keeps none */
    ResourceHistoryView(ResourceSampleStore store, PeriodCalendar calendar) {
        this.store = store;
        this.calendar = calendar;
    }

    /**
     * The workspace's resource history over a timeframe, as of now; its period is the live
     * overview's (it ends at the end of the bucket holding now).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the workspace id is malformed
     */
    public ResourceHistory of(String workspaceId, Timeframe timeframe) {
        Checks.id("workspaceId", workspaceId);
        Objects.requireNonNull(timeframe, "timeframe");
        Duration bucket = timeframe.bucket();
        Instant to = PeriodCalendar.floor(calendar.now(), bucket).plus(bucket);
        Instant from = to.minus(timeframe.length());
        List<ResourceSample> samples = samples(workspaceId, from, to);
        TreeSet<String> instances = new TreeSet<>();
        samples.forEach(s -> instances.add(s.instanceId()));
        return new ResourceHistory(timeframe, workspaceId, from, to, bucket.toSeconds(), List.copyOf(instances),
                buckets(samples, from, to, bucket));
    }

    /** Whether samples are kept at all (else the history is always empty). */
    boolean keepsSamples() {
        return store != null;
    }

    /** The workspace's samples with a minute in [from, to), or none without a store. */
    List<ResourceSample> samples(String workspaceId, Instant from, Instant to) {
        return store == null ? List.of() : store.samples(workspaceId, from, to);
    }

    /** Every bucket of [from, to) from samples ordered by minute (see the class comment). */
    static List<ResourceBucket> buckets(List<ResourceSample> samples, Instant from, Instant to, Duration bucket) {
        long bucketSeconds = bucket.toSeconds();
        int n = (int) (Duration.between(from, to).toSeconds() / bucketSeconds);
        Summary[] summaries = new Summary[n];
        for (int i = 0; i < n; i++) {
            summaries[i] = new Summary();
        }
        for (Minute m : minutes(samples)) {
            int i = (int) (Duration.between(from, m.start).toSeconds() / bucketSeconds);
            if (i >= 0 && i < n) {
                summaries[i].add(m);
            }
        }
        List<ResourceBucket> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(summaries[i].bucket(from.plusSeconds(i * bucketSeconds)));
        }
        return out;
    }

    /**
     * The database load of the latest minute with a sample, combined across instances (connections
     * and query rate summed, query time weighted by it, in seconds as {@link DatabaseLoad} has it),
     * or {@link DatabaseLoad#UNKNOWN} when there is none.
     */
    static DatabaseLoad latestDatabaseLoad(List<ResourceSample> samples) {
        List<Minute> minutes = minutes(samples);
        if (minutes.isEmpty()) {
            return DatabaseLoad.UNKNOWN;
        }
        double[] f = minutes.get(minutes.size() - 1).figures;
        return new DatabaseLoad(Double.isNaN(f[CONNECTIONS]) ? null : (int) f[CONNECTIONS],
                Double.isNaN(f[QUERIES]) ? null : f[QUERIES],
                Double.isNaN(f[QUERY_TIME]) ? null : f[QUERY_TIME] / 1000.0);
    }

    // The figures, in ResourceBucket's order; NaN where no instance had one.
    private static final int CPU = 0;
    private static final int HEAP = 1;
    private static final int BUSY = 2;
    private static final int TOTAL = 3;
    private static final int QUEUED = 4;
    private static final int CONNECTIONS = 5;
    private static final int POOL = 6;
    private static final int QUERIES = 7;
    private static final int QUERY_TIME = 8;
    private static final int FIGURES = 9;

    private record Minute(Instant start, double[] figures) {}

    /** One combined figure set per minute, from samples ordered by minute. */
    private static List<Minute> minutes(List<ResourceSample> samples) {
        List<Minute> out = new ArrayList<>();
        int i = 0;
        while (i < samples.size()) {
            Instant minute = samples.get(i).minuteStart();
            int j = i;
            while (j < samples.size() && samples.get(j).minuteStart().equals(minute)) {
                j++;
            }
            List<ResourceSample> same = samples.subList(i, j);
            double[] f = new double[FIGURES];
            f[CPU] = mean(same, ResourceSample::cpuPercent);
            f[HEAP] = mean(same, ResourceSample::heapPercent);
            f[BUSY] = sum(same, ResourceSample::workersBusy);
            f[TOTAL] = sum(same, ResourceSample::workersTotal);
            f[QUEUED] = sum(same, ResourceSample::queuedSteps);
            f[CONNECTIONS] = sum(same, ResourceSample::dbConnectionsInUse);
            f[POOL] = sum(same, ResourceSample::dbPoolSize);
            f[QUERIES] = sum(same, ResourceSample::dbQueriesPerSecond);
            f[QUERY_TIME] = weightedQueryTime(same);
            out.add(new Minute(minute, f));
            i = j;
        }
        return out;
    }

    private static double mean(List<ResourceSample> samples, Function<ResourceSample, ? extends Number> figure) {
        double sum = 0;
        int n = 0;
        for (ResourceSample s : samples) {
            Number v = figure.apply(s);
            if (v != null) {
                sum += v.doubleValue();
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static double sum(List<ResourceSample> samples, Function<ResourceSample, ? extends Number> figure) {
        double sum = 0;
        boolean any = false;
        for (ResourceSample s : samples) {
            Number v = figure.apply(s);
            if (v != null) {
                sum += v.doubleValue();
                any = true;
            }
        }
        return any ? sum : Double.NaN;
    }

    /** The instances' query times weighted by their query rates (a plain mean if none has a rate). */
    private static double weightedQueryTime(List<ResourceSample> samples) {
        double weighted = 0;
        double weights = 0;
        for (ResourceSample s : samples) {
            if (s.dbQueryTimeMs() != null && s.dbQueriesPerSecond() != null && s.dbQueriesPerSecond() > 0) {
                weighted += s.dbQueryTimeMs() * s.dbQueriesPerSecond();
                weights += s.dbQueriesPerSecond();
            }
        }
        return weights > 0 ? weighted / weights : mean(samples, ResourceSample::dbQueryTimeMs);
    }

    /** Mean and maximum of each figure over a bucket's minutes. */
    private static final class Summary {
        final double[] sum = new double[FIGURES];
        final int[] count = new int[FIGURES];
        final double[] max = new double[FIGURES];
        int minutes;

        void add(Minute m) {
            minutes++;
            for (int k = 0; k < FIGURES; k++) {
                double v = m.figures[k];
                if (!Double.isNaN(v)) {
                    max[k] = count[k] == 0 ? v : Math.max(max[k], v);
                    sum[k] += v;
                    count[k]++;
                }
            }
        }

        private MeanMax figure(int k) {
            return count[k] == 0 ? null : new MeanMax(sum[k] / count[k], max[k]);
        }

        ResourceBucket bucket(Instant start) {
            return new ResourceBucket(start, minutes, figure(CPU), figure(HEAP), figure(BUSY), figure(TOTAL),
                    figure(QUEUED), figure(CONNECTIONS), figure(POOL), figure(QUERIES), figure(QUERY_TIME));
        }
    }

    @Override
    public String toString() {
        return "ResourceHistoryView{store=" + store + "}";
    }
}
