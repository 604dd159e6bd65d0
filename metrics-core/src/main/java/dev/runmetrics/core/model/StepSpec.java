package dev.runmetrics.core.model;

import dev.runmetrics.core.internal.Checks;
import java.util.Objects;

/**
 * What the recorder needs to know about a step of a workflow definition when the step is first
 * scheduled: its id, display name, position and the node that executes it.
 *
 * @param stepId the step's id within the workflow
 * @param stepName the display name
 * @param stepOrder the 1-based position in the definition (0 if the host has none)
 * @param nodeName the node that executes it
 */
public record StepSpec(String stepId, String stepName, int stepOrder, String nodeName) {

    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if an id is blank or too long or the order is negative
     */
    public StepSpec {
        Checks.id("stepId", stepId);
        Objects.requireNonNull(stepName, "stepName");
        Checks.atLeast("stepOrder", stepOrder, 0);
        Checks.id("nodeName", nodeName);
    }
}
