package dev.runmetrics.core.flow;

import dev.runmetrics.core.model.Run;
import java.util.Map;
import java.util.concurrent.FutureTask;

/**
 * A ready step waiting in a {@link WorkflowRunner}'s queue for a worker. Steps are ordered by
 * their run's priority, higher first, then by the order they were queued in (a sequence number
 * the runner hands out), so that equal priorities are served first come, first served.
 *
 * <p>Immutable ordering keys; the task itself is a {@link FutureTask}, safe to run, cancel and
 * compare from any thread.
 */
final class QueuedStep extends FutureTask<Void> implements Comparable<QueuedStep> {

    final int priority;
    final long sequence;

    QueuedStep(int priority, long sequence, Runnable step) {
        super(step, null);
        this.priority = priority;
        this.sequence = sequence;
    }

    /**
     * A run's queue priority: its {@link Run#PRIORITY} attribute as an integer, 0 when absent or
     * not a number (the rule the live overview orders its queue by).
     */
    static int priorityOf(Map<String, ?> attributes) {
        return attributes != null && attributes.get(Run.PRIORITY) instanceof Number n ? n.intValue() : 0;
    }

    @Override
    public int compareTo(QueuedStep other) {
        int byPriority = Integer.compare(other.priority, priority);
        return byPriority != 0 ? byPriority : Long.compare(sequence, other.sequence);
    }

    @Override
    public String toString() {
        return "QueuedStep{priority=" + priority + ", sequence=" + sequence + "}";
    }
}
