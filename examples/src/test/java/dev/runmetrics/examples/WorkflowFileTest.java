package dev.runmetrics.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runmetrics.core.flow.RunOutcome;
import dev.runmetrics.core.flow.StepCondition;
import dev.runmetrics.core.flow.StepDefinition;
import dev.runmetrics.core.flow.WorkflowDefinition;
import dev.runmetrics.core.flow.WorkflowRunner;
import dev.runmetrics.core.flow.example.ExampleWorkflows;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.node.ErrorCategory;
import dev.runmetrics.core.node.RetryPolicy;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The definition files of examples/workflows against their Java twins in {@link ExampleWorkflows}:
 * the same definition (steps, order, dependencies, nodes, conditions, retries, latencies), the same
 * recorded steps when run, and bad files refused with the file and the field named.
 */
class WorkflowFileTest {

    /** The retry policy the files give every step: the demo's (DemoServer). */
    private static final RetryPolicy DEMO_RETRY = RetryPolicy.builder().maxAttempts(3)
            .initialBackoff(Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(2))
            .retryOn(ErrorCategory.NETWORK, ErrorCategory.TIMEOUT).build();
    private static final ExampleWorkflows.Options OPTIONS = ExampleWorkflows.Options.builder()
            .latency(ExampleWorkflows.Latency.none()).sleeper(d -> { }).retryPolicy(DEMO_RETRY).build();
    private static final Path FOLDER = Path.of("workflows"); // the module's folder: tests run in examples/

    @TempDir
    Path dir;

