package dev.runmetrics.bench;

import dev.runmetrics.core.node.Node;
import dev.runmetrics.core.node.NodeConfig;
import dev.runmetrics.core.node.NodeFunction;
import dev.runmetrics.core.node.NodeMetricsCollector;
import dev.runmetrics.core.node.Nodes;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The overhead of a created node over the bare call of its function: the function alone, the same
 * function behind {@code Nodes.createNode(NodeConfig.of(..))} (no collector: the retry loop, the
 * error handling and the start-time read), and behind a node with a collector (adds a second clock
 * read and a {@code recordSuccess} through the node's handle). No retry policy and no timeout, so
 * the function runs on the calling thread.
 *
 * <p>The function is trivial on purpose (the length of its input string, boxed from the
 * {@code Integer} cache, so nothing allocates): the differences between the three scores are the
 * node's own cost. One thread.
 *
 * <p>Run it (about 1 minute):
 * <pre>
 * ./mvnw -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar NodeBench
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@Threads(1)
@State(Scope.Benchmark)
public class NodeBench {
    private String input;
    private NodeFunction<String, Integer> function;
    private Node<String, Integer> plainNode;
    private Node<String, Integer> meteredNode;

    @Setup
    public void setUp() {
        input = "order-42";
        function = String::length;
        plainNode = Nodes.createNode(NodeConfig.of("plain"), function);
        meteredNode = Nodes.createNode(
                NodeConfig.builder("metered").metricsCollector(NodeMetricsCollector.create()).build(), function);
    }

    @Benchmark
    public Integer bareCall() throws Exception {
        return function.apply(input);
    }

    @Benchmark
    public Integer nodeWithoutCollector() throws Exception {
        return plainNode.apply(input);
    }

    @Benchmark
    public Integer nodeWithCollector() throws Exception {
        return meteredNode.apply(input);
    }
}
