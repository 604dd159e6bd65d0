package dev.runmetrics.langgraph4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import org.bsc.langgraph4j.StateGraph;
import org.bsc.langgraph4j.SubGraphNode;
import org.bsc.langgraph4j.action.AsyncNodeActionWithConfig;
import org.bsc.langgraph4j.internal.edge.Edge;
import org.bsc.langgraph4j.internal.edge.EdgeValue;
import org.bsc.langgraph4j.internal.node.Node;
import org.bsc.langgraph4j.internal.node.ParallelNode;
import org.bsc.langgraph4j.internal.node.SubCompiledGraphNode;
import org.bsc.langgraph4j.internal.node.SubStateGraphNode;
import org.bsc.langgraph4j.state.AgentState;

/**
 * What the instrumentation knows of one {@link StateGraph}'s shape, and the instrumenting itself.
 *
 * <p>LangGraph4j runs a graph's nodes through its node hooks, so {@link StepHook} (one per graph,
 * added with {@code addWrapCallNodeHook}) sees every node, including the nodes of a subgraph added
 * as a {@code StateGraph} (inlined under the id {@code sub-node}). It does not see two things: the
 * branches of a parallel fan-out (one hook call for the whole {@code __PARALLEL__(source)} node)
 * and the nodes of a subgraph added as a {@code CompiledGraph} (run by that graph's own hooks). So
 * instrumenting a graph also replaces each parallel branch's action factory by one that wraps the
 * action in a {@link BranchAction}, and instruments each compiled subgraph's {@code StateGraph} as
 * well (its branches were built when it was compiled, so they are timed only if it was instrumented
 * before that). That goes through {@link StateGraph#reduce}, whose node set is the graph's own.
 *
 * <p>Step names are paths: {@code node}, {@code sub/node} for a subgraph's node (either kind).
 *
 * <p>Immutable once built; {@link #instrument} is synchronised, and a graph is instrumented once.
 */
final class GraphLayout {

    /** A branch of a parallel node: its node id in the compiled graph, its path, whether it is wrapped. */
    record Branch(String nodeId, String path, boolean timed) {}

    /** StateGraph keeps Object's identity equality; a graph is not kept alive by having been instrumented. */
    private static final Map<StateGraph<?>, GraphLayout> INSTRUMENTED = new WeakHashMap<>();

    /** Compiled node id (at this graph's level, inlined subgraphs included) to path. */
    private final Map<String, String> paths = new HashMap<>();
    /** Path to compiled node id, the reverse of {@link #paths}. */
    private final Map<String, String> nodes = new HashMap<>();
    /** Node ids of compiled subgraphs, to their paths. */
    private final Map<String, String> containers = new HashMap<>();
    /** Parallel node id ({@code __PARALLEL__(source)}) to its branches. */
    private final Map<String, List<Branch>> parallel = new HashMap<>();
    /** Branch node id to its parallel node's id. */
    private final Map<String, String> parallelOf = new HashMap<>();
    /** Path (nested compiled subgraphs included) to its 1-based position in definition order. */
    private final Map<String, Integer> order = new LinkedHashMap<>();

    private GraphLayout() {}

    /**
     * Instruments {@code graph} (once: a graph instrumented before gets the layout it got then) and
     * returns its layout.
     *
     * @param wrapBranches whether the graph is still to be compiled, so that wrapping its parallel
     *     branches has an effect
     */
    static <S extends AgentState> GraphLayout instrument(StateGraph<S> graph, boolean wrapBranches) {
        synchronized (INSTRUMENTED) {
            GraphLayout known = INSTRUMENTED.get(graph);
            if (known != null) {
                return known;
            }
            GraphLayout layout = new GraphLayout();
            layout.walk(graph, "", "", wrapBranches);
            graph.addWrapCallNodeHook(new StepHook<>(layout));
            INSTRUMENTED.put(graph, layout);
            return layout;
        }
    }

