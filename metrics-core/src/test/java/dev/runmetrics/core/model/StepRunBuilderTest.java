package dev.runmetrics.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepRunBuilderTest {
    private static final Instant Q = Instant.parse("2026-03-02T10:00:00Z");
    private static final Instant U = Q.plusSeconds(3);

    private static StepRun.Builder required() {
        return StepRun.builder().workspaceId("ws").runId("r1").stepId("s1").stepName("Step one").nodeName("node")
                .queuedAt(Q).updatedAt(U);
    }

    @Test
    void theDefaultsDescribeAStepJustScheduledInTheFirstAttempt() {
        assertThat(required().build()).isEqualTo(new StepRun("ws", "r1", "s1", "Step one", 0, "node", 1,
                RunStatus.QUEUED, Q, null, null, 0, null, null, null, null, Map.of(), U));
    }

    @Test
    void everyFieldSetByNameLandsInItsComponent() {
        StepRun step = StepRun.builder().workspaceId("ws").runId("r1").stepId("s1").stepName("Step one")
                .stepOrder(2).nodeName("node").attempt(3).status(RunStatus.FAILED).queuedAt(Q)
                .startedAt(Q.plusSeconds(1)).completedAt(Q.plusSeconds(2)).retryCount(4).errorMessage("boom")
                .errorCategory("NETWORK").inputSummary(Map.of("in", 1)).outputSummary(Map.of("out", 2))
                .attributes(Map.of(StepRun.TOKENS, 7)).updatedAt(U).build();

        assertThat(step).isEqualTo(new StepRun("ws", "r1", "s1", "Step one", 2, "node", 3, RunStatus.FAILED, Q,
                Q.plusSeconds(1), Q.plusSeconds(2), 4, "boom", "NETWORK", Map.of("in", 1L), Map.of("out", 2L),
                Map.of(StepRun.TOKENS, 7L), U));
        assertThat(step.toBuilder().build()).isEqualTo(step);
    }

    @Test
    void specSetsTheDefinitionsFourFields() {
        StepRun step = StepRun.builder().workspaceId("ws").runId("r1").spec(new StepSpec("fetch", "Fetch", 4, "http"))
                .queuedAt(Q).updatedAt(U).build();

        assertThat(step.stepId()).isEqualTo("fetch");
        assertThat(step.stepName()).isEqualTo("Fetch");
        assertThat(step.stepOrder()).isEqualTo(4);
        assertThat(step.nodeName()).isEqualTo("http");
    }

    @Test
    void missingOrNullRequiredFieldsAreNamed() {
        assertThatThrownBy(() -> StepRun.builder().workspaceId("ws").runId("r1").stepId("s1").nodeName("node")
                .queuedAt(Q).updatedAt(U).build()).isInstanceOf(NullPointerException.class).hasMessage("stepName");
        assertThatThrownBy(() -> required().nodeName(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("nodeName");
        assertThatThrownBy(() -> required().spec(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> required().retryCount(-1).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("retryCount");
    }
}
