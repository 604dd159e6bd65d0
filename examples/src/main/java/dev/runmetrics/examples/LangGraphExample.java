package dev.runmetrics.examples;

import static org.bsc.langgraph4j.StateGraph.END;
import static org.bsc.langgraph4j.StateGraph.START;
import static org.bsc.langgraph4j.action.AsyncEdgeAction.edge_async;
import static org.bsc.langgraph4j.action.AsyncNodeAction.node_async;

import dev.runmetrics.core.control.ResumeResult;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.node.NodeMetricsCollector;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.langgraph4j.GraphMetrics;
import dev.runmetrics.langgraph4j.GraphRun;
import dev.runmetrics.langgraph4j.MeteredGraph;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.bsc.langgraph4j.CompileConfig;
import org.bsc.langgraph4j.GraphInput;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.StateGraph;
import org.bsc.langgraph4j.checkpoint.MemorySaver;
import org.bsc.langgraph4j.state.AgentState;
import org.bsc.langgraph4j.state.Channels;

/**
 * A LangGraph4j graph (a support ticket: classify, look up the order and the FAQ in parallel,
 * then refund or answer, then send after a human's approval) recorded through
 * {@code metrics-langgraph4j}: one run pauses at the approval and is resumed, one fails at the
 * refund and is resumed from it with an input override. Prints each run's steps and the node
 * metrics.
 *
 * <p>Run it with {@code java -jar examples/target/runmetrics-examples.jar langgraph4j}.
 */
public final class LangGraphExample {
    private LangGraphExample() {
    }

    private static final String WS = "ws-1";

    /**
     * Runs the two tickets and prints what was recorded.
     *
     * @param args ignored
     * @throws Exception if the graph cannot be built
     */
    public static void main(String[] args) throws Exception {
        // LangGraph4j logs each node failure with its stack trace; this example fails one on purpose.
        if (System.getProperty("org.slf4j.simpleLogger.log.org.bsc.langgraph4j") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.org.bsc.langgraph4j", "off");
        }
        InMemoryRunStore store = new InMemoryRunStore();
        RunRecorder recorder = RunRecorder.builder(store).build();
        NodeMetricsCollector collector = NodeMetricsCollector.create();
        ExecutorService branches = Executors.newFixedThreadPool(2);
        try (GraphMetrics metrics = GraphMetrics.builder(recorder, store).workspace(WS).collector(collector).build()) {
            MeteredGraph<AgentState> app = metrics.compile(ticketGraph(), CompileConfig.builder()
                    .graphId("support_ticket").checkpointSaver(new MemorySaver()).interruptBefore("send").build());

            // 1. A question: pauses before "send" for a human's approval, then the operator resumes it.
            GraphRun<AgentState> question = app.run(GraphInput.args(Map.of("text", "how do I reset my password?")),
                    config("ticket-1", branches));
            System.out.println("ticket-1: " + question.status() + " (run " + question.runId() + ")");
            ResumeResult approved = metrics.resume(WS, "alice", question.runId(), "send", Map.of("approved_by", "alice"));
            System.out.println("  resume from 'send': " + approved + " -> "
                    + metrics.completion(WS, question.runId()).orElseThrow().get(10, TimeUnit.SECONDS).status());
            print(store, question.runId());

            // 2. A refund above the limit: the "refund" node throws; resumed from it with a smaller amount.
            String refundRun;
            try {
                app.invoke(Map.of("text", "refund my order", "amount", 900), config("ticket-2", branches));
                throw new IllegalStateException("the refund should have failed");
            } catch (RuntimeException expected) {
                refundRun = store.findRuns(WS, dev.runmetrics.core.store.RunQuery.latest("support_ticket", 1))
                        .items().get(0).runId();
                System.out.println("ticket-2: FAILED (run " + refundRun + "): " + expected.getMessage());
            }
            ResumeResult retried = metrics.resume(WS, "bob", refundRun, "refund", Map.of("amount", 90));
            GraphRun<?> afterRefund = metrics.completion(WS, refundRun).orElseThrow().get(10, TimeUnit.SECONDS);
            System.out.println("  resume from 'refund' with amount=90: " + retried + " -> " + afterRefund.status());
            ResumeResult approvedRefund = metrics.resume(WS, "bob", refundRun, "send", Map.of("approved_by", "bob"));
            System.out.println("  resume from 'send': " + approvedRefund + " -> "
                    + metrics.completion(WS, refundRun).orElseThrow().get(10, TimeUnit.SECONDS).status());
            print(store, refundRun);

            System.out.println("node metrics:");
            collector.getAllNodeMetrics().forEach((node, m) -> System.out.printf("  %-8s executions=%d failures=%d p50=%s ms%n",
                    node, m.totalExecutions(), m.failureCount(), m.p50()));
        } finally {
            branches.shutdown();
        }
    }

    /** The ticket graph: plain LangGraph4j, nothing of runmetrics in it. */
    static StateGraph<AgentState> ticketGraph() throws Exception {
        return new StateGraph<>(Map.of("log", Channels.appender(ArrayList::new)), AgentState::new)
                .addNode("classify", node_async(s -> Map.of("log", "classify",
                        "kind", s.<String>value("text").orElse("").contains("refund") ? "refund" : "question")))
                .addNode("lookup_order", slow("lookup_order", 40))
                .addNode("search_faq", slow("search_faq", 25))
                .addNode("route", node_async(s -> Map.of("log", "route")))
                .addNode("refund", node_async(s -> {
                    long amount = ((Number) s.value("amount").orElse(0)).longValue();
                    if (amount > 500) {
                        throw new IllegalStateException("refund of " + amount + " is above the 500 limit");
                    }
                    return Map.of("log", "refund", "refunded", amount);
                }))
                .addNode("answer", slow("answer", 30))
                .addNode("send", node_async(s -> Map.of("log", "send", "sent", true)))
                .addEdge(START, "classify")
                .addEdge("classify", "lookup_order").addEdge("classify", "search_faq")       // parallel branches
                .addEdge("lookup_order", "route").addEdge("search_faq", "route")
                .addConditionalEdges("route", edge_async(s -> s.<String>value("kind").orElse("question")),
                        Map.of("refund", "refund", "question", "answer"))
                .addEdge("refund", "send").addEdge("answer", "send").addEdge("send", END);
    }

    private static org.bsc.langgraph4j.action.AsyncNodeAction<AgentState> slow(String name, long ms) {
        return s -> CompletableFuture.supplyAsync(() -> Map.of("log", name),
                CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS));
    }

    private static RunnableConfig config(String thread, ExecutorService branches) {
        return RunnableConfig.builder().threadId(thread).addParallelNodeExecutor("classify", branches).build();
    }

    private static void print(InMemoryRunStore store, String runId) {
        var run = store.findRun(WS, runId).orElseThrow();
        System.out.println("  run " + run.status() + ", attempt " + run.attempt() + "; steps:");
        for (StepRun s : store.findSteps(WS, runId)) {
            System.out.printf("    attempt %d  %-13s %-9s %s%n", s.attempt(), s.stepId(), s.status(),
                    s.executionTime().map(d -> d.toMillis() + " ms").orElse(""));
        }
    }
}
