package dev.runmetrics.langgraph4j;

import static java.util.concurrent.CompletableFuture.completedFuture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bsc.langgraph4j.StateGraph.END;
import static org.bsc.langgraph4j.StateGraph.START;
import static org.bsc.langgraph4j.action.AsyncEdgeAction.edge_async;
import static org.bsc.langgraph4j.action.AsyncNodeAction.node_async;

import dev.runmetrics.core.control.ResumeResult;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.node.ErrorCategory;
import dev.runmetrics.core.node.NodeMetricsCollector;
import dev.runmetrics.core.node.RetryPolicy;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.ResumeAudit;
import dev.runmetrics.core.store.ResumeOutcome;
import dev.runmetrics.core.store.RunStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bsc.langgraph4j.CompileConfig;
import org.bsc.langgraph4j.CompiledGraph;
import org.bsc.langgraph4j.GraphInput;
import org.bsc.langgraph4j.GraphStateException;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.StateGraph;
import org.bsc.langgraph4j.checkpoint.MemorySaver;
import org.bsc.langgraph4j.state.AgentState;
import org.bsc.langgraph4j.state.Channel;
import org.bsc.langgraph4j.state.Channels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The adapter's rules, on real LangGraph4j graphs, against one store; subclasses pick the store.
 * Every graph keeps a {@code log} channel (an appender, which drops duplicates) of the nodes that ran, so a test can tell
 * what LangGraph4j did apart from what was recorded.
 */
abstract class GraphMetricsContract {

    /** A workspace of its own per test, so that tests sharing a database do not see each other's runs. */
    final String WS = "ws-" + java.util.UUID.randomUUID().toString().substring(0, 8);

    RunStore store;
    RunRecorder recorder;
    NodeMetricsCollector collector;
    GraphMetrics metrics;
    final ExecutorService pool = Executors.newFixedThreadPool(4);

    /** Returns a fresh store for one test. */
    abstract RunStore newStore();

    /** Makes every accepted write of the store readable (a write-behind store flushes). */
    abstract void settle();

    @BeforeEach
    void setUp() {
        store = newStore();
        recorder = RunRecorder.builder(store).build();
        collector = NodeMetricsCollector.create();
        metrics = builder().build();
    }

    GraphMetrics.Builder builder() {
        return GraphMetrics.builder(recorder, store).workspace(WS).collector(collector);
    }

