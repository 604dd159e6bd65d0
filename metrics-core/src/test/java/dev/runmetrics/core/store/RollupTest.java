package dev.runmetrics.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunFixtures;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RollupTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:15:42.123456Z");

    private static Run run(String id, RunStatus status, Duration wait, Duration exec) {
        return RunFixtures.ended("ws", id, "wf", T0, wait, exec, status);
    }

    @Test
    void aRunCountsOnceInTheMinuteItEndedWithItsThreeDurations() {
        Rollup r = Rollup.forRun(run("r1", RunStatus.COMPLETED, Duration.ofMillis(250), Duration.ofSeconds(3)), "i1");

        assertThat(r.bucketStart()).isEqualTo(Instant.parse("2026-03-01T10:15:00Z"));
        assertThat(r.counts()).isEqualTo(Map.of(RunStatus.COMPLETED, 1L));
        assertThat(r.queueWait().statistics().p50()).isCloseTo(250.0, org.assertj.core.data.Percentage.withPercentage(0.1));
        assertThat(r.executionTime().statistics().max()).isCloseTo(3000.0, org.assertj.core.data.Percentage.withPercentage(0.1));
        assertThat(r.endToEnd().count()).isEqualTo(1);
    }

    @Test
    void aRunStillRunningDoesNotFeedTheRollups() {
        Run running = RunFixtures.running("ws", "r", "wf", T0, T0, Map.of());
        assertThatThrownBy(() -> Rollup.forRun(running, "i1")).hasMessageContaining("only an ended run");
    }

    @Test
    void aStepWithAModelFeedsTheNodeAndTheModelRollups() {
        StepRun step = RunFixtures.step("ws", "r", "s1", 1, "llm", 1, RunStatus.COMPLETED, T0, Duration.ofSeconds(2),
                Map.of(StepRun.MODEL, "gpt", StepRun.TOKENS, 1200, StepRun.COST, 0.25));
        List<Rollup> rollups = Rollup.forStep(step, "i1");

        assertThat(rollups).extracting(Rollup::dimension).containsExactly(RollupDimension.NODE, RollupDimension.MODEL);
        assertThat(rollups).extracting(Rollup::subject).containsExactly("llm", "gpt");
        assertThat(rollups.get(1).tokens()).isEqualTo(1200);
        assertThat(rollups.get(1).cost()).isEqualTo(0.25);
    }

    @Test
    void mergingRollupsEqualsRollingUpAllTheRunsAtOnce() {
        Random random = new Random(3);
        Rollup merged = null;
        DurationHistogram.Builder all = DurationHistogram.builder();
        for (int i = 0; i < 200; i++) {
            Duration exec = Duration.ofMillis(1 + random.nextInt(15_000)); // all end in the same minute
            Rollup one = Rollup.forRun(run("r" + i, i % 4 == 0 ? RunStatus.FAILED : RunStatus.COMPLETED,
                    Duration.ofMillis(random.nextInt(1000)), exec), "i1");
            all.record(exec);
            merged = merged == null ? one : merged.plus(one);
        }
        assertThat(merged.total()).isEqualTo(200);
        assertThat(merged.count(RunStatus.FAILED)).isEqualTo(50);
        assertThat(merged.executionTime()).isEqualTo(all.build());
    }

    @Test
    void rollupsWithDifferentKeysDoNotAdd() {
        Rollup a = Rollup.forRun(run("a", RunStatus.COMPLETED, Duration.ZERO, Duration.ofSeconds(1)), "i1");
        Rollup b = Rollup.forRun(run("b", RunStatus.COMPLETED, Duration.ZERO, Duration.ofSeconds(1)), "i2");
        assertThatThrownBy(() -> a.plus(b)).hasMessageContaining("different keys");
    }
    @Test
    void aBucketMayBeLongerThanTheNanosecondsALongHoldsButMustBeWholeMinutes() {
        Duration tenThousandYears = Duration.ofDays(3_652_425);
        Rollup one = Rollup.forRun(run("r", RunStatus.COMPLETED, Duration.ZERO, Duration.ofSeconds(1)), "i1");

        Rollup merged = Rollup.merge("ws", RollupDimension.WORKFLOW, "wf", Instant.parse("0001-01-01T00:00:00Z"),
                tenThousandYears, null, List.of(one));

        assertThat(merged.bucketLength()).isEqualTo(tenThousandYears);
        assertThat(merged.total()).isEqualTo(1);
        assertThat(new RollupQuery(RollupDimension.WORKFLOW, null, false, Instant.MIN, Instant.MAX,
                tenThousandYears).bucket()).isEqualTo(tenThousandYears);
        assertThatThrownBy(() -> Rollup.merge("ws", RollupDimension.WORKFLOW, "wf", Instant.EPOCH,
                tenThousandYears.plusSeconds(1), null, List.of())).hasMessageContaining("whole number of minutes");
        assertThatThrownBy(() -> new RollupQuery(RollupDimension.WORKFLOW, null, false, Instant.MIN, Instant.MAX,
                tenThousandYears.plusNanos(1))).hasMessageContaining("whole number of minutes");
    }
}
