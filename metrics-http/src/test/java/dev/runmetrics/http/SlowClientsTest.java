package dev.runmetrics.http;

import static dev.runmetrics.http.Api.OPERATOR_A;
import static dev.runmetrics.http.Api.VIEWER_A;
import static dev.runmetrics.http.Api.WS_A;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slow and greedy clients cost their own connections, never the server's threads or the other
 * clients' answers. The slow clients connect from other loopback addresses (all of 127.0.0.0/8 is
 * loopback), so that the per-client cap sees them as the separate clients they stand for.
 */
class SlowClientsTest {

    private static final String SLOW_BODY_CLIENT = "127.0.0.2";
    private static final String SLOW_HEADER_CLIENT = "127.0.0.3";
    private static final String GREEDY_CLIENT = "127.0.0.4";
    private static final String STALLED_WEBSOCKET_CLIENT = "127.0.0.5";
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)\r\n");

    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    /** Closes the test's sockets (before the server stops, which then need not wait for them). */
    @AfterEach
    void closeSockets() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    @Test
    @Timeout(60)
    void fiftySlowBodiesAndFiftySlowHeadersLeaveHealthAndTheApiAnsweringWithin100Ms() throws Exception {
        AtomicInteger resumed = new AtomicInteger();
        try (World world = new World(b -> b.requestHeaderTimeout(Duration.ofSeconds(60))
                .requestBodyTimeout(Duration.ofSeconds(60)).resumeHandler((ws, actor, run, step, overrides) -> {
                    resumed.incrementAndGet();
                    throw new IllegalStateException("a body that never ends must not reach the handler");
                }));
                AutoCloseable socketsFirst = this::closeSockets) {
            for (int i = 0; i < 20; i++) { // warm up the paths measured below, before the slow clients come
                assertThat(world.api.get("/health", null).statusCode()).isEqualTo(200);
                assertThat(world.api.get("/api/v1/me", VIEWER_A).statusCode()).isEqualTo(200);
            }
            List<Socket> slowBodies = new ArrayList<>();
            List<Socket> slowHeaders = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                Socket s = connect(world, SLOW_BODY_CLIENT);
                send(s, "POST /api/workflows/executions/" + world.failed + "/resume HTTP/1.1\r\nHost: localhost\r\n"
                        + "Authorization: Bearer " + OPERATOR_A + "\r\nX-Workspace-Id: " + WS_A + "\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{");
                slowBodies.add(s);
            }
            for (int i = 0; i < 50; i++) {
                Socket s = connect(world, SLOW_HEADER_CLIENT);
                send(s, "GET /api/v1/me HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + VIEWER_A
                        + "\r\nX-Slow: ");
                slowHeaders.add(s);
            }
            ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
            AtomicInteger writeFailures = new AtomicInteger();
            trickle.scheduleWithFixedDelay(() -> {
                for (Socket s : slowBodies) {
                    sendQuietly(s, " ", writeFailures); // JSON whitespace, one byte at a time
                }
                for (Socket s : slowHeaders) {
                    sendQuietly(s, "a", writeFailures);
                }
            }, 200, 500, TimeUnit.MILLISECONDS);
            try {
                Thread.sleep(1_000); // the slow bodies' handlers have started waiting for their bytes
                List<Long> healthMillis = new ArrayList<>();
                List<Long> meMillis = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    healthMillis.add(timed(() -> assertThat(world.api.get("/health", null).statusCode())
                            .isEqualTo(200)));
                    meMillis.add(timed(() -> assertThat(world.api.get("/api/v1/me", VIEWER_A).statusCode())
                            .isEqualTo(200)));
                }
                assertThat(healthMillis.stream().mapToLong(Long::longValue).max().orElseThrow())
                        .as("slowest /health of %s", healthMillis).isLessThan(100);
                assertThat(meMillis.stream().mapToLong(Long::longValue).max().orElseThrow())
                        .as("slowest /api/v1/me of %s", meMillis).isLessThan(100);
            } finally {
                trickle.shutdownNow();
                assertThat(trickle.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            }
            // every slow client is still connected and still waiting: they were held, not dropped
            assertThat(writeFailures).hasValue(0);
            for (Socket s : slowBodies) {
                assertThat(waitingForAnswer(s)).isTrue();
            }
            for (Socket s : slowHeaders) {
                assertThat(waitingForAnswer(s)).isTrue();
            }
            assertThat(resumed).hasValue(0);
        }
    }

    @Test
    @Timeout(60)
    void aClientOverTheConnectionCapIsRefusedWhileOtherClientsAreServed() throws Exception {
        int cap = MetricsHttpServer.Builder.DEFAULT_MAX_CONNECTIONS_PER_CLIENT;
        try (World world = new World(b -> b.requestHeaderTimeout(Duration.ofSeconds(60)), false);
                AutoCloseable socketsFirst = this::closeSockets) {
            List<Socket> held = new ArrayList<>();
            for (int i = 0; i < cap; i++) {
                Socket s = connect(world, GREEDY_CLIENT);
                assertThat(exchange(s, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")).as("connection %d", i + 1)
                        .startsWith("HTTP/1.1 200");
                held.add(s);
            }
            Socket over = connect(world, GREEDY_CLIENT);
            assertThat(refused(over, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"))
                    .as("connection %d from one address", cap + 1).isTrue();
            // the held connections still work, and another client is not affected
            assertThat(exchange(held.get(0), "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"))
                    .startsWith("HTTP/1.1 200");
            assertThat(world.api.get("/health", null).statusCode()).isEqualTo(200);
            // a connection closed gives its place back
            held.remove(0).close();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            String answer = null;
            while (answer == null && System.nanoTime() < deadline) {
                Socket again = connect(world, GREEDY_CLIENT);
                try {
                    answer = exchange(again, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
                } catch (IOException refusedStill) {
                    Thread.sleep(50); // the server has not seen the close yet
                }
            }
            assertThat(answer).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    @Timeout(30)
    void headersThatTrickleInAreCutOffAtTheHeaderTimeout() throws Exception {
        try (World world = new World(b -> b.requestHeaderTimeout(Duration.ofMillis(400)), false);
                AutoCloseable socketsFirst = this::closeSockets) {
            Socket s = connect(world, SLOW_HEADER_CLIENT);
            long start = System.nanoTime();
            send(s, "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
            s.setSoTimeout(100);
            boolean closed = false;
            while (!closed && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
                closed = !sendQuietly(s, "a", new AtomicInteger()) || closedWithin(s);
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(closed).isTrue();
            assertThat(millis).isBetween(350L, 3_000L);

            // a connection that sends nothing at all is closed on the same clock
            Socket silent = connect(world, SLOW_HEADER_CLIENT);
            long opened = System.nanoTime();
            silent.setSoTimeout(5_000);
            assertThat(silent.getInputStream().read()).isEqualTo(-1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened)).isBetween(300L, 3_000L);
        }
    }

    @Test
    @Timeout(30)
    void anIdleKeepAliveConnectionIsNotCutOffByTheHeaderTimeout() throws Exception {
        try (World world = new World(b -> b.requestHeaderTimeout(Duration.ofMillis(300)), false);
                AutoCloseable socketsFirst = this::closeSockets) {
            Socket s = connect(world, "127.0.0.1");
            assertThat(exchange(s, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")).startsWith("HTTP/1.1 200");
            Thread.sleep(1_000); // idle between requests: longer than the header timeout, shorter than the idle one
            assertThat(exchange(s, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    @Timeout(30)
    void aBodyThatTricklesInIsAnswered408AtTheBodyTimeout() throws Exception {
        AtomicInteger resumed = new AtomicInteger();
        try (World world = new World(b -> b.requestBodyTimeout(Duration.ofMillis(400))
                .resumeHandler((ws, actor, run, step, overrides) -> {
                    resumed.incrementAndGet();
                    throw new IllegalStateException("a body that never ends must not reach the handler");
                }));
                AutoCloseable socketsFirst = this::closeSockets) {
            Socket s = connect(world, SLOW_BODY_CLIENT);
            long start = System.nanoTime();
            send(s, "POST /api/workflows/executions/" + world.failed + "/resume HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + OPERATOR_A + "\r\nX-Workspace-Id: " + WS_A + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
            s.setSoTimeout(100);
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            boolean ended = false;
            while (!ended && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
                sendQuietly(s, " ", new AtomicInteger());
                ended = readSome(s, answer);
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            String response = answer.toString(StandardCharsets.UTF_8);
            assertThat(ended).as("the server closed the connection").isTrue();
            assertThat(response).startsWith("HTTP/1.1 408").contains("\"code\":\"request_timeout\"")
                    .containsPattern("(?i)\r\nconnection: close\r\n");
            assertThat(millis).isBetween(350L, 3_000L);
            assertThat(resumed).hasValue(0);
        }
    }

    @Test
    @Timeout(30)
    void aBodyThatArrivesInPiecesWithinTheTimeoutIsReadWhole() throws Exception {
        World.RunActionLog actions = new World.RunActionLog();
        try (World world = new World(b -> b.requestBodyTimeout(Duration.ofSeconds(20)).pause(actions::pause));
                AutoCloseable socketsFirst = this::closeSockets) {
            actions.allowed = world.running;
            Socket s = connect(world, SLOW_BODY_CLIENT);
            String body = "{\"reason\": \"maintenance window\"}";
            send(s, "POST /api/workflows/executions/" + world.running + "/pause HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + OPERATOR_A + "\r\nX-Workspace-Id: " + WS_A + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n");
            for (int i = 0; i < body.length(); i += 8) {
                Thread.sleep(20);
                send(s, body.substring(i, Math.min(body.length(), i + 8)));
            }
            String response = readResponse(s);
            assertThat(response).startsWith("HTTP/1.1 202").doesNotContainPattern("(?i)\r\nconnection: close\r\n");
            assertThat(actions.calls).containsExactly("pause " + WS_A + " " + world.running + " maintenance window");
            // the body was read to its end, so the connection serves the next request
            assertThat(exchange(s, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    @Timeout(60)
    void anExecutionsClientThatStopsReadingIsClosedAtItsBoundWhileTheOthersAndTheRecorderGoOn() throws Exception {
        int bound = 16;
        try (World world = new World(b -> b.webSocketQueue(bound), false);
                AutoCloseable socketsFirst = this::closeSockets) {
            // a WebSocket client that upgrades, then never reads: its receive window stays small
            Socket stalled = new Socket();
            sockets.add(stalled);
            stalled.setReceiveBufferSize(4096);
            stalled.bind(new InetSocketAddress(STALLED_WEBSOCKET_CLIENT, 0));
            stalled.connect(new InetSocketAddress("127.0.0.1", world.server.port()), 2_000);
            stalled.setSoTimeout(5_000);
            send(stalled, "GET /ws/executions HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Authorization: Bearer " + VIEWER_A + "\r\nX-Workspace-Id: " + WS_A + "\r\n\r\n");
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                head.write(stalled.getInputStream().read());
            }
            assertThat(head.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 101");
            WebSocketTest.Inbox reader = new WebSocketTest.Inbox();
            java.net.http.WebSocket ws = LiveExecutionsTest.connect(world, reader);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (world.server.handler().webSocketClients() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(world.server.handler().webSocketClients()).isEqualTo(2);

            // wide runs (an 8 KB name) fill the socket buffers within a few hundred runs; then each
            // new run waits in the stalled client's outbox, until the bound is passed
            String name = "w".repeat(8_000);
            long slowestCallNanos = 0;
            int runs = 0;
            String last = null;
            while (world.server.handler().webSocketClients() == 2 && runs < 20_000) {
                long t0 = System.nanoTime();
                last = world.recorder.runQueued(WS_A, "wide", name, null);
                world.recorder.runCancelled(WS_A, last, "done");
                slowestCallNanos = Math.max(slowestCallNanos, System.nanoTime() - t0);
                runs++;
                // the reading client is not held up: it gets each run's latest state before the next run
                com.fasterxml.jackson.databind.JsonNode m;
                do {
                    m = reader.nextEvent("execution_changed");
                } while (!(m.get("data").get("execution_id").asText().equals(last)
                        && m.get("data").get("status").asText().equals("cancelled")));
            }
            assertThat(world.server.handler().webSocketClients()).as("clients after %d runs", runs).isEqualTo(1);
            assertThat(runs).as("runs recorded before the stalled client was closed").isGreaterThan(bound);
            String metrics = world.api.get("/metrics", VIEWER_A).body();
            assertThat(metrics).contains("runmetrics_websocket_dropped_clients_total 1");
            assertThat(TimeUnit.NANOSECONDS.toMillis(slowestCallNanos)).as("slowest queued + cancelled, ms")
                    .isLessThan(1_000);
            ws.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
        }
    }

    private Socket connect(World world, String from) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", world.server.port()), 2_000);
        s.setSoTimeout(5_000);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    private static boolean sendQuietly(Socket s, String text, AtomicInteger failures) {
        try {
            send(s, text);
            return true;
        } catch (IOException e) {
            failures.incrementAndGet();
            return false;
        }
    }

    /** Sends one request on a kept-alive connection and reads its whole answer. */
    private static String exchange(Socket s, String request) throws IOException {
        send(s, request);
        return readResponse(s);
    }

    private static String readResponse(Socket s) throws IOException {
        s.setSoTimeout(5_000);
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head.size() + " bytes: " + head);
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        Matcher length = CONTENT_LENGTH.matcher(headers);
        assertThat(length.find()).as("Content-Length in %s", headers).isTrue();
        byte[] body = in.readNBytes(Integer.parseInt(length.group(1)));
        return headers + new String(body, StandardCharsets.UTF_8);
    }

    /** Whether the server closed the connection without answering the request sent on it. */
    private static boolean refused(Socket s, String request) throws IOException {
        try {
            send(s, request);
            return s.getInputStream().read() == -1;
        } catch (SocketTimeoutException open) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** Whether the connection is open and the server has said nothing on it. */
    private static boolean waitingForAnswer(Socket s) throws IOException {
        s.setSoTimeout(50);
        try {
            s.getInputStream().read();
            return false; // an answer, or the end of the stream
        } catch (SocketTimeoutException quiet) {
            return true;
        }
    }

    /** Waits up to the socket's timeout; true if the server closed it (or reset it) meanwhile. */
    private static boolean closedWithin(Socket s) {
        try {
            return s.getInputStream().read() == -1;
        } catch (SocketTimeoutException open) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** Reads what has arrived into {@code into}; true once the server has closed the connection. */
    private static boolean readSome(Socket s, ByteArrayOutputStream into) {
        byte[] buffer = new byte[4096];
        try {
            int n = s.getInputStream().read(buffer);
            if (n < 0) {
                return true;
            }
            into.write(buffer, 0, n);
            return false;
        } catch (SocketTimeoutException nothingYet) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static long timed(Runnable call) {
        long start = System.nanoTime();
        call.run();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
