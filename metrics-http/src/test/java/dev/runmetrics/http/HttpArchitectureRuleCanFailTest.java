package dev.runmetrics.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.runmetrics.architecture.DependencyRules;
import dev.runmetrics.http.archfixture.RunnerMounting;
import org.junit.jupiter.api.Test;

/** The http rule reports a planted class of this module's packages that uses the runner. */
class HttpArchitectureRuleCanFailTest {

    @Test
    void anHttpClassThatUsesTheWorkflowRunnerViolatesTheRule() {
        EvaluationResult result = DependencyRules.httpNeverUsesFlow()
                .evaluate(new ClassFileImporter().importClasses(RunnerMounting.class));

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails())
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line)
                        .contains("<" + RunnerMounting.class.getName())
                        .contains("<dev.runmetrics.core.flow.WorkflowRunner"));
    }
}
