package dev.runmetrics.jdbc;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.store.Rollup;
import dev.runmetrics.core.store.RollupDimension;
import dev.runmetrics.core.store.RunStoreException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.postgresql.PGStatement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-behind half of {@link JdbcRunStore}: a bounded queue of run and step snapshots, an
 * optional spill journal on disk, and one writer thread that commits them in batches, each batch
 * one transaction, retried with exponential backoff while the database fails. Every batch is
 * idempotent (upserts where the newer snapshot wins; rollups counted only on the first terminal
 * write of a key), so a batch that committed but whose acknowledgement was lost, or that is
 * replayed from the journal after it was written, is simply applied again.
 *
 * <p><b>Spilling.</b> With a {@link SpillJournal}, the writer <em>spills</em> when the queue is
 * full or the database has been unavailable for longer than {@code spillAfter}: the batch being
 * retried and everything queued move into the journal, in order, and every snapshot accepted after
 * that is appended to it instead of the queue. The writer then replays the journal in order, and
 * when it has caught up (everything on disk written, the few records not yet synced handed back
 * to the queue) it writes from memory again. So the order in which snapshots are written is the
 * order in which they were accepted: queue, then journal, then queue.
 *
 * <p><b>A batch's transaction</b> goes through {@link StagedBatch} (COPY into staging tables, one
 * round trip for the reads and one for the writes) when the connection is PgJDBC's and may create
 * temporary tables, and statement by statement ({@code writeBatch}) otherwise: the same rows,
 * locks and rollup sums either way ({@code StagedBatchTest} holds them equal).
 *
 * <p><b>Threads.</b> Enqueueing, spilling and the in-flight batch's hand-over are serialised by
 * one lock, held for microseconds (the move into the journal copies the queue into memory
 * buffers; the disk is written by the journal's syncer thread). Everything else is the writer
 * thread's.
 */
final class BatchWriter {

    private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

    /**
     * The system property that, set to {@code false}, makes the writer write every batch statement
     * by statement instead of through {@link StagedBatch}: for comparing the two (a test, the
     * ingest benchmark), not for production.
     */
    static final String STAGING_PROPERTY = "runmetrics.jdbc.staging";
    private static final boolean STAGING = !"false".equalsIgnoreCase(System.getProperty(STAGING_PROPERTY));

    /** A snapshot accepted into memory (or decoded from the journal). */
    private sealed interface Item permits RunItem, StepItem {}

    private record RunItem(Run run) implements Item {}

    private record StepItem(StepRun step) implements Item {}

    /** How a batch ended: counts of snapshots committed and rejected for good, or moved, or abandoned. */
    private record Outcome(int committed, int failed, boolean moved, boolean abandoned) {
        static final Outcome MOVED = new Outcome(0, 0, true, false);
        static final Outcome ABANDONED = new Outcome(0, 0, false, true);
    }

    private final Jdbi jdbi;
    private final StoreAvailability availability;
    private final int statementTimeoutMillis;
    private final String instanceId;
    private final int capacity;
    private final QueueFullPolicy policy;
    private final Duration blockTimeout;
    private final int maxBatch;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    /** Null when the store has no spill directory. */
    private final SpillJournal journal;
    private final long spillAfterNanos;

    private final Semaphore room;
    private final ReentrantLock appendLock = new ReentrantLock();
    private final Condition queued = appendLock.newCondition();
    // Guarded by appendLock.
    private final ArrayDeque<Item> queue = new ArrayDeque<>();
    private boolean spilling;
    private List<Item> inFlight;
    private boolean inFlightMoved;

    private final Thread thread;
    private volatile boolean closing;
    private volatile boolean abandon;

    /** Accepted snapshots (incremented with the enqueue, under appendLock, so in queue order). */
    private final AtomicLong accepted = new AtomicLong();
    /** Accepted snapshots that are done with: written, rejected for good, or dropped at close. */
    private final AtomicLong settled = new AtomicLong();
    private final Object settledChanged = new Object();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong spilled = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong totalBatchNanos = new AtomicLong();
    private final AtomicLong totalDatabaseNanos = new AtomicLong();
    private volatile long lastBatchNanos;
    private volatile long maxBatchNanos;
    private volatile int lastBatchSize;
    private volatile boolean healthy = true;

    BatchWriter(Jdbi jdbi, StoreAvailability availability, int statementTimeoutMillis, String instanceId,
            int capacity, QueueFullPolicy policy, Duration blockTimeout, int maxBatch, Duration initialBackoff,
            Duration maxBackoff, SpillJournal journal, Duration spillAfter) {
        this.jdbi = jdbi;
        this.availability = availability;
        this.statementTimeoutMillis = statementTimeoutMillis;
        this.instanceId = instanceId;
        this.capacity = capacity;
        this.policy = policy;
        this.blockTimeout = blockTimeout;
        this.maxBatch = maxBatch;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.journal = journal;
        this.spillAfterNanos = spillAfter == null ? Long.MAX_VALUE : spillAfter.toNanos();
        this.room = new Semaphore(capacity);
        this.staged = new StagedBatch(instanceId, statementTimeoutMillis, databaseClock);
        if (journal != null && journal.recovered() > 0) {
            spilling = true; // what an earlier process left goes first
            accepted.set(journal.recovered());
        }
        this.thread = new Thread(this::loop, "runmetrics-jdbc-writer-" + instanceId);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Writes every batch from now on statement by statement, as when {@link StagedBatch} cannot be
     * used (tests compare the two paths). Call before the first snapshot is enqueued.
     */
    void writeStatementByStatement() {
        staging = false;
    }

    void enqueue(Run run) {
        offer(new RunItem(run));
    }

    void enqueue(StepRun step) {
        offer(new StepItem(step));
    }

    private void offer(Item item) {
        appendLock.lock();
        try {
            if (closing) {
                throw new RunStoreException("the store is closed");
            }
            if (journal != null) {
                if (!spilling) {
                    if (availability.downForNanos() > spillAfterNanos) {
                        startSpilling("the database has been unavailable for more than "
                                + TimeUnit.NANOSECONDS.toMillis(spillAfterNanos) + " ms");
                    } else if (room.tryAcquire()) {
                        add(item);
                        return;
                    } else {
                        startSpilling("the write queue is full (" + capacity + " snapshots)");
                    }
                }
                if (!journal.append(SpillCodec.encode(snapshot(item)))) {
                    refuse("the write queue and the spill journal (" + journal.maxBytes() + " bytes) are full");
                    return;
                }
                accepted.incrementAndGet();
                spilled.incrementAndGet();
                return;
            }
            if (room.tryAcquire()) {
                add(item);
                return;
            }
        } finally {
            appendLock.unlock();
        }
        // No journal and the queue is full. Waiting for room helps only while the writer drains,
        // not while the database is down.
        boolean got = false;
        if (policy == QueueFullPolicy.BLOCK && !availability.isDown()) {
            try {
                got = room.tryAcquire(blockTimeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!got) {
            refuse("write queue full (" + capacity + " snapshots)" + (policy == QueueFullPolicy.BLOCK
                    ? availability.isDown() ? " while the database is unavailable" : " for " + blockTimeout : ""));
            return;
        }
        appendLock.lock();
        try {
            if (closing) {
                room.release();
                throw new RunStoreException("the store is closed");
            }
            add(item);
        } finally {
            appendLock.unlock();
        }
    }

    /** Queues an accepted snapshot for the writer. Holds appendLock and a permit of room. */
    private void add(Item item) {
        accepted.incrementAndGet();
        queue.addLast(item);
        queued.signal();
    }

    /** Counts a snapshot that cannot be kept; under BLOCK, tells the caller. */
    private void refuse(String why) {
        long n = dropped.incrementAndGet();
        if (n == 1 || Long.bitCount(n) == 1) {
            log.warn("runmetrics: {}; {} snapshots dropped so far", why, n);
        }
        if (policy == QueueFullPolicy.BLOCK) {
            throw new RunStoreException(why + "; snapshot dropped");
        }
    }

    /**
     * Starts spilling (or, if spilling already, moves what is still in memory): the batch in
     * flight, unless already moved, then the queue, go into the journal in that order. Holds
     * appendLock.
     */
    private void startSpilling(String why) {
        boolean was = spilling;
        spilling = true;
        int moved = 0;
        if (inFlight != null && !inFlightMoved) {
            for (Item i : inFlight) {
                journal.appendAnyway(SpillCodec.encode(snapshot(i)));
            }
            moved += inFlight.size();
            room.release(inFlight.size());
            inFlightMoved = true;
        }
        int waiting = queue.size();
        for (Item i; (i = queue.pollFirst()) != null;) {
            journal.appendAnyway(SpillCodec.encode(snapshot(i)));
        }
        room.release(waiting);
        moved += waiting;
        spilled.addAndGet(moved);
        journal.requestSync();
        if (!was) {
            log.warn("runmetrics writer spills to {}: {}; {} snapshots in memory moved there", journal.directory(), why,
                    moved);
        }
    }

    /**
     * Stops spilling if the writer has caught up: the database answers, every record on disk is
     * written and no sync is in flight. The few records not yet synced come back to the queue,
     * ahead of anything newer. Holds appendLock.
     */
    private boolean tryStopSpilling() {
        List<byte[]> tail = journal.takeUnsyncedIfCaughtUp(room.availablePermits());
        if (tail == null) {
            return false;
        }
        List<Item> items = new ArrayList<>(tail.size());
        for (byte[] record : tail) {
            Item item = decode(record);
            if (item != null) {
                items.add(item);
            } else {
                failed.incrementAndGet();
                settle(1);
            }
        }
        if (!room.tryAcquire(items.size())) { // cannot happen: no producer adds to the queue while spilling
            throw new IllegalStateException("no room for " + items.size() + " snapshots handed back by the journal");
        }
        queue.addAll(items);
        if (!items.isEmpty()) {
            queued.signal();
        }
        spilling = false;
        journal.resetIfDrained();
        log.info("runmetrics writer caught up with its spill journal: {} snapshots replayed so far; writing from"
                + " memory again", replayed.get());
        return true;
    }

    /**
     * Waits until every snapshot accepted before this call (by any thread that returned from
     * enqueue before it) is done with: committed, rejected for good, or dropped at close.
     *
     * @return false if that did not happen within the timeout
     */
    boolean flush(Duration timeout) {
        long target = accepted.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (settledChanged) {
            while (settled.get() < target) {
                if (!thread.isAlive()) {
                    return true; // closed: what is not written was counted as dropped, or is in the journal
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(settledChanged, Math.min(left, 50_000_000L));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private void settle(long n) {
        settled.addAndGet(n);
        synchronized (settledChanged) {
            settledChanged.notifyAll();
        }
    }

    /**
     * Stops accepting, drains what is queued (retrying) for up to {@code timeout}, then gives up.
     * With a journal, what cannot be written is left in it rather than dropped, and the writer does
     * not wait for a database that is unavailable.
     */
    void close(Duration timeout) {
        appendLock.lock();
        try {
            closing = true;
        } finally {
            appendLock.unlock();
        }
        try {
            thread.join(Math.max(1, timeout.toMillis()));
            if (thread.isAlive()) {
                abandon = true;
                thread.interrupt();
                thread.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandon = true;
            thread.interrupt();
        }
        if (journal != null) {
            journal.close();
        }
    }

    WriterStats stats() {
        long b = batches.get();
        return new WriterStats(capacity - room.availablePermits(), capacity, accepted.get(), written.get(), b,
                retries.get(), dropped.get(), failed.get(), lastBatchNanos / 1e6,
                b == 0 ? 0 : totalBatchNanos.get() / 1e6 / b, maxBatchNanos / 1e6, lastBatchSize, healthy,
                journal != null && isSpilling(), spilled.get(), replayed.get(), journal == null ? 0 : journal.backlog(),
                journal == null ? 0 : journal.sizeBytes(), journal == null ? 0 : journal.maxBytes(),
                b == 0 ? 0 : totalDatabaseNanos.get() / 1e6 / b);
    }

    private boolean isSpilling() {
        appendLock.lock();
        try {
            return spilling;
        } finally {
            appendLock.unlock();
        }
    }

    private void loop() {
        while (!abandon) {
            List<Item> batch = null;
            boolean spillingNow;
            appendLock.lock();
            try {
                if (queue.isEmpty() && !spilling && !closing) {
                    try {
                        queued.await(50, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        continue; // close() interrupts only to abandon
                    }
                }
                if (!queue.isEmpty()) {
                    // Taken and marked in flight in one step, so a spill that starts now moves it too.
                    batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
                    for (Item i; batch.size() < maxBatch && (i = queue.pollFirst()) != null;) {
                        batch.add(i);
                    }
                    inFlight = batch;
                    inFlightMoved = false;
                }
                spillingNow = spilling;
            } finally {
                appendLock.unlock();
            }
            if (batch != null) {
                writeFromMemory(batch);
                continue;
            }
            if (spillingNow) {
                if (closing && availability.isDown()) {
                    break; // the journal keeps it for the next start
                }
                if (!replayOnce()) {
                    // Records appended, not yet on disk (the syncer writes them shortly), or the database is down.
                    pause(availability.isDown() ? 50_000_000L : 5_000_000L);
                }
                continue;
            }
            if (closing) {
                break;
            }
        }
        finish();
    }

    /** Writes a batch taken from the queue (already in flight); moved to the journal instead if spilling starts. */
    private void writeFromMemory(List<Item> mine) {
        databaseClock.takeNanos();
        long start = System.nanoTime();
        Outcome o = writeWithRetry(mine, true);
        appendLock.lock();
        try {
            if (o.abandoned() && journal != null && !inFlightMoved) {
                startSpilling("the store is closing while the database is unavailable");
            }
            boolean moved = inFlightMoved;
            inFlight = null;
            inFlightMoved = false;
            if (!moved) {
                room.release(mine.size());
                if (o.abandoned()) {
                    dropped.addAndGet(mine.size());
                    log.error("runmetrics store closed with a batch of {} snapshots not written", mine.size());
                } else {
                    written.addAndGet(o.committed());
                    failed.addAndGet(o.failed());
                    timed(start, mine.size());
                }
                settle(mine.size());
            }
        } finally {
            appendLock.unlock();
        }
    }

    /** Writes the next batch of the journal; false if there was none to write. */
    private boolean replayOnce() {
        SpillJournal.Batch read;
        try {
            read = journal.read(maxBatch);
        } catch (IOException e) {
            log.error("runmetrics spill journal cannot be read (retried): {}", e.toString());
            pause(maxBackoff.toNanos());
            return true;
        }
        if (read.records().isEmpty()) {
            if (availability.isDown()) {
                return false; // not caught up: what is appended must stay in the journal until the database is back
            }
            appendLock.lock();
            try {
                return tryStopSpilling();
            } finally {
                appendLock.unlock();
            }
        }
        List<Item> items = new ArrayList<>(read.records().size());
        int undecodable = 0;
        for (byte[] record : read.records()) {
            Item item = decode(record);
            if (item == null) {
                undecodable++;
            } else {
                items.add(item);
            }
        }
        databaseClock.takeNanos();
        long start = System.nanoTime();
        Outcome o = items.isEmpty() ? new Outcome(0, 0, false, false) : writeWithRetry(items, false);
        if (o.abandoned()) {
            return false; // left in the journal for the next start
        }
        journal.commit(read);
        written.addAndGet(o.committed());
        replayed.addAndGet(o.committed());
        failed.addAndGet(o.failed() + undecodable);
        timed(start, items.size());
        settle(read.records().size());
        return true;
    }

    private void timed(long start, int size) {
        if (size == 0) {
            return;
        }
        long took = System.nanoTime() - start;
        batches.incrementAndGet();
        totalBatchNanos.addAndGet(took);
        long trips = databaseClock.trips();
        long waited = databaseClock.takeNanos();
        totalDatabaseNanos.addAndGet(waited);
        StatementMeter m = meter;
        if (m != null) {
            m.writerRoundTrips(trips, waited);
        }
        lastBatchNanos = took;
        lastBatchSize = size;
        if (took > maxBatchNanos) {
            maxBatchNanos = took;
        }
    }

    /** After the loop: what is still queued goes to the journal, or is dropped without one. */
    private void finish() {
        appendLock.lock();
        try {
            if (journal != null) {
                if (!queue.isEmpty()) {
                    startSpilling("the store is closing while the database is unavailable");
                }
            } else {
                List<Item> left = new ArrayList<>(queue);
                queue.clear();
                if (!left.isEmpty()) {
                    dropped.addAndGet(left.size());
                    room.release(left.size());
                    settle(left.size());
                    log.error("runmetrics store closed with {} snapshots not written (database unavailable)",
                            left.size());
                }
            }
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Writes the batch, retrying transient failures, splitting it to find a snapshot the database
     * rejects for good. A batch from memory stops as soon as it has been moved to the journal
     * (by a producer that found the queue full), and moves itself there once the database has
     * been unavailable for {@code spillAfter} (or the store closes while it is unavailable).
     */
    private Outcome writeWithRetry(List<Item> data, boolean fromMemory) {
        long backoff = initialBackoff.toNanos();
        while (true) {
            if (fromMemory && movedAway()) {
                return Outcome.MOVED;
            }
            RuntimeException failure = null;
            if (!availability.isDown()) { // known down: no attempt until the probe finds it again
                try {
                    long[] written = new long[1];
                    jdbi.useTransaction(h -> {
                        writeBatch(h, data);
                        written[0] = databaseClock.start();
                    });
                    databaseClock.stop(written[0]); // the commit
                    availability.succeeded();
                    healthy = true;
                    return new Outcome(data.size(), 0, false, false);
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
            RuntimeException e = failure;
            if (e != null && !isTransient(e)) {
                healthy = true;
                if (data.size() > 1) {
                    // In halves, in order: a bad snapshot in a batch of n costs about 2 log2(n)
                    // transactions instead of n (batches are thousands of snapshots).
                    log.warn("runmetrics batch of {} rejected ({}); writing it in halves to find the snapshots the"
                            + " database refuses", data.size(), brief(e));
                    int committed = 0;
                    int rejected = 0;
                    int half = data.size() / 2;
                    for (List<Item> part : List.of(data.subList(0, half), data.subList(half, data.size()))) {
                        Outcome one = writeWithRetry(part, fromMemory);
                        if (one.moved() || one.abandoned()) {
                            return one;
                        }
                        committed += one.committed();
                        rejected += one.failed();
                    }
                    return new Outcome(committed, rejected, false, false);
                }
                log.error("runmetrics snapshot rejected by the database and not stored: {}", data.get(0), e);
                return new Outcome(0, 1, false, false);
            }
            healthy = false;
            if (e != null) {
                availability.failed(e);
            }
            if (abandon) {
                return Outcome.ABANDONED;
            }
            if (fromMemory && journal != null && (availability.downForNanos() > spillAfterNanos
                    || (closing && availability.isDown()))) {
                appendLock.lock();
                try {
                    startSpilling(closing ? "the store is closing while the database is unavailable"
                            : "the database has been unavailable for more than "
                                    + TimeUnit.NANOSECONDS.toMillis(spillAfterNanos) + " ms");
                } finally {
                    appendLock.unlock();
                }
                return Outcome.MOVED;
            }
            if (!fromMemory && closing && availability.isDown()) {
                return Outcome.ABANDONED; // stays in the journal
            }
            if (e != null) {
                long r = retries.incrementAndGet();
                if (r == 1 || Long.bitCount(r) == 1) {
                    log.warn("runmetrics batch of {} failed; retrying in {} ms ({} retries so far): {}",
                            data.size(), TimeUnit.NANOSECONDS.toMillis(backoff), r, brief(e));
                }
            }
            if (availability.isDown()) {
                // Nothing to try until the watchdog's probe finds the database again (or it is time to spill).
                availability.awaitAvailable(Math.min(maxBackoff.toNanos(),
                        journal != null && fromMemory ? Math.max(1, spillAfterNanos / 4) : Long.MAX_VALUE));
                Thread.interrupted(); // close() interrupts only to abandon; the next attempt sees the flag
            } else {
                pause(backoff);
            }
            backoff = Math.min(backoff * 2, maxBackoff.toNanos());
        }
    }

    private boolean movedAway() {
        appendLock.lock();
        try {
            return inFlightMoved;
        } finally {
            appendLock.unlock();
        }
    }

    private static void pause(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException ie) {
            // close() interrupts only to abandon; the caller sees the flag
        }
    }

    private static Object snapshot(Item item) {
        return item instanceof RunItem r ? r.run() : ((StepItem) item).step();
    }

    private static Item decode(byte[] record) {
        try {
            Object o = SpillCodec.decode(record);
            return o instanceof Run r ? new RunItem(r) : new StepItem((StepRun) o);
        } catch (IOException e) {
            log.error("runmetrics spill journal: a record cannot be decoded and is skipped: {}", e.getMessage());
            return null;
        }
    }

    /** The root cause's message, short: JDBI's messages repeat the whole statement and its arguments. */
    static String brief(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.toString();
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    /**
     * Whether a failure may go away on retry: the database unreachable or restarting, a lost
     * connection, deadlock or serialization failure, resource exhaustion, or an I/O error. A data
     * or constraint error does not, and neither does an exception with no SQL or I/O cause (a bug
     * would otherwise stall the queue forever): those batches are split and the bad snapshot
     * dropped.
     */
    static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || t instanceof java.io.IOException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state == null) {
                    return true;
                }
                return state.startsWith("08") || state.startsWith("40") || state.startsWith("53")
                        || state.startsWith("57") || state.startsWith("58") || state.equals("55P03")
                        || state.startsWith("XX");
            }
        }
        return false;
    }

    // ---- one batch, one transaction -------------------------------------------------------

    record StoredRun(int attempt, Instant updatedAt, RunStatus status) {}

    record StoredStep(Instant updatedAt, RunStatus status) {}

    record StepKey(String runId, String stepId, int attempt) {}

    /**
     * Time spent waiting for the database, on the writer thread: around each round trip (and the
     * commit) of the batch being written, retries included.
     */
    static final class DatabaseClock {
        private long nanos;
        private long trips;

        long start() {
            return System.nanoTime();
        }

        void stop(long started) {
            nanos += System.nanoTime() - started;
            trips++;
        }

        /** The time waited since the last take; resets the round trips too. */
        long takeNanos() {
            long n = nanos;
            nanos = 0;
            trips = 0;
            return n;
        }

        /** The round trips timed since the last take, without resetting anything. */
        long trips() {
            return trips;
        }
    }

    /** Where the writer reports its round trips and their time (the store's resource figures); null: nowhere. */
    private volatile StatementMeter meter;

    /**
     * Counts the writer's database work into {@code meter}: each timed round trip as one
     * statement, with its time. The meter skips the JDBI statements this writer's thread runs, so
     * none is counted twice.
     */
    void meteredBy(StatementMeter meter) {
        meter.countSeparately(thread);
        this.meter = meter;
    }

    private final DatabaseClock databaseClock = new DatabaseClock();
    private final StagedBatch staged;
    /** Whether batches go through {@link StagedBatch}: null until the first transaction finds out. */
    private volatile Boolean staging;

    private void writeBatch(Handle h, List<Item> data) {
        Map<String, List<Run>> runs = new TreeMap<>();
        Map<String, List<StepRun>> steps = new TreeMap<>();
        for (Item item : data) {
            if (item instanceof RunItem r) {
                runs.computeIfAbsent(r.run().workspaceId(), k -> new ArrayList<>()).add(r.run());
            } else if (item instanceof StepItem s) {
                steps.computeIfAbsent(s.step().workspaceId(), k -> new ArrayList<>()).add(s.step());
            }
        }
        if (staging == null) {
            try {
                long t = databaseClock.start();
                staging = STAGING && StagedBatch.usable(h.getConnection());
                databaseClock.stop(t);
                if (!staging) {
                    log.info("runmetrics writer: batches are written statement by statement ({})", STAGING
                            ? "the connection is not PgJDBC's, or may not create temporary tables"
                            : "-D" + STAGING_PROPERTY + "=false");
                }
            } catch (SQLException e) {
                throw new UnableToExecuteStatementException(e, null);
            }
        }
        if (staging) {
            staged.write(h, runs, steps);
            return;
        }
        TreeMap<String, Boolean> workspaces = new TreeMap<>();
        runs.keySet().forEach(ws -> workspaces.put(ws, true));
        steps.keySet().forEach(ws -> workspaces.put(ws, true));
        // Locks are taken in one global order (workspace, table, key) so writers never deadlock.
        for (String ws : workspaces.keySet()) {
            long t = databaseClock.start();
            JdbcRunStore.setTransaction(h, ws, statementTimeoutMillis);
            databaseClock.stop(t);
            RollupAccumulator rollups = new RollupAccumulator(ws, instanceId);
            writeRuns(h, ws, runs.getOrDefault(ws, List.of()), rollups);
            writeSteps(h, ws, steps.getOrDefault(ws, List.of()), rollups);
            writeRollups(h, ws, rollups);
        }
    }

    /*
     * How the batch reads and locks the stored rows of its keys (LOCK_RUNS, LOCK_STEPS and the
     * rollup locks): one index probe per key, by construction, planned again at every execution.
     *
     * The obvious form, "WHERE workspace_id = :ws AND run_id = ANY(:ids)", has two plans, and which
     * one the planner takes depends on statistics a fresh database does not have: with none, it
     * takes "workspace_id = :ws" to match 0.5 % of the rows (the default selectivity) and scans the
     * primary key on workspace_id alone, filtering run_id = ANY(...) row by row, i.e. every stored
     * row of the workspace, every batch. pgjdbc server-prepares a statement that a connection runs
     * repeatedly (prepareThreshold, 5 by default), and PostgreSQL, after five custom plans, keeps a
     * generic plan for it until the table's statistics change; on a new
     * database that plan is made while the tables are nearly empty and kept until autovacuum's
     * first ANALYZE, which comes a minute or more later (the launcher's first visit to a new
     * database). Meanwhile the tables grow and each batch's two lock statements read them whole:
     * that was the ingest benchmark's ~2,000-3,000 step events/s for its first ~90 s (auto_explain
     * on the step lock: "Index Cond: (workspace_id = $1)", "Filter: (run_id = ANY ($2))", "Rows
     * Removed by Filter: 75999", 150-190 ms per batch and growing; the form below takes under 1 ms
     * per batch). A cached generic plan of the obvious form cannot be fixed by
     * turning sequential scans off (the bad plan is an index scan), and planning it afresh does
     * not help either while there are no statistics (the same 0.5 % guess).
     *
     * Here each key is looked up in a LATERAL subquery that cannot be flattened (it locks rows), so
     * the only join is a nested loop over the keys, and its inner side is an equality on the whole
     * key prefix, which every index path uses in full. What is left to the planner is index probe
     * versus sequential scan per key, and the right answer depends on the table's current size: a
     * generic plan made after an ANALYZE of a table of a few pages scans it once per key (3 s for
     * 300 keys once it had grown to 90,000 rows). So the statement is never server-prepared
     * (PLAN_EACH_TIME): each execution is planned with the table's current size in pages, and a
     * table that grew since it was last analyzed is still seen as large. Planning it costs well
     * under a millisecond.
     *
     * Rows are locked in the order of the key array (sorted in Java, the same order on every
     * writer), then by the rest of the primary key, so writers never deadlock.
     */
    static final String LOCK_RUNS = "SELECT r.run_id, r.attempt, r.updated_at, r.status"
            + " FROM unnest(CAST(:ids AS text[])) AS k(run_id) CROSS JOIN LATERAL"
            + " (SELECT run_id, attempt, updated_at, status FROM runmetrics.workflow_executions"
            + " WHERE workspace_id = :ws AND run_id = k.run_id FOR UPDATE) r";

    /**
     * Has pgjdbc send the statement unnamed at every execution (prepareThreshold 0), so that
     * PostgreSQL plans it with the current table size and the actual keys instead of reusing a
     * generic plan made when the table was smaller. Other drivers: left as they are.
     */
    private static final StatementCustomizer PLAN_EACH_TIME = new StatementCustomizer() {
        @Override
        public void beforeExecution(PreparedStatement stmt, StatementContext ctx) throws SQLException {
            if (stmt.isWrapperFor(PGStatement.class)) {
                stmt.unwrap(PGStatement.class).setPrepareThreshold(0);
            }
        }
    };

    /** Takes {@code n} numbers for each workflow at once, in workflow order (the lock order). */
    private static final String NEXT_NUMBERS = "INSERT INTO runmetrics.workflow_execution_counters AS c"
            + " (workspace_id, workflow_id, last_number)"
            + " SELECT ?, x.w, x.n FROM unnest(CAST(? AS text[]), CAST(? AS int8[])) AS x(w, n) ORDER BY x.w"
            + " ON CONFLICT (workspace_id, workflow_id) DO UPDATE SET last_number = c.last_number + EXCLUDED.last_number"
            + " RETURNING workflow_id, last_number";

    /** Newer wins; the execution number is set by the first write only. */
    static final String UPSERT_RUN = "INSERT INTO runmetrics.workflow_executions AS t (" + Rows.RUN_COLUMNS
            + ") VALUES (" + Rows.RUN_VALUES + ") ON CONFLICT (workspace_id, run_id) DO UPDATE SET"
            + " workflow_id = EXCLUDED.workflow_id, workflow_name = EXCLUDED.workflow_name,"
            + " status = EXCLUDED.status, attempt = EXCLUDED.attempt, queued_at = EXCLUDED.queued_at,"
            + " started_at = EXCLUDED.started_at, completed_at = EXCLUDED.completed_at,"
            + " input_summary = EXCLUDED.input_summary, results_summary = EXCLUDED.results_summary,"
            + " error_message = EXCLUDED.error_message, created_at = EXCLUDED.created_at,"
            + " updated_at = EXCLUDED.updated_at, instance_id = EXCLUDED.instance_id,"
            + " heartbeat_at = EXCLUDED.heartbeat_at, attributes = EXCLUDED.attributes,"
            + " waited_between_attempts_us = EXCLUDED.waited_between_attempts_us"
            + " WHERE (t.attempt, t.updated_at) <= (EXCLUDED.attempt, EXCLUDED.updated_at)";

    /**
     * All of a batch's runs of a workspace in one statement: {@code INSERT … SELECT … FROM
     * unnest(arrays)} with the same {@code ON CONFLICT} rule as {@link #UPSERT_RUN}. One statement
     * instead of one per row (each with its own round of executor start-up, row-level security
     * and index checks) is most of the writer's speed. The rows are distinct keys, in key order.
     */
    static final String UPSERT_RUNS = UPSERT_RUN.replace("VALUES (" + Rows.RUN_VALUES + ")",
            "SELECT * FROM unnest(" + Rows.RUN_ARRAY_PARAMETERS + ")");

    private void execute(Handle h, String sql, Object[][] columns) {
        Connection c = h.getConnection();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < columns.length; i++) {
                Object[] column = columns[i];
                String type = column instanceof Long[] ? "int8" : column instanceof Integer[] ? "int4" : "text";
                ps.setArray(i + 1, c.createArrayOf(type, column));
            }
            long t = databaseClock.start();
            ps.executeUpdate();
            databaseClock.stop(t);
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        }
    }

    private void writeRuns(Handle h, String ws, List<Run> runs, RollupAccumulator rollups) {
        if (runs.isEmpty()) {
            return;
        }
        String[] ids = runs.stream().map(Run::runId).distinct().sorted().toArray(String[]::new);
        Map<String, StoredRun> state = new HashMap<>();
        long t = databaseClock.start();
        h.createQuery(LOCK_RUNS).addCustomizer(PLAN_EACH_TIME).bind("ws", ws).bind("ids", ids)
                .map((rs, ctx) -> Map.entry(rs.getString("run_id"), new StoredRun(rs.getInt("attempt"),
                        Rows.instant(rs, "updated_at"), RunStatus.parse(rs.getString("status")))))
                .forEach(e -> state.put(e.getKey(), e.getValue()));
        databaseClock.stop(t);
        RunPlan plan = planRuns(runs, state, rollups);
        Map<String, List<String>> newByWorkflow = plan.newByWorkflow();
        List<Run> endings = plan.endings();
        Map<String, Long> numbers = new HashMap<>();
        if (!newByWorkflow.isEmpty()) {
            String[] wfs = newByWorkflow.keySet().toArray(String[]::new);
            Long[] counts = newByWorkflow.values().stream().map(l -> (long) l.size()).toArray(Long[]::new);
            Map<String, Long> lastNumbers = new HashMap<>();
            try (PreparedStatement ps = h.getConnection().prepareStatement(NEXT_NUMBERS)) {
                ps.setString(1, ws);
                ps.setArray(2, h.getConnection().createArrayOf("text", wfs));
                ps.setArray(3, h.getConnection().createArrayOf("int8", counts));
                long t2 = databaseClock.start();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        lastNumbers.put(rs.getString(1), rs.getLong(2));
                    }
                }
                databaseClock.stop(t2);
            } catch (SQLException e) {
                throw new UnableToExecuteStatementException(e, null);
            }
            for (Map.Entry<String, List<String>> e : newByWorkflow.entrySet()) {
                long next = lastNumbers.get(e.getKey()) - e.getValue().size() + 1;
                for (String runId : e.getValue()) {
                    numbers.put(runId, next++);
                }
            }
        }
        List<Run> numbered = new ArrayList<>(plan.rows().size());
        for (Run run : plan.rows()) {
            numbered.add(run.withExecutionNumber(numbers.getOrDefault(run.runId(), 0L)));
        }
        execute(h, UPSERT_RUNS, Rows.runArrays(numbered));
        if (!endings.isEmpty()) {
            execute(h, INSERT_ENDINGS, Rows.endingArrays(endings));
        }
    }

    /**
     * What a workspace's run snapshots of one batch do, given the stored state of their runs:
     * the rows to write (the newest snapshot of each run, in run id order), the attempts that
     * ended for the first time (added to {@code rollups} here), and the runs written for the
     * first time, per workflow in workflow order, each list in the order the runs were first
     * saved (they take execution numbers in that order).
     */
    record RunPlan(List<Run> rows, List<Run> endings, Map<String, List<String>> newByWorkflow) {}

    static RunPlan planRuns(List<Run> runs, Map<String, StoredRun> stored, RollupAccumulator rollups) {
        Map<String, StoredRun> state = new HashMap<>(stored);
        Map<String, Boolean> isNew = new HashMap<>();
        Map<String, Run> last = new LinkedHashMap<>();
        List<Run> endings = new ArrayList<>();
        for (Run run : runs) {
            StoredRun cur = state.get(run.runId());
            if (cur != null && (cur.attempt() != run.attempt() ? cur.attempt() > run.attempt()
                    : cur.updatedAt().isAfter(run.updatedAt()))) {
                continue; // the stored (or an earlier one in this batch) is newer
            }
            if (run.status().isTerminal() && run.completedAt() != null
                    && (cur == null || cur.attempt() < run.attempt() || !cur.status().isTerminal())) {
                rollups.addRun(run);
                endings.add(run);
            }
            isNew.putIfAbsent(run.runId(), cur == null);
            state.put(run.runId(), new StoredRun(run.attempt(), run.updatedAt(), run.status()));
            last.put(run.runId(), run);
        }
        // Execution numbers for first writes, per workflow, in the order the runs were first saved.
        Map<String, List<String>> newByWorkflow = new TreeMap<>();
        for (Run run : last.values()) {
            if (isNew.get(run.runId())) {
                newByWorkflow.computeIfAbsent(run.workflowId(), k -> new ArrayList<>()).add(run.runId());
            }
        }
        List<Run> toWrite = new ArrayList<>(last.values());
        toWrite.sort(Comparator.comparing(Run::runId));
        return new RunPlan(toWrite, endings, newByWorkflow);
    }

    /**
     * The batch's ended attempts, each once (the same condition as its rollup contribution, and
     * {@code DO NOTHING} for a replayed batch), for the exact statistics.
     */
    static final String INSERT_ENDINGS = "INSERT INTO runmetrics.run_attempt_endings (" + Rows.ENDING_COLUMNS
            + ") SELECT * FROM unnest(" + Rows.ENDING_ARRAY_PARAMETERS + ")"
            + " ON CONFLICT (workspace_id, run_id, attempt) DO NOTHING";

    /** A run's step rows, one probe per run id (see {@link #LOCK_RUNS}). */
    static final String LOCK_STEPS = "SELECT s.run_id, s.step_id, s.attempt, s.updated_at, s.status"
            + " FROM unnest(CAST(:ids AS text[])) AS k(run_id) CROSS JOIN LATERAL"
            + " (SELECT run_id, step_id, attempt, updated_at, status FROM runmetrics.workflow_step_executions"
            + " WHERE workspace_id = :ws AND run_id = k.run_id ORDER BY step_id, attempt FOR UPDATE) s";

    static final String UPSERT_STEP = "INSERT INTO runmetrics.workflow_step_executions AS t (" + Rows.STEP_COLUMNS
            + ") VALUES (" + Rows.STEP_VALUES + ") ON CONFLICT (workspace_id, run_id, step_id, attempt) DO UPDATE SET"
            + " step_name = EXCLUDED.step_name, step_order = EXCLUDED.step_order, node_name = EXCLUDED.node_name,"
            + " status = EXCLUDED.status, queued_at = EXCLUDED.queued_at, started_at = EXCLUDED.started_at,"
            + " completed_at = EXCLUDED.completed_at, retry_count = EXCLUDED.retry_count,"
            + " error_message = EXCLUDED.error_message, error_category = EXCLUDED.error_category,"
            + " input_summary = EXCLUDED.input_summary, output_summary = EXCLUDED.output_summary,"
            + " attributes = EXCLUDED.attributes, updated_at = EXCLUDED.updated_at"
            + " WHERE t.updated_at <= EXCLUDED.updated_at";

    /** All of a batch's step runs of a workspace in one statement (see {@link #UPSERT_RUNS}). */
    static final String UPSERT_STEPS = UPSERT_STEP.replace("VALUES (" + Rows.STEP_VALUES + ")",
            "SELECT * FROM unnest(" + Rows.STEP_ARRAY_PARAMETERS + ")");

    private void writeSteps(Handle h, String ws, List<StepRun> steps, RollupAccumulator rollups) {
        if (steps.isEmpty()) {
            return;
        }
        String[] ids = steps.stream().map(StepRun::runId).distinct().sorted().toArray(String[]::new);
        Map<StepKey, StoredStep> state = new HashMap<>();
        long t = databaseClock.start();
        h.createQuery(LOCK_STEPS).addCustomizer(PLAN_EACH_TIME).bind("ws", ws).bind("ids", ids)
                .map((rs, ctx) -> Map.entry(new StepKey(rs.getString("run_id"), rs.getString("step_id"),
                        rs.getInt("attempt")), new StoredStep(Rows.instant(rs, "updated_at"),
                                RunStatus.parse(rs.getString("status")))))
                .forEach(e -> state.put(e.getKey(), e.getValue()));
        databaseClock.stop(t);
        execute(h, UPSERT_STEPS, Rows.stepArrays(planSteps(steps, state, rollups)));
    }

    /**
     * The step rows a workspace's step snapshots of one batch write, given the stored state of
     * their keys: the newest snapshot of each (run, step, attempt), in key order. Step runs that
     * ended for the first time are added to {@code rollups}.
     */
    private static final Comparator<StepRun> STEP_KEY_ORDER = Comparator.comparing(StepRun::runId)
            .thenComparing(StepRun::stepId).thenComparingInt(StepRun::attempt);

    static List<StepRun> planSteps(List<StepRun> steps, Map<StepKey, StoredStep> stored, RollupAccumulator rollups) {
        Map<StepKey, StoredStep> state = new HashMap<>(stored);
        Map<StepKey, StepRun> last = new HashMap<>(); // sorted once at the end: cheaper than a TreeMap
        for (StepRun step : steps) {
            StepKey key = new StepKey(step.runId(), step.stepId(), step.attempt());
            StoredStep cur = state.get(key);
            if (cur != null && cur.updatedAt().isAfter(step.updatedAt())) {
                continue;
            }
            if (step.status().isTerminal() && step.completedAt() != null
                    && (cur == null || !cur.status().isTerminal())) {
                rollups.addStep(step);
            }
            state.put(key, new StoredStep(step.updatedAt(), step.status()));
            last.put(key, step);
        }
        List<StepRun> rows = new ArrayList<>(last.values());
        rows.sort(STEP_KEY_ORDER);
        return rows;
    }

    /**
     * Adds this batch's contributions to this instance's minute, hour and day rollup rows, in the
     * same transaction as the snapshots: per table, one statement reads (and locks) the stored rows
     * of the batch's keys, they are added into the batch's sums in Java (histograms cannot be added
     * in SQL), and one pipelined batch writes the sums back. The instance id is in the key, so no
     * other store instance ever waits on these rows.
     */
    private void writeRollups(Handle h, String ws, RollupAccumulator rollups) {
        if (rollups.isEmpty()) {
            return;
        }
        for (RollupTier tier : RollupTier.values()) { // in tier order (minute, hour, day): the global lock order
            Map<RollupAccumulator.Key, RollupAccumulator.Sums> sums = rollups.sums(tier);
            if (!sums.isEmpty()) {
                addTo(h, ws, tier, sums);
            }
        }
    }

    static final Comparator<RollupAccumulator.Key> KEY_ORDER = Comparator
            .comparing((RollupAccumulator.Key k) -> k.dimension().name()).thenComparing(RollupAccumulator.Key::subject)
            .thenComparing(RollupAccumulator.Key::start);

    /**
     * The stored rows of the batch's rollup keys of a tier, one probe per key (see
     * {@link #LOCK_RUNS}), locked in the order of the key arrays (the batch's key order).
     */
    static String lockRollupsSql(RollupTier tier) {
        return "SELECT r.* FROM unnest(CAST(:dims AS text[]), CAST(:subjects AS text[]),"
                + " CAST(:starts AS timestamptz[])) AS k(dimension, subject, bucket_start) CROSS JOIN LATERAL"
                + " (SELECT * FROM runmetrics." + tier.table + " WHERE workspace_id = :ws AND dimension = k.dimension"
                + " AND subject = k.subject AND bucket_start = k.bucket_start AND instance_id = :instance_id"
                + " FOR UPDATE) r";
    }

    private static final Map<RollupTier, String> LOCK_ROLLUPS = new EnumMap<>(RollupTier.class);
    private static final Map<RollupTier, String> UPSERT_ROLLUP = new EnumMap<>(RollupTier.class);

    static {
        for (RollupTier tier : RollupTier.values()) {
            LOCK_ROLLUPS.put(tier, lockRollupsSql(tier));
            UPSERT_ROLLUP.put(tier, Rows.upsertRollupSql(tier.table));
        }
    }

    private void addTo(Handle h, String ws, RollupTier tier, Map<RollupAccumulator.Key, RollupAccumulator.Sums> adds) {
        List<RollupAccumulator.Key> keys = new ArrayList<>(adds.keySet());
        keys.sort(KEY_ORDER);
        String[] dims = new String[keys.size()];
        String[] subjects = new String[keys.size()];
        String[] starts = new String[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            RollupAccumulator.Key k = keys.get(i);
            dims[i] = k.dimension().name();
            subjects[i] = k.subject();
            starts[i] = k.start().toString();
        }
        long t = databaseClock.start();
        h.createQuery(LOCK_ROLLUPS.get(tier)).addCustomizer(PLAN_EACH_TIME)
                .bind("dims", dims).bind("subjects", subjects)
                .bind("starts", starts).bind("ws", ws).bind("instance_id", instanceId)
                .scanResultSet((supplier, ctx) -> {
                    ResultSet rs = supplier.get();
                    databaseClock.stop(t);
                    while (rs.next()) {
                        RollupAccumulator.Key k = new RollupAccumulator.Key(
                                RollupDimension.valueOf(rs.getString("dimension")), rs.getString("subject"),
                                Rows.instant(rs, "bucket_start"));
                        RollupAccumulator.Sums sums = adds.get(k);
                        if (sums != null) {
                            sums.addStored(rs);
                        }
                    }
                    return null;
                });
        try (PreparedStatement ps = h.getConnection().prepareStatement(UPSERT_ROLLUP.get(tier))) {
            for (RollupAccumulator.Key k : keys) {
                adds.get(k).bind(ps, ws, k, instanceId);
                ps.addBatch();
            }
            long t2 = databaseClock.start();
            ps.executeBatch();
            databaseClock.stop(t2);
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        }
    }
}
