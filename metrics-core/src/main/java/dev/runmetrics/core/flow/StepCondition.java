package dev.runmetrics.core.flow;

import dev.runmetrics.core.model.JsonValues;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A condition on the workflow input that decides whether a step runs (like the example workflows'
 * {@code mode == 'fast'}). A step whose condition is false is skipped; see
 * {@link WorkflowRunner} for how skips propagate. Conditions see the run's input only (never a
 * resume's overrides), so a resumed attempt skips the same steps as the first.
 *
 * <p>Immutable; the predicate must be thread-safe, side-effect free and deterministic.
 */
public final class StepCondition {
    private final String description;
    private final Predicate<Map<String, Object>> predicate;

    private StepCondition(String description, Predicate<Map<String, Object>> predicate) {
        this.description = description;
        this.predicate = predicate;
    }

    /**
     * Returns a condition.
     *
     * @param description how people read it, e.g. {@code "mode == 'fast'"}; recorded as the skip reason
     * @param predicate tests the workflow input
     * @return the condition
     * @throws NullPointerException if an argument is null
     */
    public static StepCondition of(String description, Predicate<Map<String, Object>> predicate) {
        return new StepCondition(Objects.requireNonNull(description, "description"),
                Objects.requireNonNull(predicate, "predicate"));
    }

    /**
     * Returns the condition "input[{@code key}] equals {@code value}", with JSON number
     * normalisation (so {@code 1} equals {@code 1L}).
     *
     * @param key the input key
     * @param value a JSON-like value
     * @return the condition, described as {@code key == 'value'}
     * @throws NullPointerException if key is null
     * @throws IllegalArgumentException if value is not JSON-like
     */
    public static StepCondition inputEquals(String key, Object value) {
        Objects.requireNonNull(key, "key");
        Object expected = JsonValues.copyOf(value);
        String shown = expected instanceof String ? "'" + expected + "'" : String.valueOf(expected);
        return new StepCondition(key + " == " + shown, input -> Objects.equals(input.get(key), expected));
    }

    /**
     * Tests the workflow input.
     *
     * @param input the run's input
     * @return whether the step runs
     */
    public boolean test(Map<String, Object> input) {
        return predicate.test(input);
    }

    /** Returns how people read the condition. */
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return description;
    }
}
