package dev.runmetrics.core.flow;

import static dev.runmetrics.core.flow.RunnerFixture.WS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.control.ResumeResult;
import dev.runmetrics.core.flow.example.ExampleWorkflows;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.RunStatusChange.Event;
import dev.runmetrics.core.views.RunDetail;
import dev.runmetrics.core.views.RunHistoryView;
import dev.runmetrics.core.views.RunTimeline;
import dev.runmetrics.core.views.RunViews;
import dev.runmetrics.core.views.StatusHistoryEntry;
import dev.runmetrics.core.views.StepDetail;
import dev.runmetrics.core.views.StepOutput;
import dev.runmetrics.core.views.StepTimelineEntry;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A run of the reference runner shows every step of its workflow (the unreached ones pending, not
 * as step runs), its steps' full outputs and its status history, with the operator of a resume.
 */
class RunStepsAndHistoryTest {

    private final RunnerFixture f = new RunnerFixture(2);
    private final RunHistoryView runs = RunViews.builder(f.memory).clock(f.clock).workerCapacity(2).build().runs();

    @AfterEach
    void close() {
        f.close();
    }

    private String failedPipeline() throws Exception {
        f.failing.add("load_data");
        String run = f.submit(ExampleWorkflows.DATA_PIPELINE, Map.of("source", "s3://bucket"));
        assertThat(f.await(run).status()).isEqualTo(RunStatus.FAILED);
        return run;
    }

    @Test
    void aFailedRunsTimelineShowsEveryStepOfItsWorkflowTheUnreachedOnesPending() throws Exception {
        String run = failedPipeline();

        RunTimeline timeline = runs.timeline(WS, run).orElseThrow();

        assertThat(timeline.stepCount()).isEqualTo(7);
        assertThat(timeline.completedStepCount()).isEqualTo(4);
        assertThat(timeline.failedStepCount()).isEqualTo(1);
        assertThat(timeline.pendingStepCount()).isEqualTo(2);
        assertThat(timeline.stepTimeline()).extracting(StepTimelineEntry::stepId).containsExactly("validate_source",
                "extract_data", "transform_data", "validate_transformation", "load_data", "post_load_validation",
                "cleanup");
        StepTimelineEntry cleanup = timeline.stepTimeline().get(6);
        assertThat(cleanup.reached()).isFalse();
        assertThat(cleanup.status()).isEqualTo(RunStatus.QUEUED);
        assertThat(cleanup.queuedAt()).isNull();
        assertThat(cleanup.stepName()).isEqualTo("Cleanup");
        assertThat(cleanup.stepOrder()).isEqualTo(7);
        assertThat(cleanup.attempt()).isEqualTo(1);
        assertThat(timeline.stepTimeline().get(4).reached()).isTrue();
        // The unreached steps are not step runs: the queue-wait statistics never see them.
        assertThat(f.steps(run)).hasSize(5);
    }

