package dev.runmetrics.http.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads a request body without holding a thread while its bytes are on the way: it takes what has
 * arrived, asks Jetty to call back when more does ({@link Content.Source#demand}) and returns, so a
 * client sending one byte every few seconds costs a connection, not a thread. Bounded in size (413
 * beyond the limit; a body of at most {@link #DRAIN_LIMIT} bytes is read to its end first, so that
 * the client sees the 413 rather than a reset) and in time (408 with {@code Connection: close} when
 * the whole body has not arrived within the timeout).
 *
 * <p>One per request. Jetty runs its read callbacks one at a time, possibly on different threads;
 * the timeout fires on the scheduler's thread. The result is delivered exactly once, by whichever
 * comes first.
 */
final class BodyReader implements Runnable {

    /** Bodies over the limit are read and discarded up to this size, so the client sees the 413. */
    static final long DRAIN_LIMIT = 4L * 1024 * 1024;

    /** Where the body, or the reason there is none, goes. Called once, on any thread. */
    interface Result {
        void body(byte[] bytes);

        void failed(ApiError error);
    }

    private final Request request;
    private final int max;
    private final Duration timeout;
    private final Result result;
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile Scheduler.Task timer;
    private byte[] buffer;
    private int size;
    private boolean tooLarge;
    private long discarded;

    private BodyReader(Request request, int max, Duration timeout, Result result) {
        this.request = request;
        this.max = max;
        this.timeout = timeout;
        this.result = result;
        long declared = request.getLength();
        this.buffer = new byte[(int) Math.max(0, Math.min(declared >= 0 ? declared : 1024, max + 1L))];
    }

    /**
     * Starts reading the body of {@code request}, at most {@code max} bytes, within {@code timeout};
     * returns at once or after delivering the result (when the whole body had already arrived).
     */
    static void read(Request request, int max, Duration timeout, Result result) {
        BodyReader reader = new BodyReader(request, max, timeout, result);
        long declared = request.getLength();
        if (declared > max) {
            if (declared > DRAIN_LIMIT) {
                reader.finish(null, tooLarge(max, false));
                return;
            }
            reader.tooLarge = true;
        }
        reader.timer = request.getComponents().getScheduler().schedule(reader::expire, timeout.toMillis(),
                TimeUnit.MILLISECONDS);
        reader.run();
    }

    /** Reads every chunk that has arrived; demands a callback for the next one. */
    @Override
    public void run() {
        try {
            while (!done.get()) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    finish(null, failure(chunk.getFailure()));
                    return;
                }
                boolean last = chunk.isLast();
                try {
                    take(chunk.getByteBuffer());
                } finally {
                    chunk.release();
                }
                if (tooLarge && discarded > DRAIN_LIMIT) {
                    finish(null, tooLarge(max, false));
                    return;
                }
                if (last) {
                    finish(tooLarge ? null : Arrays.copyOf(buffer, size), tooLarge ? tooLarge(max, true) : null);
                    return;
                }
            }
        } catch (RuntimeException e) {
            finish(null, new ApiError(400, "unreadable_body", "the request body could not be read", "body",
                    Map.of("Connection", "close")));
        }
    }

    private void take(ByteBuffer bytes) {
        int n = bytes.remaining();
        if (tooLarge) {
            discarded += n;
            return;
        }
        if ((long) size + n > max) {
            tooLarge = true;
            discarded = (long) size + n;
            return;
        }
        if (size + n > buffer.length) {
            buffer = Arrays.copyOf(buffer, (int) Math.min(max + 1L, Math.max((long) size + n, buffer.length * 2L)));
        }
        bytes.get(buffer, size, n);
        size += n;
    }

    private void expire() {
        finish(null, new ApiError(408, "request_timeout", "the request body did not arrive within "
                + timeout.toMillis() + " ms", "body", Map.of("Connection", "close")));
    }

    private void finish(byte[] body, ApiError error) {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        Scheduler.Task t = timer;
        if (t != null) {
            t.cancel();
        }
        if (error != null) {
            result.failed(error);
        } else {
            result.body(body);
        }
    }

    private ApiError failure(Throwable cause) {
        if (cause instanceof TimeoutException) {
            return new ApiError(408, "request_timeout", "the request body stopped arriving", "body",
                    Map.of("Connection", "close"));
        }
        return new ApiError(400, "unreadable_body", "the request body could not be read", "body",
                Map.of("Connection", "close"));
    }

    private static ApiError tooLarge(int max, boolean drained) {
        String message = "request body is larger than " + max + " bytes";
        // An undrained body makes the connection unusable: tell the client not to reuse it.
        return drained ? new ApiError(413, "payload_too_large", message, "body")
                : new ApiError(413, "payload_too_large", message, "body", Map.of("Connection", "close"));
    }
}
