package dev.runmetrics.bench.langgraph;

import static org.bsc.langgraph4j.StateGraph.END;
import static org.bsc.langgraph4j.StateGraph.START;
import static org.bsc.langgraph4j.action.AsyncNodeAction.node_async;

import dev.runmetrics.core.node.NodeMetricsCollector;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.langgraph4j.GraphMetrics;
import dev.runmetrics.langgraph4j.MeteredGraph;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bsc.langgraph4j.CompileConfig;
import org.bsc.langgraph4j.CompiledGraph;
import org.bsc.langgraph4j.GraphStateException;
import org.bsc.langgraph4j.StateGraph;
import org.bsc.langgraph4j.state.AgentState;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code metrics-langgraph4j} adds to a LangGraph4j invocation: the same linear graph of
 * {@code nodes} trivial synchronous nodes (each puts one small value into the state) invoked
 * through the plain {@code CompiledGraph} and through a {@code MeteredGraph} that records a run
 * and a step per node through a {@code RunRecorder} (into {@link DiscardingRunStore}, so the
 * store's own cost is left out) and a {@code NodeMetricsCollector}. One op is one {@code invoke}.
 * With 1 and 5 nodes, the difference of the two differences over 4 is the cost per node
 * execution, and what is left of the 1-node difference is the cost per run.
 *
 * <p>Run it (about 2 minutes):
 * <pre>
 * ./mvnw -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar GraphBench
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@Threads(1)
@State(Scope.Benchmark)
public class GraphBench {

    @Param({"1", "5"})
    public int nodes;

    private CompiledGraph<AgentState> plain;
    private MeteredGraph<AgentState> metered;
    private GraphMetrics metrics;
    private final Map<String, Object> input = Map.of("order", 42);

    @Setup(Level.Trial)
    public void setUp() throws GraphStateException {
        plain = graph(nodes).compile(CompileConfig.builder().graphId("bench").build());
        DiscardingRunStore store = new DiscardingRunStore();
        metrics = GraphMetrics.builder(RunRecorder.builder(store).build(), store).workspace("bench")
                .collector(NodeMetricsCollector.create()).build();
        metered = metrics.compile(graph(nodes), CompileConfig.builder().graphId("bench").build());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        metrics.close();
    }

    static StateGraph<AgentState> graph(int nodes) throws GraphStateException {
        StateGraph<AgentState> g = new StateGraph<>(AgentState::new);
        String previous = START;
        for (int i = 1; i <= nodes; i++) {
            String id = "node_" + i;
            String key = "k" + i;
            g.addNode(id, node_async(state -> Map.of(key, 1)));
            g.addEdge(previous, id);
            previous = id;
        }
        return g.addEdge(previous, END);
    }

    @Benchmark
    public Optional<AgentState> plainInvoke() {
        return plain.invoke(input);
    }

    @Benchmark
    public Optional<AgentState> meteredInvoke() {
        return metered.invoke(input);
    }
}
