package dev.runmetrics.examples;

import dev.runmetrics.core.control.ResumeHandlers;
import dev.runmetrics.core.control.RunActions;
import dev.runmetrics.core.flow.StepInput;
import dev.runmetrics.core.flow.WorkflowRunner;
import dev.runmetrics.core.flow.example.ExampleWorkflows;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.node.ErrorCategory;
import dev.runmetrics.core.node.NodeMetricsCollector;
import dev.runmetrics.core.node.WorkspaceNodeMetrics;
import dev.runmetrics.core.node.RetryPolicy;
import dev.runmetrics.core.record.RunEvent;
import dev.runmetrics.core.record.RunListener;
import dev.runmetrics.core.record.ResourceRecorder;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.StoreHealth;
import dev.runmetrics.core.views.RunViews;
import dev.runmetrics.http.MetricsHttpServer;
import dev.runmetrics.http.Role;
import dev.runmetrics.jdbc.JdbcResourceSampleStore;
import dev.runmetrics.jdbc.JdbcRunStore;
import dev.runmetrics.jdbc.WriterStats;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The demo: an embedded PostgreSQL (or an existing one), the JDBC store, the reference
 * {@link WorkflowRunner} running the four example workflows under a generated load in two
 * workspaces (a steady rate, bursts above the workers' capacity every so often, run priorities
 * 0, 5 and 10), and the HTTP API (and dashboard) with demo tokens; a live status line; a clean stop.
 *
 * <p>Run it with {@code java -jar examples/target/runmetrics-examples.jar demo --help}; embed it
 * (tests do) with {@link #start(DemoOptions, PrintStream)} and {@link #close()}.
 */
public final class DemoServer implements AutoCloseable {

    /** A demo workspace: its id (what the store keys rows by) and its slug (what people type). */
    public record Workspace(String id, String slug, double share) {}

    /** The demo's workspaces and their share of the load. */
    public static final List<Workspace> WORKSPACES = List.of(new Workspace("ws-acme", "acme", 0.6),
            new Workspace("ws-globex", "globex", 0.4));

    /** The workflows the load spreads over, evenly. */
    private static final List<String> WORKFLOW_IDS = List.of(ExampleWorkflows.BASIC_SEQUENCE,
            ExampleWorkflows.PARALLEL_PROCESSING, ExampleWorkflows.CONDITIONAL_WORKFLOW, ExampleWorkflows.DATA_PIPELINE);
    /** Steps that an injected failure hits, per workflow (a step that always runs). */
    private static final Map<String, List<String>> FAILABLE = Map.of(
            ExampleWorkflows.BASIC_SEQUENCE, List.of("process", "finalize"),
            ExampleWorkflows.PARALLEL_PROCESSING, List.of("branch_b", "merge_results"),
            ExampleWorkflows.CONDITIONAL_WORKFLOW, List.of("evaluate_condition", "aggregate_results"),
            ExampleWorkflows.DATA_PIPELINE, List.of("transform_data", "validate_transformation", "load_data"));
    /** The step that waits for approval, per workflow, when a run asks for one. */
    private static final Map<String, String> APPROVAL_STEP = Map.of(
            ExampleWorkflows.BASIC_SEQUENCE, "finalize",
            ExampleWorkflows.PARALLEL_PROCESSING, "merge_results",
            ExampleWorkflows.CONDITIONAL_WORKFLOW, "aggregate_results",
            ExampleWorkflows.DATA_PIPELINE, "load_data");
    /** Steps that "call a model": they get model, tokens and cost attributes. */
    private static final Set<String> MODEL_STEPS = Set.of("process", "branch_a", "standard_process",
            "thorough_process", "transform_data");
    private static final String[] MODELS = {"gpt-4o-mini", "claude-3-5-haiku", "llama-3.1-70b"};
    private static final double[] USD_PER_1K_TOKENS = {0.0006, 0.0008, 0.0009};
    /** Share of runs with an injected, non-retryable step failure (the run fails). */
    static final double FAILURE_SHARE = 0.07;
    /** Share of runs that pause for approval. */
    static final double PAUSE_SHARE = 0.04;
    /** Chance that a step try hits a transient network error (retried by the node's policy). */
    static final double TRANSIENT_ERROR_CHANCE = 0.04;
    /** The run priorities of the load ({@link Run#PRIORITY}, higher first), each with its share of the runs. */
    static final int HIGH_PRIORITY = 10;
    static final double HIGH_PRIORITY_SHARE = 0.05;
    static final int RAISED_PRIORITY = 5;
    static final double RAISED_PRIORITY_SHARE = 0.15;
    /** The first burst comes after this, or after one {@code --burst-every} if that is shorter. */
    static final Duration FIRST_BURST_AFTER = Duration.ofSeconds(30);
    /**
     * A burst's runs are submitted evenly over this long (or over half of {@code --burst-every}
     * if that is shorter): still several times what the workers take, without every worker
     * asking the database for a connection in the same instant.
     */
    static final Duration BURST_SPREAD = Duration.ofSeconds(3);

    private final DemoOptions options;
    private final PrintStream out;
    private final DemoDatabase database;
    private final JdbcRunStore store;
    /** Node metrics per workspace: each workspace's tokens see only the nodes its runs called. */
    private final WorkspaceNodeMetrics nodes;
    private final RunRecorder recorder;
    private final WorkflowRunner runner;
    /** Keeps a resource sample a minute per workspace (scheduled on the timer). */
    private final ResourceRecorder resources;
    private final MetricsHttpServer http;
    private final MicrometerEndpoint micrometer;
    private final DemoTracing tracing;
    /** The LangGraph4j graph of --langgraph, or null. */
    private final DemoLangGraph langGraph;
    /** The Spring Batch job of --spring-batch, or null. */
    private final DemoSpringBatch springBatch;
    private final ScheduledExecutorService scheduler;
    /** The abandoned-run sweep, on its own thread: it reads the store, the status line must not wait for it. */
    private final ScheduledExecutorService sweeper;
    private final ScheduledExecutorService load;
    private final Map<String, Map<Role, String>> tokens;
    private final Counts counts = new Counts();
    private final LongAdder interrupted = new LongAdder();
    private final Set<String> submittedIds = ConcurrentHashMap.newKeySet();
    private final Map<String, LongAdder> submittedPerWorkspace = new ConcurrentHashMap<>();
    private final LongAdder bursts = new LongAdder();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean closed;

    private DemoServer(DemoOptions o, PrintStream out) {
        this.options = o;
        this.out = out;
        this.database = o.jdbcUrl() != null
                ? DemoDatabase.external(o.jdbcUrl(), o.jdbcUser(), o.jdbcPassword(), o.appUser(), o.appPassword(), out)
                : DemoDatabase.embedded(o.dataDir(), out);
        JdbcRunStore s = null;
        ScheduledExecutorService sch = null;
        ScheduledExecutorService sw = null;
        ScheduledExecutorService ld = null;
        WorkflowRunner r = null;
        MetricsHttpServer h = null;
        MicrometerEndpoint m = null;
        DemoTracing tr = null;
        DemoLangGraph lg = null;
        DemoSpringBatch sb = null;
        try {
            // Spills to <data-dir>/spill when the database is down for more than 5 s or the queue is full;
            // a restart replays what is left there.
            s = JdbcRunStore.builder(database.forStore()).spillDirectory(o.dataDir().resolve("spill"),
                    Duration.ofSeconds(5)).build();
            this.store = s;
            this.nodes = WorkspaceNodeMetrics.of(NodeMetricsCollector.builder().windowSize(100));
            AtomicInteger threads = new AtomicInteger();
            sch = Executors.newScheduledThreadPool(1, daemon("runmetrics-demo-timer", threads));
            this.scheduler = sch;
            // Resource samples are kept in the database, a row a minute per workspace: the overview's
            // CPU, memory and database history (and GET /api/v1/resources) survive a restart, and the
            // database load it shows is the latest minute's real figures.
            JdbcResourceSampleStore samples = JdbcResourceSampleStore.builder(s).build();
            // A polled long-range statistic merges its rollups once per 5 s instead of once per request
            // (the setting the HTTP load benchmark meets its target with; see benchmarks/README.md).
            RunViews views = RunViews.builder(s).workerCapacity(o.workers()).resourceSamples(samples)
                    .resultCacheTtl(Duration.ofSeconds(5)).build();

            this.tokens = new LinkedHashMap<>();
            MetricsHttpServer.Builder hb = MetricsHttpServer.builder(s).views(views).nodeMetrics(nodes)
                    .port(o.port()).bindAddress(o.bind());
            for (Workspace w : WORKSPACES) {
                Map<Role, String> byRole = new LinkedHashMap<>();
                for (Role role : List.of(Role.OPERATOR, Role.VIEWER)) {
                    String token = newToken(role, w);
                    byRole.put(role, token);
                    hb.token(token, w.slug() + "-" + role.name().toLowerCase(Locale.ROOT), role, w.id());
                }
                tokens.put(w.slug(), byRole);
                hb.workspaceSlug(w.slug(), w.id());
                submittedPerWorkspace.put(w.id(), new LongAdder());
            }
            RunRecorder.Builder rb = RunRecorder.builder(s).listener(hb.runListener()).listener(counts);
            if (o.micrometerPort() != null) {
                m = MicrometerEndpoint.start(o.bind(), o.micrometerPort(), nodes);
                rb.listener(m.runListener());
            }
            this.micrometer = m;
            tr = o.otel() ? DemoTracing.toLog() : null;
            this.tracing = tr;
            if (tr != null) {
                rb.listener(tr.listener());
            }
            this.recorder = rb.build();
            ExampleWorkflows.Options workflowOptions = ExampleWorkflows.Options.builder()
                    .latency(scaled(ExampleWorkflows.Latency.realistic(), o.latencyScale()))
                    .nodeMetrics(nodes)
                    .retryPolicy(RetryPolicy.builder().maxAttempts(3)
                            .initialBackoff(Duration.ofMillis(Math.max(1, Math.round(200 * o.latencyScale()))))
                            .maxBackoff(Duration.ofSeconds(2))
                            .retryOn(ErrorCategory.NETWORK, ErrorCategory.TIMEOUT).build())
                    .hook(this::beforeStep)
                    .build();
            r = WorkflowRunner.builder(recorder, s).workers(o.workers())
                    .workflows(ExampleWorkflows.all(workflowOptions)).build();
            this.runner = r;
            WorkflowRunner runnerForProbes = r;
            this.resources = ResourceRecorder.builder(samples, s.instanceId())
                    .workspaces(WORKSPACES.stream().map(Workspace::id).toList())
                    .workers(runnerForProbes::busyWorkers, runnerForProbes::workers)
                    .queuedSteps(runnerForProbes::queuedSteps)
                    .database(() -> store.databaseActivity().withPoolSize(database.storePoolSize()))
                    .build();
            resources.scheduleOn(sch);
            // The engines record into the first workspace, through the same recorder and store.
            String enginesWorkspace = WORKSPACES.get(0).id();
            lg = o.langgraph() ? new DemoLangGraph(recorder, s, enginesWorkspace, nodes.collector(enginesWorkspace),
                    o.latencyScale()) : null;
            this.langGraph = lg;
            sb = o.springBatch() ? new DemoSpringBatch(database.jobRepository(), recorder, s, enginesWorkspace,
                    o.latencyScale()) : null;
            this.springBatch = sb;
            if (lg == null && sb == null) {
                hb.resumeHandler(r).pause(r::pause).cancel(r::cancel);
            } else {
                // One resume, pause and cancel for the API: each run's goes to the engine of its workflow.
                ResumeHandlers.ByWorkflow resume = ResumeHandlers.byWorkflow(s).otherwise(r);
                RunActions.ByWorkflow pause = RunActions.byWorkflow(s).otherwise(r::pause);
                RunActions.ByWorkflow cancel = RunActions.byWorkflow(s).otherwise(r::cancel);
                if (lg != null) {
                    resume.route(DemoLangGraph.GRAPH_ID, lg.resumeHandler());
                    cancel.route(DemoLangGraph.GRAPH_ID, lg::cancel); // LangGraph4j pauses only at its interrupts
                    pause.route(DemoLangGraph.GRAPH_ID, (ws, run, reason) -> false);
                }
                if (sb != null) {
                    resume.route(DemoSpringBatch.JOB, sb.resumeHandler());
                    pause.route(DemoSpringBatch.JOB, sb.pause());
                    cancel.route(DemoSpringBatch.JOB, sb.cancel());
                }
                hb.resumeHandler(resume.build()).pause(pause.build()).cancel(cancel.build());
            }
            h = hb.build();
            h.start();
            this.http = h;

            sw = Executors.newSingleThreadScheduledExecutor(daemon("runmetrics-demo-sweep", threads));
            this.sweeper = sw;
            sw.scheduleWithFixedDelay(this::markInterrupted, 0, 30, TimeUnit.SECONDS);
            if (!o.statusInterval().isZero()) {
                long every = o.statusInterval().toMillis();
                sch.scheduleAtFixedRate(() -> out.println(statusLine()), every, every, TimeUnit.MILLISECONDS);
            }
            ld = Executors.newSingleThreadScheduledExecutor(daemon("runmetrics-demo-load", threads));
            this.load = ld;
            if (o.rate() > 0) {
                long periodNanos = Math.max(1_000_000L, Math.round(1e9 / o.rate()));
                ld.scheduleAtFixedRate(this::submitOne, 0, periodNanos, TimeUnit.NANOSECONDS);
                if (!o.burstEvery().isZero()) {
                    long every = o.burstEvery().toNanos();
                    long first = Math.min(every, FIRST_BURST_AFTER.toNanos());
                    ld.scheduleAtFixedRate(this::submitBurst, first, every, TimeUnit.NANOSECONDS);
                }
                if (lg != null || sb != null) {
                    // Each engine as often as each example workflow: the load's rate over the four.
                    long enginePeriod = Math.max(1_000_000L, Math.round(1e9 * WORKFLOW_IDS.size() / o.rate()));
                    ld.scheduleAtFixedRate(this::submitToEngines, enginePeriod / 2, enginePeriod, TimeUnit.NANOSECONDS);
                }
            }
        } catch (RuntimeException | Error e) {
            if (ld != null) {
                ld.shutdownNow();
            }
            if (sw != null) {
                sw.shutdownNow();
            }
            if (sch != null) {
                sch.shutdownNow();
            }
            if (lg != null) {
                lg.close();
            }
            if (sb != null) {
                sb.close();
            }
            if (r != null) {
                r.close();
            }
            if (h != null) {
                h.stop();
            }
            if (m != null) {
                m.close();
            }
            if (tr != null) {
                tr.close();
            }
            if (s != null) {
                s.close();
            }
            database.close();
            throw e;
        }
    }

    /**
     * Starts the demo and prints its summary to {@code out}.
     *
     * @throws IllegalStateException if PostgreSQL or the HTTP server cannot start
     */
    public static DemoServer start(DemoOptions options, PrintStream out) {
        DemoServer demo = new DemoServer(options, out);
        demo.printSummary();
        return demo;
    }

    /** The command line: parse, start, run until the duration is over or Ctrl-C, stop cleanly. */
    public static void main(String[] args) throws InterruptedException {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (DemoOptions.UsageException e) {
            System.err.println("demo: " + e.getMessage());
            System.err.println("run with --help to see the flags");
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.print(DemoOptions.HELP);
            return;
        }
        DemoServer demo;
        try {
            demo = start(options, System.out);
        } catch (RuntimeException e) {
            System.err.println("demo: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(demo::close, "runmetrics-demo-shutdown"));
        if (options.duration() != null) {
            if (!demo.stopped.await(options.duration().toMillis(), TimeUnit.MILLISECONDS)) {
                System.out.println("--duration " + human(options.duration()) + " is over");
                demo.close();
            }
        } else {
            demo.stopped.await();
        }
    }

    // ------------------------------------------------------------------ accessors (tests, embedding)

    /** Returns {@code http://host:port/}. */
    public URI uri() {
        return http.uri();
    }

    /** Returns the demo token of a workspace (by slug) and role. */
    public String token(String slug, Role role) {
        return tokens.get(slug).get(role);
    }

    /** Returns where {@code --micrometer} serves the bridge's Prometheus registry, if it was given. */
    public java.util.Optional<URI> micrometerUri() {
        return java.util.Optional.ofNullable(micrometer).map(MicrometerEndpoint::uri);
    }

    /** Returns the ids of every run the load generator submitted so far. */
    public Set<String> submittedRunIds() {
        return Set.copyOf(submittedIds);
    }

    /** Returns the store (the application role's view of the database). */
    public JdbcRunStore store() {
        return store;
    }

    /** Returns the database's application-role DataSource. */
    public javax.sql.DataSource appDataSource() {
        return database.app();
    }

    /** The embedded PostgreSQL's data directory (tests freeze its processes), or null for --jdbc-url. */
    java.nio.file.Path embeddedDataDirectory() {
        return database.embeddedDataDirectory();
    }

    /** Runs that completed in this session (the status line's count). */
    long completedRuns() {
        return counts.completed.sum();
    }

    /** The recorder of the per-minute resource samples (tests take one at once instead of waiting). */
    ResourceRecorder resourceRecorder() {
        return resources;
    }

    /** Step checkpoints the runner keeps until the store is back. */
    int deferredCheckpoints() {
        return runner.deferredCheckpoints();
    }

    // ------------------------------------------------------------------ load

    private void submitOne() {
        try {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            Workspace ws = pickWorkspace(random.nextDouble());
            String workflowId = WORKFLOW_IDS.get(random.nextInt(WORKFLOW_IDS.size()));
            Map<String, Object> input = new LinkedHashMap<>();
            input.put("records", random.nextInt(50, 5_000));
            if (workflowId.equals(ExampleWorkflows.CONDITIONAL_WORKFLOW)) {
                double m = random.nextDouble();
                input.put("mode", m < 0.5 ? "fast" : m < 0.85 ? "standard" : "thorough");
            }
            if (workflowId.equals(ExampleWorkflows.DATA_PIPELINE)) {
                input.put("source", random.nextBoolean() ? "orders" : "customers");
            }
            double scenario = random.nextDouble();
            if (scenario < FAILURE_SHARE) {
                List<String> steps = FAILABLE.get(workflowId);
                input.put(ExampleWorkflows.FAIL_STEP, steps.get(random.nextInt(steps.size())));
            } else if (scenario < FAILURE_SHARE + PAUSE_SHARE) {
                input.put(ExampleWorkflows.PAUSE_STEP, APPROVAL_STEP.get(workflowId));
            }
            Map<String, Object> attributes = Map.of(Run.USER_ID,
                    ws.slug() + "-user-" + random.nextInt(1, 25), Run.PRIORITY, priority(random.nextDouble()));
            String runId = runner.submit(ws.id(), workflowId, input, attributes);
            submittedIds.add(runId);
            submittedPerWorkspace.get(ws.id()).increment();
        } catch (IllegalStateException closing) {
            // the runner is closing: the load stops with it
        } catch (RuntimeException e) {
            out.println("load generator: " + e); // keep going: one bad submit must not stop the load
        }
    }

    /**
     * A burst: {@link DemoOptions#burstRuns()} runs (by default four times the workers) within
     * {@link #BURST_SPREAD}, each like one of the steady load, so that runs queue and the runner's
     * priorities show.
     */
    private void submitBurst() {
        bursts.increment();
        int runs = options.burstRuns();
        long spread = burstSpread().toNanos();
        try {
            for (int i = 0; i < runs; i++) {
                load.schedule(this::submitOne, spread * i / runs, TimeUnit.NANOSECONDS);
            }
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the load is stopping: the rest of the burst with it
        }
    }

    private Duration burstSpread() {
        return Duration.ofNanos(Math.min(BURST_SPREAD.toNanos(), options.burstEvery().toNanos() / 2));
    }

    /** A run's priority: {@value #HIGH_PRIORITY} for 5% of runs, {@value #RAISED_PRIORITY} for 15%, else 0. */
    static int priority(double u) {
        return u < HIGH_PRIORITY_SHARE ? HIGH_PRIORITY : u < HIGH_PRIORITY_SHARE + RAISED_PRIORITY_SHARE
                ? RAISED_PRIORITY : 0;
    }

    /** One invocation of each engine's workflow; an engine still busy with the previous one skips it. */
    private void submitToEngines() {
        try {
            if (langGraph != null) {
                langGraph.submitOne();
            }
            if (springBatch != null) {
                springBatch.submitOne();
            }
        } catch (RuntimeException e) {
            out.println("load generator (engines): " + e);
        }
    }

    private static Workspace pickWorkspace(double u) {
        double acc = 0;
        for (Workspace w : WORKSPACES) {
            acc += w.share();
            if (u < acc) {
                return w;
            }
        }
        return WORKSPACES.get(WORKSPACES.size() - 1);
    }

    /** Runs before each step try: a transient error now and then, and model usage on "model" steps. */
    private void beforeStep(String workflowId, StepInput in) throws IOException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (random.nextDouble() < TRANSIENT_ERROR_CHANCE) {
            throw new IOException("upstream connection reset (simulated transient error)");
        }
        if (MODEL_STEPS.contains(in.stepId())) {
            int model = random.nextInt(MODELS.length);
            int tokensUsed = random.nextInt(200, 4_000);
            double cost = Math.round(tokensUsed * USD_PER_1K_TOKENS[model] / 1000 * 1e6) / 1e6;
            recorder.stepAttributes(in.workspaceId(), in.runId(), in.stepId(),
                    Map.of(StepRun.MODEL, MODELS[model], StepRun.TOKENS, tokensUsed, StepRun.COST, cost));
        }
    }

    /**
     * Ends the runs a dead process left queued or running (a demo killed with kill -9, or another
     * instance on the same database that crashed) with {@link RunRecorder#failAbandonedRuns}: a live
     * run of another instance whose heartbeat is older than {@link #LEASE} is failed, "interrupted",
     * with the step it was in, so the live view does not show it running forever and an operator
     * can resume it from that step. Runs of this process are left alone, and so are those of live
     * instances (their runner heartbeats every 10 s). Skipped while the store is unavailable or
     * still writing what an outage (or the previous process's spill journal) left: the database
     * then shows old heartbeats of runs that are alive or already ended.
     */
    private void markInterrupted() {
        WriterStats w = store.stats();
        if (w.spilling() || !w.healthy() || !store.health().available()) {
            return;
        }
        for (Workspace ws : WORKSPACES) {
            interrupted.add(recorder.failAbandonedRuns(ws.id(), LEASE));
        }
    }

    /** How old a live run's heartbeat may be before its process counts as dead. */
    static final Duration LEASE = Duration.ofSeconds(60);

    // ------------------------------------------------------------------ output

    private void printSummary() {
        String base = uri().toString();
        String api = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        StringBuilder b = new StringBuilder();
        b.append('\n').append("runmetrics demo is up\n");
        b.append("  dashboard   ").append(base).append('\n');
        b.append("  API         ").append(api).append("/openapi.json (no token needed), ").append(api)
                .append("/health\n");
        b.append("  database    ").append(database).append('\n');
        if (micrometer != null) {
            b.append("  micrometer  ").append(micrometer.uri()).append(" (the Micrometer bridge's Prometheus registry)\n");
        }
        b.append("  load        ").append(options.rate() > 0 ? String.format(Locale.ROOT, "%.1f runs/s", options.rate())
                : "none (--rate 0)").append(" of ").append(String.join(", ", new java.util.TreeSet<>(runner.workflows()
                        .keySet()))).append(" in workspaces ");
        b.append(String.join(", ", WORKSPACES.stream().map(Workspace::slug).toList())).append('\n');
        b.append("              ~").append(Math.round(FAILURE_SHARE * 100)).append("% fail, ~")
                .append(Math.round(PAUSE_SHARE * 100)).append("% pause for approval, ")
                .append(Math.round(TRANSIENT_ERROR_CHANCE * 100)).append("% of step tries hit a retried transient error\n");
        if (options.rate() > 0) {
            b.append("              priority ").append(HIGH_PRIORITY).append(" for ~")
                    .append(Math.round(HIGH_PRIORITY_SHARE * 100)).append("% of runs, ").append(RAISED_PRIORITY)
                    .append(" for ~").append(Math.round(RAISED_PRIORITY_SHARE * 100))
                    .append("%, else 0 (the runner starts higher first)\n");
            b.append("              ").append(options.burstEvery().isZero() ? "no bursts (--burst-every 0)"
                    : "a burst of " + options.burstRuns() + " runs in " + human(burstSpread()) + " ("
                            + options.workers() + " workers) every "
                            + human(options.burstEvery()) + ", the first after "
                            + human(options.burstEvery().compareTo(FIRST_BURST_AFTER) < 0 ? options.burstEvery()
                                    : FIRST_BURST_AFTER)).append('\n');
        }
        String engines = " in workspace " + WORKSPACES.get(0).slug() + ", as often as each example workflow\n";
        if (langGraph != null) {
            b.append("  langgraph4j ").append(langGraph).append(engines);
        }
        if (springBatch != null) {
            b.append("  spring batch ").append(springBatch).append(engines);
        }
        if (tracing != null) {
            b.append("  tracing     ").append(tracing).append('\n');
        }
        if (options.duration() != null) {
            b.append("  stops after ").append(human(options.duration())).append('\n');
        }
        b.append("\ndemo tokens (new at every start; operators may resume, pause and cancel):\n");
        for (Map.Entry<String, Map<Role, String>> e : tokens.entrySet()) {
            for (Map.Entry<Role, String> t : e.getValue().entrySet()) {
                b.append(String.format(Locale.ROOT, "  %-8s %-9s %s%n", e.getKey(),
                        t.getKey().name().toLowerCase(Locale.ROOT), t.getValue()));
            }
        }
        String op = token("acme", Role.OPERATOR);
        b.append("\ntry:\n");
        b.append("  export T=").append(op).append("   # acme operator\n");
        b.append("  curl -s -H \"Authorization: Bearer $T\" -H 'X-Workspace-Slug: acme' '").append(api)
                .append("/api/workflows/data_pipeline/executions?status=failed&limit=5'\n");
        b.append("  curl -s -H \"Authorization: Bearer $T\" -H 'X-Workspace-Slug: acme' '").append(api)
                .append("/api/v1/statistics/execution-times?workflow_id=basic_sequence'\n");
        b.append("  curl -s -H \"Authorization: Bearer $T\" -H 'X-Workspace-Slug: acme' '").append(api)
                .append("/api/v1/execution-metrics?timeframe=1h'\n");
        b.append("  curl -s -X POST -H \"Authorization: Bearer $T\" -H 'X-Workspace-Slug: acme' -H 'Content-Type: "
                + "application/json' \\\n      -d '{\"step_id\":\"transform_data\",\"input_overrides\":{\"fail_step\":null}}' ")
                .append(api).append("/api/workflows/executions/$RUN/resume\n");
        b.append("  # $RUN: the id of a failed data_pipeline run from the first command (its failed step is named in"
                + " GET .../executions/$RUN)\n");
        if (langGraph != null) {
            b.append("  # a failed ").append(DemoLangGraph.GRAPH_ID).append(" run (LangGraph4j): -d '{\"step_id\":\"")
                    .append(DemoLangGraph.FAILING_NODE).append("\",\"input_overrides\":{\"amount\":90}}'\n");
        }
        if (springBatch != null) {
            b.append("  # a failed ").append(DemoSpringBatch.JOB).append(" run (Spring Batch restart): -d '{\"step_id\":"
                    + "\"transform\",\"input_overrides\":{\"fail_step\":null}}' (or \"load\", the step that failed)\n");
        }
        b.append("\nCtrl-C stops it cleanly (the writer drains first)")
                .append(options.statusInterval().isZero() ? ".\n"
                        : "; a status line follows every " + human(options.statusInterval()) + ".\n");
        out.print(b);
        out.flush();
    }

    /** The live one-line status. */
    public String statusLine() {
        WriterStats w = store.stats();
        StringBuilder perWs = new StringBuilder();
        for (Workspace ws : WORKSPACES) {
            perWs.append(perWs.length() == 0 ? "" : " ").append(ws.slug()).append(' ')
                    .append(submittedPerWorkspace.get(ws.id()).sum());
        }
        StoreHealth health = store.health();
        int deferred = runner.deferredCheckpoints();
        return String.format(Locale.ROOT, "[%tT] submitted %d (%s) | running %d | steps queued %d | bursts %d"
                + " | completed %d | failed %d | paused %d"
                + " | cancelled %d | resumed %d | writer queue %d, written %d%s", System.currentTimeMillis(),
                submittedIds.size(), perWs, runner.runsInFlight(), runner.queuedSteps(), bursts.sum(),
                counts.completed.sum(), counts.failed.sum(),
                counts.paused.sum(), counts.cancelled.sum(), counts.resumed.sum(), w.queueDepth(), w.written(),
                w.healthy() ? "" : " (database failing: retrying)")
                + (w.spilling() || w.spillBacklog() > 0 ? String.format(Locale.ROOT, " | spill journal %d snapshots,"
                        + " %.1f MB", w.spillBacklog(), w.spillBytes() / 1e6) : "")
                + (deferred > 0 ? " | checkpoints waiting " + deferred : "")
                + (health.available() ? "" : " | DATABASE UNAVAILABLE since " + health.since() + ": " + health.reason())
                + (interrupted.sum() > 0 ? " | marked interrupted " + interrupted.sum() : "")
                + (langGraph != null ? " | langgraph4j " + langGraph.submitted() : "")
                + (springBatch != null ? " | spring batch " + springBatch.submitted() : "");
    }

    // ------------------------------------------------------------------ stop

    /**
     * Stops cleanly: the load, then the runs in flight (given a few seconds to end, then
     * cancelled), the store (its writer drains: nothing accepted is lost), HTTP and PostgreSQL.
     * Prints what was drained. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            out.println("\nstopping: load generator");
            // shutdown, not shutdownNow: interrupting a submit in progress would abandon its writes
            load.shutdown();
            awaitQuietly(() -> load.awaitTermination(5, TimeUnit.SECONDS));
            if (langGraph != null) {
                out.println("stopping: LangGraph4j graph (waiting for invocations in flight)");
                langGraph.close(Duration.ofSeconds(5));
            }
            if (springBatch != null) {
                out.println("stopping: Spring Batch job (waiting for the execution in flight)");
                springBatch.close(Duration.ofSeconds(5));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (runner.runsInFlight() > 0 && System.nanoTime() < deadline) {
                sleepQuietly(50);
            }
            int inFlight = runner.runsInFlight();
            out.println("stopping: workflow runner" + (inFlight > 0 ? " (cancelling " + inFlight + " runs in flight)" : ""));
            runner.close();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (runner.runsInFlight() > 0 && System.nanoTime() < deadline) {
                sleepQuietly(20);
            }
            sweeper.shutdown(); // likewise: let a sweep in progress finish its writes
            scheduler.shutdown();
            awaitQuietly(() -> sweeper.awaitTermination(5, TimeUnit.SECONDS));
            awaitQuietly(() -> scheduler.awaitTermination(5, TimeUnit.SECONDS));
            if (tracing != null) {
                out.println("stopping: tracing (flushing queued spans)");
                tracing.close();
            }
            WriterStats before = store.stats();
            out.println("stopping: store (draining " + before.queueDepth() + " queued writes)");
            store.close();
            WriterStats after = store.stats();
            out.printf(Locale.ROOT, "drained %d queued writes: %d written in this session, %d dropped, %d failed%s%n",
                    before.queueDepth(), after.written(), after.dropped(), after.failed(), after.spillBacklog() > 0
                            ? "; " + after.spillBacklog() + " kept in the spill journal for the next start" : "");
            out.println("stopping: HTTP server and database");
            try {
                http.stop();
            } catch (RuntimeException e) {
                // Jetty gives requests in flight 2 s; past that it says so, and the database must stop anyway
                out.println("HTTP server: " + e.getMessage());
            }
            if (micrometer != null) {
                micrometer.close();
            }
            database.close();
            out.println(statusLine());
            out.println("stopped: " + submittedIds.size() + " runs submitted in this session are stored; start again"
                    + (options.jdbcUrl() == null ? " with the same --data-dir" : " on the same database")
                    + " to continue the history");
            out.flush();
        } finally {
            stopped.countDown();
        }
    }

    // ------------------------------------------------------------------ helpers

    private static String newToken(Role role, Workspace w) {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        String prefix = role == Role.OPERATOR ? "op" : "view";
        return "demo-" + prefix + "-" + w.slug() + "-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    /** 90 s as "1m30s", 500 ms as "500ms". */
    static String human(Duration d) {
        if (d.toMillis() < 1000) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        StringBuilder b = new StringBuilder();
        if (s >= 3600) {
            b.append(s / 3600).append('h');
        }
        if (s % 3600 >= 60) {
            b.append(s % 3600 / 60).append('m');
        }
        if (s % 60 > 0 || b.length() == 0) {
            b.append(s % 60).append('s');
        }
        return b.toString();
    }

    private static ExampleWorkflows.Latency scaled(ExampleWorkflows.Latency latency, double factor) {
        return (workflowId, stepId) -> Duration.ofNanos(Math.round(latency.of(workflowId, stepId).toNanos() * factor));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name, AtomicInteger counter) {
        return task -> {
            Thread t = new Thread(task, name + "-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private interface Interruptible {
        boolean run() throws InterruptedException;
    }

    private static void awaitQuietly(Interruptible wait) {
        try {
            wait.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Counts run outcomes for the status line; only increments, so it never slows the recorder. */
    private static final class Counts implements RunListener {
        final LongAdder completed = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder paused = new LongAdder();
        final LongAdder cancelled = new LongAdder();
        final LongAdder resumed = new LongAdder();

        @Override
        public void onEvent(RunEvent event) {
            switch (event.type()) {
                case RUN_COMPLETED -> completed.increment();
                case RUN_FAILED, RUN_TIMEOUT -> failed.increment();
                case RUN_PAUSED -> paused.increment();
                case RUN_CANCELLED -> cancelled.increment();
                case RUN_RESUMED -> resumed.increment();
                default -> {
                }
            }
        }
    }
}
