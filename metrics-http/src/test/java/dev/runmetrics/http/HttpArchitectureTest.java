package dev.runmetrics.http;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.runmetrics.architecture.DependencyRules;

/**
 * metrics-http's main classes against the rules of {@link DependencyRules}. (Its tests may drive
 * the reference orchestrator; the adapter itself never does.)
 */
@AnalyzeClasses(packages = DependencyRules.HTTP, importOptions = ImportOption.DoNotIncludeTests.class)
class HttpArchitectureTest {

    @ArchTest
    static final ArchRule neverUsesFlow = DependencyRules.httpNeverUsesFlow();

    @ArchTest
    static final ArchRule noPackageCycles = DependencyRules.noPackageCycles(DependencyRules.HTTP);
}
