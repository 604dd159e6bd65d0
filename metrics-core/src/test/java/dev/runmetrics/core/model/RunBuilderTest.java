package dev.runmetrics.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunBuilderTest {
    private static final Instant Q = Instant.parse("2026-03-02T10:00:00Z");
    private static final Instant U = Q.plusSeconds(3);

    private static Run.Builder required() {
        return Run.builder().workspaceId("ws").runId("r1").workflowId("wf").queuedAt(Q).updatedAt(U)
                .instanceId("i1");
    }

    @Test
    void theDefaultsDescribeARunAsTheRecorderQueuesIt() {
        Run run = required().build();

        assertThat(run).isEqualTo(new Run("ws", "r1", "wf", "wf", 0, RunStatus.QUEUED, 1, Q, null, null, Duration.ZERO, null,
                null, null, Q, U, "i1", U, Map.of()));
    }

    @Test
    void everyFieldSetByNameLandsInItsComponent() {
        Run run = Run.builder().workspaceId("ws").runId("r1").workflowId("wf").workflowName("Workflow")
                .executionNumber(7).status(RunStatus.FAILED).attempt(2).queuedAt(Q).startedAt(Q.plusSeconds(1))
                .completedAt(Q.plusSeconds(2)).waitedBetweenAttempts(Duration.ofMillis(300)).inputSummary(Map.of("in", 1)).resultsSummary(Map.of("out", 2))
                .errorMessage("boom").createdAt(Q.minusSeconds(1)).updatedAt(U).instanceId("i1")
                .heartbeatAt(Q.plusSeconds(2)).attributes(Map.of(Run.USER_ID, "u1")).build();

        assertThat(run).isEqualTo(new Run("ws", "r1", "wf", "Workflow", 7, RunStatus.FAILED, 2, Q, Q.plusSeconds(1),
                Q.plusSeconds(2), Duration.ofMillis(300), Map.of("in", 1L), Map.of("out", 2L), "boom", Q.minusSeconds(1), U, "i1",
                Q.plusSeconds(2), Map.of(Run.USER_ID, "u1")));
    }

    @Test
    void toBuilderCopiesEveryFieldSoNoDefaultReplacesOne() {
        Run run = new Run("ws", "r1", "wf", "Workflow", 7, RunStatus.PAUSED, 3, Q, Q.plusSeconds(1), Q.plusSeconds(2),
                Duration.ofSeconds(1), Map.of("in", 1L), Map.of("out", 2L), "waiting", Q.minusSeconds(1), U, "i1", Q.plusSeconds(1),
                Map.of(Run.PRIORITY, 5L));

        assertThat(run.toBuilder().build()).isEqualTo(run);
        // createdAt and heartbeatAt were copied, so moving queuedAt and updatedAt leaves them alone
        Run moved = run.toBuilder().queuedAt(Q.plusSeconds(9)).updatedAt(U.plusSeconds(9)).build();
        assertThat(moved.createdAt()).isEqualTo(Q.minusSeconds(1));
        assertThat(moved.heartbeatAt()).isEqualTo(Q.plusSeconds(1));
    }

    @Test
    void aMissingRequiredFieldIsNamedWhenBuilding() {
        assertThatThrownBy(() -> Run.builder().runId("r").workflowId("wf").queuedAt(Q).updatedAt(U).instanceId("i")
                .build()).isInstanceOf(NullPointerException.class).hasMessage("workspaceId");
        assertThatThrownBy(() -> Run.builder().workspaceId("ws").runId("r").workflowId("wf").updatedAt(U)
                .instanceId("i").build()).isInstanceOf(NullPointerException.class).hasMessage("queuedAt");
        assertThatThrownBy(() -> Run.builder().workspaceId("ws").runId("r").workflowId("wf").queuedAt(Q)
                .instanceId("i").build()).isInstanceOf(NullPointerException.class).hasMessage("updatedAt");
        assertThatThrownBy(() -> Run.builder().workspaceId("ws").runId("r").workflowId("wf").queuedAt(Q)
                .updatedAt(U).build()).isInstanceOf(NullPointerException.class).hasMessage("instanceId");
    }

    @Test
    void aNullForAFieldThatMustNotBeNullIsRefusedAtOnce() {
        Run.Builder b = required();
        assertThatThrownBy(() -> b.status(null)).isInstanceOf(NullPointerException.class).hasMessage("status");
        assertThatThrownBy(() -> b.createdAt(null)).isInstanceOf(NullPointerException.class).hasMessage("createdAt");
        assertThatThrownBy(() -> b.workflowName(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("workflowName");
        assertThat(b.startedAt(null).errorMessage(null).inputSummary(null).attributes(null).build().attributes())
                .isEmpty();
    }

    @Test
    void buildMakesTheConstructorsChecks() {
        assertThatThrownBy(() -> required().attempt(0).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attempt");
        assertThatThrownBy(() -> required().runId(" ").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("runId");
        assertThatThrownBy(() -> required().executionNumber(-1).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("executionNumber");
        assertThatThrownBy(() -> required().attributes(Map.of("x", new Object())).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theBuiltRunKeepsACopyOfTheMapsItWasGiven() {
        Map<String, Object> input = new HashMap<>(Map.of("rows", List.of(1, 2)));
        Run.Builder b = required().inputSummary(input);
        Run first = b.build();
        input.put("more", true);
        Run second = b.build();

        assertThat(first.inputSummary()).isEqualTo(Map.of("rows", List.of(1L, 2L)));
        assertThat(second.inputSummary()).containsKey("more");
        assertThatThrownBy(() -> first.inputSummary().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void copyWithMethodsChangeOnlyTheirFields() {
        Run failed = required().status(RunStatus.FAILED).startedAt(Q).completedAt(U).errorMessage("boom")
                .resultsSummary(Map.of("partial", true)).build();

        assertThat(failed.withExecutionNumber(4)).isEqualTo(failed.toBuilder().executionNumber(4).build());
        Instant claimedAt = U.plusSeconds(60);
        assertThat(failed.claimedForResume("i2", claimedAt)).isEqualTo(new Run("ws", "r1", "wf", "wf", 0,
                RunStatus.QUEUED, 2, Q, Q, null, Duration.between(U, claimedAt), null, Map.of("partial", true), null, Q, claimedAt, "i2", claimedAt,
                Map.of()));
    }

    @Test
    void theExecutionTimeOfAResumedRunLeavesOutTheWaitBetweenItsAttempts() {
        Run resumed = required().status(RunStatus.COMPLETED).attempt(2).startedAt(Q).completedAt(Q.plusSeconds(33))
                .waitedBetweenAttempts(Duration.ofSeconds(27)).build();

        assertThat(resumed.executionTime()).contains(Duration.ofSeconds(6));
        assertThat(resumed.endToEnd()).contains(Duration.ofSeconds(33));
        assertThatThrownBy(() -> resumed.toBuilder().waitedBetweenAttempts(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
