package dev.runmetrics.http.internal;

import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * The server end of one WebSocket connection: registers with the {@link EventHub} when opened,
 * unregisters when closed or failed. Messages from the client are read and ignored (the streams
 * are one-way). One instance per connection; Jetty calls it from one thread at a time.
 */
public final class EventSocket implements Session.Listener.AutoDemanding, EventHub.Sink {

    private final EventHub hub;
    private final Subscription subscription;
    private volatile Session session;
    private volatile EventHub.Client client;

    public EventSocket(EventHub hub, Subscription subscription) {
        this.hub = hub;
        this.subscription = subscription;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        this.client = hub.register(subscription, this);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        EventHub.Client c = client;
        if (c != null) {
            hub.unregister(c);
        }
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        EventHub.Client c = client;
        if (c != null) {
            hub.unregister(c);
        }
    }

    @Override
    public void send(String text, Runnable done, Consumer<Throwable> failed) {
        Session s = session;
        if (s == null || !s.isOpen()) {
            failed.accept(new IllegalStateException("closed"));
            return;
        }
        s.sendText(text, Callback.from(done, failed));
    }

    @Override
    public void close(int code, String reason) {
        Session s = session;
        if (s != null) {
            s.close(code, reason, Callback.NOOP);
        }
    }
}
