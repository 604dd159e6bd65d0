package dev.runmetrics.langgraph4j;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.action.AsyncNodeActionWithConfig;
import org.bsc.langgraph4j.action.InterruptableAction;
import org.bsc.langgraph4j.action.InterruptionMetadata;
import org.bsc.langgraph4j.state.AgentState;

/**
 * The action of a parallel branch, wrapped so that the branch is a step of its own: LangGraph4j's
 * parallel node calls branch actions directly, past the node hooks. When the same node runs as an
 * ordinary node (the config names it as the current node), {@link StepHook} records it and this
 * wrapper only delegates. An action that can interrupt keeps that ability. Immutable; thread-safe.
 */
class BranchAction<S extends AgentState> implements AsyncNodeActionWithConfig<S> {

    private final String nodeId;
    private final String path;
    final AsyncNodeActionWithConfig<S> delegate;

    BranchAction(String nodeId, String path, AsyncNodeActionWithConfig<S> delegate) {
        this.nodeId = nodeId;
        this.path = path;
        this.delegate = delegate;
    }

    /** Wraps {@code action}, keeping {@link InterruptableAction} if it has it. */
    static <S extends AgentState> AsyncNodeActionWithConfig<S> wrap(String nodeId, String path,
            AsyncNodeActionWithConfig<S> action) {
        if (action instanceof BranchAction<S>) {
            return action;
        }
        return action instanceof InterruptableAction<?> ? new Interruptable<>(nodeId, path, action)
                : new BranchAction<>(nodeId, path, action);
    }

    @Override
    public CompletableFuture<Map<String, Object>> apply(S state, RunnableConfig config) {
        RunTrace trace = RunTrace.of(config);
        if (trace == null || Objects.equals(nodeId, config.metadata(RunnableConfig.NODE_ID).orElse(null))) {
            return delegate.apply(state, config);
        }
        return trace.execute(trace.prefix(config) + path, state, config, delegate);
    }

    @Override
    public String toString() {
        return "BranchAction[" + path + "]";
    }

    /** A wrapped branch whose action can interrupt the graph. */
    private static final class Interruptable<S extends AgentState> extends BranchAction<S>
            implements InterruptableAction<S> {

        Interruptable(String nodeId, String path, AsyncNodeActionWithConfig<S> delegate) {
            super(nodeId, path, delegate);
        }

        @Override
        @SuppressWarnings("unchecked")
        public Optional<InterruptionMetadata<S>> interrupt(String nodeId, S state, RunnableConfig config) {
            return ((InterruptableAction<S>) delegate).interrupt(nodeId, state, config);
        }
    }
}
