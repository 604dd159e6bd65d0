package dev.runmetrics.jdbc;

import dev.runmetrics.core.store.Rollup;
import dev.runmetrics.core.store.RollupQuery;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Rollup reads remembered together with the versions of the stored rows they were added up from,
 * so that a read whose rows have not changed is answered without fetching and decoding their
 * histograms again. Not a time-to-live cache: every read still asks the database for the versions
 * of the rows it would read ({@link RowVersions}: each row's key, its {@code xmin} and its total
 * count), and the remembered answer is used only when that list is identical, so the answer is
 * always exactly what reading the rows would give.
 *
 * <p>Why it is exact: a rollup row changes only by a writer's upsert, which writes a new row
 * version (a new {@code xmin}, the id of the writer's transaction) and adds at least one count;
 * a row that appears or goes (a new period, pruning) changes the list's length or keys. So equal
 * lists mean the rows the read sees are the rows it saw, whichever process wrote them (late
 * writes into closed periods included). Reads see committed rows only, and a remembered answer is
 * stored with the versions seen before it was read: if a writer committed in between, the next
 * read's versions differ and it reads again, never the other way round. {@code xmin} alone could
 * repeat after 2³² transactions; with the total count as well, a false match needs a row rewritten
 * exactly that many transactions later with the same total, while the entry stayed cached.
 *
 * <p>Why it pays: the rows of whole past days and hours, which make up nearly all of a long range,
 * never change once their period has ended; decoding their histograms was nearly all of a 30-day
 * statistics request. Memory is bounded by the histograms' estimated footprint
 * ({@code maxBytes}); the least recently used answers go first.
 *
 * <p>Thread-safe: the map is guarded by this object's monitor, held only to look up and store.
 */
final class RollupReadCache {

    /**
     * The stored rows as a read sees them, in the read's order: for each row the index of the plan
     * part (rollup table and stretch) it was read for, its period start in µs since the epoch, the
     * id of the transaction that wrote this version ({@code xmin}) and its counts added up, in
     * {@code numbers}; its subject and writing instance in {@code names}. Kept as two flat arrays,
     * compared with {@link Arrays#equals}: a 30-day read compares about 50 rows on every request,
     * and a list of records cost a third of the server's time there.
     */
    static final class RowVersions {
        private static final int NUMBERS = 4;
        private static final int NAMES = 2;
        private long[] numbers = new long[16 * NUMBERS];
        private String[] names = new String[16 * NAMES];
        private int rows;

        void add(int part, long startMicros, long xmin, long total, String subject, String instanceId) {
            if ((rows + 1) * NUMBERS > numbers.length) {
                numbers = Arrays.copyOf(numbers, numbers.length * 2);
                names = Arrays.copyOf(names, names.length * 2);
            }
            int n = rows * NUMBERS;
            numbers[n] = part;
            numbers[n + 1] = startMicros;
            numbers[n + 2] = xmin;
            numbers[n + 3] = total;
            names[rows * NAMES] = subject;
            names[rows * NAMES + 1] = instanceId;
            rows++;
        }

        int rows() {
            return rows;
        }

        boolean sameAs(RowVersions other) {
            return rows == other.rows
                    && Arrays.equals(numbers, 0, rows * NUMBERS, other.numbers, 0, rows * NUMBERS)
                    && Arrays.equals(names, 0, rows * NAMES, other.names, 0, rows * NAMES);
        }
    }

    private record Key(String workspaceId, RollupQuery query) {}

    private record Entry(RowVersions versions, List<Rollup> answer, long bytes) {}

    private final long maxBytes;
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /** @param maxBytes the bound of the remembered histograms' footprint; 0 remembers nothing */
    RollupReadCache(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative, was " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    boolean enabled() {
        return maxBytes > 0;
    }

    /** The remembered answer of the query if it was read from exactly these row versions, else null. */
    List<Rollup> get(String workspaceId, RollupQuery query, RowVersions versions) {
        Entry e;
        synchronized (this) {
            e = entries.get(new Key(workspaceId, query));
        }
        if (e != null && e.versions.sameAs(versions)) {
            hits.increment();
            return e.answer;
        }
        misses.increment();
        return null;
    }

    /** Remembers an answer read after these row versions were seen; too large an answer is not kept. */
    void put(String workspaceId, RollupQuery query, RowVersions versions, List<Rollup> answer) {
        long size = footprint(versions, answer);
        if (size > maxBytes / 4) {
            return; // one answer may take a quarter of the bound at most, so one trend chart cannot flush the rest
        }
        Entry entry = new Entry(versions, List.copyOf(answer), size);
        synchronized (this) {
            Entry old = entries.put(new Key(workspaceId, query), entry);
            bytes += size - (old == null ? 0 : old.bytes);
            Iterator<Map.Entry<Key, Entry>> eldest = entries.entrySet().iterator();
            while (bytes > maxBytes && eldest.hasNext()) {
                bytes -= eldest.next().getValue().bytes;
                eldest.remove();
            }
        }
    }

    /** Reads answered from remembered answers. */
    long hits() {
        return hits.sum();
    }

    /** Reads that had to fetch the rows (cache on and nothing usable remembered). */
    long misses() {
        return misses.sum();
    }

    private static long footprint(RowVersions versions, List<Rollup> answer) {
        long size = 64L + versions.rows() * 96L;
        for (Rollup r : answer) {
            size += 256 + r.queueWait().estimatedFootprintBytes() + r.executionTime().estimatedFootprintBytes()
                    + r.endToEnd().estimatedFootprintBytes();
        }
        return size;
    }

    @Override
    public synchronized String toString() {
        return "RollupReadCache{maxBytes=" + maxBytes + ", bytes=" + bytes + ", entries=" + entries.size() + "}";
    }
}
