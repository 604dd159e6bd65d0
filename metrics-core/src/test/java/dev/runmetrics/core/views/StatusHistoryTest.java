package dev.runmetrics.core.views;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunFixtures;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.RunStatusChange;
import dev.runmetrics.core.model.RunStatusChange.Event;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.ControlAction;
import dev.runmetrics.core.store.ControlAudit;
import dev.runmetrics.core.store.ControlOutcome;
import dev.runmetrics.core.store.ResumeClaim;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A run's status history: what the recorder kept, with the operators the control audit names. */
class StatusHistoryTest {
    private static final String WS = "ws-1";
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    private final ManualClock clock = new ManualClock(T0);
    private final InMemoryRunStore store = new InMemoryRunStore("test-instance");
    private final RunRecorder recorder = RunRecorder.builder(store).clock(clock).instanceId("jvm-1").build();
    private final RunHistoryView runs = RunViews.builder(store).workerCapacity(2).build().runs();

    private void tick(int seconds) {
        clock.advance(Duration.ofSeconds(seconds));
    }

    private void audit(String id, String run, ControlAction action, String actor, int attempt, ControlOutcome outcome) {
        store.appendControlAudit(WS, new ControlAudit(WS, id, run, action == ControlAction.RESUME ? "s" : null, action,
                actor, recorder.now(), attempt, outcome, null, null));
    }

    @Test
    void pauseResumeAndCancelByOperatorsAreNamedWithTheirChanges() {
        String run = recorder.runQueued(WS, "wf", "Wf", null);
        tick(1);
        recorder.runStarted(WS, run);
        tick(1);
        audit("a-1", run, ControlAction.CANCEL, "mallory", 0, ControlOutcome.REFUSED); // refused: names nothing
        audit("a-2", run, ControlAction.PAUSE, "carol", 0, ControlOutcome.ACCEPTED);
        tick(3);
        recorder.runPaused(WS, run, "paused by an operator");
        tick(60);
        ResumeClaim claim = store.claimResume(WS, run, 1, "jvm-1", recorder.now());
        audit("a-3", run, ControlAction.RESUME, "dave", 2, ControlOutcome.ACCEPTED);
        recorder.runResumed(WS, ((ResumeClaim.Claimed) claim).run());
        tick(1);
        recorder.runStarted(WS, run);
        tick(1);
        audit("a-4", run, ControlAction.CANCEL, "erin", 0, ControlOutcome.ACCEPTED);
        recorder.runCancelled(WS, run, "no longer needed");

        RunDetail detail = runs.detail(WS, run).orElseThrow();

        assertThat(detail.statusHistory()).extracting(StatusHistoryEntry::event, StatusHistoryEntry::attempt,
                StatusHistoryEntry::actor, StatusHistoryEntry::message).containsExactly(
                        tuple(Event.QUEUED, 1, null, null),
                        tuple(Event.STARTED, 1, null, null),
                        tuple(Event.PAUSED, 1, "carol", "paused by an operator"),
                        tuple(Event.RESUMED, 2, "dave", null),
                        tuple(Event.STARTED, 2, null, null),
                        tuple(Event.CANCELLED, 2, "erin", "no longer needed"));
        assertThat(detail.statusHistory().get(2).at()).isEqualTo(T0.plusSeconds(5));
        assertThat(detail.statusHistory()).allMatch(StatusHistoryEntry::recorded);
    }

    @Test
    void aPauseTheRunDidNotTakeIsNotPinnedOnALaterPause() {
        String run = recorder.runQueued(WS, "wf", "Wf", null);
        recorder.runStarted(WS, run);
        audit("a-1", run, ControlAction.PAUSE, "carol", 0, ControlOutcome.ACCEPTED);
        tick(10);
        recorder.runPaused(WS, run, "waiting for approval");
        tick(10);
        ResumeClaim claim = store.claimResume(WS, run, 1, "jvm-1", recorder.now());
        recorder.runResumed(WS, ((ResumeClaim.Claimed) claim).run());
        recorder.runStarted(WS, run);
        tick(10);
        recorder.runPaused(WS, run, "waiting for approval again");

        assertThat(runs.detail(WS, run).orElseThrow().statusHistory()).extracting(StatusHistoryEntry::event,
                StatusHistoryEntry::actor).containsExactly(tuple(Event.QUEUED, null), tuple(Event.STARTED, null),
                        tuple(Event.PAUSED, "carol"), tuple(Event.RESUMED, null), tuple(Event.STARTED, null),
                        tuple(Event.PAUSED, null));
    }

    @Test
    void anInterruptedRunsHistoryEndsWithTheInterruption() {
        RunRecorder dead = RunRecorder.builder(store).clock(clock).instanceId("jvm-dead").build();
        String run = dead.runQueued(WS, "wf", "Wf", null);
        dead.runStarted(WS, run);
        tick(120);

        assertThat(recorder.failAbandonedRuns(WS, Duration.ofSeconds(60))).isEqualTo(1);

        RunStatusChange last = store.findRun(WS, run).orElseThrow().statusHistory().get(2);
        assertThat(last.event()).isEqualTo(Event.INTERRUPTED);
        assertThat(last.status()).isEqualTo(RunStatus.FAILED);
        assertThat(last.at()).isEqualTo(T0);
        assertThat(last.message()).startsWith("interrupted");
    }

    @Test
    void aRunRecordedWithoutKeptChangesGetsAReconstructionThatSaysSo() {
        Run old = RunFixtures.ended(WS, "run-old", "wf", T0, Duration.ofSeconds(2), Duration.ofSeconds(5),
                RunStatus.FAILED);
        store.saveRun(WS, old);

        assertThat(runs.detail(WS, "run-old").orElseThrow().statusHistory()).extracting(StatusHistoryEntry::event,
                StatusHistoryEntry::at, StatusHistoryEntry::recorded).containsExactly(
                        tuple(Event.QUEUED, T0, false),
                        tuple(Event.STARTED, T0.plusSeconds(2), false),
                        tuple(Event.FAILED, T0.plusSeconds(7), false));
    }

    @Test
    void aHostsAttributesOfTheRecordersNamesAreReplacedAndTheHistoryIsBounded() {
        String run = recorder.runQueued(WS, "wf", "Wf", null, Map.of(Run.STATUS_HISTORY, "forged",
                Run.PLANNED_STEPS, "forged", "user_id", "u-1"));
        Run stored = store.findRun(WS, run).orElseThrow();
        assertThat(stored.statusHistory()).extracting(RunStatusChange::event).containsExactly(Event.QUEUED);
        assertThat(stored.plannedSteps()).isEmpty();
        assertThat(stored.attributes()).containsEntry("user_id", "u-1").doesNotContainKey(Run.PLANNED_STEPS);

        Run many = stored;
        for (int i = 0; i < Run.MAX_STATUS_HISTORY + 10; i++) {
            many = many.withStatusChange(new RunStatusChange(Event.STARTED, RunStatus.RUNNING, 1,
                    T0.plusSeconds(i + 1), "x".repeat(RunStatusChange.MAX_MESSAGE + 5)));
        }
        assertThat(many.statusHistory()).hasSize(Run.MAX_STATUS_HISTORY);
        assertThat(many.statusHistory().get(0).event()).isEqualTo(Event.QUEUED);
        assertThat(many.statusHistory().get(Run.MAX_STATUS_HISTORY - 1).at()).isEqualTo(
                T0.plusSeconds(Run.MAX_STATUS_HISTORY + 10));
        assertThat(many.statusHistory().get(1).message()).hasSize(RunStatusChange.MAX_MESSAGE);
    }
}
