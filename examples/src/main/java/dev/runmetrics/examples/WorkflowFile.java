package dev.runmetrics.examples;

import dev.runmetrics.core.flow.StepCondition;
import dev.runmetrics.core.flow.StepDefinition;
import dev.runmetrics.core.flow.WorkflowDefinition;
import dev.runmetrics.core.flow.example.ExampleWorkflows;
import dev.runmetrics.core.model.JsonValues;
import dev.runmetrics.core.node.ErrorCategory;
import dev.runmetrics.core.node.NodeConfig;
import dev.runmetrics.core.node.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A workflow definition file ({@code examples/workflows/*.json}): the workflow's id, name and
 * steps as data, each step's work named by an {@code action} of {@link ExampleWorkflows#actions()}
 * (the same simulated work as the Java definitions), read and checked by {@link #parse} and turned
 * into a {@link WorkflowDefinition} for a {@link dev.runmetrics.core.flow.WorkflowRunner} by
 * {@link #toDefinition}.
 *
 * <pre>{@code
 * {
 *   "id": "basic_sequence",                 // required: the runs' workflow_id
 *   "name": "Basic Sequence",               // default: the id
 *   "description": "...",                   // for people; ignored
 *   "retry": {"max_attempts": 3, ...},      // every step's retry policy, unless the step has its own
 *   "steps": [                              // required, at least one, in order
 *     {"id": "initialize",                  // required, unique
 *      "name": "Initialize",                // default: the id
 *      "node": "basic_sequence.initialize", // the node name in node metrics; default: <workflow id>.<step id>
 *      "action": "initialize",              // required: one of ExampleWorkflows.actions()
 *      "depends_on": ["..."],               // default: none
 *      "condition": {"input": "mode", "equals": "fast"},  // run only when the input's mode is "fast"
 *      "retry": {...},                      // this step's retry policy
 *      "latency_ms": 150}                   // the simulated latency's base, varied by ±30% (default 200)
 *   ]
 * }
 * }</pre>
 *
 * <p>A retry policy has {@code max_attempts}, {@code initial_backoff_ms}, {@code max_backoff_ms},
 * {@code multiplier}, {@code jitter} and {@code retry_on} (a list of {@link ErrorCategory} names),
 * each optional with {@link RetryPolicy#builder()}'s defaults. A step with neither its own nor the
 * workflow's {@code retry} gets the options' policy ({@link ExampleWorkflows.Options}). Failures and
 * pauses are asked for per run, in the input ({@code fail_step}, {@code pause_step}), as with the
 * Java definitions.
 *
 * <p>A bad file is refused with an {@link IllegalArgumentException} whose message starts with the
 * file's name and the field, e.g. {@code bad.json: steps[1].depends_on[0]: unknown step 'nope'}.
 * Unknown fields are refused too, so that a misspelt one is not silently ignored.
 *
 * <p>Immutable and thread-safe.
 */
public final class WorkflowFile {

    /** The definition files inside the examples jar (copies of {@code examples/workflows/}). */
    public static final List<String> BUNDLED = List.of("basic_sequence.json", "parallel_processing.json",
            "conditional_workflow.json", "data_pipeline.json");
    private static final String RESOURCE_DIR = "/dev/runmetrics/examples/workflows/";
    private static final long DEFAULT_LATENCY_MS = 200;
    private static final Set<String> WORKFLOW_FIELDS = Set.of("id", "name", "description", "retry", "steps");
    private static final Set<String> STEP_FIELDS = Set.of("id", "name", "node", "action", "depends_on", "condition",
            "retry", "latency_ms");
    private static final Set<String> CONDITION_FIELDS = Set.of("input", "equals");
    private static final Set<String> RETRY_FIELDS = Set.of("max_attempts", "initial_backoff_ms", "max_backoff_ms",
            "multiplier", "jitter", "retry_on");

    /** One step of a definition file, checked. */
    record Step(String id, String name, String node, String action, List<String> dependsOn, String conditionInput,
            Object conditionEquals, RetryPolicy retry, long latencyMs) {}

    private final String source;
    private final String id;
    private final String name;
    private final RetryPolicy retry;
    private final List<Step> steps;

    private WorkflowFile(String source, String id, String name, RetryPolicy retry, List<Step> steps) {
        this.source = source;
        this.id = id;
        this.name = name;
        this.retry = retry;
        this.steps = List.copyOf(steps);
    }

    /**
     * Reads and checks a definition file.
     *
     * @throws IllegalArgumentException naming the file and the field, if it is not a valid definition
     * @throws UncheckedIOException if it cannot be read
     */
    public static WorkflowFile read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read workflow definition " + file + ": " + e.getMessage(), e);
        }
        return parse(file.toString(), text);
    }

    /**
     * Reads every {@code *.json} file of a folder, by file name.
     *
     * @throws IllegalArgumentException if a file is not a valid definition, two define the same
     *     workflow id, or there is none
     * @throws UncheckedIOException if the folder cannot be read
     */
    public static List<WorkflowFile> readAll(Path directory) {
        List<Path> files;
        try (Stream<Path> list = Files.list(directory)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list workflow definitions in " + directory + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException(directory + ": no workflow definition (*.json) in it");
        }
        return distinct(files.stream().map(WorkflowFile::read).toList());
    }

    /** Returns the four example workflows' definition files, as packaged in the examples jar. */
    public static List<WorkflowFile> bundled() {
        List<WorkflowFile> all = new ArrayList<>();
        for (String file : BUNDLED) {
            try (InputStream in = WorkflowFile.class.getResourceAsStream(RESOURCE_DIR + file)) {
                if (in == null) {
                    throw new IllegalStateException("the examples jar lacks " + RESOURCE_DIR + file);
                }
                all.add(parse(file, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return distinct(all);
    }

    private static List<WorkflowFile> distinct(List<WorkflowFile> files) {
        Map<String, String> seen = new HashMap<>();
        for (WorkflowFile f : files) {
            String earlier = seen.putIfAbsent(f.id, f.source);
            if (earlier != null) {
                throw new IllegalArgumentException(f.source + ": id: workflow '" + f.id + "' is defined in " + earlier
                        + " too");
            }
        }
        return List.copyOf(files);
    }

    /**
     * Parses and checks a definition.
     *
     * @param source what to call it in errors (its file name)
     * @param text the JSON text
     * @throws IllegalArgumentException starting with {@code source} and the field, if it is not a
     *     valid definition
     */
    public static WorkflowFile parse(String source, String text) {
        Object root;
        try {
            root = JsonValues.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + lineAndColumn(text, e.getMessage()), e);
        }
        return new Reader(source).workflow(root);
    }

    /** "invalid JSON at offset 42: ..." with the line and column of that offset added. */
    private static String lineAndColumn(String text, String message) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("at offset (\\d+)").matcher(message);
        if (!m.find()) {
            return message;
        }
        int offset = Math.min(Integer.parseInt(m.group(1)), text.length());
        int line = 1;
        int column = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return message.replace(m.group(), "at line " + line + ", column " + column);
    }

    /** Returns the workflow's id. */
    public String id() {
        return id;
    }

    /** Returns where it was read from (a path, or the bundled file's name). */
    public String source() {
        return source;
    }

    /** Returns the ids of its steps, in order. */
    public List<String> stepIds() {
        return steps.stream().map(Step::id).toList();
    }

    List<Step> steps() {
        return steps;
    }

    /**
     * Builds the workflow: each step's work is its action's, wrapped as every example step is
     * ({@link ExampleWorkflows#work}: the options' latency, hook and failure knobs), its node
     * configured as {@link ExampleWorkflows#nodeConfig} does, with the file's retry policy when it
     * has one.
     *
     * @param options latency, sleeper, hook, node metrics and the default retry policy; pass
     *     {@link #latency(List)} as the latency for the files' simulated latencies
     * @throws IllegalArgumentException naming the file, if the steps do not form a valid workflow
     *     (a dependency cycle)
     */
    public WorkflowDefinition toDefinition(ExampleWorkflows.Options options) {
        WorkflowDefinition.Builder b = WorkflowDefinition.builder(id).name(name);
        for (Step s : steps) {
            NodeConfig.Builder node = ExampleWorkflows.nodeConfig(options, s.node());
            RetryPolicy policy = s.retry() != null ? s.retry() : retry;
            if (policy != null) {
                node.retryPolicy(policy);
            }
            StepDefinition.Builder step = StepDefinition.builder(s.id(), ExampleWorkflows.work(options, id, s.id(),
                    s.action())).name(s.name()).nodeConfig(node.build()).dependsOn(s.dependsOn().toArray(String[]::new));
            if (s.conditionInput() != null) {
                step.condition(StepCondition.inputEquals(s.conditionInput(), s.conditionEquals()));
            }
            b.step(step);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": steps: " + e.getMessage(), e);
        }
    }

    /**
     * Returns the simulated latencies of these files' steps: each step's {@code latency_ms} varied
     * uniformly by ±30% each time, as {@link ExampleWorkflows.Latency#realistic()} does; zero for a
     * workflow not among them.
     *
     * @param files the definition files
     */
    public static ExampleWorkflows.Latency latency(List<WorkflowFile> files) {
        Map<String, ExampleWorkflows.Latency> byWorkflow = new HashMap<>();
        for (WorkflowFile f : files) {
            Map<String, Long> base = new HashMap<>();
            for (Step s : f.steps) {
                base.put(s.id(), s.latencyMs());
            }
            byWorkflow.put(f.id, ExampleWorkflows.Latency.around(base));
        }
        return (workflowId, stepId) -> {
            ExampleWorkflows.Latency l = byWorkflow.get(workflowId);
            return l == null ? Duration.ZERO : l.of(workflowId, stepId);
        };
    }

    @Override
    public String toString() {
        return "WorkflowFile[" + id + " from " + source + ", steps=" + stepIds() + "]";
    }

    /** Checks a parsed file field by field; every error names the source and the field's path. */
    private static final class Reader {
        private final String source;

        Reader(String source) {
            this.source = source;
        }

        IllegalArgumentException error(String field, String problem) {
            return new IllegalArgumentException(source + ": " + field + ": " + problem);
        }

        WorkflowFile workflow(Object root) {
            Map<String, Object> o = object("(top level)", root, WORKFLOW_FIELDS);
            String id = id("id", o.get("id"));
            String name = optionalText("name", o.get("name"), id);
            optionalText("description", o.get("description"), null);
            RetryPolicy retry = o.containsKey("retry") ? retry("retry", o.get("retry")) : null;
            Object stepsValue = o.get("steps");
            if (stepsValue == null) {
                throw error("steps", "missing (a list of at least one step)");
            }
            if (!(stepsValue instanceof List<?> list)) {
                throw error("steps", "must be a list of steps, was " + kind(stepsValue));
            }
            if (list.isEmpty()) {
                throw error("steps", "must have at least one step");
            }
            List<Step> steps = new ArrayList<>();
            Set<String> ids = new LinkedHashSet<>();
            for (int i = 0; i < list.size(); i++) {
                Step s = step("steps[" + i + "]", id, list.get(i));
                if (!ids.add(s.id())) {
                    throw error("steps[" + i + "].id", "step '" + s.id() + "' is defined twice");
                }
                steps.add(s);
            }
            for (int i = 0; i < steps.size(); i++) {
                List<String> deps = steps.get(i).dependsOn();
                for (int d = 0; d < deps.size(); d++) {
                    if (!ids.contains(deps.get(d))) {
                        throw error("steps[" + i + "].depends_on[" + d + "]", "unknown step '" + deps.get(d)
                                + "' (steps: " + ids + ")");
                    }
                }
            }
            return new WorkflowFile(source, id, name, retry, steps);
        }

        Step step(String path, String workflowId, Object value) {
            Map<String, Object> o = object(path, value, STEP_FIELDS);
            String id = id(path + ".id", o.get("id"));
            if (id.startsWith("$")) {
                throw error(path + ".id", "must not start with '$' (reserved), was '" + id + "'");
            }
            String name = optionalText(path + ".name", o.get("name"), id);
            String node = o.containsKey("node") ? id(path + ".node", o.get("node")) : workflowId + "." + id;
            String action = id(path + ".action", o.get("action"));
            if (!ExampleWorkflows.actions().contains(action)) {
                throw error(path + ".action", "unknown action '" + action + "' (known: "
                        + String.join(", ", ExampleWorkflows.actions()) + ")");
            }
            List<String> deps = new ArrayList<>();
            Object depsValue = o.get("depends_on");
            if (depsValue != null) {
                if (!(depsValue instanceof List<?> list)) {
                    throw error(path + ".depends_on", "must be a list of step ids, was " + kind(depsValue));
                }
                for (int d = 0; d < list.size(); d++) {
                    String dep = id(path + ".depends_on[" + d + "]", list.get(d));
                    if (dep.equals(id)) {
                        throw error(path + ".depends_on[" + d + "]", "step '" + id + "' depends on itself");
                    }
                    if (deps.contains(dep)) {
                        throw error(path + ".depends_on[" + d + "]", "'" + dep + "' is listed twice");
                    }
                    deps.add(dep);
                }
            }
            String conditionInput = null;
            Object conditionEquals = null;
            if (o.containsKey("condition")) {
                Map<String, Object> c = object(path + ".condition", o.get("condition"), CONDITION_FIELDS);
                conditionInput = id(path + ".condition.input", c.get("input"));
                if (!c.containsKey("equals")) {
                    throw error(path + ".condition.equals", "missing (the value the input must equal)");
                }
                conditionEquals = c.get("equals");
            }
            RetryPolicy retry = o.containsKey("retry") ? retry(path + ".retry", o.get("retry")) : null;
            long latency = o.containsKey("latency_ms")
                    ? wholeNumber(path + ".latency_ms", o.get("latency_ms"), 0, 600_000) : DEFAULT_LATENCY_MS;
            return new Step(id, name, node, action, List.copyOf(deps), conditionInput, conditionEquals, retry, latency);
        }

        RetryPolicy retry(String path, Object value) {
            Map<String, Object> o = object(path, value, RETRY_FIELDS);
            RetryPolicy.Builder b = RetryPolicy.builder();
            if (o.containsKey("max_attempts")) {
                b.maxAttempts((int) wholeNumber(path + ".max_attempts", o.get("max_attempts"), 1, 100));
            }
            if (o.containsKey("initial_backoff_ms")) {
                b.initialBackoff(Duration.ofMillis(wholeNumber(path + ".initial_backoff_ms",
                        o.get("initial_backoff_ms"), 0, 3_600_000)));
            }
            if (o.containsKey("max_backoff_ms")) {
                b.maxBackoff(Duration.ofMillis(wholeNumber(path + ".max_backoff_ms", o.get("max_backoff_ms"), 0,
                        3_600_000)));
            }
            if (o.containsKey("multiplier")) {
                b.multiplier(number(path + ".multiplier", o.get("multiplier"), 1, 1000));
            }
            if (o.containsKey("jitter")) {
                b.jitter(number(path + ".jitter", o.get("jitter"), 0, 1));
            }
            if (o.containsKey("retry_on")) {
                Object on = o.get("retry_on");
                if (!(on instanceof List<?> list) || list.isEmpty()) {
                    throw error(path + ".retry_on", "must be a non-empty list of error categories "
                            + Arrays.toString(ErrorCategory.values()) + ", was " + kind(on));
                }
                List<ErrorCategory> categories = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    Object c = list.get(i);
                    try {
                        categories.add(ErrorCategory.valueOf(String.valueOf(c).toUpperCase(Locale.ROOT)));
                    } catch (IllegalArgumentException e) {
                        throw error(path + ".retry_on[" + i + "]", "unknown error category '" + c + "' (known: "
                                + Arrays.toString(ErrorCategory.values()) + ")");
                    }
                }
                b.retryOn(categories.get(0), categories.subList(1, categories.size()).toArray(ErrorCategory[]::new));
            }
            try {
                return b.build();
            } catch (IllegalStateException e) {
                throw error(path, e.getMessage());
            }
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> object(String path, Object value, Set<String> fields) {
            if (!(value instanceof Map<?, ?> map)) {
                throw error(path, "must be a JSON object, was " + kind(value));
            }
            for (Object key : map.keySet()) {
                if (!fields.contains(key)) {
                    throw error(path.equals("(top level)") ? String.valueOf(key) : path + "." + key,
                            "unknown field (known: " + String.join(", ", new java.util.TreeSet<>(fields)) + ")");
                }
            }
            return (Map<String, Object>) new LinkedHashMap<>((Map<String, Object>) map);
        }

        String id(String path, Object value) {
            if (value == null) {
                throw error(path, "missing");
            }
            if (!(value instanceof String s)) {
                throw error(path, "must be a string, was " + kind(value));
            }
            if (!s.matches("[A-Za-z0-9_][A-Za-z0-9_.:-]{0,199}")) {
                throw error(path, "must be 1 to 200 letters, digits, '_', '.', ':' or '-' (not starting with"
                        + " '.', ':' or '-'), was '" + s + "'");
            }
            return s;
        }

        String optionalText(String path, Object value, String otherwise) {
            if (value == null) {
                return otherwise;
            }
            if (!(value instanceof String s) || s.isBlank()) {
                throw error(path, "must be a non-empty string, was " + kind(value));
            }
            return s;
        }

        long wholeNumber(String path, Object value, long min, long max) {
            if (!(value instanceof Long n)) {
                throw error(path, "must be a whole number, was " + kind(value));
            }
            if (n < min || n > max) {
                throw error(path, "must be within " + min + "-" + max + ", was " + n);
            }
            return n;
        }

        double number(String path, Object value, double min, double max) {
            if (!(value instanceof Number n) || value instanceof java.math.BigInteger) {
                throw error(path, "must be a number, was " + kind(value));
            }
            double d = n.doubleValue();
            if (!(d >= min && d <= max)) {
                throw error(path, "must be within " + min + "-" + max + ", was " + value);
            }
            return d;
        }

        static String kind(Object value) {
            if (value == null) {
                return "null";
            }
            if (value instanceof String s) {
                return "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
            }
            if (value instanceof Map) {
                return "an object";
            }
            if (value instanceof List) {
                return "a list";
            }
            return value instanceof Boolean ? "a boolean (" + value + ")" : "the number " + value;
        }
    }
}
