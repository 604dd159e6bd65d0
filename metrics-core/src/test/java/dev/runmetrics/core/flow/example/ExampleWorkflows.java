package dev.runmetrics.core.flow.example;

import dev.runmetrics.core.flow.PauseRequest;
import dev.runmetrics.core.flow.StepCondition;
import dev.runmetrics.core.flow.StepDefinition;
import dev.runmetrics.core.flow.StepInput;
import dev.runmetrics.core.flow.WorkflowDefinition;
import dev.runmetrics.core.node.NodeConfig;
import dev.runmetrics.core.node.NodeFunction;
import dev.runmetrics.core.node.NodeMetricsCollector;
import dev.runmetrics.core.node.WorkspaceNodeMetrics;
import dev.runmetrics.core.node.RetryPolicy;
import dev.runmetrics.core.node.Sleeper;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The four example workflows (basic_sequence, parallel_processing, conditional_workflow, data_pipeline) as runnable definitions, with small deterministic work
 * and simulated latency, for tests, the demo and the README.
 *
 * <ul>
 *   <li>{@value #BASIC_SEQUENCE}: initialize → process → finalize;
 *   <li>{@value #PARALLEL_PROCESSING}: data_preparation → branch_a, branch_b, branch_c (in
 *       parallel) → merge_results;
 *   <li>{@value #CONDITIONAL_WORKFLOW}: evaluate_condition → fast_process ({@code mode == 'fast'}),
 *       standard_process ({@code mode == 'standard'}), thorough_process ({@code mode == 'thorough'})
 *       → aggregate_results;
 *   <li>{@value #DATA_PIPELINE}: validate_source → extract_data → transform_data →
 *       validate_transformation → load_data → post_load_validation → cleanup.
 * </ul>
 *
 * <p><b>Input</b> (all optional): {@code records} (integer, default 100) is the amount of data
 * each step reports having handled; {@code mode} picks the conditional branch;
 * {@value #FAIL_STEP} names a step (or a list of steps) that fails with an
 * {@link IllegalStateException}; {@value #PAUSE_STEP} names a step that pauses (returns a
 * {@link PauseRequest}) unless the input has {@value #APPROVED}{@code : true}. A resume with the
 * override {@code {"fail_step": null}} or {@code {"approved": true}} therefore lets the step pass.
 *
 * <p>Each step first waits its simulated latency on the configured {@link Sleeper} (tests pass
 * {@link Latency#none()} or a sleeper that moves a fake clock), then calls the {@link StepHook}
 * (tests count calls or fail steps on demand), then does its work. Outputs are small JSON objects
 * derived from the input and the dependencies' outputs, so a test can check them value by value.
 *
 * <p>The work of each step is an <b>action</b> named after the step ({@link #actions()}); the
 * definitions here and the definition files of the examples module ({@code examples/workflows/})
 * build their steps from the same actions through {@link #work} and {@link #nodeConfig}, so a
 * workflow read from a file runs exactly like its Java twin.
 *
 * <p>Stateless; the definitions are immutable and thread-safe.
 */
public final class ExampleWorkflows {

    /** The basic_sequence workflow's id. */
    public static final String BASIC_SEQUENCE = "basic_sequence";
    /** The parallel_processing workflow's id. */
    public static final String PARALLEL_PROCESSING = "parallel_processing";
    /** The conditional_workflow workflow's id. */
    public static final String CONDITIONAL_WORKFLOW = "conditional_workflow";
    /** The data_pipeline workflow's id. */
    public static final String DATA_PIPELINE = "data_pipeline";

    /** Input key: the id of a step, or a list of ids, that fail. */
    public static final String FAIL_STEP = "fail_step";
    /** Input key: the id of a step that pauses for approval. */
    public static final String PAUSE_STEP = "pause_step";
    /** Input key: {@code true} lets the step named by {@value #PAUSE_STEP} pass. */
    public static final String APPROVED = "approved";

    private ExampleWorkflows() {
    }

    /** Returns the four workflows, basic_sequence, parallel_processing, conditional_workflow, data_pipeline. */
    public static List<WorkflowDefinition> all(Options options) {
        return List.of(basicSequence(options), parallelProcessing(options), conditionalWorkflow(options),
                dataPipeline(options));
    }

    /** Returns basic_sequence: initialize → process → finalize. */
    public static WorkflowDefinition basicSequence(Options o) {
        String wf = BASIC_SEQUENCE;
        return WorkflowDefinition.builder(wf).name("Basic Sequence")
                .step(step(o, wf, "initialize", "Initialize"))
                .step(step(o, wf, "process", "Process").dependsOn("initialize"))
                .step(step(o, wf, "finalize", "Finalize").dependsOn("process"))
                .build();
    }

    /** Returns parallel_processing: data_preparation → branch_a/b/c in parallel → merge_results. */
    public static WorkflowDefinition parallelProcessing(Options o) {
        String wf = PARALLEL_PROCESSING;
        WorkflowDefinition.Builder b = WorkflowDefinition.builder(wf).name("Parallel Processing")
                .step(step(o, wf, "data_preparation", "Data Preparation"));
        for (String branch : BRANCHES) {
            b.step(step(o, wf, "branch_" + branch, "Branch " + branch.toUpperCase(Locale.ROOT))
                    .dependsOn("data_preparation"));
        }
        return b.step(step(o, wf, "merge_results", "Merge Results").dependsOn("branch_a", "branch_b", "branch_c"))
                .build();
    }

    /** Returns conditional_workflow: evaluate_condition → one process by {@code mode} → aggregate_results. */
    public static WorkflowDefinition conditionalWorkflow(Options o) {
        String wf = CONDITIONAL_WORKFLOW;
        WorkflowDefinition.Builder b = WorkflowDefinition.builder(wf).name("Conditional Workflow")
                .step(step(o, wf, "evaluate_condition", "Evaluate Condition"));
        for (String mode : MODES.keySet()) {
            String name = Character.toUpperCase(mode.charAt(0)) + mode.substring(1) + " Process";
            b.step(step(o, wf, mode + "_process", name).dependsOn("evaluate_condition")
                    .condition(StepCondition.inputEquals("mode", mode)));
        }
        return b.step(step(o, wf, "aggregate_results", "Aggregate Results")
                .dependsOn("fast_process", "standard_process", "thorough_process")).build();
    }

    /** Returns data_pipeline: a seven-step ETL. */
    public static WorkflowDefinition dataPipeline(Options o) {
        String wf = DATA_PIPELINE;
        return WorkflowDefinition.builder(wf).name("Data Pipeline")
                .step(step(o, wf, "validate_source", "Validate Source"))
                .step(step(o, wf, "extract_data", "Extract Data").dependsOn("validate_source"))
                .step(step(o, wf, "transform_data", "Transform Data").dependsOn("extract_data"))
                .step(step(o, wf, "validate_transformation", "Validate Transformation").dependsOn("transform_data"))
                .step(step(o, wf, "load_data", "Load Data").dependsOn("validate_transformation"))
                .step(step(o, wf, "post_load_validation", "Post-Load Validation").dependsOn("load_data"))
                .step(step(o, wf, "cleanup", "Cleanup").dependsOn("post_load_validation"))
                .build();
    }

    // ------------------------------------------------------------------ the step actions

    private static final String[] BRANCHES = {"a", "b", "c"};
    /** The conditional branches and the quality each reports, in definition order. */
    private static final Map<String, Double> MODES = orderedMap("fast", 0.8, "standard", 0.9, "thorough", 0.99);
    private static final Map<String, NodeFunction<StepInput, Object>> ACTIONS = actionTable();

    /**
     * Returns the names of the step actions: the work of each step of the four workflows, named
     * after the step that does it in the Java definitions ({@code initialize}, {@code branch_a},
     * {@code fast_process}, …). A workflow read from a definition file names one per step.
     */
    public static Set<String> actions() {
        return ACTIONS.keySet();
    }

    /**
     * Returns the work of a step as every example step does it: the simulated latency (by
     * workflow and step id), the hook, the {@value #FAIL_STEP} and {@value #PAUSE_STEP} input
     * knobs (by step id), then the named action's work.
     *
     * @param o the options (latency, sleeper, hook)
     * @param workflowId the workflow, as the latency and the hook see it
     * @param stepId the step, as the latency and the failure knobs see it
     * @param action one of {@link #actions()}
     * @throws IllegalArgumentException if there is no such action
     */
    public static NodeFunction<StepInput, Object> work(Options o, String workflowId, String stepId, String action) {
        NodeFunction<StepInput, Object> body = ACTIONS.get(action);
        if (body == null) {
            throw new IllegalArgumentException("unknown action '" + action + "' (known: " + ACTIONS.keySet() + ")");
        }
        return in -> {
            o.sleeper.sleep(o.latency.of(workflowId, stepId));
            o.hook.beforeStep(workflowId, in);
            if (named(in.value(FAIL_STEP), stepId)) {
                throw new IllegalStateException("injected failure in step '" + stepId + "'");
            }
            if (stepId.equals(in.value(PAUSE_STEP)) && !Boolean.TRUE.equals(in.value(APPROVED))) {
                return PauseRequest.of("step '" + stepId + "' waits for approval");
            }
            return body.apply(in);
        };
    }

    /**
     * Returns the node configuration of an example step: the options' retry policy, sleeper and
     * node metrics.
     *
     * @param o the options
     * @param nodeName the node's name ({@code <workflow id>.<step id>} in the Java definitions)
     */
    public static NodeConfig.Builder nodeConfig(Options o, String nodeName) {
        NodeConfig.Builder config = NodeConfig.builder(nodeName).retryPolicy(o.retryPolicy).sleeper(o.sleeper);
        if (o.metricsCollector != null) {
            config.metricsCollector(o.metricsCollector);
        } else if (o.nodeMetrics != null) {
            config.metrics(o.nodeMetrics);
        }
        return config;
    }

    private static StepDefinition.Builder step(Options o, String workflowId, String stepId, String name) {
        return StepDefinition.builder(stepId, work(o, workflowId, stepId, stepId)).name(name)
                .nodeConfig(nodeConfig(o, workflowId + "." + stepId).build());
    }

    private static Map<String, NodeFunction<StepInput, Object>> actionTable() {
        Map<String, NodeFunction<StepInput, Object>> a = new LinkedHashMap<>();
        // basic_sequence
        a.put("initialize", in -> Map.of("records", records(in), "initialized", true));
        a.put("process", in -> Map.of(
                "processed_records", number(in.output("initialize"), "records"), "results", "success"));
        a.put("finalize", in -> Map.of("finalized", true, "total", number(in.output("process"), "processed_records")));
        // parallel_processing
        a.put("data_preparation", in -> Map.of("records", records(in), "partitions", 3));
        for (int i = 0; i < BRANCHES.length; i++) {
            int index = i;
            String branch = BRANCHES[i];
            a.put("branch_" + branch, in -> {
                long total = number(in.output("data_preparation"), "records");
                long share = total / 3 + (index == 2 ? total % 3 : 0); // the last branch takes the remainder
                return Map.of("branch", branch, "processed", share);
            });
        }
        a.put("merge_results", in -> {
            long total = 0;
            for (String branch : BRANCHES) {
                total += number(in.output("branch_" + branch), "processed");
            }
            return Map.of("total_processed", total, "branches", in.outputs().size());
        });
        // conditional_workflow
        a.put("evaluate_condition", in -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("mode", in.value("mode"));
            out.put("records", records(in));
            return out;
        });
        for (Map.Entry<String, Double> m : MODES.entrySet()) {
            String mode = m.getKey();
            double quality = m.getValue();
            a.put(mode + "_process", in -> Map.of("strategy", mode, "quality", quality,
                    "records", number(in.output("evaluate_condition"), "records")));
        }
        a.put("aggregate_results", in -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("strategies", List.copyOf(in.outputs().keySet()));
            for (Object value : in.outputs().values()) {
                out.put("quality", ((Map<?, ?>) value).get("quality"));
            }
            return out;
        });
        // data_pipeline
        a.put("validate_source", in -> Map.of(
                "source", in.input().getOrDefault("source", "orders"), "valid", true, "rows", records(in)));
        a.put("extract_data", in -> Map.of("rows_extracted", number(in.output("validate_source"), "rows")));
        a.put("transform_data", in -> {
            long rows = number(in.output("extract_data"), "rows_extracted");
            long dropped = rows / 20; // 5% of rows are rejected by the transformation
            return Map.of("rows_transformed", rows - dropped, "rows_dropped", dropped);
        });
        a.put("validate_transformation", in -> Map.of(
                "valid", true, "rows", number(in.output("transform_data"), "rows_transformed")));
        a.put("load_data", in -> Map.of("rows_loaded", number(in.output("validate_transformation"), "rows")));
        a.put("post_load_validation", in -> Map.of("verified", true, "rows", number(in.output("load_data"), "rows_loaded")));
        a.put("cleanup", in -> Map.of("cleaned", true));
        return Collections.unmodifiableMap(a);
    }

    private static <V> Map<String, V> orderedMap(String k1, V v1, String k2, V v2, String k3, V v3) {
        Map<String, V> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        m.put(k3, v3);
        return Collections.unmodifiableMap(m);
    }

    private static boolean named(Object value, String stepId) {
        return stepId.equals(value) || (value instanceof Collection<?> c && c.contains(stepId));
    }

    private static long records(StepInput in) {
        Object v = in.value("records");
        return v instanceof Number n ? n.longValue() : 100L;
    }

    private static long number(Object output, String key) {
        Object v = output instanceof Map<?, ?> m ? m.get(key) : null;
        return v instanceof Number n ? n.longValue() : 0L;
    }

    /** Called before each step's work: tests count calls or fail a step by throwing. Thread-safe. */
    @FunctionalInterface
    public interface StepHook {
        /**
         * @param workflowId the workflow
         * @param input the step's input ({@link StepInput#stepId()} names the step)
         * @throws Exception to fail this try of the step
         */
        void beforeStep(String workflowId, StepInput input) throws Exception;
    }

    /** The simulated latency of each step. Thread-safe. */
    @FunctionalInterface
    public interface Latency {
        /** Returns how long the step takes this time; never negative. */
        Duration of(String workflowId, String stepId);

        /** Returns no latency at all (tests). */
        static Latency none() {
            return (workflowId, stepId) -> Duration.ZERO;
        }

        /**
         * Returns latencies like those of real work: a base per step (80 ms for cleanup to 1.2 s
         * for transform_data) varied uniformly by ±30% each time.
         */
        static Latency realistic() {
            return around(REALISTIC_BASE_MS);
        }

        /**
         * The base latency of each step of {@link #realistic()}, in milliseconds, by step id (a
         * step not named here: 200 ms).
         */
        Map<String, Long> REALISTIC_BASE_MS = Map.ofEntries(Map.entry("initialize", 150L),
                Map.entry("process", 600L), Map.entry("finalize", 100L), Map.entry("data_preparation", 300L),
                Map.entry("branch_a", 500L), Map.entry("branch_b", 700L), Map.entry("branch_c", 400L),
                Map.entry("merge_results", 200L), Map.entry("evaluate_condition", 50L),
                Map.entry("fast_process", 200L), Map.entry("standard_process", 600L),
                Map.entry("thorough_process", 1500L), Map.entry("aggregate_results", 150L),
                Map.entry("validate_source", 100L), Map.entry("extract_data", 800L),
                Map.entry("transform_data", 1200L), Map.entry("validate_transformation", 200L),
                Map.entry("load_data", 900L), Map.entry("post_load_validation", 300L), Map.entry("cleanup", 80L));

        /**
         * Returns latencies around a base per step id (200 ms for a step not in the map), varied
         * uniformly by ±30% each time.
         *
         * @param baseMs the base latency in milliseconds by step id; copied
         */
        static Latency around(Map<String, Long> baseMs) {
            Map<String, Long> base = Map.copyOf(baseMs);
            return (workflowId, stepId) -> {
                long ms = base.getOrDefault(stepId, 200L);
                double factor = 0.7 + 0.6 * ThreadLocalRandom.current().nextDouble();
                return Duration.ofMillis(Math.round(ms * factor));
            };
        }
    }

    /** How the example steps behave: latency, sleeper, hook, node metrics and retries. Immutable. */
    public static final class Options {
        private final Latency latency;
        private final Sleeper sleeper;
        private final StepHook hook;
        private final NodeMetricsCollector metricsCollector;
        private final WorkspaceNodeMetrics nodeMetrics;
        private final RetryPolicy retryPolicy;

        private Options(Builder b) {
            this.nodeMetrics = b.nodeMetrics;
            this.latency = b.latency;
            this.sleeper = b.sleeper;
            this.hook = b.hook;
            this.metricsCollector = b.metricsCollector;
            this.retryPolicy = b.retryPolicy;
        }

        /** Returns realistic latencies on the system sleeper, no hook, no collector, no retry. */
        public static Options defaults() {
            return builder().build();
        }

        /** Returns a builder whose defaults are those of {@link #defaults()}. */
        public static Builder builder() {
            return new Builder();
        }

        @Override
        public String toString() {
            return "ExampleWorkflows.Options{retryPolicy=" + retryPolicy + ", metricsCollector="
                    + (metricsCollector == null ? "none" : "set") + "}";
        }

        /** Builds {@link Options}. Each setter checks its argument at once. Not thread-safe. */
        public static final class Builder {
            private Latency latency = Latency.realistic();
            private Sleeper sleeper = Sleeper.system();
            private StepHook hook = (workflowId, input) -> { };
            private NodeMetricsCollector metricsCollector;
            private WorkspaceNodeMetrics nodeMetrics;
            private RetryPolicy retryPolicy = RetryPolicy.none();

            private Builder() {
            }

            /** @throws NullPointerException if null */
            public Builder latency(Latency latency) {
                this.latency = Objects.requireNonNull(latency, "latency");
                return this;
            }

            /** Sets what waits the latency and the retry backoffs. @throws NullPointerException if null */
            public Builder sleeper(Sleeper sleeper) {
                this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
                return this;
            }

            /** @throws NullPointerException if null */
            public Builder hook(StepHook hook) {
                this.hook = Objects.requireNonNull(hook, "hook");
                return this;
            }

            /** Records every step's node into this collector. @throws NullPointerException if null */
            public Builder metricsCollector(NodeMetricsCollector collector) {
                this.metricsCollector = Objects.requireNonNull(collector, "collector");
                return this;
            }

            /**
             * Records every step's node into the collector of the workspace its run belongs to.
             * @throws NullPointerException if null
             */
            public Builder nodeMetrics(WorkspaceNodeMetrics metrics) {
                this.nodeMetrics = Objects.requireNonNull(metrics, "metrics");
                return this;
            }

            /** @throws NullPointerException if null */
            public Builder retryPolicy(RetryPolicy policy) {
                this.retryPolicy = Objects.requireNonNull(policy, "policy");
                return this;
            }

            /** Builds the options. */
            public Options build() {
                return new Options(this);
            }
        }
    }
}
