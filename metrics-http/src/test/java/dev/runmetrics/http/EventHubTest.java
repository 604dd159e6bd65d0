package dev.runmetrics.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.model.StepSpec;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.http.internal.EventHub;
import dev.runmetrics.http.internal.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** A slow or dead client never slows the recorder: its queue fills, then it is dropped. */
class EventHubTest {

    /** A client whose sends never complete, like a socket nobody reads. */
    static final class StuckSink implements EventHub.Sink {
        final List<String> sent = new CopyOnWriteArrayList<>();
        volatile int closedWith = -1;

        @Override
        public void send(String text, Runnable done, Consumer<Throwable> failed) {
            sent.add(text);
        }

        @Override
        public void close(int code, String reason) {
            closedWith = code;
        }
    }

    /** A client that takes everything at once. */
    static final class FastSink implements EventHub.Sink {
        final List<String> sent = new CopyOnWriteArrayList<>();

        @Override
        public void send(String text, Runnable done, Consumer<Throwable> failed) {
            sent.add(text);
            done.run();
        }

        @Override
        public void close(int code, String reason) {
        }
    }

    @Test
    void aClientThatStopsReadingIsDroppedWithoutSlowingTheRecorder() {
        EventHub hub = new EventHub(8, Duration.ofMillis(100), null);
        hub.start();
        try {
            StuckSink stuck = new StuckSink();
            hub.register(Subscription.workflow("ws", "wf"), stuck);
            RunRecorder recorder = RunRecorder.builder(new InMemoryRunStore()).listener(hub).build();

            long start = System.nanoTime();
            recordRuns(recorder, 200);
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat(stuck.closedWith).isEqualTo(EventHub.CLOSE_TOO_SLOW);
            // at most the first send started (it never completed, so nothing followed it)
            assertThat(stuck.sent).hasSizeLessThanOrEqualTo(1);
            assertThat(hub.droppedClients()).isEqualTo(1);
            assertThat(hub.clientCount()).isZero();
            assertThat(recorder.counters().listenerFailures()).isZero();
            assertThat(elapsedMillis).as("recording 1,000 events with a stuck client").isLessThan(5_000);
        } finally {
            hub.stop();
        }
    }

    @Test
    void aClientThatKeepsUpGetsEveryEventInOrder() throws Exception {
        EventHub hub = new EventHub(10_000, Duration.ofMillis(100), null);
        hub.start();
        try {
            FastSink fast = new FastSink();
            hub.register(Subscription.workflow("ws", "wf"), fast);
            RunRecorder recorder = RunRecorder.builder(new InMemoryRunStore()).listener(hub).build();
            recordRuns(recorder, 200);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (fast.sent.size() < 1000 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(fast.sent).hasSize(1000); // queued, started, step started, step completed, completed
            assertThat(fast.sent.get(0)).contains("workflow_queued");
            assertThat(fast.sent.get(1)).contains("workflow_started");
            assertThat(fast.sent.get(4)).contains("workflow_completed");
            assertThat(fast.sent.get(5)).contains("workflow_queued");
            assertThat(hub.droppedClients()).isZero();
        } finally {
            hub.stop();
        }
    }

    private static void recordRuns(RunRecorder recorder, int runs) {
        StepSpec step = new StepSpec("s", "S", 1, "node");
        for (int i = 0; i < runs; i++) {
            String run = recorder.runQueued("ws", "wf", "wf", null);
            recorder.runStarted("ws", run);
            recorder.stepStarted("ws", run, step, null);
            recorder.stepCompleted("ws", run, "s", null);
            recorder.runCompleted("ws", run, null);
        }
    }

    @Test
    void eventsGoOnlyToTheirWorkspaceWorkflowAndStep() {
        EventHub hub = new EventHub(64, Duration.ofMillis(100), null);
        hub.start();
        try {
            FastSink workflow = new FastSink();
            FastSink otherStep = new FastSink();
            FastSink otherWorkspace = new FastSink();
            hub.register(Subscription.workflow("ws", "wf"), workflow);
            hub.register(Subscription.step("ws", "wf", "other"), otherStep);
            hub.register(Subscription.workflow("ws2", "wf"), otherWorkspace);
            RunRecorder recorder = RunRecorder.builder(new InMemoryRunStore()).listener(hub).build();
            String run = recorder.runQueued("ws", "wf", "wf", null);
            recorder.runStarted("ws", run);
            recorder.stepStarted("ws", run, new StepSpec("s", "S", 1, "node"), null);
            recorder.stepCompleted("ws", run, "s", null);
            recorder.runCompleted("ws", run, null);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (workflow.sent.size() < 5 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(workflow.sent).hasSize(5);
            assertThat(otherStep.sent).isEmpty();
            assertThat(otherWorkspace.sent).isEmpty();
        } finally {
            hub.stop();
        }
    }
}
