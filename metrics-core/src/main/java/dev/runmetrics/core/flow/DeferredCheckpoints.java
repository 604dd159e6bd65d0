package dev.runmetrics.core.flow;

import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.store.RunStoreUnavailableException;
import dev.runmetrics.core.store.StepCheckpoint;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The checkpoints a {@link CheckpointPolicy#DEFERRED} runner could not store because the store was
 * unavailable: kept in memory in arrival order, at most {@code capacity}, and written by one
 * daemon thread as soon as the store takes them again (retrying every {@code retry}). A checkpoint
 * the store then refuses for another reason is dropped and logged: retrying it would not help.
 *
 * <p>Thread-safe: the pending map is guarded by this object's monitor; store calls are made
 * without it. The thread and {@link #flushRun} may write the same checkpoint at once, which is
 * harmless (checkpoint writes are idempotent).
 */
final class DeferredCheckpoints {

    private static final System.Logger LOG = System.getLogger(WorkflowRunner.class.getName());

    private record Key(String workspaceId, String runId, String stepId, int attempt) {
        static Key of(StepCheckpoint c) {
            return new Key(c.workspaceId(), c.runId(), c.stepId(), c.attempt());
        }
    }

    private final RunStore store;
    private final int capacity;
    private final long retryNanos;
    private final Map<Key, StepCheckpoint> pending = new LinkedHashMap<>(); // guarded by this
    private final Thread thread;
    private boolean closed; // guarded by this
    private long lost; // guarded by this

    DeferredCheckpoints(RunStore store, int capacity, Duration retry) {
        this.store = store;
        this.capacity = capacity;
        this.retryNanos = retry.toNanos();
        this.thread = new Thread(this::loop, "runmetrics-runner-checkpoints");
        thread.setDaemon(true);
        thread.start();
    }

    /** Keeps a checkpoint for later; false if {@code capacity} are already waiting. */
    synchronized boolean add(StepCheckpoint checkpoint) {
        if (closed || pending.size() >= capacity) {
            return false;
        }
        if (pending.isEmpty()) {
            LOG.log(Level.WARNING, "the store is unavailable: step checkpoints are kept in memory and written when it"
                    + " is back (runs with one waiting cannot be resumed meanwhile)");
        }
        pending.put(Key.of(checkpoint), checkpoint);
        notifyAll();
        return true;
    }

    /** Whether any checkpoint waits: then the store is (or just was) unavailable. */
    synchronized boolean isEmpty() {
        return pending.isEmpty();
    }

    synchronized int size() {
        return pending.size();
    }

    /** How many deferred checkpoints were dropped because the store refused them for good. */
    synchronized long lost() {
        return lost;
    }

    /**
     * Writes the run's waiting checkpoints now, in order, stopping at the first that the store
     * does not take; returns true when none of the run's is left waiting.
     */
    boolean flushRun(String workspaceId, String runId) {
        List<StepCheckpoint> mine = new ArrayList<>();
        synchronized (this) {
            for (StepCheckpoint c : pending.values()) {
                if (c.workspaceId().equals(workspaceId) && c.runId().equals(runId)) {
                    mine.add(c);
                }
            }
        }
        for (StepCheckpoint c : mine) {
            if (!write(c)) {
                return false;
            }
        }
        return true;
    }

    /** Stops the thread after one last attempt at what is waiting; logs what is left unwritten. */
    void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<StepCheckpoint> left;
        synchronized (this) {
            left = new ArrayList<>(pending.values());
        }
        for (StepCheckpoint c : left) {
            if (!write(c)) {
                break;
            }
        }
        synchronized (this) {
            if (!pending.isEmpty()) {
                LOG.log(Level.ERROR, pending.size() + " deferred step checkpoints were not stored before the runner"
                        + " closed (the store is unavailable); those steps cannot be restored by a resume");
            }
        }
    }

    /** Writes one; true if it is no longer waiting (stored, or dropped as refused for good). */
    private boolean write(StepCheckpoint c) {
        try {
            store.saveCheckpoint(c.workspaceId(), c);
        } catch (RunStoreUnavailableException e) {
            return false;
        } catch (RuntimeException e) {
            synchronized (this) {
                if (pending.remove(Key.of(c), c)) {
                    lost++;
                }
            }
            LOG.log(Level.ERROR, "a deferred checkpoint of step '" + c.stepId() + "' of run " + c.runId()
                    + " was refused by the store and dropped; that step cannot be restored by a resume", e);
            return true;
        }
        synchronized (this) {
            pending.remove(Key.of(c), c);
            if (pending.isEmpty()) {
                LOG.log(Level.INFO, "the store is back: every deferred step checkpoint is stored");
            }
        }
        return true;
    }

    private void loop() {
        while (true) {
            StepCheckpoint next;
            synchronized (this) {
                while (pending.isEmpty() && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        // closing: checked below
                    }
                }
                if (closed) {
                    return;
                }
                next = pending.values().iterator().next();
            }
            if (!write(next)) {
                try {
                    TimeUnit.NANOSECONDS.sleep(retryNanos);
                } catch (InterruptedException e) {
                    // closing: the next turn sees it
                }
            }
        }
    }
}
