package dev.runmetrics.core.views;

import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.store.DurationHistogram;
import dev.runmetrics.core.store.DurationKind;
import dev.runmetrics.core.store.DurationStatistics;
import dev.runmetrics.core.store.Rollup;
import dev.runmetrics.core.store.RollupDimension;
import dev.runmetrics.core.store.RollupQuery;
import dev.runmetrics.core.store.RunStore;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How the views read the rollups and count outcomes the same way: one merged rollup per range,
 * "failed" as FAILED or TIMEOUT, rates in percent (0 of nothing), means in seconds (null of
 * nothing).
 *
 * <p>Thread-safe if the store is (every {@link RunStore} is).
 */
final class RollupTotals {
    private final RunStore store;

    RollupTotals(RunStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * The rollups of one dimension (and subject, or all) in [from, to) merged into one, with only
     * its execution-time histogram filled (what every caller reads besides the counts).
     */
    Rollup total(String workspaceId, RollupDimension dimension, String subject, Instant from, Instant to) {
        if (!to.isAfter(from)) {
            return Rollup.merge(workspaceId, dimension, subject, from, Rollup.MINUTE, null, List.of());
        }
        RollupQuery query = RollupQuery.total(dimension, subject, from, to).withHistograms(DurationKind.EXECUTION_TIME);
        List<Rollup> parts = store.rollups(workspaceId, query);
        return parts.size() == 1 ? parts.get(0)
                : Rollup.merge(workspaceId, dimension, subject, from, query.bucketLength(), null, parts);
    }

    /** Runs (or steps) that failed or timed out. */
    static long failures(Rollup r) {
        return r.count(RunStatus.FAILED) + r.count(RunStatus.TIMEOUT);
    }

    /** {@code part} as a percentage of {@code whole}, 0 when {@code whole} is 0. */
    static double percent(long part, long whole) {
        return whole == 0 ? 0 : part * 100.0 / whole;
    }

    /** The histogram's mean in seconds, or null when it is empty. */
    static Double meanSeconds(DurationHistogram h) {
        DurationStatistics s = h.statistics();
        return s.count() == 0 ? null : s.mean() / 1000.0;
    }

    /** A sum of milliseconds over {@code count} samples as a mean in seconds, or null when none. */
    static Double meanSeconds(double sumMillis, long count) {
        return count == 0 ? null : sumMillis / count / 1000.0;
    }
}
