package dev.runmetrics.http;

import static dev.runmetrics.http.Api.OPERATOR_B;
import static dev.runmetrics.http.Api.VIEWER_A;
import static dev.runmetrics.http.Api.WS_A;
import static dev.runmetrics.http.Api.WS_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.ArrayList;
import java.util.List;
import dev.runmetrics.http.internal.WebSocketEvents;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The live streams, through a real WebSocket client. */
class WebSocketTest {

    static World world;
    static HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        world = new World(b -> b, false);
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    /** Collects text messages. */
    static final class Inbox implements WebSocket.Listener {
        final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        final StringBuilder partial = new StringBuilder();
        volatile int closeCode = -1;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    messages.add(Api.JSON.readTree(partial.toString()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closeCode = statusCode;
            return null;
        }

        JsonNode next() throws InterruptedException {
            JsonNode m = messages.poll(5, TimeUnit.SECONDS);
            assertThat(m).as("a message within 5 s").isNotNull();
            return m;
        }

        JsonNode nextEvent(String name) throws InterruptedException {
            while (true) {
                JsonNode m = next();
                if (m.get("event").asText().equals(name)) {
                    return m;
                }
            }
        }
    }

    static WebSocket connect(String path, String token, String workspace, Inbox inbox) throws Exception {
        WebSocket.Builder b = client.newWebSocketBuilder();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (workspace != null) {
            b.header("X-Workspace-Id", workspace);
        }
        return b.buildAsync(URI.create("ws://127.0.0.1:" + world.server.port() + path), inbox).get(5, TimeUnit.SECONDS);
    }

