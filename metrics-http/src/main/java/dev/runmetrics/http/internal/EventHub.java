package dev.runmetrics.http.internal;

import dev.runmetrics.core.record.RunEvent;
import dev.runmetrics.core.record.RunListener;
import dev.runmetrics.core.store.RunStoreUnavailableException;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
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
 * Fans recorder events out to WebSocket clients as they happen, without ever slowing the recorder
 * down.
 *
 * <p>{@link #onEvent} (called on a recording thread, under the run's lock) only adds the event to
 * the bounded outbox of every client that wants it and, if that client has no send in flight,
 * hands the client to the hub's sender thread. Sends are asynchronous, one in flight per client, so
 * one client's slow socket never holds up another's. A client whose outbox is full (slow, or gone
 * without closing) is dropped: removed, and closed with 1013 (try again later).
 *
 * <p>The two kinds of stream keep different promises:
 * <ul>
 *   <li>a workflow's or a step's stream carries every lifecycle event, in order: its outbox is a
 *       queue of at most {@code queueCapacity} messages;
 *   <li>the executions stream carries the latest state of each run that changed
 *       ({@code execution_changed}, sent at once) and the workspace's live section
 *       ({@code execution_update}): its outbox holds one message per run (a later change of the
 *       same run replaces the waiting one) and one live section, at most {@code queueCapacity}
 *       runs in all, sent in the order of their latest change.
 * </ul>
 *
 * <p>{@code execution_update} is computed on the hub's timer thread: a change marks its workspace
 * dirty; the first change after a quiet {@code updateInterval} is sent at once, later ones are
 * coalesced into one update per workspace per {@code updateInterval}. A new client gets its own at
 * once.
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

    /** The outbox key of the live section, which no run id (a UUID) can equal. */
    private static final String LIVE_SECTION = "execution_update";

    private final int queueCapacity;
    private final long updateIntervalNanos;
    private final Function<String, Object> realtime;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    /** When each workspace's last {@code execution_update} was computed ({@link System#nanoTime()}). */
    private final Map<String, Long> lastUpdate = new ConcurrentHashMap<>();
    private final LongAdder dropped = new LongAdder();
    private volatile ExecutorService sender;
    private volatile ScheduledExecutorService timer;

    /**
     * @param queueCapacity messages a workflow or step client may have waiting, and runs an
     *     executions client may have waiting, before it is dropped
     * @param updateInterval least time between two {@code execution_update}s of a workspace (the
     *     window over which changes are coalesced into one)
     * @param realtime the live section of a workspace (the live overview's {@code realtime}), or null if the
     *     adapter has no views (then no {@code execution_update} is sent)
     */
    public EventHub(int queueCapacity, Duration updateInterval, Function<String, Object> realtime) {
        this.queueCapacity = queueCapacity;
        this.updateIntervalNanos = Math.max(1, updateInterval.toNanos());
        this.realtime = realtime;
    }

    public synchronized void start() {
        if (sender != null) {
            return;
        }
        sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                r -> daemon(r, "runmetrics-ws-sender"));
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "runmetrics-ws-updates"));
        t.setRemoveOnCancelPolicy(true);
        timer = t;
        for (String workspace : dirty) { // changed before the start
            schedule(workspace);
        }
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
        boolean executions = subscription.kind() == Subscription.Kind.EXECUTIONS;
        Client c = new Client(subscription, sink, executions ? new LatestPerKey(queueCapacity)
                : new InOrder(queueCapacity));
        clients.add(c);
        if (executions && realtime != null) {
            ScheduledExecutorService t = timer;
            if (t != null) {
                try {
                    t.execute(() -> sendLiveSection(subscription.workspaceId(), c));
                } catch (RejectedExecutionException stopping) {
                    // the server is stopping; the client is closed with it
                }
            }
        }
        return c;
    }

    public void unregister(Client client) {
        clients.remove(client);
    }

    public int clientCount() {
        return clients.size();
    }

    /** Clients dropped because their outbox was full. */
    public long droppedClients() {
        return dropped.sum();
    }

    @Override
    public void onEvent(RunEvent event) {
        if (clients.isEmpty()) {
            return;
        }
        Pending lifecycle = null;
        boolean mapped = false;
        Pending change = null;
        boolean live = false;
        String workspace = event.run().workspaceId();
        for (Client c : clients) {
            Subscription s = c.subscription;
            if (s.kind() == Subscription.Kind.EXECUTIONS) {
                if (!s.workspaceId().equals(workspace)) {
                    continue;
                }
                live |= realtime != null && affectsLive(event);
                if (!event.type().isStepEvent()) {
                    if (change == null) {
                        change = new RunChange(event);
                    }
                    c.offer(event.run().runId(), change);
                }
                continue;
            }
            if (!s.wants(event)) {
                continue;
            }
            if (!mapped) {
                String json = WebSocketEvents.toJson(event);
                lifecycle = json == null ? null : new Text(json);
                mapped = true;
            }
            if (lifecycle != null) {
                c.offer(null, lifecycle);
            }
        }
        if (live && dirty.add(workspace)) {
            schedule(workspace);
        }
    }

    private static boolean affectsLive(RunEvent e) {
        return !e.type().isStepEvent() || e.type() == RunEvent.Type.STEP_STARTED
                || e.type() == RunEvent.Type.STEP_COMPLETED;
    }

    /** Schedules the workspace's next update: now after a quiet window, else when its window ends. */
    private void schedule(String workspace) {
        ScheduledExecutorService t = timer;
        if (t == null) {
            return; // start() schedules it
        }
        Long last = lastUpdate.get(workspace);
        long delay = last == null ? 0 : Math.max(0, last + updateIntervalNanos - System.nanoTime());
        try {
            t.schedule(() -> sendUpdate(workspace), delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            // stopped meanwhile
        }
    }

    private void sendUpdate(String workspace) {
        lastUpdate.put(workspace, System.nanoTime()); // before the removal, so that a change after it waits a window
        dirty.remove(workspace);
        Text section = null;
        for (Client c : clients) {
            if (c.subscription.kind() == Subscription.Kind.EXECUTIONS && c.subscription.workspaceId().equals(workspace)) {
                if (section == null) {
                    section = liveSection(workspace);
                    if (section == null) {
                        return;
                    }
                }
                c.offer(LIVE_SECTION, section);
            }
        }
    }

    private void sendLiveSection(String workspace, Client client) {
        Text section = liveSection(workspace);
        if (section != null) {
            client.offer(LIVE_SECTION, section);
        }
    }

    /** The workspace's {@code execution_update}, or null if the store cannot answer now. */
    private Text liveSection(String workspace) {
        try {
            return new Text(Json.text(Json.map("event", "execution_update", "data", realtime.apply(workspace))));
        } catch (RunStoreUnavailableException e) {
            LOG.debug("execution_update skipped: {}", e.getMessage()); // the store logs its outage itself, once
        } catch (RuntimeException e) {
            LOG.warn("execution_update failed; will retry on the next change", e);
        }
        return null;
    }

    /** A message waiting in an outbox; its text may be made when it is sent. */
    private interface Pending {
        String text();
    }

    private record Text(String text) implements Pending {}

    /** A run's {@code execution_changed}, made into JSON once, by the first client that sends it. */
    private static final class RunChange implements Pending {
        private final RunEvent event;
        private volatile String text;

        RunChange(RunEvent event) {
            this.event = event;
        }

        @Override
        public String text() {
            String t = text;
            if (t == null) {
                t = Json.text(WebSocketEvents.executionChanged(event));
                text = t;
            }
            return t;
        }
    }

    /** A client's waiting messages, bounded. Thread-safe. */
    private interface Outbox {
        /** Adds the message under its key (null: none); false if the outbox is full. */
        boolean add(String key, Pending message);

        /** The next message to send, or null. */
        Pending poll();

        boolean isEmpty();

        void clear();
    }

    /** Every message, in order: the workflow and step streams. */
    private static final class InOrder implements Outbox {
        private final ArrayBlockingQueue<Pending> queue;

        InOrder(int capacity) {
            queue = new ArrayBlockingQueue<>(capacity);
        }

        @Override
        public boolean add(String key, Pending message) {
            return queue.offer(message);
        }

        @Override
        public Pending poll() {
            return queue.poll();
        }

        @Override
        public boolean isEmpty() {
            return queue.isEmpty();
        }

        @Override
        public void clear() {
            queue.clear();
        }
    }

    /**
     * The latest message of each key (a run, or the live section), in the order of their latest
     * change: a message replaces the waiting one of its key and goes to the end, so what a client
     * receives is never older than what it received before.
     */
    private static final class LatestPerKey implements Outbox {
        private final int capacity;
        private final LinkedHashMap<String, Pending> waiting = new LinkedHashMap<>();

        LatestPerKey(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public synchronized boolean add(String key, Pending message) {
            if (waiting.remove(key) == null && waiting.size() >= capacity) {
                return false;
            }
            waiting.put(key, message);
            return true;
        }

        @Override
        public synchronized Pending poll() {
            Iterator<Pending> it = waiting.values().iterator();
            if (!it.hasNext()) {
                return null;
            }
            Pending next = it.next();
            it.remove();
            return next;
        }

        @Override
        public synchronized boolean isEmpty() {
            return waiting.isEmpty();
        }

        @Override
        public synchronized void clear() {
            waiting.clear();
        }
    }

    /** One connected client: a bounded outbox and at most one send in flight. */
    public final class Client {
        private final Subscription subscription;
        private final Sink sink;
        private final Outbox outbox;
        private final AtomicBoolean sending = new AtomicBoolean();
        private final AtomicBoolean closed = new AtomicBoolean();

        Client(Subscription subscription, Sink sink, Outbox outbox) {
            this.subscription = subscription;
            this.sink = sink;
            this.outbox = outbox;
        }

        void offer(String key, Pending message) {
            if (closed.get()) {
                return;
            }
            if (!outbox.add(key, message)) {
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
            Pending next = outbox.poll();
            if (next == null || closed.get()) {
                sending.set(false);
                if (!outbox.isEmpty()) {
                    kick();
                }
                return;
            }
            try {
                sink.send(next.text(), () -> {
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
                outbox.clear();
                try {
                    sink.close(code, reason);
                } catch (RuntimeException e) {
                    LOG.debug("closing a WebSocket client failed", e);
                }
            }
        }
    }
}
