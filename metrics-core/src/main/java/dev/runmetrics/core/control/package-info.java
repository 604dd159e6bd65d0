/**
 * What an API needs from an orchestrator to act on runs: {@link dev.runmetrics.core.control.ResumeHandler}
 * (resume a failed or paused run from a step, answered with a {@link dev.runmetrics.core.control.ResumeResult})
 * and {@link dev.runmetrics.core.control.RunAction} (pause, cancel). The reference
 * {@code WorkflowRunner} implements them, and so can a host's own orchestrator or an engine adapter;
 * the HTTP adapter depends on these interfaces only, never on a runner. A host with several
 * orchestrators hands the adapter one of each made with {@link dev.runmetrics.core.control.ResumeHandlers#byWorkflow}
 * and {@link dev.runmetrics.core.control.RunActions#byWorkflow}, which dispatch by the run's workflow.
 */
package dev.runmetrics.core.control;
