package dev.runmetrics.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.runmetrics.architecture.DependencyRules;
import dev.runmetrics.jdbc.archfixture.RecordingStore;
import org.junit.jupiter.api.Test;

/** The jdbc rule reports a planted class of this module's packages that uses the core's recorder. */
class JdbcArchitectureRuleCanFailTest {

    @Test
    void aJdbcClassThatUsesTheRecorderViolatesTheRule() {
        EvaluationResult result = DependencyRules.jdbcUsesOnlyCoreModelAndStore()
                .evaluate(new ClassFileImporter().importClasses(RecordingStore.class));

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails())
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line)
                        .contains("<" + RecordingStore.class.getName())
                        .contains("<dev.runmetrics.core.record.RunRecorder"));
    }
}
