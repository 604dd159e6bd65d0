package dev.runmetrics.core.node;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Node metrics kept apart per workspace: one {@link NodeMetricsCollector} per workspace, made on
 * first use by a factory the host gives (so each workspace's collector may have its own threshold
 * listeners), plus one for records made outside any workspace. A node created with
 * {@link NodeConfig.Builder#metrics(WorkspaceNodeMetrics)} records each call into the collector of
 * the workspace the calling thread is in ({@link WorkspaceScope}); an orchestrator enters its run's
 * workspace around each node call, as {@code WorkflowRunner} does. A host without workspaces keeps
 * using one {@link NodeMetricsCollector}.
 *
 * <p>What is recorded in one workspace is never visible in another's collector, so an API can show
 * each caller its own workspace only. Records made outside any workspace go to {@link #unscoped()},
 * which belongs to no workspace.
 *
 * <p>Thread-safe: collectors are created once per workspace, under a lock taken only to create
 * one; looking up an existing one takes no lock and allocates nothing.
 */
public final class WorkspaceNodeMetrics {

    private final Function<String, NodeMetricsCollector> factory;
    private final NodeMetricsCollector unscoped;
    private final ConcurrentHashMap<String, NodeMetricsCollector> collectors = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, NodeMetricsCollector>> watchers = new CopyOnWriteArrayList<>();

    private WorkspaceNodeMetrics(Function<String, NodeMetricsCollector> factory, NodeMetricsCollector unscoped) {
        this.factory = factory;
        this.unscoped = unscoped;
    }

    /**
     * Returns a registry whose workspaces each get a collector built from {@code template} (its
     * window, buckets, thresholds, classifier and clock; the listeners are shared and are told the
     * node's name only: use {@link #of(Function)} to tell workspaces apart in them).
     *
     * @throws NullPointerException if {@code template} is null
     */
    public static WorkspaceNodeMetrics of(NodeMetricsCollector.Builder template) {
        Objects.requireNonNull(template, "template");
        return new WorkspaceNodeMetrics(ws -> template.build(), template.build());
    }

    /**
     * Returns a registry whose workspaces each get the collector {@code factory} makes for them,
     * once, on first use. The collector for records outside any workspace is
     * {@code factory.apply(null)}; its clock and classifier are also those of nodes created with
     * this registry.
     *
     * @throws NullPointerException if {@code factory} is null or returns null
     */
    public static WorkspaceNodeMetrics of(Function<String, NodeMetricsCollector> factory) {
        Objects.requireNonNull(factory, "factory");
        return new WorkspaceNodeMetrics(factory, Objects.requireNonNull(factory.apply(null),
                "the factory returned null"));
    }

    /**
     * Returns a registry in which one workspace has {@code collector} and no other workspace has
     * any node: for a host that recorded into one collector and serves one workspace.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the workspace id is blank
     */
    public static WorkspaceNodeMetrics single(String workspaceId, NodeMetricsCollector collector) {
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(collector, "collector");
        if (workspaceId.isBlank()) {
            throw new IllegalArgumentException("workspaceId must not be blank");
        }
        NodeMetricsCollector.Builder empty = NodeMetricsCollector.builder().clock(collector.clock())
                .errorClassifier(collector.errorClassifier());
        WorkspaceNodeMetrics registry = new WorkspaceNodeMetrics(ws -> empty.build(), empty.build());
        registry.collectors.put(workspaceId, collector);
        return registry;
    }

    /**
     * Returns the collector of a workspace, creating it on first use.
     *
     * @throws NullPointerException if {@code workspaceId} is null
     */
    public NodeMetricsCollector collector(String workspaceId) {
        NodeMetricsCollector c = collectors.get(Objects.requireNonNull(workspaceId, "workspaceId"));
        if (c != null) {
            return c;
        }
        synchronized (watchers) {
            c = collectors.get(workspaceId);
            if (c == null) {
                c = Objects.requireNonNull(factory.apply(workspaceId), "the factory returned null");
                collectors.put(workspaceId, c);
                for (BiConsumer<String, NodeMetricsCollector> watcher : watchers) {
                    watcher.accept(workspaceId, c);
                }
            }
            return c;
        }
    }

    /**
     * Calls {@code action} with every workspace's collector, those that exist now and each one made
     * later (once, before it records anything), and with the unscoped one (workspace {@code null}):
     * for a bridge that feeds another metrics system from every workspace, tagged with it.
     *
     * @throws NullPointerException if {@code action} is null
     */
    public void forEachCollector(BiConsumer<String, NodeMetricsCollector> action) {
        Objects.requireNonNull(action, "action");
        synchronized (watchers) {
            watchers.add(action);
            action.accept(null, unscoped);
            new TreeMap<>(collectors).forEach(action);
        }
    }

    /** Returns the collector of a workspace if it has recorded anything, without creating one. */
    public Optional<NodeMetricsCollector> find(String workspaceId) {
        return Optional.ofNullable(collectors.get(Objects.requireNonNull(workspaceId, "workspaceId")));
    }

    /** Returns the collector of records made outside any workspace; it belongs to no workspace. */
    public NodeMetricsCollector unscoped() {
        return unscoped;
    }

    /** Returns every workspace's collector, by workspace id, sorted. */
    public Map<String, NodeMetricsCollector> all() {
        return Collections.unmodifiableMap(new TreeMap<>(collectors));
    }

    @Override
    public String toString() {
        return "WorkspaceNodeMetrics{workspaces=" + collectors.keySet() + "}";
    }
}