    /** Waits until the server has registered the clients (the upgrade completes before onOpen runs). */
    static void awaitClients(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (world.server.handler().webSocketClients() != n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(world.server.handler().webSocketClients()).isEqualTo(n);
    }

    /** Each test starts when the previous test's clients are gone (closing is asynchronous). */
    @BeforeEach
    void noClientsLeft() throws InterruptedException {
        awaitClients(0);
    }

    @Test
    void aWorkflowStreamCarriesTheRunAndStepEventsInOrder() throws Exception {
        Inbox workflow = new Inbox();
        Inbox step = new Inbox();
        Inbox otherWorkspace = new Inbox();
        WebSocket a = connect("/ws/workflows/basic_sequence", VIEWER_A, WS_A, workflow);
        WebSocket b = connect("/ws/workflows/basic_sequence/step/process", VIEWER_A, WS_A, step);
        WebSocket c = connect("/ws/workflows/basic_sequence", OPERATOR_B, WS_B, otherWorkspace);
        awaitClients(3);

        String run = world.completedRun(WS_A, 2);

        List<String> names = new ArrayList<>();
        JsonNode first = workflow.next();
        names.add(first.get("event").asText());
        assertThat(first.get("event").asText()).isEqualTo("workflow_queued");
        assertThat(first.get("data").get("execution_id").asText()).isEqualTo(run);
        assertThat(first.get("data").get("workflow_id").asText()).isEqualTo("basic_sequence");
        assertThat(first.get("data").has("timestamp")).isTrue();
        JsonNode m;
        do {
            m = workflow.next();
            names.add(m.get("event").asText());
            assertCommonFields(m, run);
        } while (!m.get("event").asText().equals("workflow_completed"));
        assertThat(names).containsExactly("workflow_queued", "workflow_started", "step_started", "step_completed",
                "step_started", "step_completed", "step_started", "step_completed", "workflow_completed");
        assertThat(m.get("data").get("status").asText()).isEqualTo("completed");
        assertThat(m.get("data").get("duration_seconds").asDouble()).isEqualTo(4.0);

        JsonNode started = step.next();
        assertThat(started.get("event").asText()).isEqualTo("step_started");
        assertThat(started.get("data").get("step_id").asText()).isEqualTo("process");
        assertThat(started.get("data").get("step_name").asText()).isEqualTo("Process");
        JsonNode completed = step.next();
        assertThat(completed.get("event").asText()).isEqualTo("step_completed");
        assertThat(completed.get("data").get("duration_seconds").asDouble()).isEqualTo(2.0);
        assertThat(completed.get("data").get("output").get("processed_records").asInt()).isEqualTo(100);
        assertThat(step.messages.poll(200, TimeUnit.MILLISECONDS)).isNull();

        assertThat(otherWorkspace.messages.poll(200, TimeUnit.MILLISECONDS)).isNull();
        a.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
        b.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
        c.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
    }

    /** Every event names its run, workflow, attempt and status, with the time it happened. */
    private static void assertCommonFields(JsonNode message, String run) {
        JsonNode data = message.get("data");
        assertThat(data.get("execution_id").asText()).as(message.toString()).isEqualTo(run);
        assertThat(data.get("workflow_id").asText()).as(message.toString()).isEqualTo("basic_sequence");
        assertThat(data.get("attempt").isInt()).as(message.toString()).isTrue();
        assertThat(data.get("status").isTextual()).as(message.toString()).isTrue();
        assertThat(java.time.Instant.parse(data.get("timestamp").asText())).isNotNull();
    }

    @Test
    void everyLifecycleChangeOfARunAndItsStepsIsAnEvent() throws Exception {
        Inbox inbox = new Inbox();
        WebSocket ws = connect("/ws/workflows/basic_sequence", VIEWER_A, WS_A, inbox);
        awaitClients(1);
        dev.runmetrics.core.record.RunRecorder r = world.recorder;
        String run = r.runQueued(WS_A, "basic_sequence", "Basic sequence", null);
        r.runStarted(WS_A, run);
        r.stepQueued(WS_A, run, World.INITIALIZE, null);
        r.stepStarted(WS_A, run, World.INITIALIZE, null);
        r.stepRetried(WS_A, run, "initialize", "flaky", "NETWORK");
        r.stepCompleted(WS_A, run, "initialize", null);
        r.stepSkipped(WS_A, run, World.FINALIZE, "condition false");
        r.stepStarted(WS_A, run, World.PROCESS, null);
        r.stepPaused(WS_A, run, "process", "waiting for approval");
        r.runPaused(WS_A, run, "waiting for approval");
        dev.runmetrics.core.store.ResumeClaim claim = world.store.claimResume(WS_A, run, 1, r.instanceId(),
                r.now());
        r.runResumed(WS_A, ((dev.runmetrics.core.store.ResumeClaim.Claimed) claim).run());
        r.runStarted(WS_A, run);
        r.stepStarted(WS_A, run, World.PROCESS, null);
        r.stepCancelled(WS_A, run, "process", "stopped by an operator");
        r.runCancelled(WS_A, run, "stopped by an operator");

        List<String> names = new ArrayList<>();
        JsonNode m;
        do {
            m = inbox.next();
            assertCommonFields(m, run);
            names.add(m.get("event").asText() + "@" + m.get("data").get("attempt").asInt());
        } while (!m.get("event").asText().equals("workflow_completed"));
        assertThat(names).containsExactly("workflow_queued@1", "workflow_started@1", "step_queued@1",
                "step_started@1", "step_retried@1", "step_completed@1", "step_skipped@1", "step_started@1",
                "step_paused@1", "workflow_paused@1", "workflow_resumed@2", "workflow_started@2", "step_started@2",
                "step_cancelled@2", "workflow_completed@2");
        assertThat(m.get("data").get("status").asText()).isEqualTo("cancelled");
        ws.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
    }

    @Test
    void anInterruptedRunIsAFailedEventThatSaysSo() throws Exception {
        Inbox inbox = new Inbox();
        WebSocket ws = connect("/ws/workflows/basic_sequence", VIEWER_A, WS_A, inbox);
        awaitClients(1);
        String run = world.failedRun(WS_A);
        JsonNode failed = inbox.nextEvent("workflow_failed");
        assertThat(failed.get("data").get("execution_id").asText()).isEqualTo(run);
        assertThat(failed.get("data").get("interrupted").asBoolean()).isFalse();
        ws.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
        assertThat(WebSocketEvents.toJson(new dev.runmetrics.core.record.RunEvent(
                dev.runmetrics.core.record.RunEvent.Type.RUN_FAILED, World.START,
                world.store.findRun(WS_A, run).orElseThrow().toBuilder()
                        .errorMessage("interrupted: the process running it died").build(), null)))
                .contains("\"interrupted\":true");
    }

    @Test
    void failuresAreWorkflowFailedAndStepFailed() throws Exception {
        Inbox inbox = new Inbox();
        WebSocket ws = connect("/ws/workflows/basic_sequence", VIEWER_A, WS_A, inbox);
        awaitClients(1);
        String run = world.failedRun(WS_A);
        JsonNode stepFailed = inbox.nextEvent("step_failed");
        assertThat(stepFailed.get("data").get("error").asText()).isEqualTo("Timeout exceeded");
        assertThat(stepFailed.get("data").get("retry_count").asInt()).isZero();
        JsonNode failed = inbox.nextEvent("workflow_failed");
        assertThat(failed.get("data").get("execution_id").asText()).isEqualTo(run);
        assertThat(failed.get("data").get("error").asText()).isEqualTo("Step 'process' failed");
        ws.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
    }

    @Test
    void browsersMayAuthenticateWithQueryParameters() throws Exception {
        Inbox inbox = new Inbox();
        WebSocket ws = connect("/ws/workflows/basic_sequence?token=" + VIEWER_A + "&workspace_id=" + WS_A, null, null,
                inbox);
        awaitClients(1);
        world.completedRun(WS_A, 1);
        assertThat(inbox.next().get("event").asText()).isEqualTo("workflow_queued");
        assertThat(inbox.next().get("event").asText()).isEqualTo("workflow_started");
        ws.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
    }

    @Test
    void anUpgradeWithoutATokenIsRefusedWith401() {
        assertThatThrownBy(() -> connect("/ws/workflows/basic_sequence", null, WS_A, new Inbox()))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                        .isEqualTo(401));
        assertThatThrownBy(() -> connect("/ws/workflows/basic_sequence", VIEWER_A, WS_B, new Inbox()))
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                        .isEqualTo(404));
    }

