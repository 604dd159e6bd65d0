package dev.runmetrics.core.views;

import static dev.runmetrics.core.model.RunFixtures.at;
import static dev.runmetrics.core.model.RunFixtures.ended;
import static dev.runmetrics.core.model.RunFixtures.running;
import static dev.runmetrics.core.model.RunFixtures.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.model.RunFixtures;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.views.overview.LiveOverview;
import dev.runmetrics.core.views.overview.RunInProgress;
import dev.runmetrics.core.views.overview.Timeframe;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Two workspaces with the same workflow, node and model names: every view of one never shows the
 * other's runs, steps, rollups or live runs.
 */
class RunViewsWorkspaceIsolationTest {
    private static final Instant NOW = at("2026-03-02T10:30:30Z");
    private static final Instant Q = at("2026-03-02T10:00:00Z");

    private final InMemoryRunStore store = new InMemoryRunStore("test-instance");
    private final RunViews views = RunViews.builder(store).clock(new SettableClock(NOW)).workerCapacity(8).build();

    /** {@code n} completed runs of "shared" (each with one llm step), and {@code live} running ones. */
    private void fill(String ws, int n, int live, long execMs) {
        for (int i = 0; i < n; i++) {
            String id = ws + "-run-" + i;
            store.saveRun(ws, ended(ws, id, "shared", Q.plusSeconds(i), Duration.ZERO, Duration.ofMillis(execMs),
                    RunStatus.COMPLETED));
            store.saveStep(ws, step(ws, id, "s", 1, "node", 1, RunStatus.COMPLETED, Q.plusSeconds(i),
                    Duration.ofMillis(execMs), Map.of(StepRun.MODEL, "m", StepRun.TOKENS, 10)));
        }
        for (int i = 0; i < live; i++) {
            store.saveRun(ws, running(ws, ws + "-live-" + i, "shared", NOW.minusSeconds(5), NOW.minusSeconds(5),
                    Map.of()));
        }
    }

    @Test
    void noViewOfOneWorkspaceShowsAnotherWorkspacesData() {
        fill("ws-a", 2, 1, 1000);
        fill("ws-b", 5, 3, 9000);
        Instant from = at("2026-03-02T09:00:00Z");

        assertThat(views.statistics().executionTimes("ws-a", Optional.of("shared"), Q, Q.plusSeconds(600)))
                .satisfies(s -> assertThat(s.count()).isEqualTo(2))
                .satisfies(s -> assertThat(s.max()).isEqualTo(1000.0));
        assertThat(views.statistics().executionTimes("ws-a", Optional.empty(), from, NOW).count()).isEqualTo(2);
        assertThat(views.statistics().workflowSummary("ws-a", "shared").totalExecutions()).isEqualTo(2);
        assertThat(views.runs().list("ws-a", Optional.empty(), Optional.empty(), 0, 100).total()).isEqualTo(3);
        assertThat(views.runs().detail("ws-a", "ws-b-run-0")).isEmpty();
        assertThat(views.runs().timeline("ws-a", "ws-b-run-0")).isEmpty();
        assertThat(views.runs().detail("ws-a", "ws-a-run-0").orElseThrow().stepExecutions()).hasSize(1);
        assertThat(views.overview().realtime("ws-a").currentlyRunning()).isEqualTo(1);

        LiveOverview m = views.overview().of("ws-a", Timeframe.LAST_HOUR);
        assertThat(m.realtime().currentlyRunning()).isEqualTo(1);
        assertThat(m.realtime().executionsInProgress()).extracting(RunInProgress::runId)
                .containsExactly("ws-a-live-0");
        assertThat(m.realtime().executionsInProgress().get(0).estimatedCompletion())
                .as("estimated from ws-a's 1 s runs, not ws-b's 9 s ones")
                .isBetween(NOW.minusSeconds(5).plusMillis(999), NOW.minusSeconds(5).plusMillis(1002));
        assertThat(m.performance().totalExecutions()).isEqualTo(2);
        assertThat(m.performance().byAgent()).singleElement()
                .satisfies(a -> assertThat(a.executions()).isEqualTo(2));
        assertThat(m.latency().executionLatency().p99()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.001));
        assertThat(m.resources().modelUsage().get("m").calls()).isEqualTo(2);
        assertThat(m.resources().modelUsage().get("m").tokens()).isEqualTo(20);

        assertThat(views.overview().of("ws-b", Timeframe.LAST_HOUR).performance().totalExecutions()).isEqualTo(5);
        assertThat(views.overview().of("ws-empty", Timeframe.LAST_HOUR).performance().totalExecutions()).isZero();
        assertThat(views.statistics().workflowSummary("ws-empty", "shared").totalExecutions()).isZero();
    }
}
