package dev.runmetrics.core.node;

import java.util.Arrays;

/**
 * A reader's ascending copy of a node's window, carried from one snapshot to the next so that a
 * read costs what changed since the previous read rather than a selection over the whole window.
 *
 * <p>Each read copies the window into {@link #next} (stripe {@code i}'s last samples in sequence
 * order at {@code i × windowSize}, failure bits cleared, {@link NodeState#EMPTY} kept in place),
 * then {@link #update()} compares it with the previous read's copy, sequence by sequence: the
 * samples that left (older than the window, or of a stripe that went stale) are removed from the
 * ascending copy and the new ones merged in, in one linear pass. A slot that differs although its
 * sequence is in both copies (claimed but not yet written at the previous copy, or overwritten by
 * a writer racing a copy) counts as one sample out and one in. So the ascending copy always holds
 * exactly the real samples of the latest copy, whatever the writers did in between, and the
 * percentiles are those a sort of that copy gives: the same as a selection over that copy.
 * When too much changed (more than a quarter of the window), the read selects the three ranks
 * instead and the ascending copy is rebuilt by a sort at the next read that changed little, so a
 * node read far less often than it records pays a selection per read, as without this class.
 *
 * <p>It holds about five longs per window slot (two copies, the ascending copy, a merge target,
 * and the change lists), which is why a window of more than {@value #MAX_SAMPLES} slots over all
 * stripes is not kept ordered.
 *
 * <p>Not thread-safe: {@link NodeState} hands it to one reader at a time. Writers never touch it.
 */
final class OrderedWindow {
    /** The most samples (window size × stripes) a node keeps an ordered copy of; larger ones select. */
    static final int MAX_SAMPLES = 1 << 16;

    private final int windowSize;
    private int stripes;

    /** The copy being read now, laid out per stripe; filled by {@link NodeState} before {@link #update()}. */
    long[] next;
    /** Per stripe: the cursor the copy in {@link #next} was taken at. */
    long[] nextEnds;
    /** Per stripe: how many slots of {@link #next} it filled (0 for a stripe left out). */
    int[] nextCounts;

    private long[] previous;
    private long[] previousEnds;
    private int[] previousCounts;
    private boolean hasPrevious;

    /** The real samples of {@link #previous}, ascending, while {@link #ordered}. */
    private long[] sorted;
    private int sortedSize;
    private boolean ordered;
    /** The merge's target, and the selection's scratch; swapped with {@link #sorted} after a merge. */
    private long[] spare;
    private long[] removed;
    private long[] added;

    /** How many times the ascending copy was rebuilt by a sort; for tests. */
    private long sorts;

    private int size;
    private long p50Bits;
    private long p90Bits;
    private long p99Bits;

    OrderedWindow(int windowSize, int stripes) {
        this.windowSize = windowSize;
        this.stripes = 0;
        this.next = new long[0];
        this.nextEnds = new long[0];
        this.nextCounts = new int[0];
        this.previous = new long[0];
        this.previousEnds = new long[0];
        this.previousCounts = new int[0];
        this.sorted = new long[0];
        this.spare = new long[0];
        ensureStripes(stripes);
    }

    /**
     * Makes room for {@code count} stripes, keeping the previous copy: a stripe keeps its place in
     * the layout as the table grows, and a new stripe had no samples in the previous copy.
     */
    void ensureStripes(int count) {
        if (count <= stripes) {
            return;
        }
        int samples = windowSize * count;
        next = Arrays.copyOf(next, samples);
        nextEnds = Arrays.copyOf(nextEnds, count);
        nextCounts = Arrays.copyOf(nextCounts, count);
        previous = Arrays.copyOf(previous, samples);
        previousEnds = Arrays.copyOf(previousEnds, count);
        previousCounts = Arrays.copyOf(previousCounts, count);
        sorted = Arrays.copyOf(sorted, samples);
        spare = new long[samples];
        removed = new long[changeLimit(samples)];
        added = new long[changeLimit(samples)];
        stripes = count;
    }

    /**
     * Beyond this many samples out (or in) a read selects instead of merging: sorting the change
     * lists and merging them costs more than a selection once about a third of the window changed
     * (measured on a window of 100).
     */
    private static int changeLimit(int samples) {
        return Math.max(1, samples / 4);
    }

    /**
     * Takes in the copy in {@link #next} (all {@code stripes} stripes filled) and computes its
     * percentiles: {@link #size()} real samples and, if there are any, the bits of p50, p90 and p99.
     */
    void update() {
        int limit = removed.length;
        boolean fewChanges = hasPrevious && sequencesOutAndIn() <= limit;
        if (fewChanges && ordered) {
            merge();
        } else if (fewChanges) {
            rebuild();
        } else {
            select();
        }
        long[] copy = previous;
        previous = next;
        next = copy;
        long[] ends = previousEnds;
        previousEnds = nextEnds;
        nextEnds = ends;
        int[] counts = previousCounts;
        previousCounts = nextCounts;
        nextCounts = counts;
        hasPrevious = true;
    }

    /**
     * @return an upper bound of both the samples that left the window since the previous copy and
     *     those that entered it, counting only sequences that are in one copy and not the other
     */
    private long sequencesOutAndIn() {
        long changes = 0;
        for (int s = 0; s < stripes; s++) {
            changes += Math.max(previousCounts[s], nextCounts[s]) - commonSequences(s);
        }
        return changes;
    }

    /** @return how many sequences stripe {@code s} has in both the previous and the next copy */
    private int commonSequences(int s) {
        long first = Math.max(previousEnds[s] - previousCounts[s], nextEnds[s] - nextCounts[s]);
        long end = Math.min(previousEnds[s], nextEnds[s]);
        return (int) Math.max(0, end - first);
    }

