package dev.runmetrics.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A snapshot carries an ascending copy of the window from one read to the next and merges in only
 * what changed ({@link OrderedWindow}). Whatever changed between two reads (nothing, one sample,
 * the whole window, a stripe going stale or coming back, writers racing the read), each read's
 * percentiles are those of a plain sort of the window, by the same nearest-rank definition.
 */
class PercentilesBetweenReadsTest {

    @AfterEach
    void resetProbe() {
        NodeState.setProbeOfCurrentThread(0);
    }

    @Test
    void everyReadMatchesASortOfTheLastSamplesWhateverChangedSinceThePreviousRead() {
        Random random = new Random(20261204);
        for (int windowSize : new int[] {1, 2, 3, 7, 64, 100, 127, 128, 129, 1000}) {
            for (int stream = 0; stream < 4; stream++) {
                NodeState state = new NodeState(windowSize, 1);
                ArrayDeque<Double> last = new ArrayDeque<>();
                // Some streams draw from a handful of values, so the window is full of duplicates.
                int distinct = stream % 2 == 0 ? 0 : 1 + random.nextInt(5);
                long recorded = 0;
                for (int read = 0; read < 300; read++) {
                    int fresh = freshSamples(random, windowSize);
                    for (int i = 0; i < fresh; i++) {
                        double value = distinct == 0
                                ? Math.exp(random.nextGaussian() * 2) * 10
                                : random.nextInt(distinct) * 5.0;
                        if (random.nextInt(4) == 0) {
                            state.recordFailure(value, ErrorCategory.TIMEOUT);
                        } else {
                            state.recordSuccess(value);
                        }
                        last.addLast(value);
                        if (last.size() > windowSize) {
                            last.removeFirst();
                        }
                        recorded++;
                    }
                    NodeMetrics metrics = state.snapshot();
                    String context = "window " + windowSize + ", stream " + stream + ", read " + read
                            + " after " + fresh + " fresh of " + recorded;
                    if (last.isEmpty()) {
                        assertThat(metrics.p50()).as(context).isNull();
                        continue;
                    }
                    double[] sorted = last.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                    assertThat(metrics.p50()).as("p50, " + context).isEqualTo(nearestRank(sorted, 50));
                    assertThat(metrics.p90()).as("p90, " + context).isEqualTo(nearestRank(sorted, 90));
                    assertThat(metrics.p99()).as("p99, " + context).isEqualTo(nearestRank(sorted, 99));
                }
            }
        }
    }

    @Test
    void aStripedWindowMatchesASortOfItsCopyAsStripesAreAddedGoStaleAndComeBack() {
        Random random = new Random(4242);
        for (int windowSize : new int[] {1, 5, 64, 100, 130}) {
            for (int stream = 0; stream < 6; stream++) {
                NodeState state = new NodeState(windowSize, 4);
                for (int read = 0; read < 300; read++) {
                    if (read == 20) {
                        state.growTo(2); // the ordered copy grows with the table, keeping its samples
                    } else if (read == 60) {
                        state.growTo(4);
                    }
                    // A burst on one stripe: long ones make the other stripes stale.
                    NodeState.setProbeOfCurrentThread(random.nextInt(4));
                    int fresh = random.nextInt(8) == 0 ? windowSize * 4 + random.nextInt(400)
                            : freshSamples(random, windowSize);
                    for (int i = 0; i < fresh; i++) {
                        double value = random.nextInt(3) == 0 ? random.nextInt(4) : random.nextDouble() * 1000;
                        if (random.nextBoolean()) {
                            state.recordSuccess(value);
                        } else {
                            state.recordFailure(value, ErrorCategory.NETWORK);
                        }
                    }
                    assertMatchesASortOfTheWindow(state, "window " + windowSize + ", stream " + stream
                            + ", read " + read + " after " + fresh + " fresh");
                }
            }
        }
    }

    @Test
    void repeatedReadsOfAnUnchangedWindowGiveTheSameAnswer() {
        NodeState state = new NodeState(100, 1);
        for (int value = 1; value <= 250; value++) {
            state.recordSuccess(value);
        }
        for (int read = 0; read < 5; read++) { // select, then sort, then nothing changed
            NodeMetrics metrics = state.snapshot();
            assertThat(metrics.p50()).isEqualTo(200.0);
            assertThat(metrics.p90()).isEqualTo(240.0);
            assertThat(metrics.p99()).isEqualTo(249.0);
        }
        state.recordSuccess(1000); // 151 leaves, 1000 enters
        NodeMetrics metrics = state.snapshot();
        assertThat(metrics.p50()).isEqualTo(201.0);
        assertThat(metrics.p90()).isEqualTo(241.0);
        assertThat(metrics.p99()).isEqualTo(250.0);
    }

