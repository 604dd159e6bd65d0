package dev.runmetrics.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;

/**
 * The dependency rules of runmetrics, in one place. The architecture tests of metrics-core,
 * metrics-jdbc and metrics-http check their main classes against these rules (this class comes to
 * the adapters in core's test-jar), and {@code DependencyRulesCanFailTest} runs the same rules
 * against planted violations to show that they report them.
 *
 * <p>Inside metrics-core ({@value #CORE}), package by package (each may also use itself):
 * <ul>
 *   <li>{@code time}: nothing else of the core.
 *   <li>{@code internal}: {@code time} only (it is what every package may use, so it uses none).
 *   <li>{@code node}: {@code time}, {@code internal}: the collector and node factory stand alone.
 *   <li>{@code model}: {@code time}, {@code internal}.
 *   <li>{@code store}: {@code model}, {@code time}, {@code internal}.
 *   <li>{@code store.memory}: {@code store}, {@code model}, {@code time}, {@code internal}.
 *   <li>{@code record}: {@code store}, {@code model}, {@code node}, {@code time}, {@code internal}
 *       ({@code node} for the {@code ErrorCategory} name an abandoned run's step fails with).
 *   <li>{@code control}: {@code store}, {@code model}, {@code time}, {@code internal}.
 *   <li>{@code views.overview}: {@code store}, {@code model}, {@code time}, {@code internal}: the
 *       overview's value types, never the views that compute them.
 *   <li>{@code views}: {@code views.overview}, {@code store}, {@code model}, {@code time},
 *       {@code internal}; not {@code record}: the views read the store, never the recorder.
 *   <li>{@code flow}: anything below it; and nothing depends on {@code flow}.
 *   <li>No package cycles, and no core package outside this list (a new package needs its rule).
 * </ul>
 *
 * <p>Across modules: metrics-jdbc uses the core's {@code model} and {@code store} only (it is a
 * store); metrics-http never uses {@code flow} (it meets an orchestrator at {@code control}'s
 * interfaces). That neither adapter uses {@code internal} the module descriptors make javac check.
 */
public final class DependencyRules {

    /** The root package of metrics-core. */
    public static final String CORE = "dev.runmetrics.core";
    /** The root package of metrics-jdbc. */
    public static final String JDBC = "dev.runmetrics.jdbc";
    /** The root package of metrics-http. */
    public static final String HTTP = "dev.runmetrics.http";

    private DependencyRules() {}

    /** No cycle between the packages under {@code root}: each package is its own slice. */
    public static ArchRule noPackageCycles(String root) {
        return slices().matching(root + ".(**)").namingSlices("$1").should().beFreeOfCycles()
                .because("each package depends only on those before it");
    }

    /**
     * The core's package rule (see the class comment) for the packages under {@code root}: the
     * core's own under {@value #CORE}, or a fixture's that uses the same package names. Every
     * layer must have classes (a fixture with only some of them makes the others optional).
     */
    public static LayeredArchitecture coreLayers(String root) {
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
                .ensureAllClassesAreContainedInArchitecture()
                .layer("time").definedBy(root + ".time")
                .layer("internal").definedBy(root + ".internal")
                .layer("node").definedBy(root + ".node")
                .layer("model").definedBy(root + ".model")
                .layer("store").definedBy(root + ".store")
                .layer("store.memory").definedBy(root + ".store.memory")
                .layer("record").definedBy(root + ".record")
                .layer("control").definedBy(root + ".control")
                .layer("views.overview").definedBy(root + ".views.overview")
                .layer("views").definedBy(root + ".views")
                .layer("flow").definedBy(root + ".flow")
                .whereLayer("time").mayNotAccessAnyLayer()
                .whereLayer("internal").mayOnlyAccessLayers("time")
                .whereLayer("node").mayOnlyAccessLayers("time", "internal")
                .whereLayer("model").mayOnlyAccessLayers("time", "internal")
                .whereLayer("store").mayOnlyAccessLayers("model", "time", "internal")
                .whereLayer("store.memory").mayOnlyAccessLayers("store", "model", "time", "internal")
                .whereLayer("record").mayOnlyAccessLayers("store", "model", "node", "time", "internal")
                .whereLayer("control").mayOnlyAccessLayers("store", "model", "time", "internal")
                .whereLayer("views.overview").mayOnlyAccessLayers("store", "model", "time", "internal")
                .whereLayer("views").mayOnlyAccessLayers("views.overview", "store", "model", "time", "internal")
                .whereLayer("flow").mayNotBeAccessedByAnyLayer();
    }

    /** metrics-jdbc uses the core's {@code model} and {@code store} and nothing else of the core. */
    public static ArchRule jdbcUsesOnlyCoreModelAndStore() {
        return noClasses().that().resideInAPackage(JDBC + "..")
                .should().dependOnClassesThat(resideInAPackage(CORE + "..")
                        .and(resideInAnyPackage(CORE + ".model", CORE + ".store").negate()))
                .because("a store implements the store SPI over the run model; it needs nothing else of the core");
    }

    /** metrics-http never uses the core's {@code flow} (the reference orchestrator). */
    public static ArchRule httpNeverUsesFlow() {
        return noClasses().that().resideInAPackage(HTTP + "..")
                .should().dependOnClassesThat().resideInAPackage(CORE + ".flow..")
                .because("the adapter meets any orchestrator at control's interfaces (ResumeHandler, RunAction)");
    }
}
