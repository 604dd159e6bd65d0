package dev.runmetrics.examples;

import static org.bsc.langgraph4j.StateGraph.END;
import static org.bsc.langgraph4j.StateGraph.START;
import static org.bsc.langgraph4j.action.AsyncEdgeAction.edge_async;

import dev.runmetrics.core.control.ResumeHandler;
import dev.runmetrics.core.control.ResumeResult;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.node.NodeMetricsCollector;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.langgraph4j.GraphMetrics;
import dev.runmetrics.langgraph4j.GraphRun;
import dev.runmetrics.langgraph4j.MeteredGraph;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.bsc.langgraph4j.CompileConfig;
import org.bsc.langgraph4j.GraphInput;
import org.bsc.langgraph4j.GraphStateException;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.StateGraph;
import org.bsc.langgraph4j.action.AsyncNodeAction;
import org.bsc.langgraph4j.checkpoint.MemorySaver;
import org.bsc.langgraph4j.state.AgentState;
import org.bsc.langgraph4j.state.Channels;

/**
 * The demo's LangGraph4j graph ({@code --langgraph}): a support ticket (classify, look up the
 * order and search the FAQ in parallel, route, then refund or answer, then send), compiled through
 * {@code metrics-langgraph4j} with a checkpoint saver, invoked on the demo's schedule in one
 * workspace. A share of the tickets asks for a refund above the 500 limit, so the {@code refund}
 * node throws and the run fails there; it is resumed from {@code refund} (with a smaller
 * {@code amount} as input override) through {@link #resumeHandler()}.
 *
 * <p>The checkpoints live in LangGraph4j's {@link MemorySaver}: a completed run's thread is
 * released at once, a failed one's is kept (the last {@value #KEPT_FAILED} of them) for its
 * resume; after a demo restart the failed runs of the previous session cannot be resumed.
 *
 * <p>Thread-safe. Invocations run on a small pool of its own; a schedule tick that finds the pool
 * busy is skipped, so a slow graph never builds a backlog.
 */
final class DemoLangGraph implements AutoCloseable {

    /** The graph's id: the workflow id of its runs. */
    static final String GRAPH_ID = "support_ticket";
    /** The node that fails for a refund above {@value #REFUND_LIMIT}. */
    static final String FAILING_NODE = "refund";
    static final long REFUND_LIMIT = 500;
    /** Share of the tickets that ask for a refund above the limit (the run fails at {@code refund}). */
    static final double FAILURE_SHARE = 0.1;
    /** Share of the tickets that ask for a refund within the limit. */
    static final double REFUND_SHARE = 0.3;
    /** Failed threads whose checkpoints are kept for a resume; older ones are released. */
    static final int KEPT_FAILED = 1000;
    private static final int INVOKERS = 4;

    private final String workspaceId;
    private final RunStore store;
    private final GraphMetrics metrics;
    private final MeteredGraph<AgentState> graph;
    private final MemorySaver saver = new MemorySaver();
    private final ExecutorService invokers;
    private final ExecutorService branches;
    private final AtomicInteger running = new AtomicInteger();
    private final LongAdder submitted = new LongAdder();
    private final Deque<String> failedThreads = new ArrayDeque<>();

    /**
     * @param collector where the node durations go (the workspace's node metrics)
     * @param latencyScale multiplies the nodes' simulated latencies
     */
    DemoLangGraph(RunRecorder recorder, RunStore store, String workspaceId, NodeMetricsCollector collector,
            double latencyScale) {
        this.workspaceId = workspaceId;
        this.store = store;
        AtomicInteger threads = new AtomicInteger();
        this.invokers = Executors.newFixedThreadPool(INVOKERS, daemon("runmetrics-demo-langgraph", threads));
        this.branches = Executors.newFixedThreadPool(INVOKERS * 2, daemon("runmetrics-demo-langgraph-branch", threads));
        this.metrics = GraphMetrics.builder(recorder, store).workspace(workspaceId).collector(collector)
                .resumeExecutor(invokers).build();
        try {
            this.graph = metrics.compile(ticketGraph(latencyScale),
                    CompileConfig.builder().graphId(GRAPH_ID).checkpointSaver(saver).build());
        } catch (GraphStateException e) {
            close();
            throw new IllegalStateException("the demo's LangGraph4j graph does not compile: " + e.getMessage(), e);
        }
    }

    /** The ticket graph: plain LangGraph4j, nothing of runmetrics in it. */
    static StateGraph<AgentState> ticketGraph(double latencyScale) throws GraphStateException {
        return new StateGraph<>(Map.of("log", Channels.appender(ArrayList::new)), AgentState::new)
                .addNode("classify", after(latencyScale, 30, s -> Map.of("log", "classify",
                        "kind", s.value("amount").isPresent() ? "refund" : "question")))
                .addNode("lookup_order", after(latencyScale, 120, s -> Map.of("log", "lookup_order")))
                .addNode("search_faq", after(latencyScale, 80, s -> Map.of("log", "search_faq")))
                .addNode("route", after(latencyScale, 5, s -> Map.of("log", "route")))
                .addNode(FAILING_NODE, after(latencyScale, 150, s -> {
                    long amount = ((Number) s.value("amount").orElse(0)).longValue();
                    if (amount > REFUND_LIMIT) {
                        throw new IllegalStateException("refund of " + amount + " is above the " + REFUND_LIMIT
                                + " limit");
                    }
                    return Map.of("log", "refund", "refunded", amount);
                }))
                .addNode("answer", after(latencyScale, 400, s -> Map.of("log", "answer")))
                .addNode("send", after(latencyScale, 40, s -> Map.of("log", "send", "sent", true)))
                .addEdge(START, "classify")
                .addEdge("classify", "lookup_order").addEdge("classify", "search_faq")       // parallel branches
                .addEdge("lookup_order", "route").addEdge("search_faq", "route")
                .addConditionalEdges("route", edge_async(s -> s.<String>value("kind").orElse("question")),
                        Map.of("refund", FAILING_NODE, "question", "answer"))
                .addEdge(FAILING_NODE, "send").addEdge("answer", "send").addEdge("send", END);
    }

