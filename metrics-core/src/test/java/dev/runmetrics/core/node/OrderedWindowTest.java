package dev.runmetrics.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link OrderedWindow} on its own, fed copies the way a racing read can see them: windows moving
 * on by any amount, stripes added, left out and back, slots not yet written ({@link NodeState#EMPTY})
 * and slots whose value changed although their sequence was in the previous copy too. Every update
 * must give the percentiles of a sort of the copy it was given.
 */
class OrderedWindowTest {

    @Test
    void everyUpdateGivesThePercentilesOfASortOfItsCopyWhateverTheSlotsHeldBefore() {
        Random random = new Random(1204);
        for (int windowSize : new int[] {1, 2, 3, 10, 100}) {
            for (int maxStripes : new int[] {1, 2, 4}) {
                for (int stream = 0; stream < 3; stream++) {
                    run(random, windowSize, maxStripes, stream == 0 ? 4 : 1_000_000);
                }
            }
        }
    }

    @Test
    void aWindowThatMovesOnByAFewSamplesIsSortedOnceThenOnlyMerged() {
        int windowSize = 100;
        OrderedWindow window = new OrderedWindow(windowSize, 2);
        long[] ends = new long[2];
        Random random = new Random(5);
        for (int update = 0; update < 1_000; update++) {
            for (int s = 0; s < 2; s++) {
                ends[s] += update < 3 ? windowSize : random.nextInt(20); // full at once, then a few a read
                int count = (int) Math.min(ends[s], windowSize);
                window.nextEnds[s] = ends[s];
                window.nextCounts[s] = count;
                for (int i = 0; i < count; i++) {
                    window.next[s * windowSize + i] = sample(17, s, ends[s] - count + i, 1_000);
                }
            }
            long[] expected = percentilesOfASort(window.next, window.nextCounts, 2, windowSize);
            window.update();
            assertThat(new long[] {window.p50Bits(), window.p90Bits(), window.p99Bits()})
                    .containsExactly(expected[1], expected[2], expected[3]);
        }
        // Updates 0 to 2 replace the whole window (a selection each), update 3 a little (the one
        // sort), and every later one merges.
        assertThat(window.sorts()).isEqualTo(1);
    }

    private static void run(Random random, int windowSize, int maxStripes, int range) {
        OrderedWindow window = new OrderedWindow(windowSize, 1);
        int stripes = 1;
        long[] ends = new long[maxStripes];
        long salt = random.nextLong();
        for (int update = 0; update < 400; update++) {
            if (stripes < maxStripes && random.nextInt(50) == 0) {
                stripes *= 2;
                window.ensureStripes(stripes);
            }
            for (int s = 0; s < stripes; s++) {
                ends[s] += switch (random.nextInt(6)) {
                    case 0, 1 -> 0;
                    case 2 -> windowSize + random.nextInt(2 * windowSize + 1);
                    default -> 1 + random.nextInt(Math.min(10, windowSize));
                };
                boolean leftOut = random.nextInt(10) == 0; // a stale stripe
                int count = leftOut ? 0 : (int) Math.min(ends[s], windowSize);
                window.nextEnds[s] = leftOut ? 0 : ends[s];
                window.nextCounts[s] = count;
                for (int i = 0; i < count; i++) {
                    long sequence = ends[s] - count + i;
                    long bits = sample(salt, s, sequence, range);
                    int race = random.nextInt(40);
                    if (race == 0) {
                        bits = NodeState.EMPTY; // claimed, not yet written
                    } else if (race == 1) {
                        bits = sample(salt, s, sequence - windowSize - 1, range); // an older lap's sample
                    }
                    window.next[s * windowSize + i] = bits;
                }
            }
            long[] expected = percentilesOfASort(window.next, window.nextCounts, stripes, windowSize);

            window.update();

            String context = "window " + windowSize + ", stripes " + stripes + ", update " + update;
            assertThat(window.size()).as("size, " + context).isEqualTo((int) expected[0]);
            if (expected[0] > 0) {
                assertThat(new long[] {window.p50Bits(), window.p90Bits(), window.p99Bits()})
                        .as("p50, p90, p99 of " + context)
                        .containsExactly(expected[1], expected[2], expected[3]);
            }
        }
    }

    /** A stripe's sample at a sequence: always the same, as a real ring's would be once written. */
    private static long sample(long salt, int stripe, long sequence, int range) {
        long mixed = (salt ^ (sequence * 0x9E3779B97F4A7C15L) ^ stripe * 0xC2B2AE3D27D4EB4FL) * 0xFF51AFD7ED558CCDL;
        double duration = Math.floorMod(mixed ^ (mixed >>> 29), range) / 4.0;
        return Double.doubleToRawLongBits(duration);
    }

    /** {real samples, p50, p90, p99} of the copy, by a sort and the textbook nearest rank. */
    private static long[] percentilesOfASort(long[] copy, int[] counts, int stripes, int windowSize) {
        long[] real = new long[stripes * windowSize];
        int n = 0;
        for (int s = 0; s < stripes; s++) {
            for (int i = 0; i < counts[s]; i++) {
                long bits = copy[s * windowSize + i];
                if (bits != NodeState.EMPTY) {
                    real[n++] = bits;
                }
            }
        }
        if (n == 0) {
            return new long[] {0};
        }
        long[] sorted = Arrays.copyOf(real, n);
        Arrays.sort(sorted);
        return new long[] {n, sorted[rank(n, 50)], sorted[rank(n, 90)], sorted[rank(n, 99)]};
    }

    private static int rank(int n, int percentile) {
        return Math.max(1, (int) Math.ceil(percentile / 100.0 * n - 1e-9)) - 1;
    }
}