    /**
     * Removes from the ascending copy the samples that left and merges in those that entered, or
     * rebuilds it if more changed than the change lists hold.
     */
    private void merge() {
        int out = 0;
        int in = 0;
        // First the sequences in only one of the copies, which sequencesOutAndIn() counted ...
        for (int s = 0; s < stripes; s++) {
            int base = s * windowSize;
            long previousStart = previousEnds[s] - previousCounts[s];
            long nextStart = nextEnds[s] - nextCounts[s];
            int common = commonSequences(s);
            if (common == 0) {
                out = collect(previous, base, base + previousCounts[s], removed, out);
                in = collect(next, base, base + nextCounts[s], added, in);
                continue;
            }
            long first = Math.max(previousStart, nextStart);
            int p = base + (int) (first - previousStart);
            int q = base + (int) (first - nextStart);
            out = collect(previous, base, p, removed, out);
            out = collect(previous, p + common, base + previousCounts[s], removed, out);
            in = collect(next, base, q, added, in);
            in = collect(next, q + common, base + nextCounts[s], added, in);
        }
        // ... then the sequences in both, whose slots are the same unless a write raced a copy.
        int limit = removed.length;
        for (int s = 0; s < stripes; s++) {
            int common = commonSequences(s);
            if (common == 0) {
                continue;
            }
            int base = s * windowSize;
            long previousStart = previousEnds[s] - previousCounts[s];
            long nextStart = nextEnds[s] - nextCounts[s];
            long first = Math.max(previousStart, nextStart);
            int p = base + (int) (first - previousStart);
            int q = base + (int) (first - nextStart);
            for (int i = 0; i < common; i++) {
                long before = previous[p + i];
                long bits = next[q + i];
                // Differs when it was claimed but not yet written at the previous copy, or a writer
                // far ahead raced one of the copies: one sample out, one in, like any other change.
                if (before != bits) {
                    if (out == limit || in == limit) {
                        rebuild();
                        return;
                    }
                    if (before != NodeState.EMPTY) {
                        removed[out++] = before;
                    }
                    if (bits != NodeState.EMPTY) {
                        added[in++] = bits;
                    }
                }
            }
        }
        if (out == 0 && in == 0) {
            takeRanks(sorted, sortedSize);
            return;
        }
        Arrays.sort(removed, 0, out);
        Arrays.sort(added, 0, in);
        long[] from = sorted;
        long[] into = spare;
        int keep = sortedSize - out;
        int taken = 0;
        int merged = 0;
        int n = 0;
        for (int i = 0; i < sortedSize; i++) {
            long value = from[i];
            if (taken < out && value == removed[taken]) {
                taken++;
                continue;
            }
            if (i - taken >= keep) { // a sample to remove is not there: never expected, never trusted
                rebuild();
                return;
            }
            while (merged < in && added[merged] < value) {
                into[n++] = added[merged++];
            }
            into[n++] = value;
        }
        if (taken != out) {
            rebuild();
            return;
        }
        while (merged < in) {
            into[n++] = added[merged++];
        }
        sorted = into;
        spare = from;
        sortedSize = n;
        takeRanks(sorted, n);
    }

    /**
     * Appends the real samples of {@code copy[from, to)} to {@code list} from index {@code at};
     * returns the new end. The caller checked that the list has room ({@link #sequencesOutAndIn()}).
     */
    private static int collect(long[] copy, int from, int to, long[] list, int at) {
        int n = at;
        for (int i = from; i < to; i++) {
            long bits = copy[i];
            if (bits != NodeState.EMPTY) {
                list[n++] = bits;
            }
        }
        return n;
    }

    /** Sorts the real samples of {@link #next} into the ascending copy. */
    private void rebuild() {
        sorts++;
        int n = realSamples(sorted);
        Arrays.sort(sorted, 0, n);
        sortedSize = n;
        ordered = true;
        takeRanks(sorted, n);
    }

    /** Selects the three ranks of {@link #next} without ordering it; the ascending copy is then out of date. */
    private void select() {
        int n = realSamples(spare);
        ordered = false;
        size = n;
        if (n == 0) {
            return;
        }
        Percentiles.selectP50P90P99(spare, n);
        p50Bits = spare[Percentiles.nearestRankIndex(n, 50)];
        p90Bits = spare[Percentiles.nearestRankIndex(n, 90)];
        p99Bits = spare[Percentiles.nearestRankIndex(n, 99)];
    }

    /** Copies the real samples of {@link #next} into {@code into}, compacted; returns how many. */
    private int realSamples(long[] into) {
        int n = 0;
        for (int s = 0; s < stripes; s++) {
            int base = s * windowSize;
            for (int i = base; i < base + nextCounts[s]; i++) {
                long bits = next[i];
                if (bits != NodeState.EMPTY) {
                    into[n++] = bits;
                }
            }
        }
        return n;
    }

    private void takeRanks(long[] ascending, int n) {
        size = n;
        if (n > 0) {
            p50Bits = ascending[Percentiles.nearestRankIndex(n, 50)];
            p90Bits = ascending[Percentiles.nearestRankIndex(n, 90)];
            p99Bits = ascending[Percentiles.nearestRankIndex(n, 99)];
        }
    }

    /** @return how many real samples the last {@link #update()} found */
    int size() {
        return size;
    }

    /** @return how many times the ascending copy was rebuilt by a sort rather than merged; for tests */
    long sorts() {
        return sorts;
    }

    long p50Bits() {
        return p50Bits;
    }

    long p90Bits() {
        return p90Bits;
    }

    long p99Bits() {
        return p99Bits;
    }
}
