package dev.runmetrics.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** metrics-core's main classes against the core's package rules ({@link DependencyRules}). */
@AnalyzeClasses(packages = DependencyRules.CORE, importOptions = ImportOption.DoNotIncludeTests.class)
class CoreArchitectureTest {

    @ArchTest
    static final ArchRule noPackageCycles = DependencyRules.noPackageCycles(DependencyRules.CORE);

    @ArchTest
    static final ArchRule eachPackageUsesOnlyThePackagesBeforeIt = DependencyRules.coreLayers(DependencyRules.CORE);
}
