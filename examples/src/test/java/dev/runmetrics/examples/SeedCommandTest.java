package dev.runmetrics.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.store.RunQuery;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed command end to end: a real embedded PostgreSQL in a temporary data folder, seeded,
 * seeded again with --skip-existing, then the demo started on the same folder, whose store and API
 * show the seeded runs in their workspace.
 */
class SeedCommandTest {

    private static final List<String> WORKFLOWS = List.of("basic_sequence", "parallel_processing",
            "conditional_workflow", "data_pipeline");

    @TempDir
    Path dataDir;

    @Test
    void seedsRunsOfEveryWorkflowIntoTheWorkspaceAndSkipsWorkflowsThatHaveSome() throws Exception {
        Printed first = seed("--workspace-id", "ws-acme", "--project-id", "proj-7", "--runs", "3",
                "--latency-scale", "0.01", "--data-dir", dataDir.toString());
        assertThat(first.code).as(first.out + first.err).isZero();
        for (String wf : WORKFLOWS) {
            assertThat(first.out).containsPattern(wf + " +3 runs: 3 completed");
        }
        assertThat(first.out).contains("seeded 12 runs in workspace ws-acme (project_id proj-7)");

        // Only the workflows without runs get some: here none, so nothing is made.
        Printed again = seed("--workspace-id", "ws-acme", "--skip-existing", "--runs", "2", "--latency-scale", "0.01",
                "--data-dir", dataDir.toString());
        assertThat(again.code).as(again.out + again.err).isZero();
        for (String wf : WORKFLOWS) {
            assertThat(again.out).containsPattern(wf + " +skipped: 3 runs already in workspace ws-acme");
        }
        assertThat(again.out).contains("seeded 0 runs in workspace ws-acme");

        // Another workspace has none of them: --skip-existing seeds it; no project id, no attribute.
        Printed other = seed("--workspace-id", "ws-globex", "--skip-existing", "--runs", "1", "--latency-scale",
                "0.01", "--data-dir", dataDir.toString());
        assertThat(other.code).as(other.out + other.err).isZero();
        assertThat(other.out).contains("seeded 4 runs in workspace ws-globex");

        // The demo on the same data shows them, with no load of its own.
        DemoOptions options = DemoOptions.parse("--port", "0", "--rate", "0", "--status-every", "0", "--data-dir",
                dataDir.toString());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
                DemoServer demo = DemoServer.start(options, out)) {
            DemoApi acme = new DemoApi(demo, "acme");
            DemoApi globex = new DemoApi(demo, "globex");
            for (String wf : WORKFLOWS) {
                assertThat(acme.total(wf, "completed")).as(wf).isEqualTo(3);
                assertThat(globex.total(wf, "completed")).as(wf).isEqualTo(1);
                List<Run> runs = demo.store().findRuns("ws-acme", RunQuery.latest(wf, 100)).items();
                assertThat(runs).hasSize(3).allSatisfy(run -> {
                    assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
                    assertThat(run.attributes()).containsEntry(SeedCommand.PROJECT_ID, "proj-7");
                });
                assertThat(demo.store().findRuns("ws-globex", RunQuery.latest(wf, 100)).items())
                        .allSatisfy(run -> assertThat(run.attributes()).doesNotContainKey(SeedCommand.PROJECT_ID));
                WorkflowFile file = WorkflowFile.bundled().stream().filter(f -> f.id().equals(wf)).findFirst()
                        .orElseThrow();
                List<StepRun> steps = demo.store().findSteps("ws-acme", runs.get(0).runId());
                assertThat(steps).extracting(StepRun::stepId).containsExactlyElementsOf(file.stepIds());
            }
            // conditional_workflow ran each mode once: each process step completed once, skipped twice.
            List<Run> conditional = demo.store().findRuns("ws-acme", RunQuery.latest("conditional_workflow", 10))
                    .items();
            long fastCompleted = conditional.stream().flatMap(r -> demo.store().findSteps("ws-acme", r.runId()).stream())
                    .filter(s -> s.stepId().equals("fast_process") && s.status() == RunStatus.COMPLETED).count();
            assertThat(fastCompleted).isEqualTo(1);
        }
    }

    @Test
    void aMissingOrInvalidWorkspaceIdIsRefusedWithAMessage() {
        Printed missing = seed("--project-id", "p", "--data-dir", dataDir.toString());
        assertThat(missing.code).isEqualTo(2);
        assertThat(missing.err).contains("seed: --workspace-id is required");

        Printed noValue = seed("--workspace-id", "--skip-existing");
        assertThat(noValue.code).isEqualTo(2);
        assertThat(noValue.err).contains("seed: --workspace-id needs a value");

        Printed invalid = seed("--workspace-id", "acme corp!");
        assertThat(invalid.code).isEqualTo(2);
        assertThat(invalid.err).contains("seed: --workspace-id must be 1 to 200 letters").contains("'acme corp!'");

        Printed badRuns = seed("--workspace-id", "ws-acme", "--runs", "0");
        assertThat(badRuns.code).isEqualTo(2);
        assertThat(badRuns.err).contains("seed: --runs must be within 1-1000, was 0");

        Printed unknown = seed("--workspace-id", "ws-acme", "--nope");
        assertThat(unknown.code).isEqualTo(2);
        assertThat(unknown.err).contains("seed: unknown flag --nope");
        // Nothing was started for any of them.
        assertThat(dataDir.resolve("pgdata")).doesNotExist();
    }

    @Test
    void aBadDefinitionFolderIsRefusedNamingTheFile(@TempDir Path workflows) throws Exception {
        Path bad = workflows.resolve("mine.json");
        java.nio.file.Files.writeString(bad, "{\"id\": \"mine\", \"steps\": [{\"id\": \"a\", \"action\": \"dance\"}]}");
        Printed printed = seed("--workspace-id", "ws-acme", "--workflows", workflows.toString(), "--data-dir",
                dataDir.toString());
        assertThat(printed.code).isEqualTo(2);
        assertThat(printed.err).contains("seed: " + bad + ": steps[0].action: unknown action 'dance'");
        assertThat(dataDir.resolve("pgdata")).doesNotExist();
    }

    @Test
    void helpListsTheFlags() {
        Printed help = seed("--help");
        assertThat(help.code).isZero();
        assertThat(help.out).contains("--workspace-id W").contains("--project-id P").contains("--skip-existing");
    }

    private record Printed(int code, String out, String err) {}

    private static Printed seed(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = SeedCommand.run(args, o, e);
        }
        return new Printed(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
