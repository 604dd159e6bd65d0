package dev.runmetrics.core.node;

import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shared pool that runs attempts of nodes with a timeout: daemon threads, created on demand,
 * let go after 60 s idle, so it costs nothing when no node has a timeout and never keeps the JVM up.
 */
final class NodeThreads {
    private NodeThreads() {
    }

    private static final class Holder {
        static final Executor SHARED = create();
    }

    static Executor shared() {
        return Holder.SHARED;
    }

    private static Executor create() {
        AtomicInteger count = new AtomicInteger();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
            Thread thread = new Thread(task, "runmetrics-node-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }
}
