package dev.runmetrics.http;

import static dev.runmetrics.http.Api.VIEWER_A;
import static dev.runmetrics.http.Api.WS_A;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a WebSocket client sends is checked as RFC 6455 says, although the streams ignore it: the
 * frames are written by hand here, because the JDK's client will not send a broken one.
 */
class WebSocketFramesTest {

    static World world;

    @BeforeAll
    static void start() {
        world = new World(b -> b.allowOrigins("http://dashboard.example"));
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    /** An open connection after the handshake, or the handshake's refusal. */
    record Connection(Socket socket, String handshake) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static Connection open(String origin) throws IOException {
        Socket socket = new Socket("127.0.0.1", world.server.port());
        socket.setSoTimeout(10_000);
        String request = "GET /ws/workflows/basic_sequence?token=" + VIEWER_A + "&workspace_id=" + WS_A + " HTTP/1.1\r\n"
                + "Host: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + (origin == null ? "" : "Origin: " + origin + "\r\n") + "\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return new Connection(socket, head.toString(StandardCharsets.US_ASCII));
    }

    /** Writes one masked frame (clients must mask) with FIN set. */
    static void frame(OutputStream out, int opcode, byte[] payload) throws IOException {
        out.write(0x80 | opcode);
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else {
            out.write(0x80 | 126);
            out.write(payload.length >>> 8);
            out.write(payload.length & 0xFF);
        }
        out.write(mask);
        byte[] masked = payload.clone();
        for (int i = 0; i < masked.length; i++) {
            masked[i] ^= mask[i % 4];
        }
        out.write(masked);
        out.flush();
    }

    /** Reads server frames until a close frame and returns its status code. */
    static int closeCode(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        while (true) {
            int first = in.readUnsignedByte();
            int second = in.readUnsignedByte();
            long length = second & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = in.readNBytes((int) length);
            if ((first & 0x0F) == 0x8) {
                return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
            }
        }
    }

    @Test
    void aTextMessageThatIsNotUtf8ClosesWith1007() throws IOException {
        try (Connection c = open(null)) {
            assertThat(c.handshake()).startsWith("HTTP/1.1 101");
            frame(c.socket().getOutputStream(), 0x1, new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF});
            assertThat(closeCode(c.socket().getInputStream())).isEqualTo(1007);
        }
    }

    @Test
    void anOversizedMessageClosesWith1009() throws IOException {
        try (Connection c = open(null)) {
            assertThat(c.handshake()).startsWith("HTTP/1.1 101");
            byte[] big = new byte[10_000];
            Arrays.fill(big, (byte) 'a');
            frame(c.socket().getOutputStream(), 0x1, big);
            assertThat(closeCode(c.socket().getInputStream())).isEqualTo(1009);
        }
    }

    @Test
    void aValidSmallMessageIsIgnoredAndTheConnectionStaysOpen() throws IOException {
        try (Connection c = open(null)) {
            frame(c.socket().getOutputStream(), 0x1, "hello".getBytes(StandardCharsets.UTF_8));
            // a ping is answered with a pong: the connection is still served
            frame(c.socket().getOutputStream(), 0x9, "p".getBytes(StandardCharsets.UTF_8));
            DataInputStream in = new DataInputStream(c.socket().getInputStream());
            int opcode;
            do {
                opcode = in.readUnsignedByte() & 0x0F;
                int length = in.readUnsignedByte() & 0x7F;
                if (length == 126) {
                    length = in.readUnsignedShort();
                }
                in.readNBytes(length);
            } while (opcode != 0xA);
            assertThat(opcode).isEqualTo(0xA);
        }
    }

    @Test
    void theHandshakeChecksOriginAgainstTheAllowList() throws IOException {
        try (Connection c = open("http://evil.example")) {
            assertThat(c.handshake()).startsWith("HTTP/1.1 403");
        }
        try (Connection c = open("http://dashboard.example")) {
            assertThat(c.handshake()).startsWith("HTTP/1.1 101");
        }
        try (Connection c = open(null)) { // not a browser: no Origin to check
            assertThat(c.handshake()).startsWith("HTTP/1.1 101");
        }
    }
}
