package dev.runmetrics.opentelemetry;

import static dev.runmetrics.opentelemetry.TraceConventions.ERROR_MESSAGE;
import static dev.runmetrics.opentelemetry.TraceConventions.ERROR_TYPE;
import static dev.runmetrics.opentelemetry.TraceConventions.ERROR_TYPE_OTHER;
import static dev.runmetrics.opentelemetry.TraceConventions.EVICTED;
import static dev.runmetrics.opentelemetry.TraceConventions.NODE_NAME;
import static dev.runmetrics.opentelemetry.TraceConventions.REASON;
import static dev.runmetrics.opentelemetry.TraceConventions.RESUMED_ATTEMPT;
import static dev.runmetrics.opentelemetry.TraceConventions.RUN_ATTEMPT;
import static dev.runmetrics.opentelemetry.TraceConventions.RUN_ID;
import static dev.runmetrics.opentelemetry.TraceConventions.RUN_STATUS;
import static dev.runmetrics.opentelemetry.TraceConventions.STEP_ID;
import static dev.runmetrics.opentelemetry.TraceConventions.STEP_NAME;
import static dev.runmetrics.opentelemetry.TraceConventions.STEP_ORDER;
import static dev.runmetrics.opentelemetry.TraceConventions.STEP_RETRY_COUNT;
import static dev.runmetrics.opentelemetry.TraceConventions.STEP_STATUS;
import static dev.runmetrics.opentelemetry.TraceConventions.STEP_TRY;
import static dev.runmetrics.opentelemetry.TraceConventions.WORKFLOW_ID;
import static dev.runmetrics.opentelemetry.TraceConventions.WORKFLOW_NAME;
import static dev.runmetrics.opentelemetry.TraceConventions.WORKSPACE_ID;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.record.RunEvent;
import dev.runmetrics.core.record.RunListener;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link RunListener} that turns the recorder's events into OpenTelemetry traces: one trace per
 * run, with a span per run attempt and, under it, a span per step attempt (a {@link StepRun}).
 *
 * <pre>{@code
 * RunRecorder recorder = RunRecorder.builder(store)
 *         .listener(OpenTelemetryRunListener.create(openTelemetry))
 *         .build();
 * }</pre>
 *
 * <p><b>Spans.</b> A run attempt's span ({@code run <workflow id>}) runs from when the attempt was
 * queued to when it ended (completed, failed, cancelled, timed out or paused); a step's span
 * ({@code step <step id>}) from when the step was first queued in that attempt to when it ended, so
 * both cover the recorder's end-to-end time, and span events mark when execution started. Every
 * instant is the recorder's ({@link RunEvent#at()} and the snapshots' lifecycle instants), never
 * the time this listener happens to be called. A retry within an attempt is an event on the
 * step's span, not a span of its own, as the step run is one record with a retry count. The first
 * attempt's span is the root of the trace; the span of each later attempt is its child, so that a
 * resumed run stays one trace, and it links to the span of the attempt it resumes; a step span of
 * a later attempt links to the span of that step's previous execution. A run queued while a span
 * is current (say the HTTP request that submitted it) links to that span. The attribute names are
 * those of {@link TraceConventions}.
 *
 * <p><b>Status.</b> A failed or timed-out run or step gets status {@code ERROR} with its error
 * message as the description and {@code error.type} set to its error category; completed,
 * skipped, paused and cancelled ones leave the status unset (a cancel or a pause is not an error
 * of the work; {@code runmetrics.run.status} and {@code runmetrics.step.status} tell them apart).
 * A failed try that a retry recovers from is an event, not an error of the span.
 *
 * <p><b>Memory is bounded.</b> At most {@link Builder#maxLiveRuns} runs are followed at a time;
 * opening one more ends the oldest one's spans at once, marked {@code runmetrics.evicted}, and its
 * later events are ignored ({@link #evictedRuns()}). To link a resume to the attempt it resumes,
 * the span contexts of the last {@link Builder#maxRememberedRuns} attempts that ended failed or
 * paused (or were evicted) are kept, a few hundred bytes each; a resume of an attempt no longer
 * remembered, or first seen by another process, starts a new trace without links.
 *
 * <p><b>It never throws</b>: an exception from the OpenTelemetry SDK or from a bad event is
 * caught, counted ({@link #failures()}) and logged at most once per 10 s. An event of an attempt
 * that already ended here (a replay, a duplicate) is ignored ({@link #ignoredEvents()}).
 *
 * <p><b>Threads.</b> Thread-safe. The recorder calls it for one run at a time, in order, and for
 * different runs concurrently; per-run work happens under that run's own monitor, and only the
 * look-ups of the two bounded maps share one short lock. Spans are ended on the caller's thread:
 * configure the SDK with a batching span processor (the default of the SDK's autoconfiguration),
 * not a synchronous exporter, so that the recorder's caller never waits on I/O.
 */
public final class OpenTelemetryRunListener implements RunListener {

    /** The default of {@link Builder#maxLiveRuns}. */
    public static final int DEFAULT_MAX_LIVE_RUNS = 10_000;
    /** The default of {@link Builder#maxRememberedRuns}. */
    public static final int DEFAULT_MAX_REMEMBERED_RUNS = 10_000;

    private static final System.Logger LOG = System.getLogger(OpenTelemetryRunListener.class.getName());
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final Tracer tracer;
    private final int maxLiveRuns;
    private final int maxRememberedRuns;

    private final Object lock = new Object();
    /** Attempts being followed, oldest first. Guarded by {@link #lock}. */
    private final LinkedHashMap<Key, LiveAttempt> live = new LinkedHashMap<>();
    /** Ended attempts that a resume may link to, least recently ended first. Guarded by {@link #lock}. */
    private final LinkedHashMap<Key, EndedAttempt> remembered = new LinkedHashMap<>();

    private final LongAdder evicted = new LongAdder();
    private final LongAdder ignored = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final AtomicLong lastLog = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressedLogs = new AtomicLong();

    private OpenTelemetryRunListener(Builder b) {
        this.tracer = b.openTelemetry.getTracer(TraceConventions.INSTRUMENTATION_SCOPE);
        this.maxLiveRuns = b.maxLiveRuns;
        this.maxRememberedRuns = b.maxRememberedRuns;
    }

    /**
     * Returns a listener with the default bounds, tracing through {@code openTelemetry}.
     *
     * @throws NullPointerException if openTelemetry is null
     */
    public static OpenTelemetryRunListener create(OpenTelemetry openTelemetry) {
        return builder(openTelemetry).build();
    }

    /**
     * Returns a builder of a listener tracing through {@code openTelemetry}.
     *
     * @throws NullPointerException if openTelemetry is null
     */
    public static Builder builder(OpenTelemetry openTelemetry) {
        return new Builder(openTelemetry);
    }

    @Override
    public void onEvent(RunEvent event) {
        try {
            handle(event);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            failures.increment();
            log("OpenTelemetryRunListener failed on " + (event == null ? "a null event" : event.type())
                    + "; the run goes on", e);
        }
    }

    /** Returns how many runs are followed now (their run span is open). */
    public int liveRuns() {
        synchronized (lock) {
            return live.size();
        }
    }

    /** Returns how many runs were dropped, spans ended early, because more than the bound were open. */
    public long evictedRuns() {
        return evicted.sum();
    }

    /** Returns how many events were ignored: of attempts that had already ended or been evicted here. */
    public long ignoredEvents() {
        return ignored.sum();
    }

    /** Returns how many events failed inside this listener (or the SDK) and were contained. */
    public long failures() {
        return failures.sum();
    }

    @Override
    public String toString() {
        return "OpenTelemetryRunListener{maxLiveRuns=" + maxLiveRuns + ", maxRememberedRuns=" + maxRememberedRuns
                + ", liveRuns=" + liveRuns() + ", evictedRuns=" + evictedRuns() + ", ignoredEvents="
                + ignoredEvents() + ", failures=" + failures() + "}";
    }

    // ---------------------------------------------------------------- events

    private void handle(RunEvent event) {
        Run run = event.run();
        Key key = new Key(run.workspaceId(), run.runId());
        LiveAttempt attempt = attemptFor(key, event);
        if (attempt == null) {
            ignored.increment();
            return;
        }
        synchronized (attempt) {
            if (attempt.closed) {
                ignored.increment(); // evicted meanwhile
                return;
            }
            switch (event.type()) {
                case RUN_QUEUED, RUN_RESUMED -> {
                    // the span was started for this event by attemptFor
                }
                case RUN_STARTED -> attempt.span.addEvent(TraceConventions.RUN_STARTED_EVENT, event.at());
                case RUN_COMPLETED, RUN_FAILED, RUN_CANCELLED, RUN_TIMEOUT, RUN_PAUSED -> {
                    try {
                        endRun(attempt, event);
                    } finally { // even if the SDK threw: the attempt must not stay live
                        // Still under the attempt's monitor, so that a resume racing on another
                        // thread finds this attempt either live or remembered, never neither.
                        attempt.closed = true;
                        synchronized (lock) {
                            live.remove(key, attempt);
                            RunStatus status = run.status();
                            if (status == RunStatus.FAILED || status == RunStatus.PAUSED) {
                                remember(key, attempt.ended());
                            } else {
                                remembered.remove(key); // completed, cancelled or timed out: no resume follows
                            }
                        }
                    }
                }
                default -> onStep(attempt, event);
            }
        }
    }

    /**
     * Returns the live attempt the event belongs to, starting it if the event is the first this
     * listener sees of it, or null if the event belongs to an attempt that already ended here.
     */
    private LiveAttempt attemptFor(Key key, RunEvent event) {
        Run run = event.run();
        LiveAttempt superseded;
        EndedAttempt previous;
        synchronized (lock) {
            LiveAttempt current = live.get(key);
            if (current != null && current.attempt >= run.attempt()) {
                return current.attempt == run.attempt() ? current : null;
            }
            previous = remembered.get(key);
            if (previous != null && previous.attempt >= run.attempt()) {
                return null;
            }
            superseded = current; // an older attempt whose end this listener never heard
        }
        if (superseded != null) {
            evict(key, superseded, event.at());
            synchronized (lock) {
                previous = remembered.get(key);
            }
        }
        LiveAttempt started = start(event, previous);
        List<Map.Entry<Key, LiveAttempt>> victims = new ArrayList<>();
        synchronized (lock) {
            LiveAttempt raced = live.put(key, started);
            if (raced != null && raced != superseded) {
                victims.add(Map.entry(key, raced)); // two callers for one run: keep the newest
            }
            Iterator<Map.Entry<Key, LiveAttempt>> oldest = live.entrySet().iterator();
            while (live.size() > maxLiveRuns && oldest.hasNext()) {
                Map.Entry<Key, LiveAttempt> e = oldest.next();
                oldest.remove();
                victims.add(e);
            }
        }
        for (Map.Entry<Key, LiveAttempt> victim : victims) {
            evict(victim.getKey(), victim.getValue(), event.at());
        }
        return started;
    }

    /** Starts the span of a run attempt at the event that first mentions it. */
    private LiveAttempt start(RunEvent event, EndedAttempt previous) {
        Run run = event.run();
        Instant startAt = switch (event.type()) {
            case RUN_QUEUED, RUN_RESUMED -> event.at();
            // Joined mid-flight (e.g. a dead process's run ended by failAbandonedRuns): the best
            // start known is the run's queue time for a first attempt, else the step's.
            default -> run.attempt() == 1 ? run.queuedAt()
                    : event.step() != null ? event.step().queuedAt() : event.at();
        };
        boolean later = previous != null && run.attempt() > 1;
        SpanBuilder b = tracer.spanBuilder(TraceConventions.RUN_SPAN_PREFIX + run.workflowId())
                .setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(startAt)
                .setAttribute(WORKSPACE_ID, run.workspaceId())
                .setAttribute(WORKFLOW_ID, run.workflowId())
                .setAttribute(WORKFLOW_NAME, run.workflowName())
                .setAttribute(RUN_ID, run.runId())
                .setAttribute(RUN_ATTEMPT, (long) run.attempt());
        if (later) {
            b.setParent(Context.root().with(Span.wrap(previous.root)));
            b.addLink(previous.span, Attributes.of(RUN_ATTEMPT, (long) previous.attempt));
        } else {
            b.setNoParent();
        }
        if (event.type() == RunEvent.Type.RUN_QUEUED) {
            SpanContext caller = Span.current().getSpanContext();
            if (caller.isValid()) {
                b.addLink(caller);
            }
        }
        Span span = b.startSpan();
        if (event.type() == RunEvent.Type.RUN_RESUMED) {
            span.addEvent(TraceConventions.RUN_RESUMED_EVENT,
                    Attributes.of(RESUMED_ATTEMPT, (long) run.attempt() - 1), event.at());
        }
        SpanContext context = span.getSpanContext();
        return new LiveAttempt(run.workflowId(), run.attempt(), span, later ? previous.root : context,
                previous == null ? Map.of() : previous.steps);
    }

    private void endRun(LiveAttempt attempt, RunEvent event) {
        Run run = event.run();
        Instant end = run.completedAt() != null ? run.completedAt() : event.at();
        for (OpenStep open : List.copyOf(attempt.open.values())) {
            endStep(attempt, open, open.last, end); // the host ended the run before its steps
        }
        Span span = attempt.span;
        span.setAttribute(RUN_STATUS, run.status().wireName());
        switch (run.status()) {
            case FAILED -> fail(span, attempt.firstFailure != null ? attempt.firstFailure : ERROR_TYPE_OTHER,
                    run.errorMessage());
            case TIMEOUT -> fail(span, "TIMEOUT", run.errorMessage());
            case PAUSED -> span.addEvent(TraceConventions.RUN_PAUSED_EVENT, reason(run.errorMessage()), end);
            default -> {
            }
        }
        span.end(end);
    }

    private void onStep(LiveAttempt attempt, RunEvent event) {
        StepRun step = event.step();
        if (step.attempt() != attempt.attempt) {
            ignored.increment();
            return;
        }
        OpenStep open = attempt.open.get(step.stepId());
        if (open == null) {
            if (event.type() == RunEvent.Type.STEP_ATTRIBUTES && attempt.steps.containsKey(step.stepId())) {
                ignored.increment(); // attributes of a step whose span has ended: nothing to add them to
                return;
            }
            open = startStep(attempt, step);
        }
        open.last = step;
        Span span = open.span;
        switch (event.type()) {
            case STEP_STARTED -> span.addEvent(TraceConventions.STEP_STARTED_EVENT,
                    Attributes.of(STEP_TRY, (long) step.retryCount() + 1), event.at());
            case STEP_RETRIED -> span.addEvent(TraceConventions.STEP_RETRY_EVENT, retryAttributes(step), event.at());
            case STEP_PAUSED -> {
                Instant end = endOf(step, event);
                span.addEvent(TraceConventions.STEP_PAUSED_EVENT, reason(step.errorMessage()), end);
                endStep(attempt, open, step, end);
            }
            case STEP_COMPLETED, STEP_FAILED, STEP_SKIPPED, STEP_CANCELLED -> endStep(attempt, open, step,
                    endOf(step, event));
            default -> {
                // STEP_QUEUED, STEP_ATTRIBUTES: the span is open; attributes are read when it ends
            }
        }
    }

    private OpenStep startStep(LiveAttempt attempt, StepRun step) {
        SpanBuilder b = tracer.spanBuilder(TraceConventions.STEP_SPAN_PREFIX + step.stepId())
                .setSpanKind(SpanKind.INTERNAL)
                .setParent(Context.root().with(attempt.span))
                .setStartTimestamp(step.queuedAt())
                .setAttribute(WORKSPACE_ID, step.workspaceId())
                .setAttribute(WORKFLOW_ID, attempt.workflowId)
                .setAttribute(RUN_ID, step.runId())
                .setAttribute(RUN_ATTEMPT, (long) step.attempt())
                .setAttribute(STEP_ID, step.stepId())
                .setAttribute(STEP_NAME, step.stepName())
                .setAttribute(STEP_ORDER, (long) step.stepOrder())
                .setAttribute(NODE_NAME, step.nodeName());
        StepSpan before = attempt.steps.get(step.stepId());
        if (before == null) {
            before = attempt.previousSteps.get(step.stepId());
        }
        if (before != null) {
            b.addLink(before.context, Attributes.of(RUN_ATTEMPT, (long) before.attempt));
        }
        OpenStep open = new OpenStep(b.startSpan(), step);
        attempt.open.put(step.stepId(), open);
        return open;
    }

    private void endStep(LiveAttempt attempt, OpenStep open, StepRun step, Instant end) {
        Span span = open.span;
        span.setAttribute(STEP_STATUS, step.status().wireName());
        span.setAttribute(STEP_RETRY_COUNT, (long) step.retryCount());
        for (Map.Entry<String, Object> a : step.attributes().entrySet()) {
            setScalar(span, TraceConventions.STEP_ATTRIBUTE_PREFIX + a.getKey(), a.getValue());
        }
        if (step.status() == RunStatus.FAILED || step.status() == RunStatus.TIMEOUT) {
            String type = errorType(step);
            fail(span, type, step.errorMessage());
            if (attempt.firstFailure == null) {
                attempt.firstFailure = type;
            }
        }
        attempt.open.remove(step.stepId());
        attempt.steps.put(step.stepId(), new StepSpan(span.getSpanContext(), step.attempt()));
        span.end(end);
    }

    // ---------------------------------------------------------------- bounds

    /** Ends an attempt's spans now (at {@code at}), marked evicted, and remembers it as ended. */
    private void evict(Key key, LiveAttempt attempt, Instant at) {
        synchronized (attempt) {
            if (attempt.closed) {
                return; // it ended meanwhile, and was remembered then
            }
            attempt.closed = true;
            for (OpenStep open : List.copyOf(attempt.open.values())) {
                open.span.setAttribute(EVICTED, true);
                open.span.setAttribute(STEP_STATUS, open.last.status().wireName());
                open.span.end(later(at, open.last.queuedAt()));
                attempt.open.remove(open.last.stepId());
                attempt.steps.put(open.last.stepId(), new StepSpan(open.span.getSpanContext(), attempt.attempt));
            }
            attempt.span.setAttribute(EVICTED, true);
            attempt.span.end(at);
            EndedAttempt ended = attempt.ended();
            evicted.increment();
            synchronized (lock) {
                live.remove(key, attempt);
                EndedAttempt known = remembered.get(key);
                if (known == null || known.attempt <= ended.attempt) {
                    remember(key, ended); // a tombstone: later events of this attempt are ignored
                }
            }
        }
    }

    /** Holds {@link #lock}. */
    private void remember(Key key, EndedAttempt ended) {
        remembered.remove(key); // re-inserted last: the map is ordered by when attempts ended
        if (maxRememberedRuns == 0) {
            return;
        }
        remembered.put(key, ended);
        Iterator<EndedAttempt> oldest = remembered.values().iterator();
        while (remembered.size() > maxRememberedRuns && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void fail(Span span, String errorType, String message) {
        span.setAttribute(ERROR_TYPE, errorType);
        if (message != null) {
            span.setStatus(StatusCode.ERROR, message);
        } else {
            span.setStatus(StatusCode.ERROR);
        }
    }

    private static String errorType(StepRun step) {
        return step.errorCategory() != null && !step.errorCategory().isBlank() ? step.errorCategory()
                : ERROR_TYPE_OTHER;
    }

    private static Attributes retryAttributes(StepRun step) {
        var b = Attributes.builder().put(ERROR_TYPE, errorType(step))
                .put(STEP_RETRY_COUNT, (long) step.retryCount());
        if (step.errorMessage() != null) {
            b.put(ERROR_MESSAGE, step.errorMessage());
        }
        return b.build();
    }

    private static Attributes reason(String reason) {
        return reason == null ? Attributes.empty() : Attributes.of(REASON, reason);
    }

    private static Instant endOf(StepRun step, RunEvent event) {
        return step.completedAt() != null ? step.completedAt() : event.at();
    }

    private static Instant later(Instant a, Instant b) {
        return a.isBefore(b) ? b : a;
    }

    /** Sets a JSON-like scalar as an attribute; lists and objects are left out. */
    private static void setScalar(Span span, String key, Object value) {
        if (value instanceof String s) {
            span.setAttribute(key, s);
        } else if (value instanceof Boolean flag) {
            span.setAttribute(key, flag);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte) {
            span.setAttribute(key, ((Number) value).longValue());
        } else if (value instanceof BigInteger big) {
            span.setAttribute(key, big.toString());
        } else if (value instanceof BigDecimal || value instanceof Double || value instanceof Float) {
            span.setAttribute(key, ((Number) value).doubleValue());
        }
    }

    private void log(String message, Throwable error) {
        long now = System.nanoTime();
        long prev = lastLog.get();
        if ((prev == Long.MIN_VALUE || now - prev >= LOG_INTERVAL_NANOS) && lastLog.compareAndSet(prev, now)) {
            long skipped = suppressedLogs.getAndSet(0);
            LOG.log(Level.WARNING, skipped == 0 ? message : message + " (" + skipped + " similar suppressed)", error);
        } else {
            suppressedLogs.incrementAndGet();
        }
    }

    private record Key(String workspaceId, String runId) {}

    /** The span context of an ended step span, and the run attempt it belongs to. */
    private record StepSpan(SpanContext context, int attempt) {}

    /** What a later attempt links to: the attempt's span, the trace root and each step's latest span. */
    private record EndedAttempt(int attempt, SpanContext span, SpanContext root, Map<String, StepSpan> steps) {}

    /** A step span that has not ended, and the step's latest snapshot. Guarded by its attempt's monitor. */
    private static final class OpenStep {
        final Span span;
        StepRun last;

        OpenStep(Span span, StepRun last) {
            this.span = span;
            this.last = last;
        }
    }

    /** One run attempt being followed. Guarded by its own monitor. */
    private static final class LiveAttempt {
        final String workflowId;
        final int attempt;
        final Span span;
        final SpanContext root;
        final Map<String, StepSpan> previousSteps;
        final Map<String, OpenStep> open = new LinkedHashMap<>();
        final Map<String, StepSpan> steps = new HashMap<>();
        String firstFailure;
        /** Ended, or evicted: later events are ignored. */
        boolean closed;

        LiveAttempt(String workflowId, int attempt, Span span, SpanContext root, Map<String, StepSpan> previousSteps) {
            this.workflowId = workflowId;
            this.attempt = attempt;
            this.span = span;
            this.root = root;
            this.previousSteps = previousSteps;
        }

        EndedAttempt ended() {
            Map<String, StepSpan> all = new HashMap<>(previousSteps);
            all.putAll(steps);
            return new EndedAttempt(attempt, span.getSpanContext(), root, Map.copyOf(all));
        }
    }

    /**
     * Configures an {@link OpenTelemetryRunListener}. Each setter checks its argument at once. Not
     * thread-safe; build once.
     */
    public static final class Builder {
        private final OpenTelemetry openTelemetry;
        private int maxLiveRuns = DEFAULT_MAX_LIVE_RUNS;
        private int maxRememberedRuns = DEFAULT_MAX_REMEMBERED_RUNS;

        private Builder(OpenTelemetry openTelemetry) {
            this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
        }

        /**
         * Sets how many runs may be followed at once (default {@value #DEFAULT_MAX_LIVE_RUNS}); one
         * more evicts the oldest.
         *
         * @throws IllegalArgumentException if below 1
         */
        public Builder maxLiveRuns(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxLiveRuns must be at least 1, was " + max);
            }
            this.maxLiveRuns = max;
            return this;
        }

        /**
         * Sets how many ended (failed, paused or evicted) attempts are remembered so that a resume
         * links to them (default {@value #DEFAULT_MAX_REMEMBERED_RUNS}; 0: none, every resumed
         * attempt starts a new trace).
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder maxRememberedRuns(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxRememberedRuns must not be negative, was " + max);
            }
            this.maxRememberedRuns = max;
            return this;
        }

        /** Builds the listener. */
        public OpenTelemetryRunListener build() {
            return new OpenTelemetryRunListener(this);
        }

        @Override
        public String toString() {
            return "OpenTelemetryRunListener.Builder{maxLiveRuns=" + maxLiveRuns + ", maxRememberedRuns="
                    + maxRememberedRuns + "}";
        }
    }
}
