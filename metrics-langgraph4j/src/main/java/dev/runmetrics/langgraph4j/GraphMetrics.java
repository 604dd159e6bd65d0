package dev.runmetrics.langgraph4j;

import dev.runmetrics.core.control.ResumeAuditLog;
import dev.runmetrics.core.control.ResumeHandler;
import dev.runmetrics.core.control.ResumeResult.Reason;
import dev.runmetrics.core.control.ResumeResult;
import dev.runmetrics.core.model.Ids;
import dev.runmetrics.core.model.JsonValues;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.node.ErrorClassifier;
import dev.runmetrics.core.node.NodeMetricsCollector;
import dev.runmetrics.core.node.RetryPolicy;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.ResumeClaim;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.store.StepCheckpoint;
import dev.runmetrics.core.time.Clock;
import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.bsc.async.AsyncGenerator;
import org.bsc.langgraph4j.CompileConfig;
import org.bsc.langgraph4j.GraphStateException;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.StateGraph;
import org.bsc.langgraph4j.checkpoint.BaseCheckpointSaver;
import org.bsc.langgraph4j.checkpoint.Checkpoint;
import org.bsc.langgraph4j.state.AgentState;

/**
 * Records LangGraph4j graphs as runmetrics runs, and resumes them from a step.
 *
 * <pre>{@code
 * GraphMetrics metrics = GraphMetrics.builder(recorder, store).workspace("ws-1").collector(collector).build();
 * MeteredGraph<MyState> app = metrics.compile(graph,
 *         CompileConfig.builder().graphId("support_flow").checkpointSaver(new MemorySaver()).build());
 * app.invoke(Map.of("question", "..."), RunnableConfig.builder().threadId(conversationId).build());
 * }</pre>
 *
 * <p>{@link #compile} is the one line a graph's code changes by: it adds a LangGraph4j node hook
 * (and, for parallel branches, which LangGraph4j runs past its hooks, wraps the branch actions) and
 * compiles the graph as {@link StateGraph#compile(CompileConfig)} would. Every invocation through
 * the returned {@link MeteredGraph} is a run of the workflow named by the graph's id
 * ({@link CompileConfig#graphId()}), every node execution a step attempt with its queued, started
 * and completed instants, output summary and error category, and each execution's duration goes to
 * the {@link NodeMetricsCollector} if one is given. Nodes of subgraphs are steps of the same run,
 * named by path ({@code sub/node}). Recording never changes what the graph does or returns, and a
 * failing recorder or store never fails it; the only behaviour it adds is what is asked for with
 * {@link Builder#retry}.
 *
 * <h2>Resume from step</h2>
 * This class is the {@link ResumeHandler} for its graphs, so the HTTP adapter's resume endpoint and
 * the Run Console work unchanged. See {@link #resume}: for a graph compiled with a checkpoint saver,
 * the run goes on from the LangGraph4j checkpoint taken just before the chosen node, with the
 * overrides applied to the state by {@code CompiledGraph.updateState}, as the next attempt of the
 * same run.
 *
 * <h2>Threads</h2>
 * Thread-safe. Resumed attempts run on the resume executor ({@link Builder#resumeExecutor}; by
 * default a pool of daemon threads that {@link #close} stops).
 */
