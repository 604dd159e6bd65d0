/**
 * runmetrics core: the node metrics collector and node factory ({@code node}), the run model
 * ({@code model}), the store SPI and its in-memory store ({@code store}, {@code store.memory}), the
 * recorder an orchestrator calls ({@code record}), what an adapter needs from an orchestrator
 * ({@code control}), the statistics views ({@code views}) and the reference orchestrator
 * ({@code flow}). {@code dev.runmetrics.core.internal} is not exported: it is not API.
 */
module dev.runmetrics.core {
    // HdrHistogram 2.2.2 has no module descriptor and no Automatic-Module-Name: its automatic module
    // is named after the jar file. Used inside the store's rollups only, never in a signature.
    requires HdrHistogram;
    // The views' resource sampler reads the JVM's memory (java.lang.management) and the machine's
    // CPU load (com.sun.management, in jdk.management).
    requires java.management;
    requires jdk.management;

    exports dev.runmetrics.core.time;
    exports dev.runmetrics.core.node;
    exports dev.runmetrics.core.model;
    exports dev.runmetrics.core.store;
    exports dev.runmetrics.core.store.memory;
    exports dev.runmetrics.core.record;
    exports dev.runmetrics.core.control;
    exports dev.runmetrics.core.views;
    exports dev.runmetrics.core.views.overview;
    exports dev.runmetrics.core.flow;
}
