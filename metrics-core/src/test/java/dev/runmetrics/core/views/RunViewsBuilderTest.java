package dev.runmetrics.core.views;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runmetrics.core.store.memory.InMemoryRunStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunViewsBuilderTest {
    private final InMemoryRunStore store = new InMemoryRunStore("i");

    @Test
    void theWorkerCapacityMustBeSet() {
        assertThatThrownBy(() -> RunViews.builder(store).build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("workerCapacity");
    }

    @Test
    void badSettingsAreRejectedAtOnceByName() {
        RunViews.Builder b = RunViews.builder(store);
        assertThatThrownBy(() -> b.workerCapacity(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("workerCapacity");
        assertThatThrownBy(() -> b.exactCutover(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactCutover");
        assertThatThrownBy(() -> b.estimationWindow(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("estimationWindow");
        assertThatThrownBy(() -> b.liveLimit(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("liveLimit");
        assertThatThrownBy(() -> b.liveListLimit(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("liveListLimit");
        assertThatThrownBy(() -> RunViews.builder(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aZeroCutOverAlwaysUsesTheRollups() {
        Instant t = Instant.parse("2026-03-02T10:00:00Z");
        RunViews views = RunViews.builder(store).workerCapacity(1).exactCutover(Duration.ZERO)
                .clock(new SettableClock(t)).build();
        assertThat(views.statistics().executionTimes("ws", Optional.empty(), t, t.plusSeconds(1)).exact()).isFalse();
    }

    @Test
    void aBlankWorkspaceIsRejected() {
        RunViews views = RunViews.builder(store).workerCapacity(1).build();
        assertThatThrownBy(() -> views.overview().realtime(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("workspaceId");
    }

    @Test
    void theViewsAreBuiltOnceAndTheConfigurationShowsInToString() {
        RunViews views = RunViews.builder(store).workerCapacity(3).liveLimit(7).liveListLimit(4).build();
        assertThat(views.statistics()).isSameAs(views.statistics());
        assertThat(views.runs()).isSameAs(views.runs());
        assertThat(views.overview()).isSameAs(views.overview());
        assertThat(views.toString()).startsWith("RunViews{").contains("workerCapacity=3", "liveLimit=7",
                "liveListLimit=4", "zone=Z", "exactCutover=PT1H");
    }
}
