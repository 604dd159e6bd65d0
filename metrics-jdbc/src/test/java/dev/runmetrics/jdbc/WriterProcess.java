package dev.runmetrics.jdbc;

import dev.runmetrics.core.flow.WorkflowRunner;
import dev.runmetrics.core.flow.example.ExampleWorkflows;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepSpec;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.ResumeClaim;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The child process of {@link SeveralProcessesTest}: one JVM with its own {@link JdbcRunStore}
 * and {@link RunRecorder} (both under the instance id it is given) on a PostgreSQL that other
 * processes write to as well. It prints {@code ready} once it is connected and, unless told
 * otherwise, waits for a line {@code go} on stdin, so that the test can start several at the same
 * instant; every other output line is one of the results below.
 *
 * <p>Arguments are {@code key=value} pairs: {@code url} (a JDBC URL without credentials),
 * {@code user}, {@code password}, {@code instance}, {@code mode}, and per mode:
 * <ul>
 *   <li>{@code record}: records {@code runs} runs ({@link #plan the plan below}) on {@code threads}
 *       threads into the comma-separated {@code workspaces}, flushes, prints one line
 *       {@code ending <ws> <workflow> <status> <n>} per ended attempts and
 *       {@code step <ws> <node> <status> <n>} per ended step rows, then {@code runs <ws> <n>} and
 *       {@code done}, and exits. With {@code owner} and {@code ownerPassword} it first migrates the
 *       schema and grants {@code user}, as every process of a host starting at once would.
 *   <li>{@code hold}: submits {@code runs} data_pipeline runs to a {@link WorkflowRunner}
 *       (heartbeat every {@code heartbeatMillis}) in {@code workspace}, whose transform_data step
 *       never returns; once every run is inside that step and stored, prints
 *       {@code holding <runId>,...} and then lives (heartbeating) until it is killed.
 *   <li>{@code claim}: {@link JdbcRunStore#claimResume claims} run {@code run} of {@code workspace}
 *       at attempt {@code attempt}, prints {@code outcome <Claimed|Conflict|NotFound>}; the winner
 *       then completes the new attempt as a host's orchestrator would (runResumed, runStarted,
 *       runCompleted), flushes, and every process prints {@code done} and exits.
 * </ul>
 */
public final class WriterProcess {

    /** Steps of each recorded run: node names, shared by the workflows. */
    static final List<String> NODES = List.of("fetch", "transform", "store");
    static final List<String> WORKFLOWS = List.of("wf-orders", "wf-billing", "wf-reports");

    private WriterProcess() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        String instance = a.get("instance");
        if (a.containsKey("owner")) {
            PGSimpleDataSource owner = dataSource(a.get("url"), a.get("owner"), a.get("ownerPassword"));
            awaitGo(a);
            SchemaMigrator.migrate(owner);
            SchemaMigrator.grantAppRole(owner, a.get("user"));
            a.put("nowait", "true");
        }
        PGSimpleDataSource app = dataSource(a.get("url"), a.get("user"), a.get("password"));
        JdbcRunStore store = JdbcRunStore.builder(app).instanceId(instance).build();
        RunRecorder recorder = RunRecorder.builder(store).instanceId(instance).build();
        switch (a.get("mode")) {
            case "record" -> {
                awaitGo(a);
                record(recorder, store, Arrays.asList(a.get("workspaces").split(",")), Integer.parseInt(a.get("runs")),
                        Integer.parseInt(a.get("threads")));
                store.close();
            }
            case "hold" -> hold(recorder, store, a.get("workspace"), Integer.parseInt(a.get("runs")),
                    Duration.ofMillis(Long.parseLong(a.get("heartbeatMillis"))));
            case "claim" -> {
                // Connected and warmed up before ready, so that the claims race from the same start.
                store.findRun(a.get("workspace"), a.get("run")).orElseThrow();
                awaitGo(a);
                claim(recorder, store, a.get("workspace"), a.get("run"), Integer.parseInt(a.get("attempt")));
                store.close();
            }
            default -> throw new IllegalArgumentException("unknown mode " + a.get("mode"));
        }
        System.out.println("done");
        System.out.flush();
        System.exit(0);
    }

    static PGSimpleDataSource dataSource(String url, String user, String password) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        ds.setUser(user);
        ds.setPassword(password);
        ds.setSocketTimeout(60);
        return ds;
    }

    /** Prints {@code ready} and waits for {@code go} on stdin (unless already past that). */
    private static void awaitGo(Map<String, String> a) throws Exception {
        if (a.containsKey("nowait")) {
            return;
        }
        System.out.println("ready");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null;) {
            if (line.equals("go")) {
                a.put("nowait", "true");
                return;
            }
        }
        throw new IllegalStateException("stdin closed before go");
    }

    // ------------------------------------------------------------------ record

    /**
     * What run {@code i} does, by {@code i % 20}: 3 and 13 fail at transform (store skipped), and
     * 3 is then resumed by this process from transform and completes as attempt 2; 7 retries
     * transform once and completes; 11 is cancelled at transform; the others complete. Every run
     * heartbeats after its first step.
     */
    private static void plan(RunRecorder r, JdbcRunStore store, String ws, int i, Tally tally) {
        String wf = WORKFLOWS.get(i % WORKFLOWS.size());
        String runId = r.runQueued(ws, wf, null, Map.of("i", i));
        r.runStarted(ws, runId);
        StepSpec fetch = new StepSpec("fetch", "Fetch", 0, NODES.get(0));
        StepSpec transform = new StepSpec("transform", "Transform", 1, NODES.get(1));
        StepSpec save = new StepSpec("store", "Store", 2, NODES.get(2));
        r.stepQueued(ws, runId, fetch, null);
        r.stepStarted(ws, runId, fetch, null);
        r.stepCompleted(ws, runId, "fetch", Map.of("rows", i));
        tally.step(ws, fetch, RunStatus.COMPLETED);
        r.heartbeat(ws, runId);
        r.stepStarted(ws, runId, transform, null);
        int kind = i % 20;
        if (kind == 3 || kind == 13) {
            r.stepFailed(ws, runId, "transform", "bad row " + i, "VALIDATION");
            r.stepSkipped(ws, runId, save, "upstream failed");
            r.runFailed(ws, runId, "transform failed");
            tally.step(ws, transform, RunStatus.FAILED);
            tally.step(ws, save, RunStatus.SKIPPED);
            tally.ending(ws, wf, RunStatus.FAILED);
            if (kind == 3) {
                ResumeClaim claim = store.claimResume(ws, runId, 1, r.instanceId(), r.now());
                if (!(claim instanceof ResumeClaim.Claimed claimed)) {
                    throw new IllegalStateException("own resume of " + runId + " not claimed: " + claim);
                }
                r.runResumed(ws, claimed.run());
                r.runStarted(ws, runId);
                r.stepStarted(ws, runId, transform, null);
                r.stepCompleted(ws, runId, "transform", Map.of("rows", i));
                r.stepStarted(ws, runId, save, null);
                r.stepCompleted(ws, runId, "store", Map.of("rows", i));
                r.runCompleted(ws, runId, Map.of("rows", i));
                tally.step(ws, transform, RunStatus.COMPLETED);
                tally.step(ws, save, RunStatus.COMPLETED);
                tally.ending(ws, wf, RunStatus.COMPLETED);
            }
        } else if (kind == 11) {
            r.stepCancelled(ws, runId, "transform", "operator");
            r.runCancelled(ws, runId, "operator");
            tally.step(ws, transform, RunStatus.CANCELLED);
            tally.ending(ws, wf, RunStatus.CANCELLED);
        } else {
            if (kind == 7) {
                r.stepRetried(ws, runId, "transform", "reset", "NETWORK");
                r.stepStarted(ws, runId, transform, null);
            }
            r.stepCompleted(ws, runId, "transform", Map.of("rows", i));
            r.stepStarted(ws, runId, save, null);
            r.stepCompleted(ws, runId, "store", Map.of("rows", i));
            r.runCompleted(ws, runId, Map.of("rows", i));
            tally.step(ws, transform, RunStatus.COMPLETED);
            tally.step(ws, save, RunStatus.COMPLETED);
            tally.ending(ws, wf, RunStatus.COMPLETED);
        }
        tally.run(ws);
    }

    /** What this process recorded, counted as it went. */
    private static final class Tally {
        final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

        void step(String ws, StepSpec step, RunStatus status) {
            add("step " + ws + " " + step.nodeName() + " " + status.wireName());
        }

        void ending(String ws, String wf, RunStatus status) {
            add("ending " + ws + " " + wf + " " + status.wireName());
        }

        void run(String ws) {
            add("runs " + ws);
        }

        private void add(String key) {
            counts.computeIfAbsent(key, k -> new LongAdder()).increment();
        }
    }

    private static void record(RunRecorder recorder, JdbcRunStore store, List<String> workspaces, int runs,
            int threads) throws Exception {
        Tally tally = new Tally();
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            Thread w = new Thread(() -> {
                try {
                    for (int i = first; i < runs; i += threads) {
                        plan(recorder, store, workspaces.get(i % workspaces.size()), i, tally);
                    }
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }, "recording-" + t);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("recording failed", failures.get(0));
        }
        if (recorder.counters().rejectedCalls() != 0 || recorder.counters().storeFailures() != 0) {
            throw new IllegalStateException("the recorder rejected or failed calls: " + recorder.counters());
        }
        if (!store.flush(Duration.ofSeconds(60))) {
            throw new IllegalStateException("not flushed: " + store.stats());
        }
        new TreeMap<>(tally.counts).forEach((k, n) -> System.out.println(k + " " + n.sum()));
    }

    // ------------------------------------------------------------------ hold

    private static void hold(RunRecorder recorder, JdbcRunStore store, String ws, int runs, Duration heartbeat)
            throws Exception {
        CountDownLatch inside = new CountDownLatch(runs);
        CountDownLatch never = new CountDownLatch(1);
        ExampleWorkflows.Options options = ExampleWorkflows.Options.builder()
                .latency(ExampleWorkflows.Latency.none()).hook((wf, in) -> {
                    if (in.stepId().equals("transform_data")) {
                        inside.countDown();
                        never.await(); // mid-run until SIGKILL
                    }
                }).build();
        WorkflowRunner runner = WorkflowRunner.builder(recorder, store).workers(runs + 1).heartbeatEvery(heartbeat)
                .workflow(ExampleWorkflows.dataPipeline(options)).build();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            ids.add(runner.submit(ws, ExampleWorkflows.DATA_PIPELINE, Map.of("records", 1000 + i)));
        }
        if (!inside.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the runs did not reach transform_data");
        }
        if (!store.flush(Duration.ofSeconds(30))) {
            throw new IllegalStateException("not flushed: " + store.stats());
        }
        System.out.println("holding " + String.join(",", ids));
        System.out.flush();
        never.await();
    }

    // ------------------------------------------------------------------ claim

    private static void claim(RunRecorder recorder, JdbcRunStore store, String ws, String runId, int attempt) {
        ResumeClaim claim = store.claimResume(ws, runId, attempt, recorder.instanceId(), recorder.now());
        System.out.println("outcome " + claim.getClass().getSimpleName());
        System.out.flush();
        if (claim instanceof ResumeClaim.Claimed claimed) {
            recorder.runResumed(ws, claimed.run());
            recorder.runStarted(ws, runId);
            recorder.runCompleted(ws, runId, Map.of("completed_by", recorder.instanceId()));
            if (!store.flush(Duration.ofSeconds(30))) {
                throw new IllegalStateException("not flushed: " + store.stats());
            }
        }
    }
}