    private <S extends AgentState> void walk(StateGraph<S> graph, String idPrefix, String pathPrefix, boolean wrap) {
        graph.reduce((graphNodes, graphEdges) -> {
            Set<String> branchIds = new LinkedHashSet<>();
            for (Edge<S> edge : graphEdges.elements) {
                if (edge.isParallel()) {
                    for (EdgeValue<S> target : edge.targets()) {
                        if (target.id() != null) {
                            branchIds.add(target.id());
                        }
                    }
                }
            }
            Set<String> wrapped = new LinkedHashSet<>();
            if (wrap && !branchIds.isEmpty()) {
                List<Node<S>> all = new ArrayList<>(graphNodes.elements);
                graphNodes.elements.clear();
                for (Node<S> node : all) {
                    if (branchIds.contains(node.id()) && node.getClass() == Node.class && node.actionFactory() != null) {
                        graphNodes.elements.add(new Node<>(node.id(),
                                branchFactory(node.actionFactory(), idPrefix + node.id(), pathPrefix + node.id())));
                        wrapped.add(node.id());
                    } else {
                        graphNodes.elements.add(node);
                    }
                }
            }
            for (Node<S> node : graphNodes.elements) {
                String id = idPrefix + node.id();
                String path = pathPrefix + node.id();
                if (node instanceof SubStateGraphNode<S> sub) {
                    walk(sub.subGraph(), SubGraphNode.formatId(id, ""), path + "/", wrap);
                } else if (node instanceof SubCompiledGraphNode<S> sub) {
                    containers.put(id, path);
                    GraphLayout nested = instrument(sub.subGraph(), false);
                    nested.order.keySet().forEach(p -> order.putIfAbsent(path + "/" + p, order.size() + 1));
                } else {
                    paths.put(id, path);
                    nodes.put(path, id);
                    order.putIfAbsent(path, order.size() + 1);
                }
            }
            for (Edge<S> edge : graphEdges.elements) {
                if (edge.isParallel()) {
                    String parallelId = ParallelNode.formatNodeId(idPrefix + edge.sourceId());
                    List<Branch> branches = new ArrayList<>();
                    for (EdgeValue<S> target : edge.targets()) {
                        if (target.id() != null) {
                            branches.add(new Branch(idPrefix + target.id(), pathPrefix + target.id(),
                                    wrapped.contains(target.id())));
                            parallelOf.put(idPrefix + target.id(), parallelId);
                        }
                    }
                    parallel.put(parallelId, List.copyOf(branches));
                }
            }
            return null;
        });
    }

    private static <S extends AgentState> Node.ActionFactory<S> branchFactory(Node.ActionFactory<S> factory,
            String nodeId, String path) {
        return config -> {
            AsyncNodeActionWithConfig<S> action = factory.apply(config);
            return action == null ? null : BranchAction.wrap(nodeId, path, action);
        };
    }

    /** Returns the path of a node of this graph's level, or its id if it is not known. */
    String path(String nodeId) {
        return paths.getOrDefault(nodeId, nodeId);
    }

    /** Returns whether the node runs a compiled subgraph (whose own nodes are the steps). */
    boolean isContainer(String nodeId) {
        return containers.containsKey(nodeId);
    }

    /** Returns the branches of a parallel node, or null if the id is not one. */
    List<Branch> branches(String nodeId) {
        return parallel.get(nodeId);
    }

    /** Returns a path's position in definition order (1-based), or 0 if it is not known. */
    int order(String path) {
        return order.getOrDefault(path, 0);
    }

    /**
     * Returns the ids of the nodes whose checkpointed "next node" starts the step at {@code path}
     * again: the node itself and, for a parallel branch, its parallel node (LangGraph4j runs a
     * fan-out as a whole); for a node inside a compiled subgraph, the subgraph's node. Empty if the
     * path names no node of this graph.
     */
    Set<String> resumeNodes(String path) {
        String id = nodes.get(path);
        if (id != null) {
            String fanOut = parallelOf.get(id);
            return fanOut == null ? Set.of(id) : Set.of(id, fanOut);
        }
        for (Map.Entry<String, String> c : containers.entrySet()) {
            if (path.startsWith(c.getValue() + "/")) {
                return Set.of(c.getKey());
            }
        }
        return Set.of();
    }

    /** Returns the step path of a node id of this graph's level, for a node the graph stops before. */
    String pathOfNext(String nodeId) {
        if (nodeId == null) {
            return null;
        }
        String path = paths.get(nodeId);
        if (path != null) {
            return path;
        }
        return containers.get(nodeId);
    }

    @Override
    public String toString() {
        return "GraphLayout" + order.keySet();
    }
}