    @Test
    void theFolderHoldsOneFileForEachExampleWorkflowAndTheJarBundlesThemAll() throws Exception {
        List<String> names;
        try (Stream<Path> files = Files.list(FOLDER)) {
            names = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(names).containsExactlyInAnyOrderElementsOf(WorkflowFile.BUNDLED);
        List<WorkflowFile> fromFolder = WorkflowFile.readAll(FOLDER);
        List<WorkflowFile> bundled = WorkflowFile.bundled();
        assertThat(bundled).extracting(WorkflowFile::id).containsExactly(ExampleWorkflows.BASIC_SEQUENCE,
                ExampleWorkflows.PARALLEL_PROCESSING, ExampleWorkflows.CONDITIONAL_WORKFLOW,
                ExampleWorkflows.DATA_PIPELINE);
        for (WorkflowFile b : bundled) {
            WorkflowFile f = fromFolder.stream().filter(x -> x.id().equals(b.id())).findFirst().orElseThrow();
            assertThat(f.steps()).isEqualTo(b.steps());
        }
    }

    @Test
    void eachFileBuildsTheSameDefinitionAsItsJavaTwin() {
        List<WorkflowDefinition> java = ExampleWorkflows.all(OPTIONS);
        List<WorkflowFile> files = WorkflowFile.readAll(FOLDER);
        assertThat(files).hasSize(java.size());
        for (WorkflowDefinition twin : java) {
            WorkflowDefinition loaded = files.stream().filter(f -> f.id().equals(twin.id())).findFirst().orElseThrow()
                    .toDefinition(OPTIONS);
            assertThat(shape(loaded)).as(twin.id()).isEqualTo(shape(twin));
            assertThat(loaded.name()).isEqualTo(twin.name());
        }
    }

    @Test
    void eachFileHasTheJavaTwinsSimulatedLatencies() {
        for (WorkflowFile f : WorkflowFile.readAll(FOLDER)) {
            for (WorkflowFile.Step s : f.steps()) {
                assertThat(s.latencyMs()).as(f.id() + "." + s.id())
                        .isEqualTo(ExampleWorkflows.Latency.REALISTIC_BASE_MS.get(s.id()));
            }
        }
        ExampleWorkflows.Latency latency = WorkflowFile.latency(WorkflowFile.bundled());
        for (int i = 0; i < 50; i++) {
            assertThat(latency.of("data_pipeline", "transform_data").toMillis()).isBetween(840L, 1560L); // 1200 ±30%
        }
        assertThat(latency.of("unknown_workflow", "transform_data")).isZero();
    }

    @Test
    void aRunOfEachFileRecordsTheSameStepsAsItsJavaTwin() throws Exception {
        List<Map<String, Object>> inputs = List.of(
                Map.of("records", 1234), Map.of("records", 77, "mode", "fast"), Map.of("records", 90, "mode", "standard"),
                Map.of("records", 5, "mode", "thorough"), Map.of("records", 400, "source", "customers"),
                Map.of("records", 10, "mode", "fast", "fail_step", List.of("aggregate_results", "finalize",
                        "merge_results", "load_data")),
                Map.of("records", 10, "mode", "thorough", "pause_step", "thorough_process"));
        List<WorkflowFile> files = WorkflowFile.bundled();
        for (WorkflowDefinition twin : ExampleWorkflows.all(OPTIONS)) {
            WorkflowDefinition loaded = files.stream().filter(f -> f.id().equals(twin.id())).findFirst().orElseThrow()
                    .toDefinition(OPTIONS);
            for (Map<String, Object> input : inputs) {
                List<List<Object>> javaSteps = run(twin, input);
                List<List<Object>> fileSteps = run(loaded, input);
                assertThat(fileSteps).as(twin.id() + " " + input).isEqualTo(javaSteps).isNotEmpty();
            }
        }
    }

    /** Runs one run and returns its recorded steps, without ids and times, with the run's status first. */
    private static List<List<Object>> run(WorkflowDefinition workflow, Map<String, Object> input) throws Exception {
        InMemoryRunStore store = new InMemoryRunStore();
        RunRecorder recorder = RunRecorder.builder(store).build();
        try (WorkflowRunner runner = WorkflowRunner.builder(recorder, store).workers(4).workflow(workflow).build()) {
            String runId = runner.submit("ws-1", workflow.id(), input);
            RunOutcome outcome = runner.completion("ws-1", runId).orElseThrow().get(10, TimeUnit.SECONDS);
            List<List<Object>> rows = new ArrayList<>();
            rows.add(java.util.Arrays.asList(outcome.status(), store.findRun("ws-1", runId).orElseThrow().resultsSummary()));
            for (StepRun s : store.findSteps("ws-1", runId)) {
                rows.add(java.util.Arrays.asList(s.stepId(), s.stepName(), s.stepOrder(), s.nodeName(), s.attempt(),
                        s.status(), s.retryCount(), s.errorMessage(), s.errorCategory(), s.outputSummary()));
            }
            assertThat(outcome.status()).isIn(RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.PAUSED);
            return rows;
        }
    }

    /** What a definition is made of, as comparable values. */
    private static List<Object> shape(WorkflowDefinition w) {
        List<Object> out = new ArrayList<>();
        out.add(w.id());
        for (StepDefinition s : w.steps()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", s.id());
            m.put("name", s.name());
            m.put("order", s.order());
            m.put("node", s.nodeName());
            m.put("depends_on", s.dependsOn());
            m.put("condition", s.condition().map(StepCondition::description).orElse(null));
            m.put("retry", s.nodeConfig().retryPolicy().toString());
            m.put("timeout", s.nodeConfig().timeout().orElse(null));
            m.put("sleeper", s.nodeConfig().sleeper());
            out.add(m);
        }
        return out;
    }

    @Test
    void aConditionTestsTheInputLikeTheJavaOne() {
        WorkflowDefinition loaded = WorkflowFile.bundled().get(2).toDefinition(OPTIONS);
        StepCondition fast = loaded.step("fast_process").orElseThrow().condition().orElseThrow();
        assertThat(fast.test(Map.of("mode", "fast"))).isTrue();
        assertThat(fast.test(Map.of("mode", "standard"))).isFalse();
        assertThat(fast.test(Map.of())).isFalse();
    }

    @Test
    void aStepsOwnRetryWinsOverTheWorkflowsAndWithoutEitherTheOptionsPolicyApplies() {
        WorkflowFile f = WorkflowFile.parse("mine.json", """
                {"id": "w", "retry": {"max_attempts": 2},
                 "steps": [{"id": "a", "action": "initialize", "retry": {"max_attempts": 5, "retry_on": ["timeout"]}},
                           {"id": "b", "action": "process", "depends_on": ["a"]}]}""");
        WorkflowDefinition d = f.toDefinition(OPTIONS);
        assertThat(d.step("a").orElseThrow().nodeConfig().retryPolicy().maxAttempts()).isEqualTo(5);
        assertThat(d.step("a").orElseThrow().nodeConfig().retryPolicy().toString()).contains("retryOn=[TIMEOUT]");
        assertThat(d.step("b").orElseThrow().nodeConfig().retryPolicy().maxAttempts()).isEqualTo(2);
        assertThat(d.step("b").orElseThrow().nodeName()).isEqualTo("w.b");
        assertThat(d.name()).isEqualTo("w");

        WorkflowFile plain = WorkflowFile.parse("plain.json", """
                {"id": "w", "steps": [{"id": "a", "action": "initialize"}]}""");
        assertThat(plain.toDefinition(OPTIONS).steps().get(0).nodeConfig().retryPolicy().toString())
                .isEqualTo(DEMO_RETRY.toString());
    }

    @Test
    void badFilesAreRefusedNamingTheFileAndTheField() throws Exception {
        assertRefused("""
                {"id": "w", "steps": [{"id": "a", "action": "initialize"}, {"id": "b", "action": "process",
                 "depends_on": ["nope"]}]}""", "bad.json: steps[1].depends_on[0]: unknown step 'nope'");
        assertRefused("""
                {"id": "w", "steps": [{"id": "a", "action": "fly"}]}""",
                "bad.json: steps[0].action: unknown action 'fly' (known: initialize, process, finalize");
        assertRefused("""
                {"steps": [{"id": "a", "action": "initialize"}]}""", "bad.json: id: missing");
        assertRefused("""
                {"id": "w", "steps": []}""", "bad.json: steps: must have at least one step");
        assertRefused("""
                {"id": "w", "steps": [{"id": "a", "action": "initialize", "dependsOn": ["b"]}]}""",
                "bad.json: steps[0].dependsOn: unknown field");
        assertRefused("""
                {"id": "w", "steps": [{"id": "a", "action": "initialize", "latency_ms": "fast"}]}""",
                "bad.json: steps[0].latency_ms: must be a whole number, was the string \"fast\"");
        assertRefused("""
                {"id": "w", "steps": [{"id": "a", "action": "initialize", "retry": {"retry_on": ["SOMETIMES"]}}]}""",
                "bad.json: steps[0].retry.retry_on[0]: unknown error category 'SOMETIMES'");
        assertRefused("""
                {"id": "w", "retry": {"max_attempts": 0}, "steps": [{"id": "a", "action": "initialize"}]}""",
                "bad.json: retry.max_attempts: must be within 1-100, was 0");
        assertRefused("""
                {"id": "w", "steps": [{"id": "a", "action": "initialize", "condition": {"input": "mode"}}]}""",
                "bad.json: steps[0].condition.equals: missing");
        assertRefused("""
                {"id": "w", "steps": [{"id": "a", "action": "initialize"}, {"id": "a", "action": "process"}]}""",
                "bad.json: steps[1].id: step 'a' is defined twice");
        assertRefused("""
                {"id": "w",
                 "steps": [{"id": "a", "action": "initialize",}]}""",
                "bad.json: invalid JSON at line 2, column 47: expected a string key");

        // A cycle is found when the definition is built, and still names the file.
        WorkflowFile cyclic = WorkflowFile.parse("cycle.json", """
                {"id": "w", "steps": [{"id": "a", "action": "initialize", "depends_on": ["b"]},
                                      {"id": "b", "action": "process", "depends_on": ["a"]}]}""");
        assertThatThrownBy(() -> cyclic.toDefinition(OPTIONS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cycle.json: steps: step 'a' is part of a dependency cycle");

        // From a folder: the path of the bad file, and two files with one id.
        Path bad = dir.resolve("broken.json");
        Files.writeString(bad, "{\"id\": \"w\", \"steps\": [{\"id\": \"a\"}]}");
        assertThatThrownBy(() -> WorkflowFile.readAll(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(bad + ": steps[0].action: missing");
        Files.writeString(bad, "{\"id\": \"basic_sequence\", \"steps\": [{\"id\": \"a\", \"action\": \"cleanup\"}]}");
        Files.copy(FOLDER.resolve("basic_sequence.json"), dir.resolve("basic_sequence.json"));
        assertThatThrownBy(() -> WorkflowFile.readAll(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("id: workflow 'basic_sequence' is defined in");
    }

    private static void assertRefused(String json, String message) {
        assertThatThrownBy(() -> WorkflowFile.parse("bad.json", json)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }
}