    @Test
    void theDetailListsTheUnreachedStepsAfterTheReachedOnesAsPending() throws Exception {
        String run = failedPipeline();

        RunDetail detail = runs.detail(WS, run).orElseThrow();

        assertThat(detail.stepExecutions()).hasSize(7);
        assertThat(detail.stepExecutions()).filteredOn(s -> !s.reached()).extracting(StepDetail::stepId,
                StepDetail::status, StepDetail::id).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("post_load_validation", RunStatus.QUEUED,
                                run + ":post_load_validation:1"),
                        org.assertj.core.groups.Tuple.tuple("cleanup", RunStatus.QUEUED, run + ":cleanup:1"));
    }

    @Test
    void aStepSkippedByAConditionIsSkippedNotPending() throws Exception {
        String run = f.submit(ExampleWorkflows.CONDITIONAL_WORKFLOW, Map.of("mode", "fast"));
        f.await(run);

        RunTimeline timeline = runs.timeline(WS, run).orElseThrow();

        assertThat(timeline.pendingStepCount()).isZero();
        assertThat(timeline.skippedStepCount()).isPositive();
        assertThat(timeline.stepTimeline()).allMatch(StepTimelineEntry::reached);
    }

    @Test
    void aResumedRunsStepsAreNoLongerPendingOnceItsNewAttemptRanThem() throws Exception {
        String run = failedPipeline();
        f.failing.clear();
        ResumeResult result = f.runner.resume(WS, "alice", run, "load_data", null);
        assertThat(result).isInstanceOf(ResumeResult.Accepted.class);
        assertThat(f.await(run).status()).isEqualTo(RunStatus.COMPLETED);

        RunTimeline timeline = runs.timeline(WS, run).orElseThrow();

        assertThat(timeline.pendingStepCount()).isZero();
        assertThat(timeline.completedStepCount()).isEqualTo(7);
        assertThat(timeline.stepCount()).isEqualTo(7);
    }

    @Test
    void theStatusHistoryHasEveryChangeWithItsAttemptAndTheResumesActor() throws Exception {
        String run = failedPipeline();
        f.failing.clear();
        f.runner.resume(WS, "alice", run, "load_data", null);
        f.await(run);

        RunDetail detail = runs.detail(WS, run).orElseThrow();

        assertThat(detail.statusHistory()).extracting(StatusHistoryEntry::event, StatusHistoryEntry::attempt,
                StatusHistoryEntry::status).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Event.QUEUED, 1, RunStatus.QUEUED),
                        org.assertj.core.groups.Tuple.tuple(Event.STARTED, 1, RunStatus.RUNNING),
                        org.assertj.core.groups.Tuple.tuple(Event.FAILED, 1, RunStatus.FAILED),
                        org.assertj.core.groups.Tuple.tuple(Event.RESUMED, 2, RunStatus.QUEUED),
                        org.assertj.core.groups.Tuple.tuple(Event.STARTED, 2, RunStatus.RUNNING),
                        org.assertj.core.groups.Tuple.tuple(Event.COMPLETED, 2, RunStatus.COMPLETED));
        assertThat(detail.statusHistory()).allMatch(StatusHistoryEntry::recorded);
        assertThat(detail.statusHistory().get(2).message()).contains("load_data");
        assertThat(detail.statusHistory().get(3).actor()).isEqualTo("alice");
        assertThat(detail.statusHistory().get(0).actor()).isNull();
        assertThat(detail.statusHistory().get(0).at()).isEqualTo(detail.createdAt());
    }

    @Test
    void aStepsFullOutputIsItsCheckpointOfTheLatestAttemptOrTheOneAskedFor() throws Exception {
        String run = failedPipeline();
        f.failing.clear();
        f.runner.resume(WS, "alice", run, "load_data", null);
        f.await(run);

        StepOutput latest = runs.stepOutput(WS, run, "load_data", Optional.empty());
        StepOutput first = runs.stepOutput(WS, run, "extract_data", Optional.of(1));

        assertThat(latest).isInstanceOfSatisfying(StepOutput.Found.class, o -> {
            assertThat(o.checkpoint().attempt()).isEqualTo(2);
            assertThat(o.checkpoint().output()).isEqualTo(f.checkpoints(run, 2).get("load_data"));
        });
        assertThat(first).isInstanceOfSatisfying(StepOutput.Found.class,
                o -> assertThat(o.checkpoint().output()).isEqualTo(f.checkpoints(run, 1).get("extract_data")));
        assertThat(runs.stepOutput(WS, run, "load_data", Optional.of(1))).isInstanceOf(StepOutput.NoCheckpoint.class);
        assertThat(runs.stepOutput(WS, run, "no_such_step", Optional.empty()))
                .isInstanceOf(StepOutput.NoCheckpoint.class);
        assertThat(runs.stepOutput("ws-other", run, "load_data", Optional.empty())).isInstanceOf(StepOutput.NoRun.class);
    }
}
