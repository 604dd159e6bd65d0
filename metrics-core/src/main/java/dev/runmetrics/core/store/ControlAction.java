package dev.runmetrics.core.store;

/** What an operator asked to do to a run, as recorded in the control audit log. */
public enum ControlAction {
    /** Resume a failed or paused run from a step, as a new attempt. */
    RESUME,
    /** Pause a running run. */
    PAUSE,
    /** Cancel a running run. */
    CANCEL
}
