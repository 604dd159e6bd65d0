package dev.runmetrics.core.node;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live recording state of one node between two resets: lifetime counters and the rolling
 * window of recent durations, striped so that threads recording the same node at the same time do
 * not write to the same cache lines.
 *
 * <h2>Stripes</h2>
 * The state is a table of {@link Stripe}s, like {@link LongAdder}'s cells. Each stripe has its own
 * ring of the last {@code windowSize} samples, its own cursor (the number of samples it has taken),
 * duration sum, failure counts per category, last sample and epoch stamp, on cache lines of its
 * own. A node starts with <em>one</em> stripe, so a node recorded by one thread at a time behaves
 * exactly as an unstriped window: its percentiles are over its last {@code windowSize} samples.
 *
 * <p>A recording thread claims the next sequence number of a stripe with a compare-and-set on that
 * stripe's cursor. A failed compare-and-set means another thread recorded into the same stripe at
 * the same moment. Two threads can also share a stripe without their compare-and-sets failing (the
 * cache line still moves between their cores on every record), so with several stripes each
 * record also marks its stripe with the thread's token, and a thread that finds another thread's
 * mark on the stripe it recorded into last time takes that as contention too. On contention the
 * thread moves to another stripe (its per-thread probe is rehashed) and the table doubles, up to
 * {@link #maxStripes}: the next power of two at or above the number of processors, at most
 * {@value #MAX_STRIPES}, and fewer for very large windows so that a node's rings hold at most
 * {@value #MAX_RING_SLOTS} slots. Stripes are never removed before a reset.
 * Once threads have spread over the stripes, a record writes only cache lines of its own stripe
 * (and, once every {@value #EPOCH_RECORDS} records of a stripe, the node's epoch).
 *
 * <h2>The window with several stripes</h2>
 * The window is the union of the stripes' windows (each stripe's last {@code windowSize} samples),
 * so it holds up to {@code windowSize × stripes} samples, except that a <em>stale</em> stripe is left
 * out. Staleness is counted in records, like the window itself, not in time (so no clock is read on
 * the record path, and a slowly recording stripe is not dropped merely for being slow): the node
 * has an epoch that each stripe advances once per {@value #EPOCH_RECORDS} of its own records, and
 * every record stamps its stripe with the current epoch. With {@code S} stripes, a stripe is stale
 * when its stamp is more than {@code ceil(windowSize / 64) + S} epochs behind the newest stamp.
 * Hence:
 * <ul>
 *   <li>a stripe is left out only after more than {@code windowSize} records went into other
 *       stripes since its own last record (each stripe's first advance may come one record after
 *       the stamp, every later one takes 64 records; the {@code + S} covers the first ones), so a
 *       stripe is left out only when all its samples are older than the node's last
 *       {@code windowSize} records; its next record brings it back. (While two threads share a
 *       stripe, a racing stamp may land one epoch low, which can move this bound by 64 records;
 *       such sharing is itself contention and ends when one of them moves on.)
 *   <li>after contention ends, once the remaining thread has recorded
 *       {@code (ceil(windowSize / 64) + S + 1) × 64} more samples (320 for the default window of
 *       100 and two stripes), every other stripe is stale and the window is again exactly that
 *       thread's last {@code windowSize} samples: the same percentiles as a node that was never
 *       contended. (A thread keeps its stripe while it meets no contention.)
 * </ul>
 * Counts, the duration sum, the average and the cumulative duration buckets
 * ({@link DurationBuckets}) are lifetime totals over all stripes, stale or not.
 * The last execution is the last sample of the stripe with the newest stamp (of these, the one
 * with the most samples): exact with one stripe; with several, the last sample of one of the
 * stripes that recorded within the newest epoch.
 *
 * <h2>Concurrency</h2>
 * Any number of threads may record and read at the same time. Recording is lock-free: a thread
 * retries (the cursor claim, or the duration sum's compare-and-set) only when another thread's
 * compare-and-set on the same stripe succeeded. It allocates nothing once the
 * table has reached the size its contention needs (and once per thread for the probe). Readers never
 * block writers. A slot that has been claimed but not yet written holds either {@link #EMPTY}
 * (skipped by readers) or an older real sample of the same stripe, so a reader only ever sees real
 * samples. A snapshot takes its percentiles from an {@link OrderedWindow}, the ascending copy of
 * the window kept from the previous snapshot, into which it merges what changed; the node lends it
 * to one reader at a time (an atomic swap, never a wait), and a reader that finds it lent selects
 * the three ranks over a copy of its own, as does a reader of a window too large to keep an
 * ordered copy of ({@value OrderedWindow#MAX_SAMPLES} samples over all stripes). Writers never
 * touch it. Counts are read failures first, so a concurrent snapshot never has more failures than
 * executions; once recording stops every count is exact.
 *
 * <p>Each sample is stored as the raw bits of its (non-negative) duration, with the sign bit set
 * for a failure, so the failure rate of the window is available to the threshold check without a
 * second array.
 *
 * <h2>Calls</h2>
 * A call (one invocation by the caller, with all its attempts) is recorded once, when it ends
 * ({@link #recordCall}), into a stripe picked like an execution's: each stripe also has a ring of
 * its last {@code windowSize} call outcomes (a byte each), its own call cursor, claimed with a
 * compare-and-set like the execution cursor, and counts of calls by attempts
 * ({@link NodeMetrics#TRACKED_ATTEMPTS} buckets and one for longer calls) and of failed calls. The
 * call window (the per-call failure-rate threshold's) is the union of the stripes' call rings,
 * leaving out a stripe whose last call is stale by the same epoch as above (so staleness is
 * counted in executions, and without executions no stripe is ever stale).
 *
 * <p>Until the node records its first call, each execution counts as a call of one attempt: a
 * node recorded by hand has the same per-call numbers as per-attempt numbers. The first call
 * (or {@link #recordsCalls()}, which a created node calls before its first attempt) freezes those
 * implicit calls at the executions and failures recorded so far, and from then on only recorded
 * calls count. So call counts never go down (but in a snapshot racing with that switch, which may
 * see executions of the first calls as calls of one attempt too).
 */
final class NodeState {
    /** A NaN pattern; NaN durations are rejected before they get here, so it marks "never written". */
    static final long EMPTY = 0x7ff8_0000_0000_0000L;
    private static final long FAILURE_BIT = Long.MIN_VALUE;

    /** Records of one stripe per advance of the node's epoch; a power of two. */
    static final int EPOCH_RECORDS = 64;
    /** The most stripes a node ever has. */
    static final int MAX_STRIPES = 64;
    /** The most ring slots of all stripes of a node together (32 MiB). */
    static final int MAX_RING_SLOTS = 1 << 22;

    private static final int DEFAULT_MAX_STRIPES =
            Math.min(MAX_STRIPES, ceilingPowerOfTwo(Runtime.getRuntime().availableProcessors()));

    private static final VarHandle STRIPES;
    private static final VarHandle GROWING;
    private static final VarHandle IMPLICIT_CALLS;
    private static final VarHandle ORDERED_WINDOW;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STRIPES = lookup.findVarHandle(NodeState.class, "stripes", Stripe[].class);
            GROWING = lookup.findVarHandle(NodeState.class, "growing", int.class);
            IMPLICIT_CALLS = lookup.findVarHandle(NodeState.class, "implicitCalls", ImplicitCalls.class);
            ORDERED_WINDOW = lookup.findVarHandle(NodeState.class, "orderedWindow", OrderedWindow.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Each thread's stripe probe: only its low bits matter. Shared by all nodes (like the probe of
     * {@link LongAdder}), so a thread that found contention once starts elsewhere in other nodes too.
     */
    private static final ThreadLocal<int[]> PROBE = ThreadLocal.withInitial(NodeState::newProbe);
    private static final AtomicInteger PROBE_SEED = new AtomicInteger();
    private static final AtomicInteger PROBE_TOKENS = new AtomicInteger();
    private static final AtomicInteger STRIPE_IDS = new AtomicInteger();
    /** The probe's slots: the hash that picks the stripe (never 0), ... */
    private static final int PROBE_HASH = 0;
    /** ... a token that tells this thread from others (never 0, the mark of an unused stripe), ... */
    private static final int PROBE_TOKEN = 1;
    /** ... and the {@link Stripe#id} of the stripe this thread last recorded into (of any node), 0 at first. */
    private static final int PROBE_LAST_STRIPE = 2;

    private final int windowSize;
    private final DurationBuckets buckets;
    private final int capacity;
    private final int maxStripes;
    private final int staleEpochs;
    private final Epoch epoch = new Epoch();

    @SuppressWarnings("unused") // accessed through STRIPES; replaced only when the table grows
    private volatile Stripe[] stripes;
    @SuppressWarnings("unused") // accessed through GROWING: 1 while one thread grows the table
    private volatile int growing;

    /** The threshold alarms of this node; a reset starts with fresh ones. */
    final Thresholds.Alarms alarms = new Thresholds.Alarms();

    private final LongAdder retries = new LongAdder();

    /** The calls counted from executions before the node recorded calls; null until then. */
    @SuppressWarnings("unused") // written through IMPLICIT_CALLS, once
    private volatile ImplicitCalls implicitCalls;

    /**
     * The readers' ascending copy of the window, null until the first snapshot, {@link #READING}
     * while a reader has it out. A reader that finds it out selects over a copy of its own, so
     * readers never wait for each other, and writers never look at it.
     */
    @SuppressWarnings("unused") // accessed through ORDERED_WINDOW
    private volatile OrderedWindow orderedWindow;
    private static final OrderedWindow READING = new OrderedWindow(1, 1);

    /** Executions counted as calls of one attempt, frozen when the node started recording calls. */
    private record ImplicitCalls(long calls, long failed) {
    }

    NodeState(int windowSize) {
        this(windowSize, DurationBuckets.defaults());
    }

    NodeState(int windowSize, DurationBuckets buckets) {
        this(windowSize, DEFAULT_MAX_STRIPES, buckets);
    }

    NodeState(int windowSize, int maxStripes) {
        this(windowSize, maxStripes, DurationBuckets.defaults());
    }

    NodeState(int windowSize, int maxStripes, DurationBuckets buckets) {
        this.windowSize = windowSize;
        this.buckets = buckets;
        this.capacity = ceilingPowerOfTwo(windowSize);
        this.maxStripes = Math.max(1, Math.min(maxStripes, MAX_RING_SLOTS / capacity));
        this.staleEpochs = (windowSize + EPOCH_RECORDS - 1) / EPOCH_RECORDS;
        this.stripes = new Stripe[] {new Stripe(capacity, buckets.size())};
    }

    /** Records one execution; {@code durationMs} is already finite, non-negative and not -0.0. */
    void recordSuccess(double durationMs) {
        record(Double.doubleToRawLongBits(durationMs), durationMs, null);
    }

    /** Records one failed execution; see {@link #recordSuccess(double)}. */
    void recordFailure(double durationMs, ErrorCategory category) {
        record(Double.doubleToRawLongBits(durationMs) | FAILURE_BIT, durationMs, category);
    }

    void recordRetry() {
        retries.increment();
    }

    /**
     * Makes this node count only recorded calls from now on (its executions so far stay counted as
     * calls of one attempt). Costs a volatile read once the node records calls.
     */
    void recordsCalls() {
        if (implicitCalls == null) {
            freezeImplicitCalls();
        }
    }

    /** Once per node (and reset), so its allocation is off the hot path; the first thread's count wins. */
    private void freezeImplicitCalls() {
        long failed = failures(); // failures first, as in the snapshot: never more than executions
        IMPLICIT_CALLS.compareAndSet(this, null, new ImplicitCalls(Math.max(executions(), failed), failed));
    }

    /** @return whether this node counts recorded calls (rather than executions as calls) */
    boolean countsRecordedCalls() {
        return implicitCalls != null;
    }

    /**
     * Records the end of a call that took {@code attempts} attempts (at least 1, already checked);
     * lock-free and allocation-free like an execution, in a stripe of its own picking.
     */
    void recordCall(int attempts, boolean succeeded) {
        recordsCalls();
        int bucket = Math.min(attempts, NodeMetrics.TRACKED_ATTEMPTS + 1) - 1;
        Stripe[] table = (Stripe[]) STRIPES.getAcquire(this);
        int[] probe = table.length == 1 ? null : PROBE.get();
        while (true) {
            Stripe stripe = probe == null ? table[0] : table[probe[PROBE_HASH] & (table.length - 1)];
            long sequence = stripe.callCursor();
            if (stripe.tryClaimCall(sequence)) {
                stripe.writeCall(sequence, bucket, succeeded, epoch);
                return;
            }
            // Another call took the same stripe at the same moment: spread out, as for executions.
            if (probe == null) {
                probe = PROBE.get();
            }
            grow(table);
            probe[PROBE_HASH] = rehash(probe[PROBE_HASH]);
            table = (Stripe[]) STRIPES.getAcquire(this);
        }
    }

    /**
     * Claims the next sequence number of a stripe (with one stripe the probe is not even read) and
     * writes the sample there; {@code category} is null for a success.
     */
    private void record(long sampleBits, double durationMs, ErrorCategory category) {
        Stripe[] table = (Stripe[]) STRIPES.getAcquire(this);
        if (table.length == 1) {
            Stripe only = table[0];
            long sequence = only.cursor();
            if (only.tryClaim(sequence)) {
                only.write(sequence, sampleBits, durationMs, buckets.indexOf(durationMs), category, epoch);
                return;
            }
            recordContended(table, PROBE.get(), sampleBits, durationMs, category);
            return;
        }
        int[] probe = PROBE.get();
        Stripe stripe = table[probe[PROBE_HASH] & (table.length - 1)];
        long sequence = stripe.cursor();
        if (stripe.tryClaim(sequence)) {
            stripe.write(sequence, sampleBits, durationMs, buckets.indexOf(durationMs), category, epoch);
            noteWriter(table, stripe, probe);
        } else {
            recordContended(table, probe, sampleBits, durationMs, category);
        }
    }

    /** Another thread took the same stripe at the same moment: spread out and retry until claimed. */
    private void recordContended(Stripe[] table, int[] probe, long sampleBits, double durationMs,
            ErrorCategory category) {
        while (true) {
            grow(table);
            probe[PROBE_HASH] = rehash(probe[PROBE_HASH]);
            table = (Stripe[]) STRIPES.getAcquire(this);
            Stripe stripe = table[probe[PROBE_HASH] & (table.length - 1)];
            long sequence = stripe.cursor();
            if (stripe.tryClaim(sequence)) {
                stripe.write(sequence, sampleBits, durationMs, buckets.indexOf(durationMs), category, epoch);
                if (table.length > 1) {
                    noteWriter(table, stripe, probe);
                }
                return;
            }
        }
    }

    /**
     * The second signal of contention, for threads that share a stripe without their
     * compare-and-sets ever failing (their cache line then still moves between cores on every
     * record): a thread that finds another thread's mark on the stripe it recorded into last time
     * too moves on, like after a failed compare-and-set. A thread that arrives marks the stripe.
     */
    private void noteWriter(Stripe[] table, Stripe stripe, int[] probe) {
        int me = probe[PROBE_TOKEN];
        if (stripe.writer() != me) {
            stripe.setWriter(me);
            if (probe[PROBE_LAST_STRIPE] == stripe.id) {
                grow(table);
                probe[PROBE_HASH] = rehash(probe[PROBE_HASH]);
            }
        }
        probe[PROBE_LAST_STRIPE] = stripe.id;
    }

    /** Doubles the table unless it is at its maximum, has grown already, or another thread grows it. */
    private void grow(Stripe[] seen) {
        if (seen.length >= maxStripes || !GROWING.compareAndSet(this, 0, 1)) {
            return;
        }
        try {
            if (STRIPES.getAcquire(this) == seen) {
                Stripe[] bigger = Arrays.copyOf(seen, seen.length * 2);
                for (int i = seen.length; i < bigger.length; i++) {
                    bigger[i] = new Stripe(capacity, buckets.size());
                }
                STRIPES.setRelease(this, bigger);
            }
        } finally {
            GROWING.setRelease(this, 0);
        }
    }

    /** @return the number of executions recorded so far (successes and failures) */
    long executions() {
        long total = 0;
        for (Stripe stripe : (Stripe[]) STRIPES.getAcquire(this)) {
            total += stripe.cursor();
        }
        return total;
    }

    /** @return the number of calls recorded with {@link #recordCall} so far */
    long recordedCalls() {
        long total = 0;
        for (Stripe stripe : (Stripe[]) STRIPES.getAcquire(this)) {
            total += stripe.callCursor();
        }
        return total;
    }

    private long failures() {
        long failed = 0;
        for (Stripe stripe : (Stripe[]) STRIPES.getAcquire(this)) {
            for (ErrorCategory category : ErrorCategory.values()) {
                failed += stripe.count(category);
            }
        }
        return failed;
    }

    /**
     * Scans the call window (the last {@code windowSize} recorded calls of every stripe whose last
     * call is not stale) and returns how many calls it holds in the high 32 bits and how many of
     * them failed in the low 32 bits. Allocates nothing.
     */
    long callWindow() {
        Stripe[] table = (Stripe[]) STRIPES.getAcquire(this);
        long newest = Long.MIN_VALUE;
        for (Stripe stripe : table) {
            if (stripe.callCursor() > 0) {
                newest = Math.max(newest, stripe.callStamp());
            }
        }
        long calls = 0;
        long failed = 0;
        for (Stripe stripe : table) {
            if (stripe.callCursor() > 0 && newest - stripe.callStamp() <= staleEpochs + table.length) {
                long counted = stripe.scanCalls(windowSize);
                calls += counted >>> 32;
                failed += counted & 0xFFFF_FFFFL;
            }
        }
        return calls << 32 | failed;
    }

    /** @return how many samples {@link #copyWindow} may copy at most right now */
    int windowCapacity() {
        return windowSize * ((Stripe[]) STRIPES.getAcquire(this)).length;
    }

    /**
     * Copies the window (the last {@code windowSize} samples of every stripe that is not stale) into
     * {@code out} as raw sample bits (failure bit included), in no particular order, and returns how
     * many real samples were copied. {@code out} must hold at least {@link #windowCapacity()} values
     * as read before the call; stripes added since are left out of this copy.
     */
    int copyWindow(long[] out) {
        Stripe[] table = (Stripe[]) STRIPES.getAcquire(this);
        int stripeCount = Math.min(table.length, out.length / windowSize);
        long newest = Long.MIN_VALUE;
        for (int i = 0; i < stripeCount; i++) {
            newest = Math.max(newest, table[i].stamp());
        }
        int count = 0;
        for (int i = 0; i < stripeCount; i++) {
            Stripe stripe = table[i];
            if (newest - stripe.stamp() <= staleEpochs + table.length) {
                count = stripe.copyWindow(windowSize, out, count);
            }
        }
        return count;
    }

    /**
     * Copies the window into {@code ordered}'s next copy, choosing the stripes as
     * {@link #copyWindow} does: stripe {@code i}'s last samples in sequence order at
     * {@code i × windowSize}, failure bits cleared, unwritten slots left as {@link #EMPTY}.
     */
    private void copyWindowInto(OrderedWindow ordered) {
        // The table as of now, not as of the start of the snapshot: another reader may have sized
        // the ordered copy for a table that grew since, and every stripe it holds must be filled.
        Stripe[] table = (Stripe[]) STRIPES.getAcquire(this);
        ordered.ensureStripes(table.length);
        long newest = Long.MIN_VALUE;
        for (Stripe stripe : table) {
            newest = Math.max(newest, stripe.stamp());
        }
        long[] into = ordered.next;
        for (int i = 0; i < table.length; i++) {
            Stripe stripe = table[i];
            if (newest - stripe.stamp() <= staleEpochs + table.length) {
                long end = stripe.copyRecentSamples(windowSize, into, i * windowSize);
                ordered.nextEnds[i] = end;
                ordered.nextCounts[i] = (int) Math.min(end, windowSize);
            } else {
                ordered.nextEnds[i] = 0;
                ordered.nextCounts[i] = 0;
            }
        }
    }

    boolean hasActivity() {
        return executions() > 0 || retries.sum() > 0 || recordedCalls() > 0;
    }

    int windowSize() {
        return windowSize;
    }

    /** @return the current number of stripes; for tests */
    int stripeCount() {
        return ((Stripe[]) STRIPES.getAcquire(this)).length;
    }

    /** Grows the table to at least {@code count} stripes (capped at the maximum); for tests. */
    void growTo(int count) {
        Stripe[] table;
        while ((table = (Stripe[]) STRIPES.getAcquire(this)).length < Math.min(count, maxStripes)) {
            grow(table);
        }
    }

    /** Sets the current thread's stripe probe, so that it records into stripe {@code probe & (stripes - 1)}; for tests. */
    static void setProbeOfCurrentThread(int probe) {
        PROBE.get()[PROBE_HASH] = probe | 0x4000_0000; // the hash must not be 0: xorshift keeps 0 at 0
    }

    /** @return the current thread's stripe hash; for tests */
    static int probeOfCurrentThread() {
        return PROBE.get()[PROBE_HASH];
    }

    static boolean isFailure(long sampleBits) {
        return sampleBits < 0;
    }

    static double durationOf(long sampleBits) {
        return Double.longBitsToDouble(sampleBits & ~FAILURE_BIT);
    }

    /** Builds the cumulative duration histogram over all stripes; see {@link NodeDurationHistogram}. */
    NodeDurationHistogram histogram() {
        Stripe[] table = (Stripe[]) STRIPES.getAcquire(this);
        long[] counts = new long[buckets.size()];
        double sum = 0.0;
        for (Stripe stripe : table) {
            for (int b = 0; b < counts.length; b++) {
                counts[b] += stripe.bucketCount(b);
            }
            sum += stripe.durationSum();
        }
        List<Long> cumulative = new ArrayList<>(counts.length);
        long running = 0;
        for (long c : counts) {
            running += c;
            cumulative.add(running);
        }
        return new NodeDurationHistogram(buckets.upperBoundsMs(), cumulative, sum);
    }

    /** Builds a snapshot; see {@link NodeMetrics} for what a concurrent snapshot may mix. */
    NodeMetrics snapshot() {
        Stripe[] table = (Stripe[]) STRIPES.getAcquire(this);
        // Failures before executions: every counted failure already claimed its sequence number.
        long timeouts = 0;
        long validations = 0;
        long networks = 0;
        long others = 0;
        for (Stripe stripe : table) {
            timeouts += stripe.count(ErrorCategory.TIMEOUT);
            validations += stripe.count(ErrorCategory.VALIDATION);
            networks += stripe.count(ErrorCategory.NETWORK);
            others += stripe.count(ErrorCategory.OTHER);
        }
        long failureCount = timeouts + validations + networks + others;
        // Read before the executions: implicit calls are then never more than the executions seen.
        ImplicitCalls implicit = implicitCalls;
        long retryCount = retries.sum();
        long executions = 0;
        double durationSum = 0.0;
        long newest = Long.MIN_VALUE;
        Stripe last = null;
        for (Stripe stripe : table) {
            long cursor = stripe.cursor();
            executions += cursor;
            durationSum += stripe.durationSum();
            long stamp = stripe.stamp();
            if (cursor > 0 && (last == null || stamp > newest || (stamp == newest && cursor > last.cursor()))) {
                newest = stamp;
                last = stripe;
            }
        }
        long total = Math.max(executions, failureCount);
        // Failed calls before calls by attempts: every counted failed call is in a bucket already.
        long[] byAttempts = new long[NodeMetrics.TRACKED_ATTEMPTS + 1];
        long failedCalls = 0;
        for (Stripe stripe : table) {
            failedCalls += stripe.failedCalls();
        }
        for (Stripe stripe : table) {
            for (int b = 0; b < byAttempts.length; b++) {
                byAttempts[b] += stripe.callCount(b);
            }
        }
        if (implicit == null) {
            byAttempts[0] += total;
            failedCalls += failureCount;
        } else {
            byAttempts[0] += implicit.calls();
            failedCalls += implicit.failed();
        }
        long calls = 0;
        for (long c : byAttempts) {
            calls += c;
        }
        double callFailureRate = calls == 0 ? 0.0 : (double) failedCalls / calls;
        List<Long> callsByAttempts = NodeMetrics.callsByAttempts(byAttempts);
        if (total == 0 || last == null) {
            return retryCount == 0 && calls == 0
                    ? NodeMetrics.empty()
                    : new NodeMetrics(0, 0, 0, retryCount, null, null, 0.0, null, null, null, 0, 0, 0, 0,
                            calls, failedCalls, callFailureRate, callsByAttempts);
        }
        OrderedWindow ordered = windowSize * table.length <= OrderedWindow.MAX_SAMPLES
                ? (OrderedWindow) ORDERED_WINDOW.getAndSet(this, READING)
                : READING;
        int n;
        long p50Bits = 0;
        long p90Bits = 0;
        long p99Bits = 0;
        if (ordered != READING) {
            boolean updated = false;
            try {
                if (ordered == null) {
                    ordered = new OrderedWindow(windowSize, table.length);
                }
                copyWindowInto(ordered);
                ordered.update();
                updated = true;
            } finally {
                // A reader that failed half-way leaves no half-updated copy behind.
                ORDERED_WINDOW.setRelease(this, updated ? ordered : null);
            }
            n = ordered.size();
            p50Bits = ordered.p50Bits();
            p90Bits = ordered.p90Bits();
            p99Bits = ordered.p99Bits();
        } else {
            long[] window = new long[windowSize * table.length];
            n = copyWindow(window);
            if (n > 0) {
                for (int i = 0; i < n; i++) {
                    window[i] &= ~FAILURE_BIT; // non-negative doubles order like their raw bits
                }
                Percentiles.selectP50P90P99(window, n);
                p50Bits = window[Percentiles.nearestRankIndex(n, 50)];
                p90Bits = window[Percentiles.nearestRankIndex(n, 90)];
                p99Bits = window[Percentiles.nearestRankIndex(n, 99)];
            }
        }
        Double p50 = n > 0 ? Double.longBitsToDouble(p50Bits) : null;
        Double p90 = n > 0 ? Double.longBitsToDouble(p90Bits) : null;
        Double p99 = n > 0 ? Double.longBitsToDouble(p99Bits) : null;
        double average = Math.min(durationSum / total, NodeMetricsCollector.MAX_DURATION_MS);
        return new NodeMetrics(
                total,
                total - failureCount,
                failureCount,
                retryCount,
                Double.longBitsToDouble(last.lastBits()),
                average,
                (double) failureCount / total,
                p50,
                p90,
                p99,
                timeouts,
                validations,
                networks,
                others,
                calls,
                failedCalls,
                callFailureRate,
                callsByAttempts);
    }

    private static int[] newProbe() {
        // Consecutive threads get hashes of alternating parity (the increment is odd), so the first
        // two contending threads usually land on different stripes of a two-stripe table at once.
        int hash = PROBE_SEED.addAndGet(0x9E3779B9);
        int token = PROBE_TOKENS.incrementAndGet();
        return new int[] {hash == 0 ? 1 : hash, token == 0 ? 1 : token, 0};
    }

    private static int rehash(int probe) {
        probe ^= probe << 13; // xorshift, as in Striped64: never 0 from a non-zero probe
        probe ^= probe >>> 17;
        probe ^= probe << 5;
        return probe;
    }

    static int ceilingPowerOfTwo(int value) {
        return value <= 1 ? 1 : Integer.highestOneBit(value - 1) << 1;
    }

    /**
     * The node's epoch, alone on its cache lines: read by every record, written once per
     * {@value #EPOCH_RECORDS} records of each stripe.
     */
    static final class Epoch extends EpochValue {
        @SuppressWarnings("unused")
        private long p10, p11, p12, p13, p14, p15, p16, p17;

        long get() {
            return (long) VALUE.getOpaque(this);
        }

        long advance() {
            return (long) VALUE.getAndAdd(this, 1L) + 1;
        }
    }

    abstract static class EpochPad {
        @SuppressWarnings("unused")
        private long p00, p01, p02, p03, p04, p05, p06, p07;
    }

    abstract static class EpochValue extends EpochPad {
        static final VarHandle VALUE;

        static {
            try {
                VALUE = MethodHandles.lookup().findVarHandle(EpochValue.class, "value", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        @SuppressWarnings("unused") // accessed through VALUE
        private volatile long value;
    }

    /**
     * One stripe: a ring, a cursor and counters that only the threads currently mapped to it write.
     * Padded before and after (superclass and subclass fields stay in that order), and its ring has
     * {@value #RING_PAD} unused slots at each end, so no two stripes and no neighbouring object share
     * a cache line with a written field or slot.
     */
    static final class Stripe extends StripeFields {
        @SuppressWarnings("unused")
        private long p10, p11, p12, p13, p14, p15, p16, p17;

        /** Tells stripes apart in a thread's probe without holding on to them; never 0. */
        final int id;

        Stripe(int capacity, int bucketCount) {
            super(capacity, bucketCount);
            int next = STRIPE_IDS.incrementAndGet();
            this.id = next == 0 ? STRIPE_IDS.incrementAndGet() : next;
        }
    }

    abstract static class StripePad {
        @SuppressWarnings("unused")
        private long p00, p01, p02, p03, p04, p05, p06, p07;
    }

    /** The ring's unused slots at each end, one cache line. */
    static final int RING_PAD = 8;
    /** The call ring's unused slots at each end, one cache line. */
    static final int CALL_RING_PAD = 64;
    static final byte CALL_SUCCEEDED = 1;
    static final byte CALL_FAILED = 2;
    /** The index of the failed calls in a stripe's call counts, after the attempts buckets. */
    static final int FAILED_CALLS = NodeMetrics.TRACKED_ATTEMPTS + 1;

    abstract static class StripeFields extends StripePad {
        private static final VarHandle CURSOR;
        private static final VarHandle SUM_BITS;
        private static final VarHandle LAST_BITS;
        private static final VarHandle STAMP;
        private static final VarHandle WRITER;
        private static final VarHandle CALL_CURSOR;
        private static final VarHandle CALL_STAMP;
        private static final VarHandle CALL_SLOTS = MethodHandles.arrayElementVarHandle(byte[].class);
        private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);
        private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                CURSOR = lookup.findVarHandle(StripeFields.class, "cursor", long.class);
                SUM_BITS = lookup.findVarHandle(StripeFields.class, "sumBits", long.class);
                LAST_BITS = lookup.findVarHandle(StripeFields.class, "lastBits", long.class);
                STAMP = lookup.findVarHandle(StripeFields.class, "stamp", long.class);
                WRITER = lookup.findVarHandle(StripeFields.class, "writer", int.class);
                CALL_CURSOR = lookup.findVarHandle(StripeFields.class, "callCursor", long.class);
                CALL_STAMP = lookup.findVarHandle(StripeFields.class, "callStamp", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final long[] slots;
        private final int mask;
        /** Failures per category, indexed by ordinal; its own array, padded like the ring. */
        private final long[] failureCounts = new long[RING_PAD * 2 + ErrorCategory.values().length];
        /** Executions per duration bucket (not cumulative), indexed like {@link DurationBuckets}; padded too. */
        private final long[] bucketCounts;
        @SuppressWarnings("unused") // accessed through CURSOR
        private volatile long cursor;
        @SuppressWarnings("unused") // accessed through SUM_BITS: the raw bits of the duration sum
        private volatile long sumBits;
        @SuppressWarnings("unused") // accessed through LAST_BITS
        private volatile long lastBits;
        @SuppressWarnings("unused") // accessed through STAMP
        private volatile long stamp;
        @SuppressWarnings("unused") // accessed through WRITER: the token of the thread that marked it last
        private volatile int writer;
        /** The outcomes of the last calls: {@link #CALL_SUCCEEDED}, {@link #CALL_FAILED}, or 0 if never written; padded. */
        private final byte[] callSlots;
        /** Calls per attempts bucket, then failed calls at {@link #FAILED_CALLS}; padded like the ring. */
        private final long[] callCounts = new long[RING_PAD * 2 + NodeMetrics.TRACKED_ATTEMPTS + 2];
        @SuppressWarnings("unused") // accessed through CALL_CURSOR
        private volatile long callCursor;
        @SuppressWarnings("unused") // accessed through CALL_STAMP: the epoch of this stripe's last call
        private volatile long callStamp;

        StripeFields(int capacity, int bucketCount) {
            this.mask = capacity - 1;
            this.bucketCounts = new long[RING_PAD * 2 + bucketCount];
            this.slots = new long[capacity + 2 * RING_PAD];
            Arrays.fill(slots, EMPTY);
            this.callSlots = new byte[capacity + 2 * CALL_RING_PAD];
            // Published through the volatile table write (or, for the first stripe, the handle's
            // volatile state field) that makes this stripe reachable.
        }

        long cursor() {
            return (long) CURSOR.getAcquire(this);
        }

        boolean tryClaim(long sequence) {
            return CURSOR.compareAndSet(this, sequence, sequence + 1);
        }

        /** Writes the sample of {@code sequence}, just claimed by this thread, and its sums and counts. */
        void write(long sequence, long sampleBits, double durationMs, int bucket, ErrorCategory category,
                Epoch epoch) {
            long now = (sequence & (EPOCH_RECORDS - 1)) == EPOCH_RECORDS - 1 ? epoch.advance() : epoch.get();
            SLOTS.setRelease(slots, RING_PAD + ((int) sequence & mask), sampleBits);
            LAST_BITS.setOpaque(this, sampleBits & ~FAILURE_BIT);
            if ((long) STAMP.getOpaque(this) < now) {
                STAMP.setOpaque(this, now);
            }
            long sum = (long) SUM_BITS.getOpaque(this);
            while (!SUM_BITS.compareAndSet(this, sum,
                    Double.doubleToRawLongBits(Double.longBitsToDouble(sum) + durationMs))) {
                sum = (long) SUM_BITS.getOpaque(this);
            }
            COUNTS.getAndAdd(bucketCounts, RING_PAD + bucket, 1L);
            if (category != null) {
                COUNTS.getAndAdd(failureCounts, RING_PAD + category.ordinal(), 1L);
            }
        }

        long callCursor() {
            return (long) CALL_CURSOR.getAcquire(this);
        }

        boolean tryClaimCall(long sequence) {
            return CALL_CURSOR.compareAndSet(this, sequence, sequence + 1);
        }

        /** Writes the call of {@code sequence}, just claimed by this thread, and its counts. */
        void writeCall(long sequence, int bucket, boolean succeeded, Epoch epoch) {
            long now = epoch.get();
            CALL_SLOTS.setRelease(callSlots, CALL_RING_PAD + ((int) sequence & mask),
                    succeeded ? CALL_SUCCEEDED : CALL_FAILED);
            if ((long) CALL_STAMP.getOpaque(this) < now) {
                CALL_STAMP.setOpaque(this, now);
            }
            COUNTS.getAndAdd(callCounts, RING_PAD + bucket, 1L);
            if (!succeeded) { // after the bucket: a reader that sees the failed call sees it counted
                COUNTS.getAndAdd(callCounts, RING_PAD + FAILED_CALLS, 1L);
            }
        }

        long callCount(int bucket) {
            return (long) COUNTS.getAcquire(callCounts, RING_PAD + bucket);
        }

        long failedCalls() {
            return (long) COUNTS.getAcquire(callCounts, RING_PAD + FAILED_CALLS);
        }

        long callStamp() {
            return (long) CALL_STAMP.getOpaque(this);
        }

        /**
         * Counts this stripe's last {@code windowSize} written call outcomes: the number of calls in
         * the high 32 bits, of failed ones in the low 32 bits.
         */
        long scanCalls(int windowSize) {
            long end = callCursor(); // acquire: the reads below see slots no older than this
            int n = (int) Math.min(end, windowSize);
            long calls = 0;
            long failed = 0;
            for (long i = end - n; i < end; i++) {
                // A slot claimed but not yet written holds 0 or an older outcome of this stripe.
                byte outcome = callSlots[CALL_RING_PAD + ((int) i & mask)];
                if (outcome != 0) {
                    calls++;
                    if (outcome == CALL_FAILED) {
                        failed++;
                    }
                }
            }
            return calls << 32 | failed;
        }

        long bucketCount(int bucket) {
            return (long) COUNTS.getAcquire(bucketCounts, RING_PAD + bucket);
        }

        long count(ErrorCategory category) {
            return (long) COUNTS.getAcquire(failureCounts, RING_PAD + category.ordinal());
        }

        double durationSum() {
            return Double.longBitsToDouble((long) SUM_BITS.getAcquire(this));
        }

        long lastBits() {
            return (long) LAST_BITS.getOpaque(this);
        }

        long stamp() {
            return (long) STAMP.getOpaque(this);
        }

        int writer() {
            return (int) WRITER.getOpaque(this);
        }

        void setWriter(int token) {
            WRITER.setOpaque(this, token);
        }

        /**
         * Copies the slots of this stripe's last {@code windowSize} sequences to {@code out} from
         * index {@code at}, in sequence order, with the failure bit cleared and {@link #EMPTY}
         * slots kept in place; returns the cursor the copy was taken at.
         */
        long copyRecentSamples(int windowSize, long[] out, int at) {
            long end = cursor(); // acquire: the copies below read slots no older than this
            int n = copyRing(end, windowSize, out, at);
            for (int i = at; i < at + n; i++) {
                out[i] &= ~FAILURE_BIT; // non-negative doubles order like their raw bits; EMPTY stays EMPTY
            }
            return end;
        }

        /**
         * Copies the slots of the last {@code min(end, windowSize)} sequences before {@code end} to
         * {@code out} from index {@code at}, in sequence order, and returns how many: one bulk copy
         * (two when the window wraps). Each long is copied whole on a 64-bit JVM, and every slot
         * holds EMPTY or a real sample, so a racing writer can't make one up.
         */
        private int copyRing(long end, int windowSize, long[] out, int at) {
            int n = (int) Math.min(end, windowSize);
            int first = (int) (end - n) & mask;
            int tail = Math.min(n, mask + 1 - first);
            System.arraycopy(slots, RING_PAD + first, out, at, tail);
            System.arraycopy(slots, RING_PAD, out, at + tail, n - tail);
            return n;
        }

        /**
         * Appends this stripe's last {@code windowSize} real samples to {@code out} from index
         * {@code at}, in ring order; returns the new end.
         */
        int copyWindow(int windowSize, long[] out, int at) {
            long end = cursor(); // acquire: the copies below read slots no older than this
            int n = copyRing(end, windowSize, out, at);
            int count = at;
            for (int i = at; i < at + n; i++) {
                long bits = out[i];
                if (bits != EMPTY) {
                    out[count++] = bits;
                }
            }
            return count;
        }
    }
}
