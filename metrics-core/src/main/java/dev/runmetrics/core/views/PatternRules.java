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
 * <em>completed</em> buckets (the last bucket, still in progress, would pull them down); the period
 * failure rate is over all buckets. With σ = 0 (every bucket alike) nothing stands out.
 */
final class PatternRules {
    /** A bucket with fewer executions than this is never a spike, burst or failure surge. */
    static final long MIN_EXECUTIONS = 5;
    /** A drop needs a mean of at least this many executions per bucket. */
    static final double MIN_MEAN_FOR_DROP = 5;
    /** Busy bucket (part of a burst): more than μ + 2σ. */
    static final double BURST_SIGMAS = 2;
    /** Spike: more than μ + 3σ; drop: fewer than μ − 3σ. */
    static final double ANOMALY_SIGMAS = 3;
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
    }

    /** μ and σ of the completed buckets (all but the last). */
    record Spread(double mean, double sigma) {
        static Spread of(long[] executions) {
            int n = Math.max(0, executions.length - 1);
            if (n == 0) {
                return new Spread(0, 0);
            }
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += executions[i];
            }
            double mean = sum / n;
            double squares = 0;
            for (int i = 0; i < n; i++) {
                squares += (executions[i] - mean) * (executions[i] - mean);
            }
            return new Spread(mean, Math.sqrt(squares / n));
        }

        double z(long count) {
            return (count - mean) / sigma;
        }
    }

    static List<Burst> bursts(Buckets b) {
        Spread s = Spread.of(b.executions());
        List<Burst> out = new ArrayList<>();
        if (s.sigma() == 0) {
            return out;
        }
        int i = 0;
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
        return count >= MIN_EXECUTIONS && count > s.mean() + BURST_SIGMAS * s.sigma();
    }

    static List<Anomaly> anomalies(Buckets b) {
        Spread s = Spread.of(b.executions());
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
            if (s.sigma() > 0 && n >= MIN_EXECUTIONS && n > s.mean() + ANOMALY_SIGMAS * s.sigma()) {
                double z = s.z(n);
                out.add(new Anomaly(at, AnomalyType.SPIKE, sigmaLevel(z), String.format(Locale.ROOT,
                        "%d executions in the %s from %s, %.1fσ above the period's mean of %.1f per bucket",
                        n, bucket, at, z, s.mean())));
            }
            boolean completed = i < b.size() - 1;
            if (completed && s.sigma() > 0 && s.mean() >= MIN_MEAN_FOR_DROP
                    && n < s.mean() - ANOMALY_SIGMAS * s.sigma()) {
                double z = -s.z(n);
                out.add(new Anomaly(at, AnomalyType.DROP, sigmaLevel(z), String.format(Locale.ROOT,
                        "%d executions in the %s from %s, %.1fσ below the period's mean of %.1f per bucket",
                        n, bucket, at, z, s.mean())));
            }
            if (n >= MIN_EXECUTIONS) {
                double rate = (double) b.failures()[i] / n;
                if (rate > SURGE_FACTOR * periodRate && rate >= SURGE_MIN_RATE) {
                    Level severity = rate >= 0.5 ? Level.HIGH : rate >= 0.35 ? Level.MEDIUM : Level.LOW;
                    out.add(new Anomaly(at, AnomalyType.FAILURE_SURGE, severity, String.format(Locale.ROOT,
                            "%d of %d executions failed in the %s from %s (%.1f%%), against %.1f%% over the period",
                            b.failures()[i], n, bucket, at, rate * 100, periodRate * 100)));
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
