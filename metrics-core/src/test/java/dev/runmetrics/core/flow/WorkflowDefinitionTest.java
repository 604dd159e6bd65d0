package dev.runmetrics.core.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runmetrics.core.flow.example.ExampleWorkflows;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkflowDefinitionTest {

    private static StepDefinition.Builder step(String id) {
        return StepDefinition.builder(id, in -> Map.of());
    }

    @Test
    void aDependencyOnAnUnknownStepIsRejectedNamingTheStep() {
        assertThatThrownBy(() -> WorkflowDefinition.builder("wf").step(step("a")).step(step("b").dependsOn("x")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("step 'b' depends on unknown step 'x'");
    }

    @Test
    void aCycleIsRejectedNamingItsSteps() {
        assertThatThrownBy(() -> WorkflowDefinition.builder("wf")
                .step(step("a").dependsOn("c")).step(step("b").dependsOn("a")).step(step("c").dependsOn("b")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dependency cycle")
                .hasMessageContaining("'a'");
        assertThatThrownBy(() -> step("a").dependsOn("a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("step 'a' depends on itself");
    }

    @Test
    void aDuplicateStepIdIsRejectedNamingIt() {
        assertThatThrownBy(() -> WorkflowDefinition.builder("wf").step(step("a")).step(step("a")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two steps with id 'a'");
    }

    @Test
    void stepIdsStartingWithDollarAreReservedForTheRunner() {
        assertThatThrownBy(() -> step(WorkflowRunner.INPUT_CHECKPOINT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reserved");
    }

    @Test
    void stepsGetTheirPositionAsOrderAndTheGraphAnswersUpAndDownstream() {
        WorkflowDefinition wf = WorkflowDefinition.builder("wf")
                .step(step("d").dependsOn("b", "c")).step(step("a")).step(step("b").dependsOn("a"))
                .step(step("c").dependsOn("a")).step(step("e").order(9)).build();

        assertThat(wf.steps()).extracting(StepDefinition::order).containsExactly(1, 2, 3, 4, 9);
        assertThat(wf.upstreamOf("d")).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(wf.downstreamOf("a")).containsExactlyInAnyOrder("b", "c", "d");
        assertThat(wf.downstreamOf("e")).isEmpty();
        assertThat(wf.step("b").orElseThrow().nodeName()).isEqualTo("b");
    }

    @Test
    void theExampleWorkflowsHaveTheirDocumentedSteps() {
        ExampleWorkflows.Options o = ExampleWorkflows.Options.builder().latency(ExampleWorkflows.Latency.none()).build();
        assertThat(ExampleWorkflows.all(o)).extracting(WorkflowDefinition::id).containsExactly(
                "basic_sequence", "parallel_processing", "conditional_workflow", "data_pipeline");
        assertThat(ExampleWorkflows.dataPipeline(o).steps()).extracting(StepDefinition::name).containsExactly(
                "Validate Source", "Extract Data", "Transform Data", "Validate Transformation", "Load Data",
                "Post-Load Validation", "Cleanup");
        assertThat(ExampleWorkflows.conditionalWorkflow(o).step("fast_process").orElseThrow().condition())
                .hasValueSatisfying(c -> assertThat(c.description()).isEqualTo("mode == 'fast'"));
    }
}
