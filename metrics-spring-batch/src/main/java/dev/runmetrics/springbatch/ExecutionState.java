package dev.runmetrics.springbatch;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.batch.core.job.JobExecution;

/**
 * What {@link JobRunRecorder} knows of one job execution in flight: the run it is recorded as, the
 * step executions seen, and an operator's stop request. Thread-safe: partition workers report
 * their steps concurrently, and stop requests come from other threads.
 */
final class ExecutionState {

    /** An operator's stop: a pause (Spring Batch STOPPED, restartable) or a cancel (abandoned). */
    record StopRequest(boolean cancel, String reason) {}

    /** A step execution seen by {@code beforeStep}; ended once. */
    static final class StepState {
        final String stepId;
        private final AtomicBoolean ended = new AtomicBoolean();

        StepState(String stepId) {
            this.stepId = stepId;
        }

        /** Returns true for the first caller only. */
        boolean end() {
            return ended.compareAndSet(false, true);
        }

        boolean ended() {
            return ended.get();
        }
    }

    final String runId;
    /** The job execution object the job's thread works on (its status is how a stop reaches the steps). */
    final JobExecution execution;
    /** Step executions by id. */
    final ConcurrentMap<Long, StepState> steps = new ConcurrentHashMap<>();
    private final AtomicInteger order = new AtomicInteger();
    private final AtomicReference<StopRequest> stop = new AtomicReference<>();

    ExecutionState(String runId, JobExecution execution) {
        this.runId = runId;
        this.execution = execution;
    }

    /** The 1-based position of the next step of this attempt. */
    int nextOrder() {
        return order.incrementAndGet();
    }

    /** Records a stop request; false if one was made already. */
    boolean requestStop(StopRequest request) {
        return stop.compareAndSet(null, request);
    }

    /** Withdraws a request whose stop did not happen. */
    void withdrawStop(StopRequest request) {
        stop.compareAndSet(request, null);
    }

    /** The stop request, or null. */
    StopRequest stopRequest() {
        return stop.get();
    }
}
