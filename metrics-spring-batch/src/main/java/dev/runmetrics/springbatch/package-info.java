/**
 * Spring Batch jobs on runmetrics: {@link dev.runmetrics.springbatch.JobRunRecorder} records each job
 * execution as a run and each step execution as a step; {@link dev.runmetrics.springbatch.JobRestartHandler}
 * and {@link dev.runmetrics.springbatch.JobStopAction} give the Run Console's resume, pause and cancel
 * to Spring Batch's own {@code JobOperator} (restart and stop).
 */
package dev.runmetrics.springbatch;
