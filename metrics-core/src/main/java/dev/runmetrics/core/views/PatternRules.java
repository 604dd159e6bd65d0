package dev.runmetrics.core.views;

import dev.runmetrics.core.views.overview.Anomaly;
import dev.runmetrics.core.views.overview.AnomalyType;
import dev.runmetrics.core.views.overview.Burst;
import dev.runmetrics.core.views.overview.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The burst and anomaly rules of the live overview, over the timeline buckets of one period.
 * Stateless; the rules are stated in {@link LiveOverviewView} and by the constants here.
 *
 * <p>μ and σ are the mean and population standard deviation of the executions per bucket over the
 * <em>history</em>: the complete buckets (the last bucket, still in progress, would pull them
 * down) from the workload's start — when the period opens with empty buckets, the workload
 * started inside it, and neither those buckets nor the first non-empty one (it started partway
 * through it) are history or judged. The σ rules need {@link #MIN_HISTORY_BUCKETS} history
 * buckets and an effect of a size a person would notice, not only a σ distance: steady load has a
 * tiny σ, so a bucket 9% above the mean can be 3σ out and still be noise. The period failure rate
 * is over all buckets. With σ = 0 (every bucket alike) nothing stands out.
 */
final class PatternRules {
    /** A bucket with fewer executions than this is never a spike, burst or failure surge. */
    static final long MIN_EXECUTIONS = 5;
    /** A drop needs a mean of at least this many executions per bucket. */
    static final double MIN_MEAN_FOR_DROP = 5;
    /** Bursts, spikes and drops need at least this many history buckets to judge by. */
    static final int MIN_HISTORY_BUCKETS = 10;
    /** Busy bucket (part of a burst): more than μ + 2σ... */
    static final double BURST_SIGMAS = 2;
    /** ...and at least this much above μ (25%). */
    static final double BURST_MIN_RISE = 0.25;
    /** Spike: more than μ + 3σ; drop: fewer than μ − 3σ... */
    static final double ANOMALY_SIGMAS = 3;
    /** ...and a spike at least this much above μ (50%)... */
    static final double SPIKE_MIN_RISE = 0.5;
    /** ...and a drop at least this much below it (to half of μ or less). */
    static final double DROP_MIN_FALL = 0.5;
    /** Failure surge: a failure rate above this multiple of the period's... */
    static final double SURGE_FACTOR = 2;
    /** ...and at least this rate. */
    static final double SURGE_MIN_RATE = 0.20;

    private PatternRules() {}

    /** The timeline of a period: bucket starts, executions, failures; the last bucket in progress. */
    record Buckets(List<Instant> starts, Duration length, long[] executions, long[] failures) {
        int size() {
            return executions.length;
        }

        /**
         * The first bucket of the history: 0 when the period's first bucket has an execution, else
         * the bucket after the first one that has (the workload's first, partial, bucket).
         */
        int historyStart() {
            for (int i = 0; i < executions.length; i++) {
                if (executions[i] > 0) {
                    return i == 0 ? 0 : i + 1;
                }
            }
            return executions.length;
        }
    }

    /** μ and σ of the history (complete buckets from {@code start}), and how many buckets it has. */
    record Spread(double mean, double sigma, int buckets) {
        static Spread of(long[] executions, int start) {
            int end = Math.max(0, executions.length - 1);
            int n = Math.max(0, end - start);
            if (n == 0) {
                return new Spread(0, 0, 0);
            }
            double sum = 0;
            for (int i = start; i < end; i++) {
                sum += executions[i];
            }
            double mean = sum / n;
            double squares = 0;
            for (int i = start; i < end; i++) {
                squares += (executions[i] - mean) * (executions[i] - mean);
            }
            return new Spread(mean, Math.sqrt(squares / n), n);
        }

        /** Whether there is enough history, with any spread at all, for a σ rule to judge by. */
        boolean judges() {
            return buckets >= MIN_HISTORY_BUCKETS && sigma > 0;
        }

        double z(long count) {
            return (count - mean) / sigma;
        }
    }

    static List<Burst> bursts(Buckets b) {
        int start = b.historyStart();
        Spread s = Spread.of(b.executions(), start);
        List<Burst> out = new ArrayList<>();
        if (!s.judges()) {
            return out;
        }
        int i = start;
        while (i < b.size()) {
            if (!busy(b.executions()[i], s)) {
                i++;
                continue;
            }
            int first = i;
            long peak = 0;
            long total = 0;
            while (i < b.size() && busy(b.executions()[i], s)) {
                peak = Math.max(peak, b.executions()[i]);
                total += b.executions()[i];
                i++;
            }
            double z = s.z(peak);
            Level impact = z >= 4 ? Level.HIGH : z >= 3 ? Level.MEDIUM : Level.LOW;
            out.add(new Burst(b.starts().get(first), b.starts().get(i - 1).plus(b.length()), peak, total, impact));
        }
        return out;
    }

    private static boolean busy(long count, Spread s) {
        return count >= MIN_EXECUTIONS && count > s.mean() + BURST_SIGMAS * s.sigma()
                && count >= s.mean() * (1 + BURST_MIN_RISE);
    }

    static List<Anomaly> anomalies(Buckets b) {
        int start = b.historyStart();
        Spread s = Spread.of(b.executions(), start);
        long allExecutions = 0;
        long allFailures = 0;
        for (int i = 0; i < b.size(); i++) {
            allExecutions += b.executions()[i];
            allFailures += b.failures()[i];
        }
        double periodRate = allExecutions == 0 ? 0 : (double) allFailures / allExecutions;
        String bucket = minutes(b.length());
        List<Anomaly> out = new ArrayList<>();
        for (int i = 0; i < b.size(); i++) {
            long n = b.executions()[i];
            Instant at = b.starts().get(i);
            boolean judged = s.judges() && i >= start;
            if (judged && n >= MIN_EXECUTIONS && n > s.mean() + ANOMALY_SIGMAS * s.sigma()
                    && n >= s.mean() * (1 + SPIKE_MIN_RISE)) {
                double z = s.z(n);
                out.add(new Anomaly(at, AnomalyType.SPIKE, sigmaLevel(z), String.format(Locale.ROOT,
                        "%d executions in this %s, %.1fσ above the period's mean of %.1f per bucket (%d buckets)",
                        n, bucket, z, s.mean(), s.buckets())));
            }
            boolean completed = i < b.size() - 1;
            if (judged && completed && s.mean() >= MIN_MEAN_FOR_DROP
                    && n < s.mean() - ANOMALY_SIGMAS * s.sigma() && n <= s.mean() * (1 - DROP_MIN_FALL)) {
                double z = -s.z(n);
                out.add(new Anomaly(at, AnomalyType.DROP, sigmaLevel(z), String.format(Locale.ROOT,
                        "%d executions in this %s, %.1fσ below the period's mean of %.1f per bucket (%d buckets)",
                        n, bucket, z, s.mean(), s.buckets())));
            }
            if (n >= MIN_EXECUTIONS) {
                double rate = (double) b.failures()[i] / n;
                if (rate > SURGE_FACTOR * periodRate && rate >= SURGE_MIN_RATE) {
                    Level severity = rate >= 0.5 ? Level.HIGH : rate >= 0.35 ? Level.MEDIUM : Level.LOW;
                    out.add(new Anomaly(at, AnomalyType.FAILURE_SURGE, severity, String.format(Locale.ROOT,
                            "%d of %d executions failed in this %s (%.1f%%), against %.1f%% over the period",
                            b.failures()[i], n, bucket, rate * 100, periodRate * 100)));
                }
            }
        }
        return out;
    }

    private static Level sigmaLevel(double z) {
        return z >= 5 ? Level.HIGH : z >= 4 ? Level.MEDIUM : Level.LOW;
    }

    private static String minutes(Duration length) {
        long m = length.toMinutes();
        return m % 60 == 0 ? (m / 60) + "-hour bucket" : m + "-minute bucket";
    }
}
