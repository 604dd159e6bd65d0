package dev.runmetrics.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Requests Jetty refuses before routing (here a URI with an encoded NUL) end their connection openly. */
class JettyRefusalTest {

    static World world;

    @BeforeAll
    static void start() {
        world = new World();
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    @Test
    void aRequestJettyRefusesIsAnsweredWithAJsonErrorThatSaysConnectionClose() throws IOException {
        String body = "{}";
        String response = raw("POST /api/workflows/executions/%00/pause HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body
                + "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 400").contains("\"code\":\"bad_request\"");
        // Jetty does not answer the next request on this connection, so the answer must say it ends.
        assertThat(response).containsPattern("(?i)\r\nconnection: close\r\n");
        assertThat(response).doesNotContain("HTTP/1.1 200");
    }

    private static String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", world.server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
