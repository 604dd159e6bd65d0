package dev.runmetrics.http.internal;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * The server end of one WebSocket connection: registers with the {@link EventHub} when opened,
 * unregisters when closed or failed. The streams are one-way: a client's messages are read, checked
 * and dropped. Jetty checks them because this endpoint declares text and binary handlers: a text
 * message that is not valid UTF-8 closes the connection with 1007, and one over
 * {@value #MAX_MESSAGE_BYTES} bytes with 1009, as RFC 6455 says. One instance per connection; Jetty
 * calls it from one thread at a time.
 */
public final class EventSocket implements Session.Listener.AutoDemanding, EventHub.Sink {

    /** The largest message a client may send; the streams need none, so this only bounds what is read. */
    static final int MAX_MESSAGE_BYTES = 4096;

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
        session.setMaxTextMessageSize(MAX_MESSAGE_BYTES);
        session.setMaxBinaryMessageSize(MAX_MESSAGE_BYTES);
        this.client = hub.register(subscription, this);
    }

    @Override
    public void onWebSocketText(String message) {
        // Declared so that Jetty assembles and validates text messages (1007, 1009); the content is unused.
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        callback.succeed();
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
