package dev.runmetrics.core.store.memory;

import static dev.runmetrics.core.model.RunFixtures.T0;
import static dev.runmetrics.core.model.RunFixtures.at;
import static dev.runmetrics.core.model.RunFixtures.ended;
import static dev.runmetrics.core.model.RunFixtures.step;
import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.store.RollupDimension;
import dev.runmetrics.core.store.RollupQuery;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.store.RunStoreContract;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemoryRunStoreTest extends RunStoreContract {
    private final InMemoryRunStore store = new InMemoryRunStore("test-instance");

    @Override
    protected RunStore store() {
        return store;
    }

    @Test
    void pruningRemovesOldRunsButKeepsTheirRollups() {
        Run old = ended(ws, "wf", at(0), ofMillis(5), ofMillis(50), RunStatus.COMPLETED);
        Run recent = ended(ws, "wf", at(3_600_000), ofMillis(5), ofMillis(50), RunStatus.COMPLETED);
        store.saveRun(ws, old);
        store.saveRun(ws, recent);
        store.saveStep(ws, step(ws, old.runId(), "s", 1, "node", 1, RunStatus.COMPLETED, at(1), ofMillis(1), Map.of()));

        assertThat(store.pruneRunsEndedBefore(at(60_000))).isEqualTo(1);

        assertThat(store.findRun(ws, old.runId())).isEmpty();
        assertThat(store.findSteps(ws, old.runId())).isEmpty();
        assertThat(store.findRun(ws, recent.runId())).isPresent();
        assertThat(store.rollups(ws, RollupQuery.total(RollupDimension.WORKFLOW, null, T0, T0.plus(Duration.ofDays(1))))
                .get(0).total()).isEqualTo(2);
    }
}
