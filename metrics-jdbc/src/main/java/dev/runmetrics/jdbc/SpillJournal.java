package dev.runmetrics.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer's spill journal: an append-only log of encoded snapshots in a directory of its own,
 * for when the database is down longer than the queue should hold, and across a restart.
 *
 * <p><b>Files.</b> Segments {@code spill-<number>.log}, each the magic {@code RMSPILL1} and then
 * records {@code [int length][int CRC32C][payload]}; a new segment is started once the current one
 * reaches the segment size. {@code spill.lock} holds an exclusive lock while a journal is open on
 * the directory, so two stores never share one.
 *
 * <p><b>Durability.</b> {@link #append} only copies a record into memory; a syncer thread writes
 * what was appended and forces it to disk ({@code fsync}) every {@code fsyncEvery}, so a crash
 * (kill -9, power loss) loses at most the records of the last interval. On opening, every segment
 * is checked record by record and a torn or corrupt tail is cut off.
 *
 * <p><b>Bounds.</b> {@link #append} refuses a record that would take the journal past
 * {@code maxBytes} (on disk and in memory, counting the oldest segment until it is wholly
 * replayed); {@link #appendAnyway} does not, for records already accepted that must not be lost.
 *
 * <p><b>Reading.</b> One reader (the writer thread) reads the oldest records not yet committed
 * ({@link #read}), stores them, then {@link #commit}s them; segments wholly committed are deleted.
 * Reading starts over from the oldest remaining segment after a restart, so a record may be
 * replayed twice; the store's writes are idempotent.
 *
 * <p>Thread-safe: state under this object's monitor; file writes under a separate sync lock; reads
 * are positional and only cover bytes already written.
 */
final class SpillJournal {

    private static final Logger log = LoggerFactory.getLogger(SpillJournal.class);
    static final byte[] MAGIC = "RMSPILL1".getBytes(StandardCharsets.US_ASCII);
    private static final int RECORD_HEADER = 8;
    static final int MAX_RECORD = 16 << 20;

    /** A batch of records read, and where it ends. */
    record Batch(List<byte[]> records, Segment end, long endOffset) {}

    /** One segment file. Its size counts only bytes written and forced. */
    static final class Segment {
        final long number;
        final Path path;
        final FileChannel channel;
        long size; // guarded by the journal

        Segment(long number, Path path, FileChannel channel, long size) {
            this.number = number;
            this.path = path;
            this.channel = channel;
            this.size = size;
        }
    }

    private final Path directory;
    private final long maxBytes;
    private final long segmentBytes;
    private final long fsyncNanos;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Object syncLock = new Object();
    private final Thread syncer;
    private final long recovered;

    // Guarded by this.
    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private byte[] buffer = new byte[64 << 10];
    private int bufferLength;
    private int bufferRecords;
    private long syncingBytes;
    private long diskBytes;
    private Segment readSegment;
    private long readOffset;
    private long nextNumber = 1;
    private long appended;
    private long committed;
    private long handedBack;
    private long synced;
    private boolean closed;
    private boolean syncSoon;

    /**
     * Opens (or creates) the journal in {@code directory}, checking and counting what a previous
     * process left, and starts the syncer.
     *
     * @throws IllegalStateException if another journal holds the directory, or a file there is
     *     not a segment
     * @throws UncheckedIOException if the directory cannot be used
     */
    SpillJournal(Path directory, long maxBytes, long segmentBytes, Duration fsyncEvery) {
        this.directory = directory;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.fsyncNanos = fsyncEvery.toNanos();
        try {
            Files.createDirectories(directory);
            lockChannel = FileChannel.open(directory.resolve("spill.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                lockChannel.close();
                throw new IllegalStateException("another runmetrics store holds the spill journal in " + directory);
            }
            lock = l;
            recovered = recover();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the spill journal in " + directory, e);
        }
        if (recovered > 0) {
            log.warn("runmetrics spill journal in {} holds {} snapshots from an earlier run ({} bytes); they are"
                    + " replayed into the database first", directory, recovered, diskBytes);
        }
        syncer = new Thread(this::syncLoop, "runmetrics-jdbc-spill-sync");
        syncer.setDaemon(true);
        syncer.start();
    }

    /** How many records the journal held when it was opened. */
    long recovered() {
        return recovered;
    }

    Path directory() {
        return directory;
    }

    long maxBytes() {
        return maxBytes;
    }

    /** Bytes held: on disk (segments not yet deleted) and waiting for the syncer. */
    synchronized long sizeBytes() {
        return diskBytes + syncingBytes + bufferLength;
    }

    /** Records appended (or recovered) and not yet committed. */
    synchronized long backlog() {
        return recovered + appended - committed - handedBack;
    }

    /** Records appended since opening. */
    synchronized long appended() {
        return appended;
    }

    /** Records appended since opening that are on disk and forced. */
    synchronized long synced() {
        return synced;
    }

    /** Whether every record is committed (nothing left to replay). */
    synchronized boolean isDrained() {
        return backlog() == 0;
    }

    /** Appends a record unless it would take the journal past its bound; false then. */
    synchronized boolean append(byte[] payload) {
        if (diskBytes + syncingBytes + bufferLength + RECORD_HEADER + payload.length > maxBytes) {
            return false;
        }
        appendAnyway(payload);
        return true;
    }

    /** Appends a record whatever the bound (for records already accepted, moved out of memory). */
    synchronized void appendAnyway(byte[] payload) {
        if (closed) {
            throw new IllegalStateException("the spill journal is closed");
        }
        if (payload.length > MAX_RECORD) {
            throw new IllegalArgumentException("a snapshot of " + payload.length + " bytes is too large to spill");
        }
        int need = bufferLength + RECORD_HEADER + payload.length;
        if (need > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(need, buffer.length * 2));
        }
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer.wrap(buffer, bufferLength, RECORD_HEADER).putInt(payload.length).putInt((int) crc.getValue());
        System.arraycopy(payload, 0, buffer, bufferLength + RECORD_HEADER, payload.length);
        bufferLength = need;
        bufferRecords++;
        appended++;
    }

    /**
     * Writes what was appended to the current segment and forces it to disk. Called by the syncer
     * every {@code fsyncEvery}, and by the writer when it has caught up with the disk.
     */
    void sync() throws IOException {
        synchronized (syncLock) {
            byte[] data;
            int length;
            int records;
            Segment target;
            synchronized (this) {
                if (bufferLength == 0) {
                    return;
                }
                data = buffer;
                length = bufferLength;
                records = bufferRecords;
                buffer = new byte[Math.max(64 << 10, Math.min(length, 4 << 20))];
                bufferLength = 0;
                bufferRecords = 0;
                syncingBytes = length;
                target = segments.peekLast();
            }
            try {
                if (target == null || target.size >= segmentBytes) {
                    target = newSegment();
                }
                target.channel.write(ByteBuffer.wrap(data, 0, length), target.size);
                target.channel.force(false);
            } catch (IOException | RuntimeException e) {
                synchronized (this) { // keep the records for the next attempt, ahead of newer ones
                    byte[] merged = new byte[length + bufferLength + Math.max(0, buffer.length - bufferLength)];
                    System.arraycopy(data, 0, merged, 0, length);
                    System.arraycopy(buffer, 0, merged, length, bufferLength);
                    buffer = merged;
                    bufferLength += length;
                    bufferRecords += records;
                    syncingBytes = 0;
                }
                throw e;
            }
            synchronized (this) {
                target.size += length;
                diskBytes += length;
                syncingBytes = 0;
                synced += records;
            }
        }
    }

    /**
     * Reads up to {@code max} of the oldest records not yet committed, from the bytes already on
     * disk; empty if there are none. Only the writer thread calls it.
     */
    Batch read(int max) throws IOException {
        List<Segment> from;
        List<Long> sizes = new ArrayList<>();
        long offset;
        synchronized (this) {
            if (readSegment == null && !segments.isEmpty()) {
                readSegment = segments.peekFirst();
                readOffset = MAGIC.length;
            }
            if (readSegment == null) {
                return new Batch(List.of(), null, 0);
            }
            from = new ArrayList<>();
            boolean found = false;
            for (Segment s : segments) {
                found |= s == readSegment;
                if (found) {
                    from.add(s);
                    sizes.add(s.size);
                }
            }
            offset = readOffset;
        }
        List<byte[]> out = new ArrayList<>(Math.min(max, 1024));
        ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER);
        Segment end = from.get(0);
        long endOffset = offset;
        for (int i = 0; i < from.size() && out.size() < max; i++) {
            Segment s = from.get(i);
            long size = sizes.get(i);
            long pos = i == 0 ? offset : MAGIC.length;
            // A channel of the reader's own: an interrupt (close() abandoning the writer) closes
            // only this one, never the segment's, which the syncer writes through.
            try (FileChannel in = FileChannel.open(s.path, StandardOpenOption.READ)) {
            while (out.size() < max && pos + RECORD_HEADER <= size) {
                header.clear();
                readFully(in, header, pos);
                header.flip();
                int length = header.getInt();
                int crc = header.getInt();
                if (length < 0 || length > MAX_RECORD || pos + RECORD_HEADER + length > size) {
                    throw new IOException("spill segment " + s.path + " is damaged at offset " + pos);
                }
                ByteBuffer payload = ByteBuffer.allocate(length);
                readFully(in, payload, pos + RECORD_HEADER);
                CRC32C check = new CRC32C();
                check.update(payload.array());
                if ((int) check.getValue() != crc) {
                    throw new IOException("spill segment " + s.path + " has a bad checksum at offset " + pos);
                }
                out.add(payload.array());
                pos += RECORD_HEADER + length;
            }
            }
            end = s;
            endOffset = pos;
            if (pos < size) {
                break; // stopped by max
            }
        }
        return new Batch(out, end, endOffset);
    }

    /** Marks a batch read by {@link #read} as stored; deletes the segments it finished. */
    void commit(Batch batch) {
        if (batch.records().isEmpty()) {
            return;
        }
        List<Segment> done = new ArrayList<>();
        synchronized (this) {
            committed += batch.records().size();
            readSegment = batch.end();
            readOffset = batch.endOffset();
            while (!segments.isEmpty() && segments.peekFirst() != readSegment) {
                done.add(removeFirst());
            }
            if (segments.size() > 1 && readOffset >= readSegment.size) {
                done.add(removeFirst()); // wholly read, and no longer the segment being written
                readSegment = segments.peekFirst();
                readOffset = MAGIC.length;
            }
        }
        done.forEach(SpillJournal::delete);
    }

    /**
     * If every record on disk is committed and no sync is in flight, removes the records still
     * waiting in memory (at most {@code maxRecords}; else nothing happens) and returns them, oldest
     * first: the journal is then drained. Null if not caught up. For the writer, to stop spilling
     * without waiting for a moment when nothing is appended.
     */
    synchronized List<byte[]> takeUnsyncedIfCaughtUp(int maxRecords) {
        if (syncingBytes > 0 || bufferRecords > maxRecords || !allOnDiskCommitted()) {
            return null;
        }
        List<byte[]> out = new ArrayList<>(bufferRecords);
        ByteBuffer b = ByteBuffer.wrap(buffer, 0, bufferLength);
        while (b.hasRemaining()) {
            int length = b.getInt();
            b.getInt(); // the checksum: this is memory the journal wrote itself
            byte[] payload = new byte[length];
            b.get(payload);
            out.add(payload);
        }
        handedBack += bufferRecords;
        bufferLength = 0;
        bufferRecords = 0;
        return out;
    }

    private boolean allOnDiskCommitted() {
        if (segments.isEmpty()) {
            return true;
        }
        Segment last = segments.peekLast();
        if (readSegment == null) {
            return segments.size() == 1 && last.size <= MAGIC.length;
        }
        return readSegment == last && readOffset >= last.size;
    }

    /**
     * Deletes every segment once everything is committed (the journal is empty), so the next
     * spill starts a fresh file; false, and nothing done, if anything is left.
     */
    boolean resetIfDrained() {
        List<Segment> done = new ArrayList<>();
        synchronized (this) {
            if (!isDrained() || bufferLength > 0 || syncingBytes > 0) {
                return false;
            }
            while (!segments.isEmpty()) {
                done.add(removeFirst());
            }
            readSegment = null;
            readOffset = 0;
        }
        done.forEach(SpillJournal::delete);
        return true;
    }

    /** Asks the syncer to write and force what is appended now rather than at its next interval. */
    synchronized void requestSync() {
        syncSoon = true;
        notifyAll();
    }

    /** Syncs what is left, stops the syncer, closes the files (deleting them if drained), unlocks. */
    void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        synchronized (this) {
            notifyAll(); // wakes the syncer, which sees closed (never interrupted: that would close a channel)
        }
        try {
            syncer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            sync();
        } catch (IOException e) {
            log.error("runmetrics spill journal: the last {} bytes could not be written to {}", bufferLength,
                    directory, e);
        }
        boolean empty = resetIfDrained();
        synchronized (this) {
            for (Segment s : segments) {
                try {
                    s.channel.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            if (!empty) {
                log.warn("runmetrics spill journal in {} keeps {} snapshots ({} bytes) not yet in the database; the"
                        + " next store on this directory replays them", directory, backlog(), diskBytes);
            }
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            log.debug("releasing the spill journal lock failed", e);
        }
    }

    // ---- files ------------------------------------------------------------------------------

    private Segment removeFirst() {
        Segment s = segments.removeFirst();
        diskBytes -= s.size;
        return s;
    }

    private static void delete(Segment s) {
        try {
            s.channel.close();
            Files.deleteIfExists(s.path);
        } catch (IOException e) {
            log.warn("cannot delete replayed spill segment {}: {}", s.path, e.toString());
        }
    }

    private Segment newSegment() throws IOException {
        long number;
        synchronized (this) {
            number = nextNumber++;
        }
        Path path = directory.resolve(String.format("spill-%016d.log", number));
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        ch.write(ByteBuffer.wrap(MAGIC), 0);
        ch.force(true);
        forceDirectory();
        Segment s = new Segment(number, path, ch, MAGIC.length);
        synchronized (this) {
            segments.addLast(s);
            diskBytes += MAGIC.length;
        }
        return s;
    }

    /** Makes a new file's directory entry durable (Linux: fsync of the directory). */
    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not possible on every platform; the file's data is forced regardless
        }
    }

    /** Opens the segments a previous process left, cutting any torn tail; returns their records. */
    private long recover() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(directory)) {
            files = list.filter(p -> p.getFileName().toString().matches("spill-\\d{16}\\.log")).sorted().toList();
        }
        long records = 0;
        ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER);
        for (Path path : files) {
            long number = Long.parseLong(path.getFileName().toString().substring(6, 22));
            nextNumber = Math.max(nextNumber, number + 1);
            FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long size = ch.size();
            ByteBuffer magic = ByteBuffer.allocate(MAGIC.length);
            if (size < MAGIC.length) {
                ch.close(); // created, never written: a crash between create and the magic
                Files.delete(path);
                continue;
            }
            readFully(ch, magic, 0);
            if (!Arrays.equals(magic.array(), MAGIC)) {
                ch.close();
                throw new IllegalStateException(path + " is not a runmetrics spill segment");
            }
            long pos = MAGIC.length;
            while (pos + RECORD_HEADER <= size) {
                header.clear();
                readFully(ch, header, pos);
                header.flip();
                int length = header.getInt();
                int crc = header.getInt();
                if (length < 0 || length > MAX_RECORD || pos + RECORD_HEADER + length > size) {
                    break;
                }
                ByteBuffer payload = ByteBuffer.allocate(length);
                readFully(ch, payload, pos + RECORD_HEADER);
                CRC32C check = new CRC32C();
                check.update(payload.array());
                if ((int) check.getValue() != crc) {
                    break;
                }
                pos += RECORD_HEADER + length;
                records++;
            }
            if (pos < size) {
                log.warn("runmetrics spill segment {}: cut {} bytes of a torn or damaged tail at offset {}", path,
                        size - pos, pos);
                ch.truncate(pos);
                ch.force(true);
            }
            segments.addLast(new Segment(number, path, ch, pos));
            diskBytes += pos;
        }
        return records;
    }

    private static void readFully(FileChannel ch, ByteBuffer into, long position) throws IOException {
        long pos = position;
        while (into.hasRemaining()) {
            int n = ch.read(into, pos);
            if (n < 0) {
                throw new IOException("unexpected end of spill segment at " + pos);
            }
            pos += n;
        }
    }

    private void syncLoop() {
        while (true) {
            synchronized (this) {
                if (closed) {
                    return; // close() syncs the rest itself
                }
                if (!syncSoon) {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, fsyncNanos);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                syncSoon = false;
                if (closed) {
                    return;
                }
            }
            try {
                sync();
            } catch (IOException | RuntimeException e) {
                log.error("runmetrics spill journal: cannot write to {} (kept in memory, retried): {}", directory,
                        e.toString());
            }
        }
    }
}
