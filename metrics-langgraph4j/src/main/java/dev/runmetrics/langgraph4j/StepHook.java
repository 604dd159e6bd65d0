package dev.runmetrics.langgraph4j;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.action.AsyncNodeActionWithConfig;
import org.bsc.langgraph4j.hook.NodeHook;
import org.bsc.langgraph4j.state.AgentState;

/**
 * The node hook that makes each node execution of a recorded invocation a step: LangGraph4j calls
 * it around every node it runs (see {@link GraphLayout} for the two cases it does not reach). Outside
 * a recorded invocation (no {@link RunTrace} in the config) it only calls the action. Stateless
 * apart from its layout; thread-safe.
 */
final class StepHook<S extends AgentState> implements NodeHook.WrapCall<S> {

    private final GraphLayout layout;

    StepHook(GraphLayout layout) {
        this.layout = layout;
    }

    @Override
    public CompletableFuture<Map<String, Object>> applyWrap(String nodeId, S state, RunnableConfig config,
            AsyncNodeActionWithConfig<S> action) {
        RunTrace trace = RunTrace.of(config);
        if (trace == null || layout.isContainer(nodeId)) {
            return action.apply(state, config);
        }
        String prefix = trace.prefix(config);
        List<GraphLayout.Branch> branches = layout.branches(nodeId);
        if (branches != null && branches.stream().allMatch(GraphLayout.Branch::timed)) {
            // Each branch's BranchAction records its own step; the fan-out queues them all now.
            trace.queueBranches(prefix, branches);
            return action.apply(state, config);
        }
        return trace.execute(prefix + layout.path(nodeId), state, config, action);
    }

    @Override
    public String toString() {
        return "runmetrics StepHook for " + layout;
    }
}
