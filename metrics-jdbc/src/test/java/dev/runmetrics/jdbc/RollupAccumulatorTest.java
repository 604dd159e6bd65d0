package dev.runmetrics.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.run.Run;
import dev.runmetrics.core.run.RunStatus;
import dev.runmetrics.core.run.StepRun;
import dev.runmetrics.core.stats.Rollup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The writer's accumulator adds up exactly what core's Rollup.forRun/forStep and plus would. */
class RollupAccumulatorTest {

    @Test
    void sumsEqualCoresContributionsMerged() {
        String ws = Fixtures.workspace();
        Random random = new Random(42);
        RollupAccumulator acc = new RollupAccumulator(ws, "inst");
        Map<List<Object>, Rollup> expected = new HashMap<>();
        RunStatus[] ended = {RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.TIMEOUT, RunStatus.CANCELLED,
            RunStatus.SKIPPED};
        for (int i = 0; i < 500; i++) {
            RunStatus status = ended[random.nextInt(ended.length)];
            long q = random.nextInt(300_000);
            Run run = Fixtures.run(ws, Fixtures.id(), "wf" + random.nextInt(3), status, 1, q, random.nextInt(5000), q);
            acc.addRun(run);
            merge(expected, Rollup.forRun(run, "inst"));
            StepRun step = Fixtures.step(ws, run.runId(), "s" + random.nextInt(4), 1, status, q, random.nextInt(900), q);
            if (i % 3 == 0) { // without a model: NODE only; odd tokens and cost
                step = new StepRun(ws, step.runId(), step.stepId(), step.stepName(), 1, step.nodeName(), 1, status,
                        step.queuedAt(), step.startedAt(), step.completedAt(), 0, null, null, null, null,
                        i % 2 == 0 ? Map.of() : Map.of(StepRun.MODEL, "m", StepRun.TOKENS, -5L, StepRun.COST, "x"),
                        step.updatedAt());
            }
            acc.addStep(step);
            Rollup.forStep(step, "inst").forEach(r -> merge(expected, r));
        }
        Comparator<Rollup> order = Comparator.comparing((Rollup r) -> r.dimension().name())
                .thenComparing(Rollup::subject).thenComparing(Rollup::bucketStart);
        List<Rollup> actual = new ArrayList<>(acc.rollups());
        actual.sort(order);
        List<Rollup> want = new ArrayList<>(expected.values());
        want.sort(order);
        assertThat(actual).isEqualTo(want);
    }

    private static void merge(Map<List<Object>, Rollup> into, Rollup r) {
        into.merge(List.of(r.dimension(), r.subject(), r.bucketStart()), r, Rollup::plus);
    }
}
