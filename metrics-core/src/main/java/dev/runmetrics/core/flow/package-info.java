/**
 * The reference orchestrator, {@link dev.runmetrics.core.flow.WorkflowRunner}: a DAG of steps
 * ({@link dev.runmetrics.core.flow.WorkflowDefinition}, {@link dev.runmetrics.core.flow.StepDefinition})
 * with dependencies, parallel branches, conditions, pause, cancel, checkpoints and resume from a
 * step. It records through {@link dev.runmetrics.core.record.RunRecorder}, checkpoints and claims
 * resumes through {@link dev.runmetrics.core.store.RunStore}, and offers its resume, pause and
 * cancel to other modules only through the interfaces of {@link dev.runmetrics.core.control}, so
 * nothing needs to depend on this package.
 */
package dev.runmetrics.core.flow;
