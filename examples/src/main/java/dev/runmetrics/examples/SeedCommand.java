package dev.runmetrics.examples;

import dev.runmetrics.core.flow.RunOutcome;
import dev.runmetrics.core.flow.WorkflowDefinition;
import dev.runmetrics.core.flow.WorkflowRunner;
import dev.runmetrics.core.flow.example.ExampleWorkflows;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.RunQuery;
import dev.runmetrics.jdbc.JdbcRunStore;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The {@code seed} command: creates example runs of the workflows of the definition files (the
 * bundled {@code examples/workflows/}, or {@code --workflows DIR}) in one workspace of the demo's
 * store (the embedded PostgreSQL of {@code --data-dir}, or {@code --jdbc-url}), waits for them to
 * end and for the store to write them, and prints what it made.
 *
 * <p>Each workflow gets {@code --runs} runs (default {@value #DEFAULT_RUNS}) with varied inputs
 * (records; {@code conditional_workflow}'s mode in turn fast, standard, thorough;
 * {@code data_pipeline}'s source); a {@code --project-id} goes into every run's attributes as
 * {@value #PROJECT_ID}. With {@code --skip-existing} a workflow that already has runs in the
 * workspace gets none. Exit codes: 0 when every run completed, 1 when one did not or the store
 * cannot be reached, 2 for a bad command line.
 *
 * <p>Not thread-safe; one seeding per instance.
 */
public final class SeedCommand {

    /** Runs per workflow when {@code --runs} is not given. */
    public static final int DEFAULT_RUNS = 5;
    /** The run attribute that holds {@code --project-id}. */
    public static final String PROJECT_ID = "project_id";
    private static final List<String> MODES = List.of("fast", "standard", "thorough");
    private static final String ID_PATTERN = "[A-Za-z0-9_][A-Za-z0-9_.:-]{0,199}";

    /** What {@code seed --help} prints. */
    public static final String HELP = """
            usage: java -jar examples/target/runmetrics-examples.jar seed --workspace-id W [flags]

            Creates example runs of the four example workflows (their definition files, examples/workflows/,
            bundled in the jar) in workspace W of the demo's store, waits for them, and prints what it made.
            Run it while no demo runs on the same --data-dir (the embedded PostgreSQL is one process's),
            or against --jdbc-url. The demo's workspaces are ws-acme and ws-globex.

            flags:
              --workspace-id W     the workspace (required): letters, digits, '_', '.', ':', '-'
              --project-id P       put P into each run's attributes as project_id
              --runs N             runs per workflow (default 5; 1-1000)
              --skip-existing      create none for a workflow that already has runs in the workspace
              --workflows DIR      read the definition files (*.json) of DIR instead of the bundled ones
              --latency-scale F    multiply the simulated step latencies by F (default 1; 0.1 = 10x faster)
              --data-dir DIR       the embedded PostgreSQL's data, as the demo's (default ./.runmetrics-demo)
              --jdbc-url URL       use this PostgreSQL instead of the embedded one
              --jdbc-user U        owner role on --jdbc-url (migrates; default: the URL's user)
              --jdbc-password P    its password
              --app-user U         role the store connects as on --jdbc-url (default: --jdbc-user)
              --app-password P     its password
              --help               this text
            """;

    /**
     * The seed command's options.
     *
     * @param workspaceId where the runs go
     * @param projectId the {@value #PROJECT_ID} attribute of every run, or null
     * @param runs runs per workflow
     * @param skipExisting whether a workflow with runs in the workspace is left alone
     * @param workflows the folder of definition files, or null for the bundled ones
     * @param latencyScale multiplies the simulated latencies
     * @param dataDir the embedded PostgreSQL's folder
     * @param jdbcUrl an existing PostgreSQL, or null
     * @param jdbcUser its owner role, or null
     * @param jdbcPassword its password, or null
     * @param appUser the store's role, or null
     * @param appPassword its password, or null
     */
    public record Options(String workspaceId, String projectId, int runs, boolean skipExisting, Path workflows,
            double latencyScale, Path dataDir, String jdbcUrl, String jdbcUser, String jdbcPassword, String appUser,
            String appPassword) {

        /**
         * Parses the command line.
         *
         * @return the options, or null when {@code --help} was asked for
         * @throws DemoOptions.UsageException with a message for people on a bad command line
         */
        public static Options parse(String... args) throws DemoOptions.UsageException {
            String workspaceId = null;
            String projectId = null;
            int runs = DEFAULT_RUNS;
            boolean skipExisting = false;
            Path workflows = null;
            double latencyScale = 1.0;
            Path dataDir = DemoOptions.defaults().dataDir();
            String jdbcUrl = null;
            String jdbcUser = null;
            String jdbcPassword = null;
            String appUser = null;
            String appPassword = null;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--help") || arg.equals("-h")) {
                    return null;
                }
                if (arg.equals("--skip-existing")) {
                    skipExisting = true;
                    continue;
                }
                if (!arg.startsWith("--")) {
                    throw usage("unexpected argument '" + arg + "' (flags start with --)");
                }
                String name = arg;
                String value = null;
                int eq = arg.indexOf('=');
                if (eq > 0) {
                    name = arg.substring(0, eq);
                    value = arg.substring(eq + 1);
                } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    value = args[++i];
                }
                if (!List.of("--workspace-id", "--project-id", "--runs", "--workflows", "--latency-scale", "--data-dir",
                        "--jdbc-url", "--jdbc-user", "--jdbc-password", "--app-user", "--app-password").contains(name)) {
                    throw usage("unknown flag " + name);
                }
                if (value == null) {
                    throw usage(name + " needs a value");
                }
                switch (name) {
                    case "--workspace-id" -> workspaceId = id(name, value);
                    case "--project-id" -> projectId = id(name, value);
                    case "--runs" -> runs = (int) wholeNumber(name, value, 1, 1000);
                    case "--workflows" -> workflows = Path.of(nonBlank(name, value));
                    case "--latency-scale" -> latencyScale = number(name, value, 0, 100);
                    case "--data-dir" -> dataDir = Path.of(nonBlank(name, value));
                    case "--jdbc-url" -> {
                        if (!value.startsWith("jdbc:postgresql:")) {
                            throw usage("--jdbc-url must start with jdbc:postgresql:, was '" + value + "'");
                        }
                        jdbcUrl = value;
                    }
                    case "--jdbc-user" -> jdbcUser = nonBlank(name, value);
                    case "--jdbc-password" -> jdbcPassword = value;
                    case "--app-user" -> appUser = nonBlank(name, value);
                    default -> appPassword = value; // --app-password
                }
            }
            if (workspaceId == null) {
                throw usage("--workspace-id is required (the workspace the runs go into, e.g. ws-acme)");
            }
            if (jdbcUrl == null && (jdbcUser != null || jdbcPassword != null || appUser != null || appPassword != null)) {
                throw usage("--jdbc-user, --jdbc-password, --app-user and --app-password need --jdbc-url");
            }
            return new Options(workspaceId, projectId, runs, skipExisting, workflows, latencyScale, dataDir, jdbcUrl,
                    jdbcUser, jdbcPassword, appUser, appPassword);
        }

        private static DemoOptions.UsageException usage(String message) {
            return new DemoOptions.UsageException(message);
        }

        private static String id(String name, String value) throws DemoOptions.UsageException {
            if (!value.matches(ID_PATTERN)) {
                throw usage(name + " must be 1 to 200 letters, digits, '_', '.', ':' or '-' (not starting with '.',"
                        + " ':' or '-'), was '" + value + "'");
            }
            return value;
        }

        private static String nonBlank(String name, String value) throws DemoOptions.UsageException {
            if (value.isBlank()) {
                throw usage(name + " must not be empty");
            }
            return value.strip();
        }

        private static long wholeNumber(String name, String value, long min, long max)
                throws DemoOptions.UsageException {
            try {
                long v = Long.parseLong(value.strip());
                if (v < min || v > max) {
                    throw usage(name + " must be within " + min + "-" + max + ", was " + value);
                }
                return v;
            } catch (NumberFormatException e) {
                throw usage(name + ": '" + value + "' is not a whole number");
            }
        }

        private static double number(String name, String value, double min, double max)
                throws DemoOptions.UsageException {
            try {
                double v = Double.parseDouble(value.strip());
                if (!(v >= min && v <= max)) {
                    throw usage(name + " must be within " + min + "-" + max + ", was " + value);
                }
                return v;
            } catch (NumberFormatException e) {
                throw usage(name + ": '" + value + "' is not a number");
            }
        }
    }

    /** How long seeding waits for one run to end. */
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

    private final Options options;
    private final PrintStream out;

    private SeedCommand(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** The command line: exits with the code {@link #run(String[], PrintStream, PrintStream)} returns, if not 0. */
    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Parses the command line and seeds.
     *
     * @return 0 when every run completed (or there was nothing to do, or help was printed), 1 when a
     *     run did not complete or seeding failed, 2 for a bad command line
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (DemoOptions.UsageException e) {
            err.println("seed: " + e.getMessage());
            err.println("run with --help to see the flags");
            return 2;
        }
        if (options == null) {
            out.print(HELP);
            return 0;
        }
        List<WorkflowFile> files;
        try {
            files = options.workflows() == null ? WorkflowFile.bundled() : WorkflowFile.readAll(options.workflows());
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err.println("seed: " + e.getMessage());
            return 2;
        }
        try {
            return new SeedCommand(options, out).seed(files);
        } catch (RuntimeException e) {
            err.println("seed: cannot seed: " + e.getMessage());
            return 1;
        }
    }

    private int seed(List<WorkflowFile> files) {
        ExampleWorkflows.Latency latency = scaled(WorkflowFile.latency(files), options.latencyScale());
        ExampleWorkflows.Options stepOptions = ExampleWorkflows.Options.builder().latency(latency).build();
        List<WorkflowDefinition> definitions = files.stream().map(f -> f.toDefinition(stepOptions)).toList();
        String ws = options.workspaceId();
        try (DemoDatabase database = options.jdbcUrl() != null
                ? DemoDatabase.external(options.jdbcUrl(), options.jdbcUser(), options.jdbcPassword(),
                        options.appUser(), options.appPassword(), out)
                : DemoDatabase.embedded(options.dataDir(), out);
                JdbcRunStore store = JdbcRunStore.builder(database.forStore()).build()) {
            RunRecorder recorder = RunRecorder.builder(store).build();
            Map<String, List<CompletableFuture<RunOutcome>>> submitted = new LinkedHashMap<>();
            try (WorkflowRunner runner = WorkflowRunner.builder(recorder, store)
                    .workers(Math.min(64, Math.max(4, options.runs() * 2))).workflows(definitions).build()) {
                for (WorkflowDefinition wf : definitions) {
                    long existing = store.findRuns(ws, RunQuery.latest(wf.id(), 1)).total();
                    if (options.skipExisting() && existing > 0) {
                        out.printf(Locale.ROOT, "  %-22s skipped: %d runs already in workspace %s%n", wf.id(), existing,
                                ws);
                        continue;
                    }
                    List<CompletableFuture<RunOutcome>> ids = new ArrayList<>();
                    for (int i = 0; i < options.runs(); i++) {
                        Map<String, Object> attributes = options.projectId() == null ? Map.of()
                                : Map.of(PROJECT_ID, options.projectId());
                        String runId = runner.submit(ws, wf.id(), input(wf.id(), i), attributes);
                        // taken at once: the runner remembers only so many ended runs
                        ids.add(runner.completion(ws, runId).orElseThrow());
                    }
                    submitted.put(wf.id(), ids);
                }
                int notCompleted = 0;
                for (Map.Entry<String, List<CompletableFuture<RunOutcome>>> e : submitted.entrySet()) {
                    Map<RunStatus, Integer> byStatus = new EnumMap<>(RunStatus.class);
                    for (CompletableFuture<RunOutcome> run : e.getValue()) {
                        RunStatus status = await(run);
                        byStatus.merge(status, 1, Integer::sum);
                        if (status != RunStatus.COMPLETED) {
                            notCompleted++;
                        }
                    }
                    out.printf(Locale.ROOT, "  %-22s %d runs: %s%n", e.getKey(), e.getValue().size(),
                            byStatus.entrySet().stream().map(s -> s.getValue() + " " + s.getKey().name()
                                    .toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
                }
                if (!store.flush(Duration.ofSeconds(60))) {
                    out.println("seed: the store did not write every run within 60 s");
                    return 1;
                }
                int total = submitted.values().stream().mapToInt(List::size).sum();
                out.println("seeded " + total + " runs in workspace " + ws
                        + (options.projectId() == null ? "" : " (project_id " + options.projectId() + ")") + " into "
                        + database);
                if (notCompleted > 0) {
                    out.println("seed: " + notCompleted + " runs did not complete");
                    return 1;
                }
                return 0;
            }
        }
    }

    /** The input of the {@code index}-th seeded run of a workflow: varied, the same at every seeding. */
    static Map<String, Object> input(String workflowId, int index) {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("records", 100 + 250 * index);
        if (workflowId.equals(ExampleWorkflows.CONDITIONAL_WORKFLOW)) {
            input.put("mode", MODES.get(index % MODES.size()));
        }
        if (workflowId.equals(ExampleWorkflows.DATA_PIPELINE)) {
            input.put("source", index % 2 == 0 ? "orders" : "customers");
        }
        return input;
    }

    private static RunStatus await(CompletableFuture<RunOutcome> run) {
        try {
            return run.get(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).status();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a run", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("a run did not end within " + RUN_TIMEOUT, e);
        }
    }

    private static ExampleWorkflows.Latency scaled(ExampleWorkflows.Latency latency, double factor) {
        return (workflowId, stepId) -> Duration.ofNanos(Math.round(latency.of(workflowId, stepId).toNanos() * factor));
    }
}
