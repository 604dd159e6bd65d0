package dev.runmetrics.langgraph4j;

import dev.runmetrics.core.model.RunStatus;
import java.util.Objects;
import java.util.Optional;
import org.bsc.langgraph4j.NodeOutput;
import org.bsc.langgraph4j.state.AgentState;

/**
 * How one attempt of a recorded graph invocation ended: the run it was recorded as, and what the
 * graph returned. Immutable.
 *
 * @param runId the run's id in the store
 * @param attempt 1 for an invocation, 2 and up for resumes
 * @param status {@code COMPLETED}, {@code PAUSED} (an interrupt), {@code FAILED} or {@code CANCELLED}
 * @param output the graph's last output, as {@code CompiledGraph.invokeFinal} returns it
 * @param error why it failed, for an attempt that ran in the background (a resume); null otherwise
 *     (an invocation's failure is thrown to its caller)
 * @param <S> the graph's state type
 */
public record GraphRun<S extends AgentState>(String runId, int attempt, RunStatus status,
        Optional<NodeOutput<S>> output, Throwable error) {

    /** @throws NullPointerException if the run id, status or output is null */
    public GraphRun {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(output, "output");
    }

    /** Returns the final state, as {@code CompiledGraph.invoke} returns it. */
    public Optional<S> state() {
        return output.map(NodeOutput::state);
    }
}
