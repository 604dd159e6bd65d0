package dev.runmetrics.springbatch;

import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.parameters.JobParameter;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.step.StepExecution;

/** Spring Batch values turned into runmetrics' JSON-like values and messages. Stateless. */
final class BatchValues {

    /** Longest error message recorded; Spring Batch's exit descriptions carry whole stack traces. */
    static final int MAX_MESSAGE_CHARS = 1000;

    private BatchValues() {}

    /** The job parameters as a run input: name to value, sorted by name. */
    static Map<String, Object> parameters(JobParameters parameters) {
        Map<String, Object> out = new TreeMap<>();
        for (JobParameter<?> p : parameters) {
            out.put(p.name(), jsonLike(p.value()));
        }
        return out;
    }

    private static Object jsonLike(Object value) {
        if (value instanceof String || value instanceof Boolean || value instanceof Long || value instanceof Integer
                || value instanceof Short || value instanceof Byte) {
            return value;
        }
        if ((value instanceof Double || value instanceof Float) && Double.isFinite(((Number) value).doubleValue())) {
            return value;
        }
        if (value instanceof Date date) {
            return date.toInstant().toString();
        }
        return String.valueOf(value);
    }

    /** The chunk counts and ids of a step execution, as step attributes. */
    static Map<String, Object> stepAttributes(StepExecution step) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(BatchAttributes.JOB_EXECUTION_ID, step.getJobExecutionId());
        out.put(BatchAttributes.STEP_EXECUTION_ID, step.getId());
        String partition = partition(step.getStepName());
        if (partition != null) {
            out.put(BatchAttributes.PARTITION, partition);
        }
        out.put(BatchAttributes.READ_COUNT, step.getReadCount());
        out.put(BatchAttributes.WRITE_COUNT, step.getWriteCount());
        out.put(BatchAttributes.FILTER_COUNT, step.getFilterCount());
        out.put(BatchAttributes.SKIP_COUNT, step.getSkipCount());
        out.put(BatchAttributes.READ_SKIP_COUNT, step.getReadSkipCount());
        out.put(BatchAttributes.PROCESS_SKIP_COUNT, step.getProcessSkipCount());
        out.put(BatchAttributes.WRITE_SKIP_COUNT, step.getWriteSkipCount());
        out.put(BatchAttributes.COMMIT_COUNT, step.getCommitCount());
        out.put(BatchAttributes.ROLLBACK_COUNT, step.getRollbackCount());
        out.put(BatchAttributes.EXIT_CODE, step.getExitStatus().getExitCode());
        return out;
    }

    /** The exit code, and the exit description when there is one, as a step output or run result. */
    static Map<String, Object> exit(ExitStatus exit) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(BatchAttributes.EXIT_CODE, exit.getExitCode());
        String description = exit.getExitDescription();
        if (description != null && !description.isBlank()) {
            out.put(BatchAttributes.EXIT_DESCRIPTION, bounded(description));
        }
        return out;
    }

    /**
     * The node a step execution counts under: its step's name, so that the workers of a partitioned
     * step ({@code worker:partition0}, {@code worker:partition1}, ...) count as one node.
     */
    static String nodeName(String stepName) {
        int colon = stepName.indexOf(':');
        return colon > 0 ? stepName.substring(0, colon) : stepName;
    }

    private static String partition(String stepName) {
        int colon = stepName.indexOf(':');
        return colon > 0 && colon < stepName.length() - 1 ? stepName.substring(colon + 1) : null;
    }

    /**
     * Describes a failure for people: the first exception's class and message, and its innermost
     * cause when that says more (Spring Batch wraps item failures); else the exit status.
     */
    static String failure(List<Throwable> failures, ExitStatus exit) {
        if (!failures.isEmpty()) {
            return describe(failures.get(0));
        }
        String description = exit.getExitDescription();
        return bounded(description == null || description.isBlank() ? exit.getExitCode()
                : exit.getExitCode() + ": " + firstLine(description));
    }

    /** The first failure to classify: the first exception, or null. */
    static Throwable firstFailure(List<Throwable> failures) {
        return failures.isEmpty() ? null : failures.get(0);
    }

    static String describe(Throwable error) {
        String text = error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
        Throwable root = error;
        for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 16; depth++) {
            root = root.getCause();
        }
        if (root != error) {
            text += " (caused by " + root.getClass().getSimpleName()
                    + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")";
        }
        return bounded(text);
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).strip();
    }

    static String bounded(String text) {
        return text.length() <= MAX_MESSAGE_CHARS ? text : text.substring(0, MAX_MESSAGE_CHARS - 1) + "\u2026";
    }
}
