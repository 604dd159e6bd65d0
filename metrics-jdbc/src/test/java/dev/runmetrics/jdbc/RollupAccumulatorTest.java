package dev.runmetrics.jdbc;

import static dev.runmetrics.core.model.RunFixtures.newRunId;
import static dev.runmetrics.core.model.RunFixtures.newWorkspace;
import static dev.runmetrics.core.model.RunFixtures.snapshot;
import static dev.runmetrics.core.model.RunFixtures.stepSnapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.store.Rollup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The writer's accumulator adds up exactly what core's Rollup.forRun/forStep and plus would, per
 * subject and per dimension for all subjects together (the rows with a null subject).
 */
class RollupAccumulatorTest {

    @Test
    void sumsEqualCoresContributionsMerged() {
        String ws = newWorkspace();
        Random random = new Random(42);
        RollupAccumulator acc = new RollupAccumulator(ws, "inst");
        Map<List<Object>, Rollup> expected = new HashMap<>();
        RunStatus[] ended = {RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.TIMEOUT, RunStatus.CANCELLED,
            RunStatus.SKIPPED};
        for (int i = 0; i < 500; i++) {
            RunStatus status = ended[random.nextInt(ended.length)];
            long q = random.nextLong(3 * 86_400_000L); // minutes, hours and days 1-4 after T0
            Run run = snapshot(ws, newRunId(), "wf" + random.nextInt(3), status, 1, q, random.nextInt(5000), q);
            acc.addRun(run);
            Rollup.forRunAttempt(run, "inst").forEach(r -> merge(expected, r));
            StepRun step = stepSnapshot(ws, run.runId(), "s" + random.nextInt(4), 1, status, q, random.nextInt(900), q);
            if (i % 3 == 0) { // without a model: NODE only; odd tokens and cost
                step = step.toBuilder().errorMessage(null).errorCategory(null).inputSummary(null).outputSummary(null)
                        .attributes(i % 2 == 0 ? Map.of()
                                : Map.of(StepRun.MODEL, "m", StepRun.TOKENS, -5L, StepRun.COST, "x"))
                        .build();
            }
            acc.addStep(step);
            Rollup.forStep(step, "inst").forEach(r -> merge(expected, r));
        }
        Comparator<Rollup> order = Comparator.comparing((Rollup r) -> r.dimension().name())
                .thenComparing(Rollup::subject, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(Rollup::bucketStart);
        List<Rollup> actual = new ArrayList<>(acc.rollups(RollupTier.MINUTE));
        actual.sort(order);
        List<Rollup> want = new ArrayList<>(expected.values());
        want.sort(order);
        assertThat(actual).isEqualTo(want);

        // Hour and day rows: core's merge of the minute rollups inside each.
        for (RollupTier tier : List.of(RollupTier.HOUR, RollupTier.DAY)) {
            Map<List<Object>, List<Rollup>> parts = new HashMap<>();
            for (Rollup minute : want) {
                parts.computeIfAbsent(java.util.Arrays.asList(minute.dimension(), minute.subject(),
                        tier.floor(minute.bucketStart())), k -> new ArrayList<>()).add(minute);
            }
            List<Rollup> wantCoarse = new ArrayList<>();
            parts.forEach((k, list) -> wantCoarse.add(Rollup.merge(ws, list.get(0).dimension(), list.get(0).subject(),
                    (java.time.Instant) k.get(2), tier.length, "inst", list)));
            wantCoarse.sort(order);
            List<Rollup> coarse = new ArrayList<>(acc.rollups(tier));
            coarse.sort(order);
            assertThat(coarse).as(tier.name()).isEqualTo(wantCoarse);
        }
    }

    /** Adds a contribution to its subject's row and to its dimension's all-subjects row (subject null). */
    private static void merge(Map<List<Object>, Rollup> into, Rollup r) {
        into.merge(List.of(r.dimension(), r.subject(), r.bucketStart()), r, Rollup::plus);
        Rollup all = Rollup.merge(r.workspaceId(), r.dimension(), null, r.bucketStart(), r.bucketLength(),
                r.instanceId(), List.of(r));
        into.merge(java.util.Arrays.asList(r.dimension(), null, r.bucketStart()), all, Rollup::plus);
    }
}
