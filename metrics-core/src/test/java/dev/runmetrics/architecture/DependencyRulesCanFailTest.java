package dev.runmetrics.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The core's rules run against a planted violation ({@code dev.runmetrics.archfixture}: a
 * {@code model} class that uses a {@code flow} class, which uses it back) report it, so a passing
 * {@link CoreArchitectureTest} means something.
 */
class DependencyRulesCanFailTest {

    static final String FIXTURE = "dev.runmetrics.archfixture";
    static final JavaClasses PLANTED = new ClassFileImporter().importPackages(FIXTURE);

    @Test
    void theCycleRuleReportsACycleBetweenTwoPackages() {
        EvaluationResult result = DependencyRules.noPackageCycles(FIXTURE).evaluate(PLANTED);

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString())
                .containsPattern("Cycle detected: flow -> \\s+model -> \\s+flow")
                .contains(FIXTURE + ".model.Order")
                .contains(FIXTURE + ".flow.Checkout");
    }

    @Test
    void theLayerRuleReportsAModelClassThatUsesFlow() {
        // The fixture has only two of the core's packages: the other layers are optional here.
        EvaluationResult result = DependencyRules.coreLayers(FIXTURE).withOptionalLayers(true).evaluate(PLANTED);

        assertThat(result.hasViolation()).isTrue();
        // Every violation is the model's use of flow; flow's use of the model is allowed.
        assertThat(result.getFailureReport().getDetails())
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line)
                        .containsPattern("^(Field|Constructor|Method) <" + Pattern.quote(FIXTURE + ".model.Order"))
                        .contains("<" + FIXTURE + ".flow.Checkout"));
    }
}