public final class GraphMetrics implements ResumeHandler, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(GraphMetrics.class.getName());
    private static final int REMEMBERED = 1000;

    private final RunRecorder recorder;
    private final RunStore store;
    private final ResumeAuditLog audits;
    private final String workspaceId;
    private final NodeMetricsCollector collector;
    private final ErrorClassifier classifier;
    private final Map<String, RetryPolicy> retries;
    private final Clock clock;
    private final Executor executor;
    private final ExecutorService ownedExecutor;
    private final Map<String, MeteredGraph<?>> graphs = new ConcurrentHashMap<>();
    private volatile boolean closed;
    /** The streams of the invocations running here, by run id. */
    private final Map<String, AsyncGenerator.Cancellable<?>> live = new ConcurrentHashMap<>();
    private final Map<String, String> cancelReasons = new java.util.HashMap<>();
    /** The caller's config of recent runs (executors for parallel nodes, ...), reused by their resumes. */
    private final Map<String, RunnableConfig> configs = lru();
    private final Map<String, CompletableFuture<GraphRun<?>>> resumed = lru();
    /** Runs that paused or failed here, by graph and thread, for a caller that resumes the thread. */
    private final Map<String, Stopped> stopped = lru();

    private GraphMetrics(Builder b) {
        this.recorder = b.recorder;
        this.store = b.store;
        this.audits = new ResumeAuditLog(b.store, b.recorder::now);
        this.workspaceId = b.workspaceId;
        this.collector = b.collector;
        this.classifier = b.classifier;
        this.retries = Map.copyOf(b.retries);
        this.clock = b.clock;
        if (b.executor != null) {
            this.executor = b.executor;
            this.ownedExecutor = null;
        } else {
            AtomicInteger threads = new AtomicInteger();
            this.ownedExecutor = Executors.newCachedThreadPool(task -> {
                Thread t = new Thread(task, "runmetrics-langgraph4j-resume-" + threads.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            this.executor = ownedExecutor;
        }
    }

    /**
     * Returns a builder of an adapter that records through {@code recorder} and checkpoints, reads
     * and claims through {@code store}, which must be the store the recorder writes to.
     *
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(RunRecorder recorder, RunStore store) {
        return new Builder(recorder, store);
    }

    // ------------------------------------------------------------------ compiling

    /**
     * Instruments and compiles {@code graph}; its runs are recorded under the graph's id.
     *
     * @throws IllegalArgumentException if the config has no {@code graphId}
     * @throws IllegalStateException if a graph with that id was compiled here already
     * @throws GraphStateException if LangGraph4j refuses the graph, as {@link StateGraph#compile} does
     */
    public <S extends AgentState> MeteredGraph<S> compile(StateGraph<S> graph, CompileConfig config)
            throws GraphStateException {
        Objects.requireNonNull(config, "config");
        String id = config.graphId().orElseThrow(() -> new IllegalArgumentException(
                "the graph has no id to record its runs under: set CompileConfig.builder().graphId(...)"
                        + " or call compile(workflowId, graph, config)"));
        return compile(id, graph, config);
    }

    /**
     * Instruments and compiles {@code graph}; its runs are recorded under {@code workflowId}.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the workflow id is blank or too long
     * @throws IllegalStateException if a graph with that id was compiled here already
     * @throws GraphStateException if LangGraph4j refuses the graph, as {@link StateGraph#compile} does
     */
    public <S extends AgentState> MeteredGraph<S> compile(String workflowId, StateGraph<S> graph,
            CompileConfig config) throws GraphStateException {
        Ids.require("workflowId", workflowId);
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(config, "config");
        if (graphs.containsKey(workflowId)) {
            throw new IllegalStateException("a graph with id '" + workflowId + "' was compiled here already");
        }
        GraphLayout layout = GraphLayout.instrument(graph, true);
        MeteredGraph<S> metered = new MeteredGraph<>(this, workflowId, graph.compile(config), layout);
        if (graphs.putIfAbsent(workflowId, metered) != null) {
            throw new IllegalStateException("a graph with id '" + workflowId + "' was compiled here already");
        }
        return metered;
    }

    /**
     * Instruments a graph that will be compiled elsewhere and used as a subgraph (added to another
     * graph as a {@code CompiledGraph}), so that its parallel branches are timed one by one; its
     * nodes are recorded only within a recorded invocation of the graph that contains it. Not
     * needed for subgraphs added as a {@code StateGraph}.
     *
     * @return {@code graph}
     */
    public <S extends AgentState> StateGraph<S> instrument(StateGraph<S> graph) {
        GraphLayout.instrument(Objects.requireNonNull(graph, "graph"), true);
        return graph;
    }

    /** Returns the graphs compiled here, by workflow id. */
    public Map<String, MeteredGraph<?>> graphs() {
        return Map.copyOf(graphs);
    }

    // ------------------------------------------------------------------ resume

    /**
     * Resumes a failed or paused run from a failed or paused step, as the next attempt of the same
     * run, and returns as soon as the attempt is claimed and scheduled.
     *
     * <p><b>Where it continues.</b> LangGraph4j checkpoints the state after every node, with the
     * node to run next. The attempt starts from the latest checkpoint of the run's thread (at or
     * before the one recorded when the run ended) whose next node is the chosen step's node: for a
     * parallel branch, its fan-out (LangGraph4j runs the branches together, so all of them run
     * again); for a node inside a compiled subgraph, that subgraph's node. Nodes before it keep
     * their results, as the checkpoint holds them; the chosen node and everything after it run
     * again, and are recorded as steps of the new attempt (earlier attempts stay in the history).
     *
     * <p><b>Overrides</b> are applied to that checkpoint's state with
     * {@code CompiledGraph.updateState} (so through the state's channels: a reducer such as an
     * appender appends) before the graph continues; without overrides the checkpoint is used as it is.
     *
     * <p><b>Refusals</b> as {@code WorkflowRunner.resume}'s: unknown run ({@code NOT_FOUND}), queued
     * or running ({@code RUN_ACTIVE}), ended otherwise than failed or paused, or compiled without a
     * checkpoint saver, or no checkpoint of it is left ({@code RUN_NOT_RESUMABLE}), a graph not
     * compiled here ({@code UNKNOWN_WORKFLOW}), a step that names no node of the graph
     * ({@code NOT_FOUND}) or whose latest execution did not fail or pause, or that no checkpoint
     * leads to ({@code STEP_NOT_RESUMABLE}), overrides that are not JSON-like
     * ({@code INVALID_OVERRIDES}), a lost claim ({@code CONFLICT}), a store that failed
     * ({@code UNAVAILABLE}).
     *
     * <p><b>Concurrency and audit.</b> {@link RunStore#claimResume} decides between concurrent
     * requests (exactly one wins); every request, accepted or refused, is logged and appends one
     * {@link dev.runmetrics.core.store.ControlAudit} (one naming a run that is not in the workspace
     * is logged only).
     */
    @Override
    public ResumeResult resume(String workspaceId, String actor, String runId, String stepId,
            Map<String, ?> inputOverrides) {
        Ids.require("workspaceId", workspaceId);
        Ids.require("actor", actor);
        Ids.require("runId", runId);
        Ids.require("stepId", stepId);
        Object decision = plan(workspaceId, runId, stepId, inputOverrides);
        if (decision instanceof ResumeResult.Refused refused) {
            audits.record(workspaceId, actor, runId, stepId, inputOverrides, refused);
            return refused;
        }
        Plan plan = (Plan) decision;
        if (closed) {
            return audits.refuse(workspaceId, actor, runId, stepId, inputOverrides,
                    Reason.UNAVAILABLE, "the LangGraph4j adapter is closed",
                    plan.run.attempt());
        }
        ResumeClaim claim;
        try {
            claim = store.claimResume(workspaceId, runId, plan.run.attempt(), recorder.instanceId(), recorder.now());
        } catch (RuntimeException e) {
            return audits.refuse(workspaceId, actor, runId, stepId, inputOverrides, Reason.UNAVAILABLE,
                    "the run could not be claimed: " + RunTrace.describe(e), plan.run.attempt());
        }
        if (claim instanceof ResumeClaim.NotFound) {
            return audits.refuse(workspaceId, actor, runId, stepId, inputOverrides,
                    Reason.NOT_FOUND, "run " + runId + " not found", 0);
        }
        if (claim instanceof ResumeClaim.Conflict conflict) {
            Run now = conflict.current();
            String message = now.attempt() != plan.run.attempt()
                    ? "run " + runId + " was resumed by another request (it is now attempt " + now.attempt() + ", "
                            + now.status().wireName() + ")"
                    : "run " + runId + " changed meanwhile (it is now " + now.status().wireName() + ")";
            return audits.refuse(workspaceId, actor, runId, stepId, inputOverrides,
                    Reason.CONFLICT, message, now.attempt());
        }
        Run claimed = ((ResumeClaim.Claimed) claim).run();
        ResumeResult.Accepted accepted = new ResumeResult.Accepted(runId, stepId, claimed.attempt());
        audits.record(workspaceId, actor, runId, stepId, inputOverrides, accepted);
        recorder.runResumed(workspaceId, claimed);
        RunnableConfig base;
        synchronized (configs) {
            base = configs.get(runId);
        }
        CompletableFuture<GraphRun<?>> attempt;
        try {
            attempt = plan.graph.resumeAttempt(runId, claimed.attempt(), stepId, plan.threadId, plan.checkpointId,
                    plan.overrides, base, executor);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Claimed and audited, but nothing can run it: end the attempt so that it can be resumed again.
            recorder.runFailed(workspaceId, runId, "the resumed attempt could not be started: " + RunTrace.describe(e));
            attempt = CompletableFuture.completedFuture(new GraphRun<>(runId, claimed.attempt(), RunStatus.FAILED,
                    Optional.empty(), e));
        }
        synchronized (resumed) {
            resumed.put(runId, attempt);
        }
        return accepted;
    }

    /**
     * Returns a future of the end of the latest attempt of a run that {@link #resume} started here,
     * or empty if there is none (or it has been forgotten: the last 1000 are kept). It never
     * completes exceptionally; completing or cancelling it has no effect on the run.
     */
    public Optional<CompletableFuture<GraphRun<?>>> completion(String workspaceId, String runId) {
        if (!this.workspaceId.equals(workspaceId)) {
            return Optional.empty();
        }
        synchronized (resumed) {
            return Optional.ofNullable(resumed.get(runId)).map(CompletableFuture::copy);
        }
    }

    /** Returns a {@link Plan}, or the {@link ResumeResult.Refused} that ends the request. */
    private Object plan(String ws, String runId, String stepId, Map<String, ?> inputOverrides) {
        try {
            Run run = store.findRun(ws, runId).orElse(null);
            if (run == null) {
                return new ResumeResult.Refused(Reason.NOT_FOUND, "run " + runId + " not found", 0);
            }
            if (run.status() == RunStatus.QUEUED || run.status() == RunStatus.RUNNING || live.containsKey(runId)) {
                return new ResumeResult.Refused(Reason.RUN_ACTIVE, "run " + runId + " is " + run.status().wireName()
                        + " (attempt " + run.attempt() + "); only a failed or paused run can be resumed", run.attempt());
            }
            if (run.status() != RunStatus.FAILED && run.status() != RunStatus.PAUSED) {
                return new ResumeResult.Refused(Reason.RUN_NOT_RESUMABLE, "run " + runId + " is "
                        + run.status().wireName() + "; only a failed or paused run can be resumed", run.attempt());
            }
            MeteredGraph<?> graph = workspaceId.equals(ws) ? graphs.get(run.workflowId()) : null;
            if (graph == null) {
                return new ResumeResult.Refused(Reason.UNKNOWN_WORKFLOW, "graph '" + run.workflowId() + "' of run "
                        + runId + " is not compiled here", run.attempt());
            }
            Map<String, Object> overrides;
            try {
                JsonValues.copyOfMap(inputOverrides); // checks; the state gets the caller's values as they are
                overrides = inputOverrides == null ? Map.of() : new LinkedHashMap<>(inputOverrides);
            } catch (IllegalArgumentException e) {
                return new ResumeResult.Refused(Reason.INVALID_OVERRIDES,
                        "input overrides must be a JSON object of JSON-like values: " + e.getMessage(), run.attempt());
            }
            Set<String> nodes = graph.layout().resumeNodes(RunTrace.pathOf(stepId));
            if (nodes.isEmpty()) {
                return new ResumeResult.Refused(Reason.NOT_FOUND, "step '" + stepId + "' names no node of graph '"
                        + run.workflowId() + "'", run.attempt());
            }
            Optional<BaseCheckpointSaver> saver = graph.compiled().compileConfig.checkpointSaver();
            if (saver.isEmpty()) {
                return new ResumeResult.Refused(Reason.RUN_NOT_RESUMABLE, "graph '" + run.workflowId()
                        + "' is compiled without a checkpoint saver, so its runs cannot be resumed", run.attempt());
            }
            StepRun chosen = null;
            for (StepRun s : store.findSteps(ws, runId)) {
                if (s.stepId().equals(stepId) && s.attempt() <= run.attempt()
                        && (chosen == null || s.attempt() > chosen.attempt())) {
                    chosen = s;
                }
            }
            if (chosen == null) {
                return new ResumeResult.Refused(Reason.STEP_NOT_RESUMABLE, "step '" + stepId + "' has not run in run "
                        + runId + "; only a failed or paused step can be resumed", run.attempt());
            }
            if (chosen.status() != RunStatus.FAILED && chosen.status() != RunStatus.PAUSED) {
                return new ResumeResult.Refused(Reason.STEP_NOT_RESUMABLE, "step '" + stepId + "' is "
                        + chosen.status().wireName() + "; only a failed or paused step can be resumed", run.attempt());
            }
            StepCheckpoint pointer = null;
            for (StepCheckpoint c : store.findCheckpoints(ws, runId)) {
                if (c.stepId().equals(MeteredGraph.GRAPH_CHECKPOINT) && c.attempt() <= run.attempt()
                        && (pointer == null || c.attempt() > pointer.attempt())) {
                    pointer = c;
                }
            }
            if (pointer == null || !(pointer.output() instanceof Map<?, ?> where)
                    || !(where.get("thread_id") instanceof String threadId)
                    || !(where.get("checkpoint_id") instanceof String lastId)) {
                return new ResumeResult.Refused(Reason.RUN_NOT_RESUMABLE, "no LangGraph4j checkpoint of run " + runId
                        + " was recorded, so it cannot be resumed", run.attempt());
            }
            Collection<Checkpoint> history = saver.get().list(RunnableConfig.builder().threadId(threadId).build());
            boolean reached = false;
            Checkpoint from = null;
            for (Checkpoint cp : history) { // newest first
                reached = reached || cp.getId().equals(lastId);
                if (reached && nodes.contains(cp.getNextNodeId())) {
                    from = cp;
                    break;
                }
            }
            if (!reached) {
                return new ResumeResult.Refused(Reason.RUN_NOT_RESUMABLE, "checkpoint " + lastId + " of thread '"
                        + threadId + "' is no longer in the checkpoint saver", run.attempt());
            }
            if (from == null) {
                return new ResumeResult.Refused(Reason.STEP_NOT_RESUMABLE, "no checkpoint of thread '" + threadId
                        + "' leads to step '" + stepId + "'", run.attempt());
            }
            return new Plan(run, graph, threadId, from.getId(), overrides);
        } catch (RuntimeException e) {
            return new ResumeResult.Refused(Reason.UNAVAILABLE, "the store could not be read: " + RunTrace.describe(e), 0);
        }
    }



    private record Plan(Run run, MeteredGraph<?> graph, String threadId, String checkpointId,
            Map<String, Object> overrides) {}

    /** Stops the resume executor if it is this adapter's own; attempts running on it are interrupted. */
    @Override
    public void close() {
        closed = true;
        if (ownedExecutor != null) {
            ownedExecutor.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "GraphMetrics{workspace=" + workspaceId + ", graphs=" + graphs.keySet() + ", inFlight=" + live.size()
                + "}";
    }

    // ------------------------------------------------------------------ for the graphs

    RunRecorder recorder() {
        return recorder;
    }

    RunStore store() {
        return store;
    }

    String workspaceId() {
        return workspaceId;
    }

    NodeMetricsCollector collector() {
        return collector;
    }

    ErrorClassifier errorClassifier() {
        return classifier;
    }

    Clock clock() {
        return clock;
    }

    /** Returns the retry policy of the node at {@code path}, or null. */
    RetryPolicy retryPolicy(String path) {
        return retries.isEmpty() ? null : retries.get(path);
    }

    void remember(String runId, RunnableConfig config) {
        synchronized (configs) {
            configs.put(runId, config);
        }
    }

    /** A run that paused or failed with a checkpoint, on a thread: what a caller's resume continues. */
    record Stopped(String runId, int attempt, String stepId) {}

    void stopped(String workflowId, String threadId, String runId, int attempt, String stepId) {
        synchronized (stopped) {
            stopped.put(workflowId + '\u0000' + threadId, new Stopped(runId, attempt, stepId));
        }
    }

    Stopped takeStopped(String workflowId, String threadId) {
        synchronized (stopped) {
            return stopped.remove(workflowId + '\u0000' + threadId);
        }
    }

    /**
     * Claims the next attempt of a stopped run for its caller, audited; empty if the claim is lost
     * (the run was resumed meanwhile) or the store fails, and the caller's invocation is then a
     * new run.
     */
    Optional<Run> claimForCaller(Stopped run, String actor) {
        String step = run.stepId() != null ? run.stepId() : MeteredGraph.GRAPH_CHECKPOINT;
        ResumeClaim claim;
        try {
            claim = store.claimResume(workspaceId, run.runId(), run.attempt(), recorder.instanceId(), recorder.now());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "run " + run.runId() + " could not be claimed; its thread's resume is a new run", e);
            return Optional.empty();
        }
        if (!(claim instanceof ResumeClaim.Claimed claimed)) {
            return Optional.empty();
        }
        audits.record(workspaceId, actor, run.runId(), step,
                new ResumeResult.Accepted(run.runId(), step, claimed.run().attempt()));
        recorder.runResumed(workspaceId, claimed.run());
        return Optional.of(claimed.run());
    }

    void started(String runId, AsyncGenerator.Cancellable<?> stream) {
        live.put(runId, stream);
    }

    void ended(String runId) {
        live.remove(runId);
        synchronized (cancelReasons) {
            cancelReasons.remove(runId);
        }
    }

    /** Returns the reason an operator gave for cancelling the run, or a default one. */
    String cancelReason(String runId) {
        synchronized (cancelReasons) {
            String reason = cancelReasons.get(runId);
            return reason != null ? reason : "the graph was cancelled";
        }
    }

    /**
     * Cancels a graph invocation running here, as an operator: LangGraph4j stops it before its
     * next node (the node running now is not interrupted and finishes), and the run ends
     * cancelled. A {@link dev.runmetrics.core.control.RunAction}, for
     * {@code MetricsHttpServer.Builder.cancel(metrics::cancel)}. A cancelled run cannot be resumed.
     *
     * @param reason why, shown to people, or null
     * @return true if the run was running here and is now cancelling; false if it is unknown here,
     *     ended, already cancelling, or of another workspace
     */
    public boolean cancel(String workspaceId, String runId, String reason) {
        if (!this.workspaceId.equals(workspaceId) || runId == null) {
            return false;
        }
        AsyncGenerator.Cancellable<?> stream = live.get(runId);
        if (stream == null || stream.isCancelled()) {
            return false;
        }
        synchronized (cancelReasons) {
            cancelReasons.put(runId, reason == null || reason.isBlank() ? "cancelled by an operator" : reason);
        }
        return stream.cancel(false);
    }

    private static <V> Map<String, V> lru() {
        return new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > REMEMBERED;
            }
        };
    }

    /** Configures a {@link GraphMetrics}. Each setter checks its argument at once. Not thread-safe. */
    public static final class Builder {
        private final RunRecorder recorder;
        private final RunStore store;
        private String workspaceId;
        private NodeMetricsCollector collector;
        private ErrorClassifier classifier = ErrorClassifier.defaults();
        private final Map<String, RetryPolicy> retries = new LinkedHashMap<>();
        private Clock clock = Clock.system();
        private Executor executor;

        private Builder(RunRecorder recorder, RunStore store) {
            this.recorder = Objects.requireNonNull(recorder, "recorder");
            this.store = Objects.requireNonNull(store, "store");
        }

        /**
         * Sets the workspace the graphs' runs are recorded in (required).
         *
         * @throws NullPointerException if null
         * @throws IllegalArgumentException if blank or too long
         */
        public Builder workspace(String workspaceId) {
            this.workspaceId = Ids.require("workspaceId", workspaceId);
            return this;
        }

        /**
         * Sends every node execution's duration and outcome to {@code collector} too, under the
         * step's path.
         *
         * @throws NullPointerException if null
         */
        public Builder collector(NodeMetricsCollector collector) {
            this.collector = Objects.requireNonNull(collector, "collector");
            return this;
        }

        /**
         * Sets how node failures are categorised (default {@link ErrorClassifier#defaults()}).
         *
         * @throws NullPointerException if null
         */
        public Builder errorClassifier(ErrorClassifier classifier) {
            this.classifier = Objects.requireNonNull(classifier, "classifier");
            return this;
        }

        /**
         * Retries a node that fails by {@code policy} (LangGraph4j has no retries of its own): each
         * failed try is recorded as a retry of the step, and the node's future completes with the
         * last try's outcome. The only setting that changes what a graph does.
         *
         * @param nodePath the node's step path ({@code node}, or {@code sub/node} in a subgraph)
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if the path is blank or too long
         * @throws IllegalStateException if that node has a policy already
         */
        public Builder retry(String nodePath, RetryPolicy policy) {
            Ids.require("nodePath", nodePath);
            Objects.requireNonNull(policy, "policy");
            if (retries.putIfAbsent(nodePath, policy) != null) {
                throw new IllegalStateException("node '" + nodePath + "' has a retry policy already");
            }
            return this;
        }

        /**
         * Sets the clock that times node executions (default {@link Clock#system()}).
         *
         * @throws NullPointerException if null
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets where resumed attempts run (default: daemon threads of the adapter's own, stopped by
         * {@link GraphMetrics#close}).
         *
         * @throws NullPointerException if null
         */
        public Builder resumeExecutor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Builds the adapter.
         *
         * @throws IllegalStateException if no workspace was set
         */
        public GraphMetrics build() {
            if (workspaceId == null) {
                throw new IllegalStateException("set the workspace the runs are recorded in: workspace(...)");
            }
            return new GraphMetrics(this);
        }

        @Override
        public String toString() {
            return "GraphMetrics.Builder{workspace=" + workspaceId + ", collector=" + (collector != null)
                    + ", classifier=" + classifier + ", retries=" + retries.keySet() + "}";
        }
    }
}
