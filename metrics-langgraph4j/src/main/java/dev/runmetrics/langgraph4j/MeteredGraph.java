package dev.runmetrics.langgraph4j;

import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.StepCheckpoint;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.bsc.async.AsyncGenerator;
import org.bsc.langgraph4j.CompiledGraph;
import org.bsc.langgraph4j.GraphArgs;
import org.bsc.langgraph4j.GraphInput;
import org.bsc.langgraph4j.GraphResume;
import org.bsc.langgraph4j.NodeOutput;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.action.InterruptionMetadata;
import org.bsc.langgraph4j.checkpoint.BaseCheckpointSaver;
import org.bsc.langgraph4j.checkpoint.Checkpoint;
import org.bsc.langgraph4j.state.AgentState;

/**
 * A LangGraph4j {@link CompiledGraph} whose invocations are recorded: each call of an
 * {@code invoke} method is a run of the workflow {@link #workflowId()}, each node execution a
 * step of it. Made by {@link GraphMetrics#compile}. The methods mirror {@code CompiledGraph}'s and
 * return (or throw) exactly what it would; {@link #run} also tells the run id and status.
 *
 * <p>How an invocation ends decides the run's status: completed at the graph's end; paused at an
 * interrupt (the node it stops before is recorded as a paused step); failed when the graph throws
 * (the node that threw is the failed step, with its error category), in which case the exception
 * is rethrown unchanged. For a graph compiled with a checkpoint saver the adapter also remembers
 * (in the run store, under the reserved step id {@value #GRAPH_CHECKPOINT}) the thread and the
 * latest LangGraph4j checkpoint of a failed or paused run, which is what
 * {@link GraphMetrics#resume} continues from.
 *
 * <p>Thread-safe as far as the compiled graph is: invocations may run concurrently, each with its
 * own thread id if the graph has a checkpoint saver (LangGraph4j's rule, not this class's).
 *
 * @param <S> the graph's state type
 */
public final class MeteredGraph<S extends AgentState> {

    /** The reserved step id of the checkpoint that names a run's LangGraph4j thread and checkpoint. */
    public static final String GRAPH_CHECKPOINT = "$langgraph4j";

    private static final System.Logger LOG = System.getLogger(MeteredGraph.class.getName());

    private final GraphMetrics metrics;
    private final String workflowId;
    private final CompiledGraph<S> graph;
    private final GraphLayout layout;
    private final String workspaceId;

    MeteredGraph(GraphMetrics metrics, String workflowId, CompiledGraph<S> graph, GraphLayout layout) {
        this.metrics = metrics;
        this.workflowId = workflowId;
        this.graph = graph;
        this.layout = layout;
        this.workspaceId = metrics.workspaceId();
    }

    /** Returns the workflow id its runs are recorded under. */
    public String workflowId() {
        return workflowId;
    }

    /** Returns the compiled graph; invoking it directly records nothing. */
    public CompiledGraph<S> compiled() {
        return graph;
    }

    /** Like {@link CompiledGraph#invoke(Map)}, recorded. */
    public Optional<S> invoke(Map<String, Object> inputs) {
        return invoke(inputs, RunnableConfig.builder().build());
    }

    /** Like {@link CompiledGraph#invoke(Map, RunnableConfig)}, recorded. */
    public Optional<S> invoke(Map<String, Object> inputs, RunnableConfig config) {
        return invoke(inputs == null ? GraphInput.resume() : GraphInput.args(inputs), config);
    }

    /** Like {@link CompiledGraph#invoke(GraphInput, RunnableConfig)}, recorded. */
    public Optional<S> invoke(GraphInput input, RunnableConfig config) {
        return invokeFinal(input, config).map(NodeOutput::state);
    }

    /** Like {@link CompiledGraph#invokeFinal(GraphInput, RunnableConfig)}, recorded. */
    public Optional<NodeOutput<S>> invokeFinal(GraphInput input, RunnableConfig config) {
        return run(input, config).output();
    }

    /**
     * Invokes the graph as {@link #invokeFinal} does and returns the run it was recorded as.
     *
     * @throws NullPointerException if input or config is null
     * @throws RuntimeException whatever the graph throws, unchanged
     */
    public GraphRun<S> run(GraphInput input, RunnableConfig config) {
        Objects.requireNonNull(input, "input cannot be null");
        Objects.requireNonNull(config, "config cannot be null");
        if (input instanceof GraphResume && config.threadId().isPresent()) {
            Optional<GraphRun<S>> continued = continueRun(input, config);
            if (continued.isPresent()) {
                return continued.get();
            }
        }
        RunRecorder recorder = metrics.recorder();
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("engine", "langgraph4j");
        config.threadId().ifPresent(thread -> attributes.put("thread_id", thread));
        String runId = recorder.runQueued(workspaceId, workflowId, workflowId, inputSummary(input), attributes);
        metrics.remember(runId, config);
        RunTrace trace = new RunTrace(metrics, workspaceId, runId, 1, graph.compileConfig.graphId().orElse(null),
                layout);
        recorder.runStarted(workspaceId, runId);
        return execute(trace, input, config);
    }