    @Test
    void aWindowTooLargeToKeepOrderedIsSelectedOverAndStillMatchesASort() {
        int windowSize = OrderedWindow.MAX_SAMPLES + 1;
        NodeState state = new NodeState(windowSize, 1);
        Random random = new Random(7);
        for (int read = 0; read < 4; read++) {
            int fresh = read == 0 ? windowSize + 5_000 : 1 + random.nextInt(50);
            for (int i = 0; i < fresh; i++) {
                state.recordSuccess(random.nextInt(100_000) / 8.0);
            }
            assertMatchesASortOfTheWindow(state, "read " + read);
        }
    }

    @Test
    void readersRacingEachOtherAllGetTheAnswerOfTheWindow() throws Exception {
        NodeState state = new NodeState(100, 1);
        Random random = new Random(99);
        for (int phase = 0; phase < 50; phase++) {
            int fresh = freshSamples(random, 100);
            for (int i = 0; i < fresh; i++) {
                state.recordSuccess(random.nextInt(1000));
            }
            double[] expected = percentilesOfASortOfTheWindow(state);
            // One reader has the ordered copy out at a time; the others select over copies of their own.
            AtomicReference<String> wrong = new AtomicReference<>();
            ConcurrentRecordingTest.runTogether(4, thread -> {
                for (int read = 0; read < 200; read++) {
                    NodeMetrics metrics = state.snapshot();
                    double[] seen = expected == null ? null
                            : new double[] {metrics.p50(), metrics.p90(), metrics.p99()};
                    if (expected == null ? metrics.p50() != null : !Arrays.equals(seen, expected)) {
                        wrong.compareAndSet(null, Arrays.toString(seen) + " instead of " + Arrays.toString(expected));
                    }
                }
            });
            assertThat(wrong.get()).as("phase %d", phase).isNull();
        }
    }

    @Test
    void readsRacingOneWriterSeeOnlySamplesOfTheWindowAndTheNextQuietReadIsExact() throws Exception {
        int windowSize = 100;
        int capacity = NodeState.ceilingPowerOfTwo(windowSize);
        for (int round = 0; round < 3; round++) {
            NodeState state = new NodeState(windowSize, 1);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<String> wrong = new AtomicReference<>();
            long[] last = new long[1];
            // The writer records 1, 2, 3, ...: a value is its sequence number plus one.
            ConcurrentRecordingTest.runTogether(2, thread -> {
                if (thread == 0) {
                    long value = 1;
                    for (; value <= 300_000 && wrong.get() == null; value++) {
                        state.recordSuccess(value);
                        if ((value & 1023) == 0) {
                            Thread.yield(); // let the reader in on a single core too
                        }
                    }
                    last[0] = value - 1;
                    stop.set(true);
                    return;
                }
                while (!stop.get()) {
                    long before = state.executions();
                    NodeMetrics metrics = state.snapshot();
                    long after = state.executions();
                    if (metrics.p50() == null) {
                        continue;
                    }
                    double p50 = metrics.p50();
                    double p90 = metrics.p90();
                    double p99 = metrics.p99();
                    // In the window of some moment of the read: recorded, and at most one lap older
                    // than the window (a slot claimed but not yet written shows its previous sample).
                    double oldest = before - windowSize - capacity + 1;
                    boolean fine = p50 <= p90 && p90 <= p99 && p50 >= oldest && p99 <= after
                            && p50 == Math.rint(p50) && p90 == Math.rint(p90) && p99 == Math.rint(p99);
                    if (!fine) {
                        wrong.compareAndSet(null, "p50 " + p50 + ", p90 " + p90 + ", p99 " + p99
                                + " while " + before + ".." + after + " were recorded");
                    }
                }
            });
            assertThat(wrong.get()).isNull();
            long n = last[0];
            for (int read = 0; read < 3; read++) {
                NodeMetrics metrics = state.snapshot();
                assertThat(metrics.p50()).isEqualTo((double) (n - 50));
                assertThat(metrics.p90()).isEqualTo((double) (n - 10));
                assertThat(metrics.p99()).isEqualTo((double) (n - 1));
            }
        }
    }

