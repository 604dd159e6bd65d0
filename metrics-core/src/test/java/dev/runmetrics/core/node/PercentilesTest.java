package dev.runmetrics.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Nested selection of the three ranks gives the values a full sort gives. */
class PercentilesTest {

    @Test
    void nestedSelectionMatchesASortOnRandomDataWithDuplicates() {
        Random random = new Random(42);
        for (int round = 0; round < 2_000; round++) {
            int n = 1 + random.nextInt(round % 10 == 0 ? 3000 : 200);
            int distinct = 1 + random.nextInt(n + 1);
            long[] values = new long[n];
            for (int i = 0; i < n; i++) {
                values[i] = random.nextInt(distinct);
            }
            long[] sorted = values.clone();
            Arrays.sort(sorted);

            int i99 = Percentiles.nearestRankIndex(n, 99);
            int i90 = Percentiles.nearestRankIndex(n, 90);
            int i50 = Percentiles.nearestRankIndex(n, 50);
            Percentiles.select(values, 0, n, i99);
            Percentiles.select(values, 0, i99, i90);
            Percentiles.select(values, 0, i90, i50);

            assertThat(values[i99]).as("p99 of %d", n).isEqualTo(sorted[i99]);
            assertThat(values[i90]).as("p90 of %d", n).isEqualTo(sorted[i90]);
            assertThat(values[i50]).as("p50 of %d", n).isEqualTo(sorted[i50]);
            Arrays.sort(values);
            assertThat(values).as("selection only permutes").isEqualTo(sorted);
        }
    }

    @Test
    void selectionHandlesSortedAndReversedInput() {
        for (int n : new int[] {1, 2, 16, 17, 100, 1000}) {
            long[] ascending = new long[n];
            long[] descending = new long[n];
            for (int i = 0; i < n; i++) {
                ascending[i] = i;
                descending[i] = n - 1 - i;
            }
            int k = Percentiles.nearestRankIndex(n, 90);
            Percentiles.select(ascending, 0, n, k);
            Percentiles.select(descending, 0, n, k);
            assertThat(ascending[k]).isEqualTo(k);
            assertThat(descending[k]).isEqualTo(k);
        }
    }
}