    /**
     * A caller resuming a thread (LangGraph4j's human-in-the-loop: {@code GraphInput.resume()} on
     * the thread of a run that paused or failed here) continues that run as its next attempt,
     * claimed and audited as any resume (actor {@value #CALLER}), instead of starting a new run.
     */
    private Optional<GraphRun<S>> continueRun(GraphInput input, RunnableConfig config) {
        GraphMetrics.Stopped stopped = metrics.takeStopped(workflowId, config.threadId().orElseThrow());
        if (stopped == null) {
            return Optional.empty();
        }
        Optional<dev.runmetrics.core.model.Run> claimed = metrics.claimForCaller(stopped, CALLER);
        if (claimed.isEmpty()) {
            return Optional.empty();
        }
        metrics.remember(stopped.runId(), config);
        RunTrace trace = new RunTrace(metrics, workspaceId, stopped.runId(), claimed.get().attempt(),
                graph.compileConfig.graphId().orElse(null), layout);
        if (stopped.stepId() != null) {
            trace.continueNumbering(stopped.stepId());
        }
        metrics.recorder().runStarted(workspaceId, stopped.runId());
        return Optional.of(execute(trace, input, config));
    }

    /** The actor of the resume audit entry of a run continued by its caller. */
    public static final String CALLER = "langgraph4j-caller";

    /** Runs one attempt and records how it ends; the graph's exception is rethrown as it was. */
    private GraphRun<S> execute(RunTrace trace, GraphInput input, RunnableConfig config) {
        AsyncGenerator.Cancellable<NodeOutput<S>> stream;
        try {
            stream = graph.stream(input, trace.attach(config));
        } catch (RuntimeException | Error e) { // a resume request without a checkpoint, say
            failed(trace, config, e);
            throw e;
        }
        metrics.started(trace.runId, stream);
        try {
            Optional<NodeOutput<S>> last;
            try {
                last = stream.stream().reduce((a, b) -> b); // what CompiledGraph.invokeFinal does
            } catch (RuntimeException | Error e) {
                if (stream.isCancelled()) {
                    cancelled(trace);
                } else {
                    failed(trace, config, e);
                }
                throw e;
            }
            Object result = resultOf(stream);
            if (result == AsyncGenerator.IsCancellable.CANCELLED || stream.isCancelled()) {
                cancelled(trace);
                return new GraphRun<>(trace.runId, trace.attempt, RunStatus.CANCELLED, last, null);
            }
            if (result instanceof InterruptionMetadata<?> interruption) {
                paused(trace, config, interruption);
                return new GraphRun<>(trace.runId, trace.attempt, RunStatus.PAUSED, last, null);
            }
            trace.closeOpenSteps("the graph ended before it ran");
            metrics.recorder().runCompleted(workspaceId, trace.runId, finalState(last));
            return new GraphRun<>(trace.runId, trace.attempt, RunStatus.COMPLETED, last, null);
        } finally {
            metrics.ended(trace.runId);
        }
    }

