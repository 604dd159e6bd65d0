package dev.runmetrics.core.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runmetrics.core.flow.example.ExampleWorkflows;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.node.NodeConfig;
import dev.runmetrics.core.node.NodeMetricsCollector;
import dev.runmetrics.core.node.Nodes;
import dev.runmetrics.core.node.WorkspaceNodeMetrics;
import dev.runmetrics.core.node.WorkspaceScope;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Node metrics of runs in different workspaces are counted apart, also when the same nodes run them. */
class WorkspaceNodeMetricsTest {

    @Test
    void theRunnerRecordsEachStepIntoItsRunsWorkspace() throws Exception {
        WorkspaceNodeMetrics nodes = WorkspaceNodeMetrics.of(NodeMetricsCollector.builder());
        InMemoryRunStore store = new InMemoryRunStore();
        RunRecorder recorder = RunRecorder.builder(store).build();
        ExampleWorkflows.Options options = ExampleWorkflows.Options.builder()
                .latency(ExampleWorkflows.Latency.none()).nodeMetrics(nodes).build();
        try (WorkflowRunner runner = WorkflowRunner.builder(recorder, store).workers(4)
                .heartbeatEvery(Duration.ZERO).workflows(ExampleWorkflows.all(options)).build()) {
            List<String[]> runs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                runs.add(new String[] {"acme", runner.submit("acme", "basic_sequence", Map.of())});
            }
            for (int i = 0; i < 2; i++) {
                runs.add(new String[] {"globex", runner.submit("globex", "basic_sequence", Map.of())});
            }
            for (String[] r : runs) {
                assertThat(runner.completion(r[0], r[1]).orElseThrow().get(10, TimeUnit.SECONDS).status())
                        .isEqualTo(RunStatus.COMPLETED);
            }
        }
        String node = "basic_sequence.process";
        assertThat(nodes.collector("acme").getNodeMetrics(node).totalExecutions()).isEqualTo(5);
        assertThat(nodes.collector("globex").getNodeMetrics(node).totalExecutions()).isEqualTo(2);
        assertThat(nodes.unscoped().getAllNodeMetrics()).isEmpty();
        assertThat(nodes.all()).containsOnlyKeys("acme", "globex");
        assertThat(nodes.find("initech")).isEmpty();
    }

    @Test
    void aNodeCalledOutsideAnyWorkspaceRecordsIntoTheUnscopedCollector() throws Exception {
        WorkspaceNodeMetrics nodes = WorkspaceNodeMetrics.of(NodeMetricsCollector.builder());
        var node = Nodes.createNode(NodeConfig.builder("n").metrics(nodes).build(), (String s) -> s + "!");
        assertThat(node.apply("a")).isEqualTo("a!");
        assertThat(WorkspaceScope.call("w1", () -> node.apply("b"))).isEqualTo("b!");
        assertThat(WorkspaceScope.call("w1", () -> WorkspaceScope.call("w2", () -> node.apply("c")))).isEqualTo("c!");
        assertThat(WorkspaceScope.current()).isNull();
        assertThat(nodes.unscoped().getNodeMetrics("n").totalExecutions()).isEqualTo(1);
        assertThat(nodes.collector("w1").getNodeMetrics("n").totalExecutions()).isEqualTo(1);
        assertThat(nodes.collector("w2").getNodeMetrics("n").totalExecutions()).isEqualTo(1);
    }

    @Test
    void theFactoryGivesEachWorkspaceItsOwnCollector() {
        List<String> made = new ArrayList<>();
        WorkspaceNodeMetrics nodes = WorkspaceNodeMetrics.of(ws -> {
            made.add(String.valueOf(ws));
            return NodeMetricsCollector.builder().windowSize(ws == null ? 1 : 7).build();
        });
        assertThat(nodes.collector("a")).isSameAs(nodes.collector("a"));
        assertThat(nodes.collector("a").windowSize()).isEqualTo(7);
        assertThat(nodes.unscoped().windowSize()).isEqualTo(1);
        assertThat(made).containsExactly("null", "a");
        assertThatThrownBy(() -> WorkspaceNodeMetrics.of(ws -> null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aSingleCollectorBelongsToOneWorkspaceOnly() {
        NodeMetricsCollector c = NodeMetricsCollector.create();
        c.recordSuccess("n", 1);
        WorkspaceNodeMetrics nodes = WorkspaceNodeMetrics.single("only", c);
        assertThat(nodes.find("only")).containsSame(c);
        assertThat(nodes.find("other")).isEmpty();
        assertThat(nodes.collector("other").getAllNodeMetrics()).isEmpty();
        assertThatThrownBy(() -> WorkspaceNodeMetrics.single(" ", c)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNodeRecordsIntoOneCollectorOrPerWorkspaceNotBoth() {
        WorkspaceNodeMetrics nodes = WorkspaceNodeMetrics.of(NodeMetricsCollector.builder());
        assertThatThrownBy(() -> NodeConfig.builder("n").metricsCollector(NodeMetricsCollector.create()).metrics(nodes))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> NodeConfig.builder("n").metrics(nodes).metricsCollector(NodeMetricsCollector.create()))
                .isInstanceOf(IllegalStateException.class);
    }
}
