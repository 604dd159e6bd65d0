package dev.runmetrics.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.model.StepSpec;
import dev.runmetrics.core.record.RunRecorder;
import java.lang.module.ModuleDescriptor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store as a user on the module path gets it: the pom's {@code module-path} execution runs
 * this class with dev.runmetrics.jdbc and dev.runmetrics.core as named modules and JDBI and the
 * driver as their automatic modules (every other test runs on the class path), so a migration file
 * or a driver call that only works without module encapsulation fails here. It uses no fixture of
 * core's test-jar, which cannot be loaded there.
 */
class ModulePathTest {

    static JdbcRunStore store;

    @BeforeAll
    static void start() {
        store = JdbcRunStore.builder(TestDatabase.shared().app()).build();
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    /** A fresh workspace, so that the shared database's other rows never meet this test's. */
    private static String workspace() {
        return "ws-" + UUID.randomUUID();
    }

    @Test
    void theModulePathExecutionRunsTheStoreAndTheCoreAsNamedModules() {
        if (Boolean.getBoolean("runmetrics.modulePath")) {
            assertThat(JdbcRunStore.class.getModule().getName()).isEqualTo("dev.runmetrics.jdbc");
            assertThat(Run.class.getModule().getName()).isEqualTo("dev.runmetrics.core");
            assertThat(JdbcRunStore.class.getModule().getDescriptor().exports())
                    .extracting(ModuleDescriptor.Exports::source)
                    .containsExactly("dev.runmetrics.jdbc");
        }
    }

    @Test
    void theMigrationFilesAreReadFromTheModule() {
        assertThat(SchemaMigrator.migrations()).isNotEmpty().containsKey(1);
        assertThat(SchemaMigrator.migrations().get(1)).containsIgnoringCase("create table");
    }

    @Test
    void aRecordedRunIsWrittenAndReadBackThroughJdbiAndTheDriver() {
        String ws = workspace();
        RunRecorder recorder = RunRecorder.builder(store).build();
        String run = recorder.runQueued(ws, "basic_sequence", "Basic sequence", Map.of("mode", "standard"));
        recorder.runStarted(ws, run);
        recorder.stepStarted(ws, run, new StepSpec("initialize", "Initialize", 1, "init-node"), Map.of());
        recorder.stepCompleted(ws, run, "initialize", Map.of("data_size", 1024));
        recorder.runCompleted(ws, run, Map.of("output", "success"));
        assertThat(store.flush(Duration.ofSeconds(30))).isTrue();

        Run stored = store.findRun(ws, run).orElseThrow();
        assertThat(stored.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(stored.workflowId()).isEqualTo("basic_sequence");
        List<StepRun> steps = store.findSteps(ws, run);
        assertThat(steps).extracting(StepRun::stepId).containsExactly("initialize");
        assertThat(store.findRun(workspace(), run)).isEmpty();
    }
}
