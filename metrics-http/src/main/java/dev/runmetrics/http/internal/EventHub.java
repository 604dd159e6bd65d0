package dev.runmetrics.http.internal;

import dev.runmetrics.core.record.RunEvent;
import dev.runmetrics.core.record.RunListener;
import dev.runmetrics.core.store.RunStoreUnavailableException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans recorder events out to WebSocket clients without ever slowing the recorder down.
 *
 * <p>{@link #onEvent} (called on a recording thread, under the run's lock) only turns the event
 * into its JSON text once, offers it to the bounded queue of every client that wants it and, if
 * that client has no send in flight, hands it to the hub's sender thread. A client whose queue is
 * full (slow, or gone without closing) is dropped: removed, and closed with 1013 (try again
 * later). Sends are asynchronous, one in flight per client, so one client's slow socket never
 * holds up another's.
 *
 * <p>{@code execution_update} (the live overview's realtime section) is pushed per workspace after a change,
 * at most once per {@code updateInterval}: events mark their workspace dirty, a timer sends one
 * update per dirty workspace that has listeners.
 *
 * <p>Thread-safe. {@link #start()} and {@link #stop()} bracket its threads.
 */
public final class EventHub implements RunListener {

    private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);

    /** Where a client's messages go: a WebSocket session in production, a fake in tests. */
    public interface Sink {
        /** Sends one text message asynchronously; exactly one of the callbacks runs when done. */
        void send(String text, Runnable done, Consumer<Throwable> failed);

        /** Closes the connection, asynchronously. */
        void close(int code, String reason);
    }

    /** Close code for a client dropped for being too slow (RFC 6455 1013, "try again later"). */
    public static final int CLOSE_TOO_SLOW = 1013;

    private final int queueCapacity;
    private final Duration updateInterval;
    private final Function<String, Object> realtime;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final LongAdder dropped = new LongAdder();
    private volatile ExecutorService sender;
    private volatile ScheduledExecutorService timer;

    /**
     * @param queueCapacity messages a client may have waiting before it is dropped
     * @param updateInterval least time between two {@code execution_update}s of a workspace
     * @param realtime the live section of a workspace (the live overview's {@code realtime}), or null if the
     *     adapter has no views (then no {@code execution_update} is sent)
     */
    public EventHub(int queueCapacity, Duration updateInterval, Function<String, Object> realtime) {
        this.queueCapacity = queueCapacity;
        this.updateInterval = updateInterval;
        this.realtime = realtime;
    }

    public synchronized void start() {
        if (sender != null) {
            return;
        }
        ThreadPoolExecutor s = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                r -> daemon(r, "runmetrics-ws-sender"));
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "runmetrics-ws-updates"));
        long millis = Math.max(1, updateInterval.toMillis());
        t.scheduleWithFixedDelay(this::sendUpdates, millis, millis, TimeUnit.MILLISECONDS);
        sender = s;
        timer = t;
    }

    public synchronized void stop() {
        if (sender == null) {
            return;
        }
        timer.shutdownNow();
        sender.shutdownNow();
        sender = null;
        timer = null;
        for (Client c : clients) {
            c.drop(1001, "server stopping");
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Registers a client; for the executions stream, sends it the current live section at once. */
    public Client register(Subscription subscription, Sink sink) {
        Client c = new Client(subscription, sink);
        clients.add(c);
        if (subscription.kind() == Subscription.Kind.EXECUTIONS && realtime != null) {
            dirty.add(subscription.workspaceId());
        }
        return c;
    }

    public void unregister(Client client) {
        clients.remove(client);
    }

    public int clientCount() {
        return clients.size();
    }

    /** Clients dropped because their queue was full. */
    public long droppedClients() {
        return dropped.sum();
    }

    @Override
    public void onEvent(RunEvent event) {
        if (clients.isEmpty()) {
            return;
        }
        String json = null;
        boolean computed = false;
        for (Client c : clients) {
            Subscription s = c.subscription;
            if (s.kind() == Subscription.Kind.EXECUTIONS) {
                if (s.workspaceId().equals(event.run().workspaceId()) && realtime != null && affectsLive(event)) {
                    dirty.add(s.workspaceId());
                }
                continue;
            }
            if (!s.wants(event)) {
                continue;
            }
            if (!computed) {
                json = WebSocketEvents.toJson(event);
                computed = true;
            }
            if (json != null) {
                c.offer(json);
            }
        }
    }

    private static boolean affectsLive(RunEvent e) {
        return !e.type().isStepEvent() || e.type() == RunEvent.Type.STEP_STARTED
                || e.type() == RunEvent.Type.STEP_COMPLETED;
    }

    private void sendUpdates() {
        try {
            for (String workspace : dirty) {
                dirty.remove(workspace);
                boolean any = false;
                for (Client c : clients) {
                    any |= c.subscription.kind() == Subscription.Kind.EXECUTIONS
                            && c.subscription.workspaceId().equals(workspace);
                }
                if (!any) {
                    continue;
                }
                String json = Json.text(Json.map("event", "execution_update", "data", realtime.apply(workspace)));
                for (Client c : clients) {
                    if (c.subscription.kind() == Subscription.Kind.EXECUTIONS
                            && c.subscription.workspaceId().equals(workspace)) {
                        c.offer(json);
                    }
                }
            }
        } catch (RunStoreUnavailableException e) {
            LOG.debug("execution_update skipped: {}", e.getMessage()); // the store logs its outage itself, once
        } catch (RuntimeException e) {
            LOG.warn("execution_update failed; will retry on the next change", e);
        }
    }

    /** One connected client: a bounded queue and at most one send in flight. */
    public final class Client {
        private final Subscription subscription;
        private final Sink sink;
        private final ArrayBlockingQueue<String> queue = new ArrayBlockingQueue<>(queueCapacity);
        private final AtomicBoolean sending = new AtomicBoolean();
        private final AtomicBoolean closed = new AtomicBoolean();

        Client(Subscription subscription, Sink sink) {
            this.subscription = subscription;
            this.sink = sink;
        }

        void offer(String json) {
            if (closed.get()) {
                return;
            }
            if (!queue.offer(json)) {
                dropped.increment();
                drop(CLOSE_TOO_SLOW, "client too slow; events were dropped");
                return;
            }
            kick();
        }

        private void kick() {
            ExecutorService s = sender;
            if (s != null && !closed.get() && sending.compareAndSet(false, true)) {
                try {
                    s.execute(this::sendNext);
                } catch (RuntimeException e) { // stopped
                    sending.set(false);
                }
            }
        }

        private void sendNext() {
            String next = queue.poll();
            if (next == null || closed.get()) {
                sending.set(false);
                if (!queue.isEmpty()) {
                    kick();
                }
                return;
            }
            try {
                sink.send(next, () -> {
                    sending.set(false);
                    kick();
                }, failure -> drop(1011, "send failed"));
            } catch (RuntimeException e) {
                drop(1011, "send failed");
            }
        }

        void drop(int code, String reason) {
            if (closed.compareAndSet(false, true)) {
                clients.remove(this);
                queue.clear();
                try {
                    sink.close(code, reason);
                } catch (RuntimeException e) {
                    LOG.debug("closing a WebSocket client failed", e);
                }
            }
        }
    }
}
