package dev.runmetrics.jdbc;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.runmetrics.architecture.DependencyRules;

/** metrics-jdbc's main classes against the rules of {@link DependencyRules}. */
@AnalyzeClasses(packages = DependencyRules.JDBC, importOptions = ImportOption.DoNotIncludeTests.class)
class JdbcArchitectureTest {

    @ArchTest
    static final ArchRule usesOnlyCoreModelAndStore = DependencyRules.jdbcUsesOnlyCoreModelAndStore();

    @ArchTest
    static final ArchRule noPackageCycles = DependencyRules.noPackageCycles(DependencyRules.JDBC);
}