    @AfterEach
    void tearDown() throws Exception {
        metrics.close();
        pool.shutdownNow();
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    // ------------------------------------------------------------------ graphs

    static Map<String, Channel<?>> channels() {
        return Map.of("log", Channels.appender(ArrayList::new));
    }

    static StateGraph<AgentState> graph() {
        return new StateGraph<>(channels(), AgentState::new);
    }

    /** A node that appends its name to the log and puts {@code extra}. */
    static org.bsc.langgraph4j.action.AsyncNodeAction<AgentState> logs(String name, Object... extra) {
        return node_async(state -> {
            Map<String, Object> update = new java.util.LinkedHashMap<>();
            update.put("log", name);
            for (int i = 0; i + 1 < extra.length; i += 2) {
                update.put((String) extra[i], extra[i + 1]);
            }
            return update;
        });
    }

    static StateGraph<AgentState> linear() throws GraphStateException {
        return graph().addNode("fetch", logs("fetch", "rows", 3)).addNode("transform", logs("transform", "clean", true))
                .addNode("load", logs("load")).addEdge(START, "fetch").addEdge("fetch", "transform")
                .addEdge("transform", "load").addEdge("load", END);
    }

    static CompileConfig named(String id) {
        return CompileConfig.builder().graphId(id).build();
    }

    static CompileConfig saved(String id, String... interruptBefore) {
        return CompileConfig.builder().graphId(id).checkpointSaver(new MemorySaver()).interruptBefore(interruptBefore)
                .build();
    }

    static RunnableConfig thread(String id) {
        return RunnableConfig.builder().threadId(id).build();
    }

    List<StepRun> steps(String runId) {
        settle();
        return store.findSteps(WS, runId);
    }

    Run run(String runId) {
        settle();
        return store.findRun(WS, runId).orElseThrow();
    }

    static StepRun step(List<StepRun> steps, String id, int attempt) {
        return steps.stream().filter(s -> s.stepId().equals(id) && s.attempt() == attempt).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + id + " in attempt " + attempt + ": " + steps));
    }

    static long ms(StepRun step) {
        return step.executionTime().orElseThrow().toMillis();
    }

    static List<String> ids(List<StepRun> steps, int attempt) {
        return steps.stream().filter(s -> s.attempt() == attempt).map(StepRun::stepId).toList();
    }

    static List<Object> log(Optional<AgentState> state) {
        return state.orElseThrow().<List<Object>>value("log").orElseThrow();
    }

    GraphRun<?> awaitResumed(String runId) throws Exception {
        return metrics.completion(WS, runId).orElseThrow().get(20, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------ tests

    @Test
    void linearSequenceIsOneRunWithOneCompletedStepPerNodeInOrder() throws Exception {
        MeteredGraph<AgentState> app = metrics.compile(linear(), named("etl"));
        GraphRun<AgentState> done = app.run(GraphInput.args(Map.of("source", "s3")), RunnableConfig.builder().build());
        Optional<AgentState> plain = linear().compile(named("etl")).invoke(Map.of("source", "s3"));

        assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(done.state().orElseThrow().data()).isEqualTo(plain.orElseThrow().data());
        Run run = run(done.runId());
        assertThat(run.workflowId()).isEqualTo("etl");
        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(run.inputSummary()).containsEntry("source", "s3");
        assertThat(run.resultsSummary()).containsEntry("rows", 3L).containsEntry("clean", true);
        List<StepRun> steps = steps(done.runId());
        assertThat(ids(steps, 1)).containsExactly("fetch", "transform", "load");
        assertThat(steps).extracting(StepRun::stepOrder).containsExactly(1, 2, 3);
        assertThat(steps).allSatisfy(s -> {
            assertThat(s.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(s.queuedAt()).isNotNull();
            assertThat(s.startedAt()).isAfterOrEqualTo(s.queuedAt());
            assertThat(s.completedAt()).isAfterOrEqualTo(s.startedAt());
        });
        assertThat(step(steps, "fetch", 1).completedAt()).isBeforeOrEqualTo(step(steps, "transform", 1).startedAt());
        assertThat(step(steps, "fetch", 1).outputSummary()).containsEntry("rows", 3L);
        assertThat(collector.getNodeMetrics("transform").successCount()).isEqualTo(1);
    }

    @Test
    void invokeReturnsWhatTheCompiledGraphReturns() throws Exception {
        MeteredGraph<AgentState> app = metrics.compile(linear(), named("etl"));
        Optional<AgentState> metered = app.invoke(Map.of("source", "s3"));
        Optional<AgentState> plain = linear().compile(named("etl")).invoke(Map.of("source", "s3"));

        assertThat(metered.orElseThrow().data()).isEqualTo(plain.orElseThrow().data());
        assertThat(log(metered)).containsExactly("fetch", "transform", "load");
    }

    @Test
    void conditionalEdgeRecordsOnlyTheNodesTakenAndARepeatedNodeAsANewStep() throws Exception {
        StateGraph<AgentState> loop = graph()
                .addNode("draft", node_async(s -> {
                    long drafts = s.<Long>value("drafts").orElse(0L) + 1;
                    return Map.of("log", "draft " + drafts, "drafts", drafts);
                }))
                .addNode("publish", logs("publish")).addNode("discard", logs("discard"))
                .addEdge(START, "draft")
                .addConditionalEdges("draft", edge_async(s -> s.<Long>value("drafts").orElse(0L) < 2 ? "again" : "good"),
                        Map.of("again", "draft", "good", "publish", "bad", "discard"))
                .addEdge("publish", END).addEdge("discard", END);
        MeteredGraph<AgentState> app = metrics.compile(loop, named("review"));

        GraphRun<AgentState> done = app.run(GraphInput.args(Map.of()), RunnableConfig.builder().build());

        assertThat(log(done.state())).containsExactly("draft 1", "draft 2", "publish");
        List<StepRun> steps = steps(done.runId());
        assertThat(ids(steps, 1)).containsExactlyInAnyOrder("draft", "draft#2", "publish");
        assertThat(step(steps, "draft#2", 1).nodeName()).isEqualTo("draft");
        assertThat(collector.getNodeMetrics("draft").successCount()).isEqualTo(2);
    }

    @Test
    void parallelBranchesAreStepsOfTheirOwnTimedWhileTheyRunConcurrently() throws Exception {
        StateGraph<AgentState> fanOut = graph().addNode("split", logs("split"))
                .addNode("slow", sleeping("slow", 300)).addNode("fast", sleeping("fast", 20))
                .addNode("join", logs("join"))
                .addEdge(START, "split").addEdge("split", "slow").addEdge("split", "fast")
                .addEdge("slow", "join").addEdge("fast", "join").addEdge("join", END);
        MeteredGraph<AgentState> app = metrics.compile(fanOut, named("fan_out"));

        GraphRun<AgentState> done = app.run(GraphInput.args(Map.of()),
                RunnableConfig.builder().addParallelNodeExecutor("split", pool).build());

        assertThat(log(done.state())).containsExactlyInAnyOrder("split", "slow", "fast", "join");
        List<StepRun> steps = steps(done.runId());
        assertThat(ids(steps, 1)).containsExactlyInAnyOrder("split", "slow", "fast", "join");
        StepRun slow = step(steps, "slow", 1);
        StepRun fast = step(steps, "fast", 1);
        assertThat(ms(slow)).isGreaterThanOrEqualTo(300);
        assertThat(ms(fast)).isGreaterThanOrEqualTo(20).isLessThan(ms(slow));
        assertThat(fast.startedAt()).isBefore(slow.completedAt());   // they overlapped
        assertThat(slow.startedAt()).isBefore(fast.completedAt());
        assertThat(step(steps, "join", 1).startedAt()).isAfterOrEqualTo(slow.completedAt());
        assertThat(collector.getNodeMetrics("slow").successCount()).isEqualTo(1);
    }

    /** An asynchronous node that completes after {@code ms} on another thread. */
    static org.bsc.langgraph4j.action.AsyncNodeAction<AgentState> sleeping(String name, long ms) {
        return state -> CompletableFuture.supplyAsync(() -> Map.of("log", name),
                CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS));
    }

    @Test
    void asyncNodeIsTimedUntilItsFutureCompletes() throws Exception {
        StateGraph<AgentState> g = graph().addNode("call_model", sleeping("call_model", 80))
                .addEdge(START, "call_model").addEdge("call_model", END);
        GraphRun<AgentState> done = metrics.compile(g, named("agent")).run(GraphInput.args(Map.of()),
                RunnableConfig.builder().build());

        assertThat(ms(step(steps(done.runId()), "call_model", 1))).isGreaterThanOrEqualTo(80);
        assertThat(collector.getNodeMetrics("call_model").lastExecutionMs()).isGreaterThanOrEqualTo(80.0);
    }

    @Test
    void subgraphNodesAreStepsOfTheSameRunNamedByPath() throws Exception {
        StateGraph<AgentState> review = graph().addNode("lint", logs("review/lint")).addNode("score", logs("review/score"))
                .addEdge(START, "lint").addEdge("lint", "score").addEdge("score", END);
        CompiledGraph<AgentState> check = graph().addNode("scan", logs("check/scan")).addNode("report", logs("check/report"))
                .addEdge(START, "scan").addEdge("scan", "report").addEdge("report", END).compile();
        StateGraph<AgentState> parent = graph().addNode("intake", logs("intake")).addNode("review", review)
                .addNode("check", check).addNode("merge", logs("merge"))
                .addEdge(START, "intake").addEdge("intake", "review").addEdge("review", "check")
                .addEdge("check", "merge").addEdge("merge", END);
        MeteredGraph<AgentState> app = metrics.compile(parent, named("pull_request"));

        GraphRun<AgentState> done = app.run(GraphInput.args(Map.of()), RunnableConfig.builder().build());

        assertThat(log(done.state())).containsExactly("intake", "review/lint", "review/score", "check/scan",
                "check/report", "merge");
        List<StepRun> steps = steps(done.runId());
        assertThat(ids(steps, 1)).containsExactly("intake", "review/lint", "review/score", "check/scan", "check/report",
                "merge");
        assertThat(steps).extracting(StepRun::status).containsOnly(RunStatus.COMPLETED);
        assertThat(steps).extracting(StepRun::stepOrder).isSorted().doesNotContain(0);
        assertThat(run(done.runId()).status()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void nodeThatFailsOnceIsRetriedByItsPolicyAndTheRetryIsRecorded() throws Exception {
        metrics.close();
        metrics = builder().retry("fetch", RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ZERO).build())
                .build();
        AtomicInteger tries = new AtomicInteger();
        StateGraph<AgentState> g = graph().addNode("fetch", node_async(s -> {
            if (tries.incrementAndGet() == 1) {
                throw new IOException("connection reset");
            }
            return Map.of("log", "fetch");
        })).addEdge(START, "fetch").addEdge("fetch", END);

        GraphRun<AgentState> done = metrics.compile(g, named("import")).run(GraphInput.args(Map.of()),
                RunnableConfig.builder().build());

        assertThat(tries).hasValue(2);
        assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
        StepRun fetch = step(steps(done.runId()), "fetch", 1);
        assertThat(fetch.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(fetch.retryCount()).isEqualTo(1);
        assertThat(collector.getNodeMetrics("fetch").failureCount()).isEqualTo(1);
        assertThat(collector.getNodeMetrics("fetch").networkErrors()).isEqualTo(1);
        assertThat(collector.getNodeMetrics("fetch").retryCount()).isEqualTo(1);
        assertThat(collector.getNodeMetrics("fetch").successCount()).isEqualTo(1);
        // One call that needed two tries: it succeeded, so the per-call failure rate is 0.
        assertThat(collector.getNodeMetrics("fetch").callCount()).isEqualTo(1);
        assertThat(collector.getNodeMetrics("fetch").failedCallCount()).isZero();
        assertThat(collector.getNodeMetrics("fetch").callsByAttempts().get(1)).isEqualTo(1);
        assertThat(collector.getNodeMetrics("fetch").callFailureRate()).isZero();
    }

    @Test
    void failingNodeFailsItsStepAndTheRunWithItsCategoryAndTheCallerGetsTheGraphsOwnException() throws Exception {
        IllegalArgumentException bad = new IllegalArgumentException("amount must be positive");
        StateGraph<AgentState> g = graph().addNode("validate", logs("validate"))
                .addNode("charge", node_async(s -> {
                    throw bad;
                })).addEdge(START, "validate").addEdge("validate", "charge").addEdge("charge", END);
        MeteredGraph<AgentState> app = metrics.compile(g, named("payment"));

        Throwable thrown = catchThrowable(() -> app.invoke(Map.of("amount", -1)));
        CompiledGraph<AgentState> uninstrumented = g.compile();
        Throwable plain = catchThrowable(() -> uninstrumented.invoke(Map.of("amount", -1)));

        assertThat(thrown).isNotNull().hasSameClassAs(plain).hasRootCause(bad);
        assertThat(rootCause(thrown)).isSameAs(bad);
        settle();
        Run run = store.findRuns(WS, dev.runmetrics.core.store.RunQuery.latest("payment", 1)).items().get(0);
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.errorMessage()).contains("charge").contains("amount must be positive");
        StepRun charge = step(steps(run.runId()), "charge", 1);
        assertThat(charge.status()).isEqualTo(RunStatus.FAILED);
        assertThat(charge.errorCategory()).isEqualTo(ErrorCategory.VALIDATION.name());
        assertThat(charge.errorMessage()).contains("amount must be positive");
        assertThat(collector.getNodeMetrics("charge").validationErrors()).isEqualTo(1);
    }

    static Throwable catchThrowable(Runnable call) {
        try {
            call.run();
            return null;
        } catch (Throwable e) {
            return e;
        }
    }

    static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** validate → charge (fails above the limit, counted) → ship; with a checkpoint saver. */
    StateGraph<AgentState> payment(AtomicInteger validations, AtomicInteger charges) throws GraphStateException {
        return graph().addNode("validate", node_async(s -> {
            validations.incrementAndGet();
            return Map.of("log", "validate");
        })).addNode("charge", node_async(s -> {
            charges.incrementAndGet();
            long amount = ((Number) s.value("amount").orElseThrow()).longValue();
            if (amount > 100) {
                throw new IllegalStateException("card limit exceeded for " + amount);
            }
            return Map.of("log", "charge", "charged", amount);
        })).addNode("ship", logs("ship", "shipped", true))
                .addEdge(START, "validate").addEdge("validate", "charge").addEdge("charge", "ship").addEdge("ship", END);
    }

    @Test
    @SuppressWarnings("unchecked")
    void failedRunResumedFromTheFailedNodeWithAnOverrideFinishesWithTheRightState() throws Exception {
        AtomicInteger validations = new AtomicInteger();
        AtomicInteger charges = new AtomicInteger();
        MeteredGraph<AgentState> app = metrics.compile(payment(validations, charges), saved("payment"));
        assertThatThrownBy(() -> app.invoke(Map.of("amount", 500), thread("order-1")));
        settle();
        String runId = store.findRuns(WS, dev.runmetrics.core.store.RunQuery.latest("payment", 1)).items().get(0).runId();

        ResumeResult result = metrics.resume(WS, "alice", runId, "charge", Map.of("amount", 50));

        assertThat(result).isEqualTo(new ResumeResult.Accepted(runId, "charge", 2));
        GraphRun<?> resumed = awaitResumed(runId);
        assertThat(resumed.status()).isEqualTo(RunStatus.COMPLETED);
        Map<String, Object> state = resumed.output().orElseThrow().state().data();
        assertThat(((Number) state.get("amount")).longValue()).isEqualTo(50);
        assertThat(((Number) state.get("charged")).longValue()).isEqualTo(50);
        assertThat(state).containsEntry("shipped", true);
        assertThat((List<Object>) state.get("log")).containsExactly("validate", "charge", "ship");
        assertThat(validations).hasValue(1);            // the checkpoint kept its result
        assertThat(charges).hasValue(2);
        Run run = run(runId);
        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(run.attempt()).isEqualTo(2);
        List<StepRun> steps = steps(runId);
        assertThat(ids(steps, 1)).containsExactly("validate", "charge");
        assertThat(step(steps, "charge", 1).status()).isEqualTo(RunStatus.FAILED);
        assertThat(ids(steps, 2)).containsExactly("charge", "ship");
        assertThat(steps.stream().filter(s -> s.attempt() == 2)).extracting(StepRun::status)
                .containsOnly(RunStatus.COMPLETED);
        assertThat(store.findResumeAudit(WS, runId)).singleElement().satisfies(a -> {
            assertThat(a.outcome()).isEqualTo(ResumeOutcome.ACCEPTED);
            assertThat(a.actor()).isEqualTo("alice");
            assertThat(a.attempt()).isEqualTo(2);
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void interruptBeforeANodeIsAPausedStepAndResumeContinuesFromIt() throws Exception {
        StateGraph<AgentState> g = graph().addNode("draft", logs("draft"))
                .addNode("approve", node_async(s -> Map.of("log", "approve",
                        "approved_by", s.value("approver").orElse("nobody"))))
                .addNode("send", logs("send"))
                .addEdge(START, "draft").addEdge("draft", "approve").addEdge("approve", "send").addEdge("send", END);
        MeteredGraph<AgentState> app = metrics.compile(g, saved("mail", "approve"));

        GraphRun<AgentState> paused = app.run(GraphInput.args(Map.of()), thread("mail-1"));

        assertThat(paused.status()).isEqualTo(RunStatus.PAUSED);
        assertThat(log(paused.state())).containsExactly("draft");
        assertThat(run(paused.runId()).status()).isEqualTo(RunStatus.PAUSED);
        StepRun approve = step(steps(paused.runId()), "approve", 1);
        assertThat(approve.status()).isEqualTo(RunStatus.PAUSED);
        assertThat(approve.startedAt()).isNull();
        assertThat(approve.errorMessage()).isEqualTo("interrupted before 'approve'");

        ResumeResult result = metrics.resume(WS, "bob", paused.runId(), "approve", Map.of("approver", "bob"));

        assertThat(result.accepted()).isTrue();
        GraphRun<?> done = awaitResumed(paused.runId());
        assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(done.output().orElseThrow().state().data()).containsEntry("approved_by", "bob");
        assertThat((List<Object>) done.output().orElseThrow().state().data().get("log"))
                .containsExactly("draft", "approve", "send");
        assertThat(ids(steps(paused.runId()), 2)).containsExactly("approve", "send");
        assertThat(run(paused.runId()).status()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void ofTwoConcurrentResumesExactlyOneWinsAndBothAreAudited() throws Exception {
        MeteredGraph<AgentState> app = metrics.compile(payment(new AtomicInteger(), new AtomicInteger()),
                saved("payment"));
        assertThatThrownBy(() -> app.invoke(Map.of("amount", 500), thread("order-2")));
        settle();
        String runId = store.findRuns(WS, dev.runmetrics.core.store.RunQuery.latest("payment", 1)).items().get(0).runId();

        CountDownLatch go = new CountDownLatch(1);
        List<Future<ResumeResult>> answers = new ArrayList<>();
        for (String actor : List.of("alice", "bob")) {
            answers.add(pool.submit(() -> {
                go.await();
                return metrics.resume(WS, actor, runId, "charge", Map.of("amount", 10));
            }));
        }
        go.countDown();
        List<ResumeResult> results = new CopyOnWriteArrayList<>();
        for (Future<ResumeResult> answer : answers) {
            results.add(answer.get(20, TimeUnit.SECONDS));
        }

        assertThat(results).filteredOn(ResumeResult::accepted).hasSize(1);
        assertThat(results).filteredOn(r -> !r.accepted()).singleElement()
                .satisfies(r -> assertThat(((ResumeResult.Refused) r).reason()).isIn(ResumeResult.Reason.CONFLICT,
                        ResumeResult.Reason.RUN_ACTIVE));
        assertThat(awaitResumed(runId).status()).isEqualTo(RunStatus.COMPLETED);
        List<ResumeAudit> audit = store.findResumeAudit(WS, runId);
        assertThat(audit).hasSize(2);
        assertThat(audit).filteredOn(a -> a.outcome() == ResumeOutcome.ACCEPTED).hasSize(1);
        assertThat(run(runId).attempt()).isEqualTo(2);
    }

    @Test
    void resumeIsRefusedForACompletedRunAnUnknownStepAndAGraphWithoutCheckpoints() throws Exception {
        MeteredGraph<AgentState> etl = metrics.compile(linear(), named("etl"));
        GraphRun<AgentState> completed = etl.run(GraphInput.args(Map.of()), RunnableConfig.builder().build());
        settle();
        assertThat(refusal(metrics.resume(WS, "alice", completed.runId(), "load", null)))
                .isEqualTo(ResumeResult.Reason.RUN_NOT_RESUMABLE);

        MeteredGraph<AgentState> pay = metrics.compile("unsaved_payment",
                payment(new AtomicInteger(), new AtomicInteger()), CompileConfig.builder().build());
        assertThatThrownBy(() -> pay.invoke(Map.of("amount", 500)));
        settle();
        String failed = store.findRuns(WS, dev.runmetrics.core.store.RunQuery.latest("unsaved_payment", 1)).items()
                .get(0).runId();
        assertThat(refusal(metrics.resume(WS, "alice", failed, "no_such_node", null)))
                .isEqualTo(ResumeResult.Reason.NOT_FOUND);
        ResumeResult unsaved = metrics.resume(WS, "alice", failed, "charge", null);
        assertThat(refusal(unsaved)).isEqualTo(ResumeResult.Reason.RUN_NOT_RESUMABLE);
        assertThat(((ResumeResult.Refused) unsaved).message()).contains("checkpoint saver");
        assertThat(store.findResumeAudit(WS, failed)).extracting(ResumeAudit::outcome)
                .containsOnly(ResumeOutcome.REFUSED).hasSize(2);
    }

    @Test
    void theCompiledGraphInvokedDirectlyRecordsNothing() throws Exception {
        MeteredGraph<AgentState> app = metrics.compile(linear(), named("etl"));

        Optional<AgentState> state = app.compiled().invoke(Map.of());

        assertThat(log(state)).containsExactly("fetch", "transform", "load");
        settle();
        assertThat(store.findRuns(WS, dev.runmetrics.core.store.RunQuery.latest("etl", 10)).total()).isZero();
        assertThat(collector.getNodeMetrics("fetch").totalExecutions()).isZero();
    }

    @Test
    void aGraphCompiledTwiceRecordsEachNodeOnce() throws Exception {
        StateGraph<AgentState> shared = linear();
        MeteredGraph<AgentState> first = metrics.compile("etl_a", shared, CompileConfig.builder().build());
        MeteredGraph<AgentState> second = metrics.compile("etl_b", shared, CompileConfig.builder().build());

        GraphRun<AgentState> a = first.run(GraphInput.args(Map.of()), RunnableConfig.builder().build());
        GraphRun<AgentState> b = second.run(GraphInput.args(Map.of()), RunnableConfig.builder().build());

        assertThat(ids(steps(a.runId()), 1)).containsExactly("fetch", "transform", "load");
        assertThat(ids(steps(b.runId()), 1)).containsExactly("fetch", "transform", "load");
        assertThat(run(b.runId()).workflowId()).isEqualTo("etl_b");
        assertThat(collector.getNodeMetrics("fetch").successCount()).isEqualTo(2);
    }

    @Test
    void interruptAfterANodePausesBeforeTheNextOneAndResumeRunsIt() throws Exception {
        StateGraph<AgentState> g = graph().addNode("plan", logs("plan", "steps", 2)).addNode("execute", logs("execute"))
                .addEdge(START, "plan").addEdge("plan", "execute").addEdge("execute", END);
        CompileConfig config = CompileConfig.builder().graphId("planner").checkpointSaver(new MemorySaver())
                .interruptAfter("plan").build();
        MeteredGraph<AgentState> app = metrics.compile(g, config);

        GraphRun<AgentState> paused = app.run(GraphInput.args(Map.of()), thread("plan-1"));

        assertThat(paused.status()).isEqualTo(RunStatus.PAUSED);
        List<StepRun> steps = steps(paused.runId());
        assertThat(step(steps, "plan", 1).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(step(steps, "execute", 1).status()).isEqualTo(RunStatus.PAUSED);
        assertThat(step(steps, "execute", 1).errorMessage()).isEqualTo("interrupted after 'plan'");
        assertThat(run(paused.runId()).errorMessage()).isEqualTo("interrupted after 'plan'");

        assertThat(metrics.resume(WS, "carol", paused.runId(), "execute", null).accepted()).isTrue();
        GraphRun<?> done = awaitResumed(paused.runId());
        assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(ids(steps(paused.runId()), 2)).containsExactly("execute");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFailedParallelBranchFailsItsStepAndResumingFromItRunsTheFanOutAgain() throws Exception {
        AtomicInteger quotes = new AtomicInteger();
        StateGraph<AgentState> g = graph().addNode("split", logs("split"))
                .addNode("quote", node_async(s -> {
                    quotes.incrementAndGet();
                    if (!s.value("currency").isPresent()) {
                        throw new IllegalStateException("no currency");
                    }
                    return Map.of("log", "quote");
                }))
                .addNode("stock", logs("stock")).addNode("join", logs("join"))
                .addEdge(START, "split").addEdge("split", "quote").addEdge("split", "stock")
                .addEdge("quote", "join").addEdge("stock", "join").addEdge("join", END);
        MeteredGraph<AgentState> app = metrics.compile(g, saved("offer"));
        assertThatThrownBy(() -> app.invoke(Map.of(), thread("offer-1")));
        settle();
        String runId = store.findRuns(WS, dev.runmetrics.core.store.RunQuery.latest("offer", 1)).items().get(0).runId();
        List<StepRun> first = steps(runId);
        assertThat(step(first, "quote", 1).status()).isEqualTo(RunStatus.FAILED);
        assertThat(step(first, "split", 1).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(ids(first, 1)).doesNotContain("join").allSatisfy(id -> assertThat(id).doesNotStartWith("__"));
        assertThat(run(runId).errorMessage()).contains("quote").contains("no currency");

        assertThat(metrics.resume(WS, "dave", runId, "quote", Map.of("currency", "EUR")).accepted()).isTrue();
        GraphRun<?> done = awaitResumed(runId);

        assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat((List<Object>) done.output().orElseThrow().state().data().get("log"))
                .contains("split", "quote", "stock", "join");
        assertThat(ids(steps(runId), 2)).containsExactlyInAnyOrder("quote", "stock", "join");
        assertThat(quotes).hasValue(2);
    }

    @Test
    void aCallerResumingThePausedThreadContinuesTheSameRunAsItsNextAttempt() throws Exception {
        StateGraph<AgentState> g = graph().addNode("draft", logs("draft")).addNode("approve", logs("approve"))
                .addEdge(START, "draft").addEdge("draft", "approve").addEdge("approve", END);
        MeteredGraph<AgentState> app = metrics.compile(g, saved("mail", "approve"));
        GraphRun<AgentState> paused = app.run(GraphInput.args(Map.of()), thread("mail-7"));

        GraphRun<AgentState> resumed = app.run(GraphInput.resume(Map.of("approver", "erin")), thread("mail-7"));

        assertThat(resumed.runId()).isEqualTo(paused.runId());
        assertThat(resumed.attempt()).isEqualTo(2);
        assertThat(resumed.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(log(resumed.state())).containsExactly("draft", "approve");
        assertThat(run(paused.runId()).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(ids(steps(paused.runId()), 2)).containsExactly("approve");
        assertThat(store.findResumeAudit(WS, paused.runId())).singleElement().satisfies(a -> {
            assertThat(a.actor()).isEqualTo(MeteredGraph.CALLER);
            assertThat(a.stepId()).isEqualTo("approve");
            assertThat(a.outcome()).isEqualTo(ResumeOutcome.ACCEPTED);
        });
    }

    @Test
    void anOperatorsCancelStopsTheGraphBeforeItsNextNodeAndCancelsTheRun() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger after = new AtomicInteger();
        StateGraph<AgentState> g = graph().addNode("wait", node_async(s -> {
            inside.countDown();
            release.await(20, TimeUnit.SECONDS);
            return Map.of("log", "wait");
        })).addNode("after", node_async(s -> {
            after.incrementAndGet();
            return Map.of("log", "after");
        })).addEdge(START, "wait").addEdge("wait", "after").addEdge("after", END);
        MeteredGraph<AgentState> app = metrics.compile(g, named("slow"));
        Future<GraphRun<AgentState>> running = pool.submit(() -> app.run(GraphInput.args(Map.of()),
                RunnableConfig.builder().build()));
        assertThat(inside.await(20, TimeUnit.SECONDS)).isTrue();
        settle();
        String runId = store.findRuns(WS, dev.runmetrics.core.store.RunQuery.latest("slow", 1)).items().get(0).runId();

        assertThat(metrics.cancel(WS, runId, "customer hung up")).isTrue();
        assertThat(metrics.cancel(WS, runId, "again")).isFalse();
        release.countDown();
        GraphRun<AgentState> done = running.get(20, TimeUnit.SECONDS);

        assertThat(done.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(after).hasValue(0);
        Run run = run(runId);
        assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(run.errorMessage()).isEqualTo("customer hung up");
        assertThat(step(steps(runId), "wait", 1).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(metrics.cancel(WS, runId, "ended")).isFalse();
    }

    static ResumeResult.Reason refusal(ResumeResult result) {
        assertThat(result).isInstanceOf(ResumeResult.Refused.class);
        return ((ResumeResult.Refused) result).reason();
    }
}
