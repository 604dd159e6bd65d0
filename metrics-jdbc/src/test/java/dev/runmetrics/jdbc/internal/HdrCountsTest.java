package dev.runmetrics.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.store.DurationHistogram;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The store's fast histogram codec agrees with core's DurationHistogram (HdrHistogram) both ways. */
class HdrCountsTest {

    @Test
    void recordsEncodesAndMergesExactlyAsDurationHistogram() {
        Random random = new Random(7);
        for (int round = 0; round < 50; round++) {
            DurationHistogram.Builder a = DurationHistogram.builder();
            DurationHistogram.Builder b = DurationHistogram.builder();
            HdrCounts counts = new HdrCounts();
            int n = round == 0 ? 0 : random.nextInt(3_000);
            for (int i = 0; i < n; i++) {
                long v = switch (random.nextInt(5)) {
                    case 0 -> random.nextInt(3_000);
                    case 1 -> (long) Math.exp(random.nextDouble() * 25);
                    case 2 -> Long.MAX_VALUE / (1 + random.nextInt(1000));
                    case 3 -> -random.nextInt(10);
                    default -> (long) Math.exp(Math.log(500_000) + random.nextGaussian());
                };
                (i % 2 == 0 ? a : b).recordMicros(v);
                counts.recordMicros(v);
            }
            DurationHistogram want = a.build().plus(b.build());
            assertThat(counts.toHistogram()).isEqualTo(want);
            assertThat(DurationHistogram.decode(counts.encode()).statistics()).isEqualTo(want.statistics());
            // decoding what HdrHistogram itself encoded, and adding up
            HdrCounts merged = new HdrCounts().addEncoded(a.build().encode()).addEncoded(b.build().encode());
            assertThat(merged.toHistogram()).isEqualTo(want);
            assertThat(new HdrCounts().addEncoded(merged.encode()).toHistogram()).isEqualTo(want);
            assertThat(new HdrCounts().add(merged).toHistogram()).isEqualTo(want);
        }
    }
}