    @Test
    void readsRacingSeveralWritersSeeOnlyRecordedSamplesAndQuietReadsMatchASort() throws Exception {
        int writers = 3;
        NodeState state = new NodeState(100, 4);
        state.growTo(2); // several stripes even if the writers happen not to contend
        AtomicLongArray progress = new AtomicLongArray(writers);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> wrong = new AtomicReference<>();
        // Writer t records t + writers × k for k = 0, 1, ...: each value names its writer and its k.
        ConcurrentRecordingTest.runTogether(writers + 1, thread -> {
            if (thread < writers) {
                for (long k = 0; k < 100_000 && wrong.get() == null; k++) {
                    state.recordSuccess(thread + (double) writers * k);
                    progress.set(thread, k + 1);
                    if ((k & 1023) == 0) {
                        Thread.yield();
                    }
                }
                return;
            }
            int reads = 0;
            while (progressDone(progress, 100_000) < writers && wrong.get() == null) {
                NodeMetrics metrics = state.snapshot();
                reads++;
                if (metrics.p50() == null) {
                    continue;
                }
                for (double value : new double[] {metrics.p50(), metrics.p90(), metrics.p99()}) {
                    long whole = (long) value;
                    int writer = (int) (whole % writers);
                    // The writer's progress is set after its record, so allow the one in flight.
                    boolean recorded = value == whole && whole / writers <= progress.get(writer);
                    if (!recorded) {
                        wrong.compareAndSet(null, value + " was never recorded (read " + reads + ")");
                    }
                }
                if (!(metrics.p50() <= metrics.p90() && metrics.p90() <= metrics.p99())) {
                    wrong.compareAndSet(null, "out of order: " + metrics.p50() + ", " + metrics.p90()
                            + ", " + metrics.p99());
                }
            }
            stop.set(true);
        });
        assertThat(wrong.get()).isNull();
        assertThat(stop.get()).isTrue();
        for (int read = 0; read < 3; read++) {
            assertMatchesASortOfTheWindow(state, "quiet read " + read);
        }
        // And the merges after the race still agree with a sort.
        Random random = new Random(3);
        for (int read = 0; read < 50; read++) {
            NodeState.setProbeOfCurrentThread(random.nextInt(4));
            for (int i = random.nextInt(5); i > 0; i--) {
                state.recordSuccess(random.nextInt(500));
            }
            assertMatchesASortOfTheWindow(state, "after the race, read " + read);
        }
    }

    private static int progressDone(AtomicLongArray progress, long target) {
        int done = 0;
        for (int i = 0; i < progress.length(); i++) {
            if (progress.get(i) >= target) {
                done++;
            }
        }
        return done;
    }

    /** Mostly a few samples, sometimes none, a quarter or half a window, a whole window or several. */
    private static int freshSamples(Random random, int windowSize) {
        return switch (random.nextInt(10)) {
            case 0 -> 0;
            case 1 -> windowSize / 2 + random.nextInt(3) - 1;
            case 2 -> windowSize + random.nextInt(3) - 1;
            case 3 -> windowSize * 2 + random.nextInt(windowSize + 1);
            case 4 -> Math.max(0, windowSize / 4 + random.nextInt(3) - 1); // about the most a merge takes
            default -> 1 + random.nextInt(Math.min(12, windowSize + 1));
        };
    }

    private static void assertMatchesASortOfTheWindow(NodeState state, String context) {
        double[] expected = percentilesOfASortOfTheWindow(state);
        NodeMetrics metrics = state.snapshot();
        if (expected == null) {
            assertThat(metrics.p50()).as(context).isNull();
            return;
        }
        assertThat(metrics.p50()).as("p50, " + context).isEqualTo(expected[0]);
        assertThat(metrics.p90()).as("p90, " + context).isEqualTo(expected[1]);
        assertThat(metrics.p99()).as("p99, " + context).isEqualTo(expected[2]);
    }

    /** The reference: a copy of the window (the stripes a read takes), sorted; null if it is empty. */
    private static double[] percentilesOfASortOfTheWindow(NodeState state) {
        long[] window = new long[state.windowCapacity()];
        int n = state.copyWindow(window);
        if (n == 0) {
            return null;
        }
        List<Double> durations = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            durations.add(NodeState.durationOf(window[i]));
        }
        double[] sorted = durations.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new double[] {nearestRank(sorted, 50), nearestRank(sorted, 90), nearestRank(sorted, 99)};
    }

    /** The textbook nearest rank, written independently of the code under test. */
    private static double nearestRank(double[] sorted, int percentile) {
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length - 1e-9);
        return sorted[Math.max(1, rank) - 1];
    }
}
