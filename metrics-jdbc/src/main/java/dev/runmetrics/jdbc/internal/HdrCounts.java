package dev.runmetrics.jdbc.internal;

import dev.runmetrics.core.store.DurationHistogram;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * A mutable histogram in exactly the layout of core's {@link DurationHistogram} (an HdrHistogram
 * with 3 significant digits and a unit of 1 µs), kept as a plain counts array so that the store
 * can add stored rows to it and write it back without HdrHistogram's per-histogram costs.
 *
 * <p>Why: decoding a stored row with {@code Histogram.decodeFromCompressedByteBuffer} allocates
 * and scans a counts array covering the largest value (tens of thousands of slots for durations
 * of minutes), and adding it to another scans it again; encoding allocates two such buffers and a
 * new Deflater. Merging a 30-day range (thousands of rows, three histograms each) spent nearly all
 * its time there. Here {@link #addEncoded} inflates the row with a reused Inflater and adds its
 * run-length-encoded counts straight into this array (cost: the row's non-empty buckets), and
 * {@link #encode} writes HdrHistogram's V2 compressed encoding directly, byte for byte what
 * {@link DurationHistogram#decode} reads.
 *
 * <p>Also used by the benchmarks' bulk loader ({@link #encodeSorted}). Not thread-safe; the codec
 * buffers are per thread.
 */
public final class HdrCounts {

    // HdrHistogram's layout for 3 significant digits and a lowest discernible value of 1.
    private static final int SUB_BUCKET_HALF_COUNT_MAGNITUDE = 10;
    private static final int SUB_BUCKET_HALF_COUNT = 1 << SUB_BUCKET_HALF_COUNT_MAGNITUDE;
    private static final int SUB_BUCKET_COUNT = 2 * SUB_BUCKET_HALF_COUNT;
    private static final long SUB_BUCKET_MASK = SUB_BUCKET_COUNT - 1;
    private static final int LEADING_ZERO_COUNT_BASE = 64 - SUB_BUCKET_HALF_COUNT_MAGNITUDE - 1;

    private static final int V2_ENCODING_COOKIE = 0x1c849303 | 0x10;
    private static final int V2_COMPRESSED_COOKIE = 0x1c849304 | 0x10;
    private static final int HEADER_SIZE = 40;

    private static final long[] NONE = new long[0];
    /** Up to this many recorded values are kept as a list of bucket indexes, without a counts array. */
    private static final int MAX_LISTED = 64;

    // A batch's writer keeps hundreds of these, most with a few values each: a counts array per
    // histogram (16-40 KiB, zeroed, grown as larger values come) cost more than recording into it,
    // so values are listed until there are many or the histogram meets a dense one.
    private long[] counts = NONE;
    private int[] listed;
    private int listedCount;
    private int minIndex = Integer.MAX_VALUE;
    private int maxIndex = -1;

    private static final class Codec {
        final Inflater inflater = new Inflater();
        final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
        byte[] plain = new byte[1 << 16];
        byte[] packed = new byte[1 << 16];
    }

    private static final ThreadLocal<Codec> CODEC = ThreadLocal.withInitial(Codec::new);

    public static int indexOf(long value) {
        int bucketIndex = LEADING_ZERO_COUNT_BASE - Long.numberOfLeadingZeros(value | SUB_BUCKET_MASK);
        int subBucketIndex = (int) (value >>> bucketIndex);
        return ((bucketIndex + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + (subBucketIndex - SUB_BUCKET_HALF_COUNT);
    }

    public static long valueOf(int index) {
        int bucketIndex = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1;
        int subBucketIndex = (index & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
        if (bucketIndex < 0) {
            subBucketIndex -= SUB_BUCKET_HALF_COUNT;
            bucketIndex = 0;
        }
        return ((long) subBucketIndex) << bucketIndex;
    }

    /** The highest value that shares the bucket at {@code index}. */
    public static long highestValueOf(int index) {
        long low = valueOf(index);
        int bucketIndex = LEADING_ZERO_COUNT_BASE - Long.numberOfLeadingZeros(low | SUB_BUCKET_MASK);
        return low + (1L << bucketIndex) - 1;
    }

    public boolean isEmpty() {
        return maxIndex < 0;
    }

    /** Turns the listed values into counts. */
    private void dense() {
        if (listedCount == 0) {
            return;
        }
        if (counts.length <= maxIndex) {
            counts = Arrays.copyOf(counts, maxIndex + 1 + (maxIndex >> 2));
        }
        for (int i = 0; i < listedCount; i++) {
            counts[listed[i]]++;
        }
        listedCount = 0;
        listed = null;
    }

    private void addOne(int index) {
        if (counts == NONE && listedCount < MAX_LISTED) {
            if (listed == null) {
                listed = new int[8];
            } else if (listedCount == listed.length) {
                listed = Arrays.copyOf(listed, listed.length * 2);
            }
            listed[listedCount++] = index;
            if (index > maxIndex) {
                maxIndex = index;
            }
            if (index < minIndex) {
                minIndex = index;
            }
            return;
        }
        dense();
        add(index, 1);
    }

    private void add(int index, long count) {
        dense();
        if (index >= counts.length) {
            counts = Arrays.copyOf(counts, Math.max(index + 1 + (index >> 2), counts.length * 2));
        }
        counts[index] += count;
        if (index > maxIndex) {
            maxIndex = index;
        }
        if (index < minIndex) {
            minIndex = index;
        }
    }

    /** Records one value in µs, clamped as {@link DurationHistogram.Builder#recordMicros} does. */
    public HdrCounts recordMicros(long micros) {
        addOne(indexOf(Math.min(DurationHistogram.MAX_MICROS, Math.max(0, micros))));
        return this;
    }

    /** Adds every count of another. */
    public HdrCounts add(HdrCounts other) {
        for (int i = 0; i < other.listedCount; i++) {
            addOne(other.listed[i]);
        }
        if (other.counts == NONE) {
            return this;
        }
        for (int i = Math.max(0, other.minIndex); i <= other.maxIndex && i < other.counts.length; i++) {
            if (other.counts[i] != 0) {
                add(i, other.counts[i]);
            }
        }
        return this;
    }

    /**
     * Adds a histogram in HdrHistogram's compressed encoding (as stored in the rollup tables).
     *
     * @throws IllegalArgumentException if the bytes are not a compressed HdrHistogram
     */
    public HdrCounts addEncoded(byte[] compressed) {
        dense();
        ByteBuffer in = ByteBuffer.wrap(compressed);
        if (compressed.length >= 8 && in.getInt(0) == V2_COMPRESSED_COOKIE) {
            Codec codec = CODEC.get();
            int length = in.getInt(4);
            try {
                codec.inflater.reset();
                codec.inflater.setInput(compressed, 8, Math.min(length, compressed.length - 8));
                int n = inflate(codec);
                ByteBuffer plain = ByteBuffer.wrap(codec.plain, 0, n);
                if (n >= HEADER_SIZE && plain.getInt(0) == V2_ENCODING_COOKIE && plain.getInt(8) == 0
                        && plain.getInt(12) == DurationHistogram.SIGNIFICANT_DIGITS && plain.getLong(16) == 1) {
                    int payload = plain.getInt(4);
                    int end = Math.min(n, HEADER_SIZE + payload);
                    // A first pass for the highest bucket, so that the counts array grows once.
                    plain.position(HEADER_SIZE);
                    int index = 0;
                    int top = -1;
                    while (plain.position() < end) {
                        long count = zigZag(plain);
                        if (count < 0) {
                            index += (int) -count;
                        } else {
                            if (count > 0) {
                                top = index;
                            }
                            index++;
                        }
                    }
                    if (top >= counts.length) {
                        counts = Arrays.copyOf(counts, top + 1);
                    }
                    plain.position(HEADER_SIZE);
                    index = 0;
                    while (plain.position() < end) {
                        long count = zigZag(plain);
                        if (count < 0) {
                            index += (int) -count;
                        } else {
                            if (count > 0) {
                                add(index, count);
                            }
                            index++;
                        }
                    }
                    return this;
                }
            } catch (DataFormatException | RuntimeException e) {
                throw new IllegalArgumentException("not a compressed HdrHistogram: " + e.getMessage(), e);
            }
        }
        // Any other shape: the slow, general way.
        addSlow(compressed);
        return this;
    }

    private void addSlow(byte[] compressed) {
        Histogram h;
        try {
            h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(compressed), 2);
        } catch (DataFormatException | RuntimeException e) {
            throw new IllegalArgumentException("not a compressed HdrHistogram: " + e.getMessage(), e);
        }
        for (HistogramIterationValue v : h.recordedValues()) {
            add(indexOf(Math.min(DurationHistogram.MAX_MICROS, v.getValueIteratedTo())), v.getCountAtValueIteratedTo());
        }
    }

    private static int inflate(Codec codec) throws DataFormatException {
        int n = 0;
        while (true) {
            n += codec.inflater.inflate(codec.plain, n, codec.plain.length - n);
            if (codec.inflater.finished() || codec.inflater.needsInput()) {
                return n;
            }
            if (n == codec.plain.length) {
                codec.plain = Arrays.copyOf(codec.plain, codec.plain.length * 2);
            }
        }
    }

    private static long zigZag(ByteBuffer b) {
        long v = b.get();
        long value = v & 0x7F;
        if ((v & 0x80) != 0) {
            v = b.get();
            value |= (v & 0x7F) << 7;
            if ((v & 0x80) != 0) {
                v = b.get();
                value |= (v & 0x7F) << 14;
                if ((v & 0x80) != 0) {
                    v = b.get();
                    value |= (v & 0x7F) << 21;
                    if ((v & 0x80) != 0) {
                        v = b.get();
                        value |= (v & 0x7F) << 28;
                        if ((v & 0x80) != 0) {
                            v = b.get();
                            value |= (v & 0x7F) << 35;
                            if ((v & 0x80) != 0) {
                                v = b.get();
                                value |= (v & 0x7F) << 42;
                                if ((v & 0x80) != 0) {
                                    v = b.get();
                                    value |= (v & 0x7F) << 49;
                                    if ((v & 0x80) != 0) {
                                        v = b.get();
                                        value |= v << 56;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (value >>> 1) ^ (-(value & 1));
    }

    private static int putZigZag(byte[] out, int pos, long value) {
        long v = (value << 1) ^ (value >> 63);
        for (int i = 0; i < 8; i++) {
            if ((v >>> 7) == 0) {
                out[pos++] = (byte) v;
                return pos;
            }
            out[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[pos++] = (byte) v; // the ninth byte holds the last 8 bits
        return pos;
    }

    /** HdrHistogram's V2 compressed encoding of these counts (what {@link DurationHistogram#encode} writes). */
    public byte[] encode() {
        if (counts == NONE) {
            int[] sorted = listed == null ? new int[0] : Arrays.copyOf(listed, listedCount);
            Arrays.sort(sorted);
            return encodeSorted(sorted, sorted.length);
        }
        dense();
        Codec codec = CODEC.get();
        int relevant = Math.max(1, maxIndex + 1);
        int need = HEADER_SIZE + relevant * 10;
        if (codec.plain.length < need) {
            codec.plain = new byte[Math.max(need, codec.plain.length * 2)];
        }
        byte[] out = codec.plain;
        int pos = HEADER_SIZE;
        for (int i = 0; i < relevant;) {
            long count = i < counts.length ? counts[i] : 0;
            i++;
            if (count == 0) {
                int zeros = 1;
                while (i < relevant && counts[i] == 0) {
                    zeros++;
                    i++;
                }
                pos = putZigZag(out, pos, zeros > 1 ? -zeros : 0);
            } else {
                pos = putZigZag(out, pos, count);
            }
        }
        return finish(codec, pos, maxIndex);
    }

    /**
     * The same encoding for a few values given as sorted bucket indexes (the loader's minute
     * rows hold a handful of samples each: no counts array at all).
     */
    public static byte[] encodeSorted(int[] indexes, int n) {
        Codec codec = CODEC.get();
        int need = HEADER_SIZE + 20 * (n + 1);
        if (codec.plain.length < need) {
            codec.plain = new byte[Math.max(need, codec.plain.length * 2)];
        }
        byte[] out = codec.plain;
        int pos = HEADER_SIZE;
        if (n == 0) {
            pos = putZigZag(out, pos, 0);
            return finish(codec, pos, -1);
        }
        int next = 0; // the next index the payload describes
        for (int i = 0; i < n;) {
            int index = indexes[i];
            long count = 0;
            while (i < n && indexes[i] == index) {
                count++;
                i++;
            }
            int zeros = index - next;
            if (zeros == 1) {
                pos = putZigZag(out, pos, 0);
            } else if (zeros > 1) {
                pos = putZigZag(out, pos, -zeros);
            }
            pos = putZigZag(out, pos, count);
            next = index + 1;
        }
        return finish(codec, pos, indexes[n - 1]);
    }

    private static byte[] finish(Codec codec, int pos, int maxIndex) {
        byte[] out = codec.plain;
        long highest = Math.max(2, maxIndex < 0 ? 2 : highestValueOf(maxIndex));
        ByteBuffer header = ByteBuffer.wrap(out, 0, HEADER_SIZE);
        header.putInt(V2_ENCODING_COOKIE).putInt(pos - HEADER_SIZE).putInt(0)
                .putInt(DurationHistogram.SIGNIFICANT_DIGITS).putLong(1).putLong(highest).putDouble(1.0);
        Deflater deflater = codec.deflater;
        deflater.reset();
        deflater.setInput(out, 0, pos);
        deflater.finish();
        if (codec.packed.length < pos + 64) {
            codec.packed = new byte[pos + 64 + pos / 8];
        }
        int packed = 0;
        while (!deflater.finished()) {
            packed += deflater.deflate(codec.packed, 8 + packed, codec.packed.length - 8 - packed);
            if (!deflater.finished() && 8 + packed == codec.packed.length) {
                codec.packed = Arrays.copyOf(codec.packed, codec.packed.length * 2);
            }
        }
        ByteBuffer.wrap(codec.packed, 0, 8).putInt(V2_COMPRESSED_COOKIE).putInt(packed);
        return Arrays.copyOf(codec.packed, 8 + packed);
    }

    /**
     * These counts as core's immutable histogram: each non-empty bucket recorded at its lowest
     * value, which lands in the same bucket of the same layout (no encode and decode, whose
     * deflate cost more than the rest of a rollup read).
     */
    public DurationHistogram toHistogram() {
        if (maxIndex < 0) {
            return DurationHistogram.empty();
        }
        dense();
        DurationHistogram.Builder b = DurationHistogram.builder();
        for (int i = Math.max(0, minIndex); i <= maxIndex; i++) {
            if (counts[i] != 0) {
                b.recordMicros(valueOf(i), counts[i]);
            }
        }
        return b.build();
    }
}
