package dev.runmetrics.core.flow;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.model.JsonValues;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a step receives: the workflow input and the outputs of the steps it depends on.
 *
 * <p>Shape: {@link #input()} is the run's input (a JSON object), and for the step a resume starts
 * again from, that input with the resume's overrides merged over it (see
 * {@link WorkflowRunner#resume}). {@link #outputs()} maps the id of each <em>direct</em>
 * dependency that completed (executed or restored from its checkpoint) to its output; a skipped
 * dependency has no entry. The recorder stores {@link #toMap()} as the step's input summary:
 * {@code {"input": {...}, "outputs": {"<stepId>": ...}}}.
 *
 * <p>Immutable and thread-safe; every value is a {@link JsonValues JSON-like} copy.
 *
 * @param workspaceId the tenant of the run
 * @param runId the run
 * @param attempt the run attempt this execution of the step belongs to, from 1
 * @param stepId the step
 * @param input the workflow input (with resume overrides for the resumed step), never null
 * @param outputs the outputs of the completed direct dependencies by step id, never null
 */
public record StepInput(String workspaceId, String runId, int attempt, String stepId, Map<String, Object> input,
        Map<String, Object> outputs) {

    /**
     * @throws NullPointerException if an id is null
     * @throws IllegalArgumentException if an id is malformed, the attempt is below 1, or a map is
     *     not JSON-like
     */
    public StepInput {
        Checks.id("workspaceId", workspaceId);
        Checks.id("runId", runId);
        Checks.atLeast("attempt", attempt, 1);
        Checks.id("stepId", stepId);
        input = input == null ? Map.of() : JsonValues.copyOfMap(input);
        outputs = outputs == null ? Map.of() : JsonValues.copyOfMap(outputs);
    }

    /** Returns the output of dependency {@code stepId}, or null if it has none (skipped, or not a dependency). */
    public Object output(String stepId) {
        return outputs.get(stepId);
    }

    /** Returns the workflow input value under {@code key}, or null. */
    public Object value(String key) {
        return input.get(key);
    }

    /** Returns {@code {"input": input, "outputs": outputs}}, the JSON-like form recorded as the input summary. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("input", input);
        map.put("outputs", outputs);
        return map;
    }
}