    /** A node that answers {@code update} after its latency, without holding a thread meanwhile. */
    private static AsyncNodeAction<AgentState> after(double latencyScale, long millis,
            java.util.function.Function<AgentState, Map<String, Object>> update) {
        long nanos = Math.round(millis * 1_000_000L * latencyScale);
        return s -> CompletableFuture.supplyAsync(() -> update.apply(s),
                CompletableFuture.delayedExecutor(nanos, TimeUnit.NANOSECONDS));
    }

    /** Starts one ticket's invocation, unless all invokers are busy (then the tick is skipped). */
    void submitOne() {
        if (running.incrementAndGet() > INVOKERS) {
            running.decrementAndGet();
            return;
        }
        try {
            invokers.execute(this::invokeOne);
        } catch (RejectedExecutionException closing) {
            running.decrementAndGet();
        }
    }

    private void invokeOne() {
        try {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            Map<String, Object> input = new LinkedHashMap<>();
            double scenario = random.nextDouble();
            if (scenario < FAILURE_SHARE) {
                input.put("text", "refund my order, it arrived broken");
                input.put("amount", random.nextLong(REFUND_LIMIT + 1, 2_000));
            } else if (scenario < FAILURE_SHARE + REFUND_SHARE) {
                input.put("text", "refund my order, it arrived late");
                input.put("amount", random.nextLong(5, REFUND_LIMIT + 1));
            } else {
                input.put("text", "how do I reset my password?");
            }
            String thread = "ticket-" + UUID.randomUUID();
            RunnableConfig config = RunnableConfig.builder().threadId(thread)
                    .addParallelNodeExecutor("classify", branches).build();
            submitted.increment();
            GraphRun<AgentState> run;
            try {
                run = graph.run(GraphInput.args(input), config);
            } catch (RuntimeException failed) {
                keepFailed(thread); // recorded as a failed run; its checkpoints stay for a resume
                return;
            }
            if (run.status() == RunStatus.COMPLETED) {
                release(thread);
            }
        } finally {
            running.decrementAndGet();
        }
    }

    private void keepFailed(String thread) {
        String oldest = null;
        synchronized (failedThreads) {
            failedThreads.addLast(thread);
            if (failedThreads.size() > KEPT_FAILED) {
                oldest = failedThreads.removeFirst();
            }
        }
        if (oldest != null) {
            release(oldest);
        }
    }

    private void release(String thread) {
        try {
            saver.release(RunnableConfig.builder().threadId(thread).build());
        } catch (Exception e) {
            // a thread the saver no longer holds: nothing to free
        }
    }

    /**
     * The graph's resume (a LangGraph4j checkpoint, see {@link GraphMetrics#resume}); a resumed
     * run that completes has its thread released.
     */
    ResumeHandler resumeHandler() {
        return (ws, actor, runId, stepId, overrides) -> {
            ResumeResult result = metrics.resume(ws, actor, runId, stepId, overrides);
            if (result.accepted()) {
                metrics.completion(ws, runId).ifPresent(done -> done.thenAccept(run -> {
                    if (run.status() == RunStatus.COMPLETED) {
                        store.findRun(ws, runId).map(r -> r.attributes().get("thread_id"))
                                .filter(String.class::isInstance).ifPresent(t -> {
                                    synchronized (failedThreads) {
                                        failedThreads.remove(t);
                                    }
                                    release((String) t);
                                });
                    }
                }));
            }
            return result;
        };
    }

    /** Cancels an invocation running here (LangGraph4j stops it before its next node). */
    boolean cancel(String ws, String runId, String reason) {
        return metrics.cancel(ws, runId, reason);
    }

    /** Invocations started in this session. */
    long submitted() {
        return submitted.sum();
    }

    String workspaceId() {
        return workspaceId;
    }

    /** Stops taking invocations, gives those in flight (and resumes) {@code grace} to end, then interrupts them. */
    void close(Duration grace) {
        invokers.shutdown();
        try {
            if (!invokers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                invokers.shutdownNow();
            }
        } catch (InterruptedException e) {
            invokers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        metrics.close();
        branches.shutdownNow();
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }

    @Override
    public String toString() {
        return "graph " + GRAPH_ID + " (LangGraph4j, checkpoints in memory), ~"
                + Math.round(FAILURE_SHARE * 100) + "% fail at '" + FAILING_NODE + "' (a refund above "
                + REFUND_LIMIT + ")";
    }

    private static java.util.concurrent.ThreadFactory daemon(String name, AtomicInteger counter) {
        return task -> {
            Thread t = new Thread(task, name + "-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
