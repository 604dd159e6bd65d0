/**
 * The reference orchestrator: {@code WorkflowRunner} (a DAG of steps with dependencies, parallel
 * branches, conditions, pause, cancel, checkpoints and resume from step, seed 002) and the four
 * example workflows of seed 003. It records through {@link dev.runmetrics.core.record.RunRecorder} and
 * checkpoints and claims resumes through {@link dev.runmetrics.core.store.RunStore}.
 */
package dev.runmetrics.core.flow;
