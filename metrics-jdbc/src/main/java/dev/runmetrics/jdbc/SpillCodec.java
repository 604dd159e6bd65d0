package dev.runmetrics.jdbc;

import dev.runmetrics.core.model.JsonValues;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * Run and step snapshots as bytes, for the spill journal: a kind byte, then every field in
 * declaration order (strings as UTF-8 with a length, -1 for null; instants as seconds and nanos
 * after a presence byte; JSON-like maps as core's JSON text, as in the database). Lossless: a
 * decoded snapshot equals the encoded one as the database would read it back. Stateless.
 */
final class SpillCodec {

    /** A run as versions before the wait between attempts wrote it (still read: old journals). */
    static final byte RUN = 'R';
    /** A run followed by its wait between attempts in microseconds. */
    static final byte RUN_WITH_WAIT = 'W';
    static final byte STEP = 'S';

    private SpillCodec() {}

    static byte[] encode(Object snapshot) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            if (snapshot instanceof Run r) {
                out.writeByte(RUN_WITH_WAIT);
                string(out, r.workspaceId());
                string(out, r.runId());
                string(out, r.workflowId());
                string(out, r.workflowName());
                out.writeLong(r.executionNumber());
                string(out, r.status().wireName());
                out.writeInt(r.attempt());
                instant(out, r.queuedAt());
                instant(out, r.startedAt());
                instant(out, r.completedAt());
                map(out, r.inputSummary());
                map(out, r.resultsSummary());
                string(out, r.errorMessage());
                instant(out, r.createdAt());
                instant(out, r.updatedAt());
                string(out, r.instanceId());
                instant(out, r.heartbeatAt());
                map(out, r.attributes());
                out.writeLong(Rows.micros(r.waitedBetweenAttempts()));
            } else if (snapshot instanceof StepRun s) {
                out.writeByte(STEP);
                string(out, s.workspaceId());
                string(out, s.runId());
                string(out, s.stepId());
                string(out, s.stepName());
                out.writeInt(s.stepOrder());
                string(out, s.nodeName());
                out.writeInt(s.attempt());
                string(out, s.status().wireName());
                instant(out, s.queuedAt());
                instant(out, s.startedAt());
                instant(out, s.completedAt());
                out.writeInt(s.retryCount());
                string(out, s.errorMessage());
                string(out, s.errorCategory());
                map(out, s.inputSummary());
                map(out, s.outputSummary());
                map(out, s.attributes());
                instant(out, s.updatedAt());
            } else {
                throw new IllegalArgumentException("not a run or step snapshot: " + snapshot);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /**
     * @return a {@link Run} or a {@link StepRun}
     * @throws IOException if the bytes are not an encoded snapshot
     */
    static Object decode(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
        byte kind = in.readByte();
        try {
            if (kind == RUN || kind == RUN_WITH_WAIT) {
                Run.Builder run = Run.builder().workspaceId(string(in)).runId(string(in)).workflowId(string(in))
                        .workflowName(string(in)).executionNumber(in.readLong()).status(RunStatus.parse(string(in)))
                        .attempt(in.readInt()).queuedAt(instant(in)).startedAt(instant(in)).completedAt(instant(in))
                        .inputSummary(map(in)).resultsSummary(map(in)).errorMessage(string(in)).createdAt(instant(in))
                        .updatedAt(instant(in)).instanceId(string(in)).heartbeatAt(instant(in)).attributes(map(in));
                if (kind == RUN_WITH_WAIT) {
                    run.waitedBetweenAttempts(java.time.Duration.ofNanos(Math.multiplyExact(in.readLong(), 1000L)));
                }
                return run.build();
            }
            if (kind == STEP) {
                return StepRun.builder().workspaceId(string(in)).runId(string(in)).stepId(string(in))
                        .stepName(string(in)).stepOrder(in.readInt()).nodeName(string(in)).attempt(in.readInt())
                        .status(RunStatus.parse(string(in))).queuedAt(instant(in)).startedAt(instant(in))
                        .completedAt(instant(in)).retryCount(in.readInt()).errorMessage(string(in))
                        .errorCategory(string(in)).inputSummary(map(in)).outputSummary(map(in)).attributes(map(in))
                        .updatedAt(instant(in)).build();
            }
        } catch (RuntimeException e) {
            throw new IOException("not a valid snapshot: " + e.getMessage(), e);
        }
        throw new IOException("unknown snapshot kind " + kind);
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String string(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        if (n > in.available()) {
            throw new IOException("string of " + n + " bytes runs past the record");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void instant(DataOutputStream out, Instant t) throws IOException {
        out.writeBoolean(t != null);
        if (t != null) {
            out.writeLong(t.getEpochSecond());
            out.writeInt(t.getNano());
        }
    }

    private static Instant instant(DataInputStream in) throws IOException {
        return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
    }

    private static void map(DataOutputStream out, Map<String, Object> m) throws IOException {
        string(out, m == null ? null : JsonValues.toJson(m));
    }

    private static Map<String, Object> map(DataInputStream in) throws IOException {
        String text = string(in);
        return text == null ? null : JsonValues.copyOfMap(JsonValues.parse(text));
    }
}
