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

    /** A client whose sends complete only when the test says so. */
    static final class HeldSink implements EventHub.Sink {
        final List<String> sent = new CopyOnWriteArrayList<>();
        final java.util.concurrent.BlockingQueue<Runnable> inFlight = new java.util.concurrent.LinkedBlockingQueue<>();
        volatile int closedWith = -1;

        @Override
        public void send(String text, Runnable done, Consumer<Throwable> failed) {
            sent.add(text);
            inFlight.add(done);
        }

        @Override
        public void close(int code, String reason) {
            closedWith = code;
        }

        /** Completes the send in flight and waits for the next one to start. */
        void completeAndAwaitNext() throws InterruptedException {
            int before = sent.size();
            java.util.Objects.requireNonNull(inFlight.poll(5, java.util.concurrent.TimeUnit.SECONDS), "a send in flight")
                    .run();
            awaitSent(before + 1);
        }

        void awaitSent(int n) throws InterruptedException {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (sent.size() < n && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            assertThat(sent).hasSize(n);
        }
    }

    @Test
    void anExecutionsClientGetsTheLatestStateOfARunThatChangedWhileItsSendWasInFlight() throws Exception {
        EventHub hub = new EventHub(8, Duration.ofSeconds(10), null);
        hub.start();
        try {
            HeldSink held = new HeldSink();
            hub.register(Subscription.executions("ws"), held);
            RunRecorder recorder = RunRecorder.builder(new InMemoryRunStore()).listener(hub).build();
            String first = recorder.runQueued("ws", "wf", "wf", null);
            held.awaitSent(1); // in flight, never completed yet
            recorder.runStarted("ws", first);
            recorder.stepStarted("ws", first, new StepSpec("s", "S", 1, "node"), null);
            recorder.stepCompleted("ws", first, "s", null);
            recorder.runCompleted("ws", first, null);
            String second = recorder.runQueued("ws", "wf", "wf", null);
            recorder.runStarted("ws", second);

            held.completeAndAwaitNext();
            held.completeAndAwaitNext();
            assertThat(held.sent).hasSize(3);
            assertThat(held.sent.get(0)).contains("\"event\":\"execution_changed\"", first, "\"status\":\"queued\"");
            // queued -> running -> completed while the first send was in flight: only the latest state follows
            assertThat(held.sent.get(1)).contains(first, "\"status\":\"completed\"");
            assertThat(held.sent.get(2)).contains(second, "\"status\":\"running\"");
            held.inFlight.take().run();
            Thread.sleep(50);
            assertThat(held.sent).hasSize(3); // nothing else waited
            assertThat(held.closedWith).isEqualTo(-1);
        } finally {
            hub.stop();
        }
    }

    @Test
    void anExecutionsClientThatStopsReadingHoldsAtMostOneMessagePerRunUpToTheBoundThenIsDropped() throws Exception {
        EventHub hub = new EventHub(8, Duration.ofSeconds(10), null);
        hub.start();
        try {
            HeldSink stuck = new HeldSink();
            FastSink fast = new FastSink();
            FastSink workflow = new FastSink();
            hub.register(Subscription.executions("ws"), stuck);
            hub.register(Subscription.executions("ws"), fast);
            hub.register(Subscription.workflow("ws", "wf"), workflow);
            RunRecorder recorder = RunRecorder.builder(new InMemoryRunStore()).listener(hub).build();
            String inFlight = recorder.runQueued("ws", "wf", "wf", null);
            stuck.awaitSent(1);
            // eight runs waiting, each changed three times: within the bound of 8 runs
            for (int i = 0; i < 8; i++) {
                String run = recorder.runQueued("ws", "wf", "wf", null);
                recorder.runStarted("ws", run);
                recorder.runCompleted("ws", run, null);
                // the other clients keep up (they are sent each run before the next one starts)
                awaitLast(fast, run, "\"status\":\"completed\"");
                awaitLast(workflow, "workflow_completed");
            }
            assertThat(workflow.sent).hasSize(1 + 8 * 3);
            assertThat(stuck.closedWith).isEqualTo(-1);
            assertThat(hub.clientCount()).isEqualTo(3);
            // a ninth run would be the ninth waiting: the client is dropped, the others are not
            String last = recorder.runQueued("ws", "wf", "wf", null);
            assertThat(stuck.closedWith).isEqualTo(EventHub.CLOSE_TOO_SLOW);
            assertThat(hub.droppedClients()).isEqualTo(1);
            assertThat(hub.clientCount()).isEqualTo(2);
            assertThat(stuck.sent).hasSize(1).allSatisfy(m -> assertThat(m).contains(inFlight));

            awaitLast(fast, last);
            assertThat(fast.sent.get(fast.sent.size() - 1)).contains("\"status\":\"queued\"");
            awaitLast(workflow, last);
            // the workflow stream gets every lifecycle event, in order
            assertThat(workflow.sent).hasSize(1 + 8 * 3 + 1);
            assertThat(recorder.counters().listenerFailures()).isZero();
        } finally {
            hub.stop();
        }
    }

    /** Waits until the sink's last message contains every text given. */
    private static void awaitLast(FastSink sink, String... texts) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while ((sink.sent.isEmpty() || !java.util.Arrays.stream(texts)
                .allMatch(sink.sent.get(sink.sent.size() - 1)::contains)) && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(sink.sent).isNotEmpty();
        assertThat(sink.sent.get(sink.sent.size() - 1)).contains(texts);
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