    private static Object resultOf(AsyncGenerator<?> stream) {
        try {
            return AsyncGenerator.resultValue(stream).orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void cancelled(RunTrace trace) {
        String reason = metrics.cancelReason(trace.runId);
        trace.closeOpenSteps(reason);
        metrics.recorder().runCancelled(workspaceId, trace.runId, reason);
    }

    private void failed(RunTrace trace, RunnableConfig config, Throwable error) {
        try {
            trace.closeOpenSteps("the graph failed before it ran");
            rememberCheckpoint(trace, config, trace.failedStep());
            String step = trace.failedStep();
            String message = step != null ? "node '" + step + "' failed: " + trace.failure()
                    : RunTrace.describe(RunTrace.unwrap(error));
            metrics.recorder().runFailed(workspaceId, trace.runId, message);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the failure of run " + trace.runId + " was not fully recorded", e);
        }
    }

    private void paused(RunTrace trace, RunnableConfig config, InterruptionMetadata<?> interruption) {
        try {
            trace.closeOpenSteps("the graph was interrupted before it ran");
            String next = null;
            Optional<BaseCheckpointSaver> saver = graph.compileConfig.checkpointSaver();
            if (saver.isPresent()) {
                next = saver.get().get(latest(config)).map(Checkpoint::getNextNodeId).orElse(null);
            }
            String reason;
            if (next != null && graph.compileConfig.interruptsBefore().contains(next)) {
                reason = "interrupted before '" + next + "'";
            } else if (graph.compileConfig.interruptsAfter().contains(interruption.nodeId())) {
                reason = "interrupted after '" + interruption.nodeId() + "'";
            } else {
                reason = "interrupted at '" + (next != null ? next : interruption.nodeId()) + "'";
            }
            String pausedPath = layout.pathOfNext(next);
            if (pausedPath != null) {
                trace.paused(pausedPath, reason);
            }
            rememberCheckpoint(trace, config, pausedPath == null ? null : trace.lastOpened(pausedPath));
            metrics.recorder().runPaused(workspaceId, trace.runId, reason);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the pause of run " + trace.runId + " was not fully recorded", e);
        }
    }

    /** Stores the thread and the latest checkpoint of a failed or paused attempt, before the run ends. */
    private void rememberCheckpoint(RunTrace trace, RunnableConfig config, String stepId) {
        Optional<BaseCheckpointSaver> saver = graph.compileConfig.checkpointSaver();
        if (saver.isEmpty()) {
            return;
        }
        try {
            RunnableConfig latest = latest(config);
            Optional<Checkpoint> checkpoint = saver.get().get(latest);
            if (checkpoint.isEmpty()) {
                return;
            }
            Map<String, Object> pointer = new LinkedHashMap<>();
            pointer.put("thread_id", saver.get().threadId(latest));
            pointer.put("checkpoint_id", checkpoint.get().getId());
            pointer.put("next_node", checkpoint.get().getNextNodeId());
            metrics.store().saveCheckpoint(workspaceId, new StepCheckpoint(workspaceId, trace.runId, GRAPH_CHECKPOINT,
                    trace.attempt, pointer, metrics.recorder().now()));
            metrics.stopped(workflowId, (String) pointer.get("thread_id"), trace.runId, trace.attempt, stepId);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the checkpoint of run " + trace.runId + " was not stored; it will not be resumable",
                    e);
        }
    }

    /** The config that reads a thread's latest checkpoint. */
    private static RunnableConfig latest(RunnableConfig config) {
        return RunnableConfig.builder(config).checkPointId(null).nextNode(null).removeMetadata(RunTrace.KEY).build();
    }

    // ------------------------------------------------------------------ resume

    /** Returns the layout of the graph, for {@link GraphMetrics#resume}. */
    GraphLayout layout() {
        return layout;
    }

    /**
     * Starts the attempt a resume claimed, on {@code executor}: from LangGraph4j checkpoint
     * {@code checkpointId} of {@code threadId}, with {@code overrides} applied to its state first.
     */
    CompletableFuture<GraphRun<?>> resumeAttempt(String runId, int attempt, String stepId, String threadId,
            String checkpointId, Map<String, Object> overrides, RunnableConfig base, Executor executor) {
        RunTrace trace = new RunTrace(metrics, workspaceId, runId, attempt, graph.compileConfig.graphId().orElse(null),
                layout);
        trace.continueNumbering(stepId);
        return CompletableFuture.supplyAsync(() -> {
            RunRecorder recorder = metrics.recorder();
            recorder.runStarted(workspaceId, runId);
            RunnableConfig config = RunnableConfig.builder(base == null ? RunnableConfig.builder().build() : base)
                    .threadId(threadId).checkPointId(checkpointId).nextNode(null).removeMetadata(RunTrace.KEY).build();
            if (!overrides.isEmpty()) {
                try {
                    config = graph.updateState(config, overrides);
                } catch (Exception e) {
                    recorder.runFailed(workspaceId, runId, "the input overrides could not be applied to the state: "
                            + RunTrace.describe(e));
                    return new GraphRun<>(runId, attempt, RunStatus.FAILED, Optional.empty(), e);
                }
            }
            try {
                return execute(trace, GraphInput.resume(), config);
            } catch (RuntimeException | Error e) {
                return new GraphRun<>(runId, attempt, RunStatus.FAILED, Optional.<NodeOutput<S>>empty(), e);
            }
        }, executor);
    }

    private static Map<String, Object> inputSummary(GraphInput input) {
        try {
            if (input instanceof GraphArgs args) {
                return StateValues.summary(args.value());
            }
            if (input instanceof GraphResume resume) {
                Map<String, Object> summary = new LinkedHashMap<>();
                summary.put("resume", StateValues.summary(resume.value()));
                return summary;
            }
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "the input was not summarised", e);
        }
        return null;
    }

    private static Map<String, Object> finalState(Optional<? extends NodeOutput<?>> last) {
        try {
            return last.map(output -> StateValues.summary(output.state().data())).orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "MeteredGraph{workflow=" + workflowId + ", " + layout + "}";
    }
}
