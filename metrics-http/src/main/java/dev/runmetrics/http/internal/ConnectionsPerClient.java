package dev.runmetrics.http.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the open connections of each client address: a connection that would take an address over
 * the cap is closed as soon as it opens, before anything is read from it, so that one client's
 * held-open sockets (slow headers, slow bodies, idle keep-alives) cannot use up the server's file
 * descriptors and leave nothing for others. Jetty's own {@code ConnectionLimit} and
 * {@code NetworkConnectionLimit} count all clients together, which lets one client take every place.
 *
 * <p>Registered on the connector ({@code connector.addEventListener}), so it sees every connection
 * (HTTP, and WebSocket after an upgrade). It counts sockets, not connection objects: a WebSocket
 * upgrade replaces the HTTP connection on the same socket and keeps its place. Clients are told apart
 * by their IP address (an IPv6 client with many addresses counts once for each).
 *
 * <p>Thread-safe: Jetty calls it from its selector and worker threads at once.
 */
public final class ConnectionsPerClient implements Connection.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionsPerClient.class);

    private final int max;
    private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<EndPoint, InetAddress> sockets = new ConcurrentHashMap<>();
    private final LongAdder refused = new LongAdder();

    /** @param max the most connections one address may have open, at least 1 */
    public ConnectionsPerClient(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be >= 1, was " + max);
        }
        this.max = max;
    }

    @Override
    public void onOpened(Connection connection) {
        EndPoint socket = connection.getEndPoint();
        InetAddress address = address(socket);
        if (address == null || sockets.putIfAbsent(socket, address) != null) {
            return; // not a network client, or a new protocol on a socket already counted
        }
        int now = open.merge(address, 1, Integer::sum);
        if (now > max) {
            refused.increment();
            LOG.debug("closing a connection from {}: it already has {} open (the most is {})", address, now - 1, max);
            socket.close(); // onClosed gives its place back
        }
    }

    @Override
    public void onClosed(Connection connection) {
        EndPoint socket = connection.getEndPoint();
        if (socket.isOpen()) {
            return; // upgraded: the socket's next connection holds the place
        }
        InetAddress address = sockets.remove(socket);
        if (address != null) {
            open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** How many connections the address has open now. */
    public int openConnections(InetAddress address) {
        return open.getOrDefault(address, 0);
    }

    /** How many connections were closed for being over the cap since the server started. */
    public long refused() {
        return refused.sum();
    }

    /** The most connections one address may have open. */
    public int max() {
        return max;
    }

    private static InetAddress address(EndPoint socket) {
        return socket.getRemoteSocketAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    @Override
    public String toString() {
        return "ConnectionsPerClient{max=" + max + ", clients=" + open.size() + ", refused=" + refused.sum() + "}";
    }
}