    @Test
    void theExecutionsStreamPushesTheRealtimeSectionOnChange() throws Exception {
        Inbox inbox = new Inbox();
        WebSocket ws = connect("/ws/executions", VIEWER_A, WS_A, inbox);
        JsonNode initial = inbox.nextEvent("execution_update");
        assertThat(initial.get("data").has("currentlyRunning")).isTrue();
        assertThat(initial.get("data").has("queueDepth")).isTrue();
        int queuedBefore = initial.get("data").get("queueDepth").asInt();

        String run = world.recorder.runQueued(WS_A, "basic_sequence", "Basic sequence", Map.of());
        JsonNode update = inbox.nextEvent("execution_update");
        assertThat(update.get("data").get("queueDepth").asInt()).isEqualTo(queuedBefore + 1);
        assertThat(update.get("data").get("queuedExecutions").toString()).contains(run);
        world.recorder.runStarted(WS_A, run);
        world.recorder.runCompleted(WS_A, run, null);
        ws.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
    }

    @Test
    void executionUpdatesAreThrottledToTwoASecond() throws Exception {
        Inbox inbox = new Inbox();
        WebSocket ws = connect("/ws/executions", VIEWER_A, WS_A, inbox);
        inbox.nextEvent("execution_update");
        long start = System.nanoTime();
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            runs.add(world.recorder.runQueued(WS_A, "burst", "Burst", null));
        }
        Thread.sleep(1_200);
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        int updates = 0;
        int changes = 0;
        JsonNode last = null;
        for (JsonNode m; (m = inbox.messages.poll()) != null; ) {
            if (m.get("event").asText().equals("execution_update")) {
                updates++;
                last = m;
            } else {
                changes++;
            }
        }
        // 50 changes in a burst; one update per 500 ms at most, while each run's change is its own message
        assertThat(updates).isBetween(1, (int) (elapsedMillis / 500) + 1);
        assertThat(changes).isEqualTo(50);
        assertThat(last.get("data").get("queuedExecutions").toString()).contains(runs.get(49));
        for (String run : runs) {
            world.recorder.runCancelled(WS_A, run, "test over");
        }
        ws.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
    }
}
