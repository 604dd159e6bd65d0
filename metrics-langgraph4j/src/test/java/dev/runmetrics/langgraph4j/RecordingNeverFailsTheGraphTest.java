package dev.runmetrics.langgraph4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bsc.langgraph4j.StateGraph.END;
import static org.bsc.langgraph4j.StateGraph.START;
import static org.bsc.langgraph4j.action.AsyncNodeAction.node_async;

import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.store.RunStoreException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Map;
import org.bsc.langgraph4j.CompileConfig;
import org.bsc.langgraph4j.GraphInput;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.StateGraph;
import org.bsc.langgraph4j.state.AgentState;
import org.bsc.langgraph4j.state.Channels;
import org.junit.jupiter.api.Test;

/** Metrics must not fail a workflow: a store that fails every call, a classifier that throws. */
class RecordingNeverFailsTheGraphTest {

    private static StateGraph<AgentState> graph() throws Exception {
        return new StateGraph<AgentState>(Map.of("log", Channels.appender(ArrayList::new)), AgentState::new)
                .addNode("a", node_async(s -> Map.of("log", "a")))
                .addNode("b", node_async(s -> Map.of("log", "b", "total", 42)))
                .addEdge(START, "a").addEdge("a", "b").addEdge("b", END);
    }

    @Test
    void aStoreThatFailsEveryCallLeavesTheGraphsResultAsItIs() throws Exception {
        RunStore broken = (RunStore) Proxy.newProxyInstance(RunStore.class.getClassLoader(),
                new Class<?>[] {RunStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("toString")) {
                        return "broken store";
                    }
                    throw new RunStoreException("database unreachable");
                });
        RunRecorder recorder = RunRecorder.builder(broken).build();
        try (GraphMetrics metrics = GraphMetrics.builder(recorder, broken).workspace("ws-1").build()) {
            MeteredGraph<AgentState> app = metrics.compile(graph(), CompileConfig.builder().graphId("g").build());

            GraphRun<AgentState> run = app.run(GraphInput.args(Map.of("x", 1)), RunnableConfig.builder().build());

            assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(run.state().orElseThrow().data())
                    .isEqualTo(graph().compile().invoke(Map.of("x", 1)).orElseThrow().data());
            assertThat(recorder.counters().storeFailures()).isPositive();
        }
    }

    @Test
    void aClassifierThatThrowsCountsTheFailureAsOther() throws Exception {
        dev.runmetrics.core.store.memory.InMemoryRunStore store = new dev.runmetrics.core.store.memory.InMemoryRunStore();
        RunRecorder recorder = RunRecorder.builder(store).build();
        try (GraphMetrics metrics = GraphMetrics.builder(recorder, store).workspace("ws-1")
                .errorClassifier(e -> {
                    throw new IllegalStateException("classifier bug");
                }).build()) {
            StateGraph<AgentState> g = new StateGraph<AgentState>(Map.of(), AgentState::new)
                    .addNode("a", node_async(s -> {
                        throw new java.io.IOException("reset");
                    })).addEdge(START, "a").addEdge("a", END);
            MeteredGraph<AgentState> app = metrics.compile(g, CompileConfig.builder().graphId("g").build());

            Throwable thrown = GraphMetricsContract.catchThrowable(() -> app.invoke(Map.of()));

            assertThat(GraphMetricsContract.rootCause(thrown)).hasMessage("reset");
            String runId = store.findRuns("ws-1", dev.runmetrics.core.store.RunQuery.latest("g", 1)).items().get(0)
                    .runId();
            assertThat(store.findSteps("ws-1", runId)).singleElement()
                    .satisfies(s -> assertThat(s.errorCategory()).isEqualTo("OTHER"));
        }
    }
}
