package io.karyon.engine;

import io.karyon.supervisor.RestartTable;
import io.karyon.supervisor.RestartTableDescriptor;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The stable ids of one supervision home's child cells, and what each currently is, published so that a cell of any
 * worker can look a child up in a tick, as OTP code finds a restarted child through {@code which_children}.
 * <p>
 * A child id ({@code home << 56 | generation << 32 | entry}) names a child entry of the home's restart table, which a
 * child keeps across its restarts; the entry's generation, counted up each time the entry is given to a new child,
 * tells an id whose child was removed and whose entry was reused. What an entry is (its handle while running, or that
 * it waits for its restart, or stopped, or that its supervisor stopped) is published at the end of each tick, so that
 * readers in tick t read what it was at tick t - 1's end, whatever the workers' progress, and an answer is the same
 * for any number of workers. Each entry keeps two published records side by side, each stamped with the tick after
 * which it holds: a reader takes the newer record published before its tick, and the owner writes over the other one
 * (never the one a reader of the running tick may take). The owner marks the entries a tick touched (exits, restarts,
 * terminations, spawns) and writes only those at the tick's end, one record each, with no change log to replay.
 * <p>
 * <b>Note:</b> written only by the worker owning the home (or the driver between ticks); read by every worker's cells
 * during a tick, from the record the owner does not write in that tick. In free-running mode, which has no ticks, a
 * reader takes the newest record, and the answer may lag.
 */
final class ChildDirectory
{
    /** Status: the entry was never given to a child. */
    static final int NONE = 0;
    /** Status: running, with the published handle. */
    static final int RUNNING = 1;
    /** Status: waiting for its restart. */
    static final int RESTARTING = 2;
    /** Status: exited and not restarted (a static child's place kept), its supervisor running. */
    static final int STOPPED = 3;
    /** Status: its supervisor gave up or was terminated. */
    static final int SUPERVISOR_STOPPED = 4;
    /** Status: the entry was freed (a dynamic child removed). */
    static final int FREED = 5;

    static final int GENERATION_BITS = 24;
    static final int GENERATION_MASK = (1 << GENERATION_BITS) - 1;
    /** A reader's tick that takes the newest record, published or not (free-running mode and the driver's checks). */
    static final long NEWEST = Long.MAX_VALUE - 2;
    private static final int STATUS_BITS = 3;
    private static final int STATUS_MASK = (1 << STATUS_BITS) - 1;
    private static final int TAG_BITS = GENERATION_BITS + STATUS_BITS;
    private static final long TAG_MASK = (1L << TAG_BITS) - 1;
    // Per entry: {stamp << TAG_BITS | tag, handle} twice; a stamp is the tick after which the record holds, plus 2,
    // so that 0 marks a record never written and a record published before tick 0 (after "tick -1") has stamp 1.
    private static final int RECORD_LONGS = 4;

    private final int homeIndex;
    private int[] generation = new int[64];
    private long[] records = new long[64 * RECORD_LONGS];
    // The entries marked since the last publication, in a plain array (a death marks one or two: no list's checks).
    private int[] dirty = new int[16];
    private int dirtySize;
    // The entries the last publication wrote, and its stamp: what a sharded run ships to the other shards.
    private int[] published = new int[16];
    private int publishedSize;
    private long publishedStamp = -1;

    ChildDirectory(final int homeIndex)
    {
        this.homeIndex = homeIndex;
    }

    /**
     * The id of a child entry.
     */
    long idOf(final int entry)
    {
        return (long)homeIndex << 56 | (long)(generation[entry] & GENERATION_MASK) << 32 | entry;
    }

    static int homeOfId(final long childId)
    {
        return (int)(childId >>> 56);
    }

    static int entryOfId(final long childId)
    {
        return (int)childId;
    }

    static int generationOfId(final long childId)
    {
        return (int)(childId >>> 32) & GENERATION_MASK;
    }

    /**
     * An entry was given to a new child: a new generation, published with the entry's next recomputation.
     */
    void assigned(final int entry)
    {
        if (entry >= generation.length)
        {
            generation = Arrays.copyOf(generation, Math.max(generation.length * 2, entry + 1));
        }
        // Generation 0 is never given, so an id of an entry never assigned is recognised as such.
        final int next = (generation[entry] + 1) & GENERATION_MASK;
        generation[entry] = 0 == next ? 1 : next;
        mark(entry);
    }

    /**
     * An entry's child may have changed (exited, restarted, terminated): recomputed at the end of the tick.
     */
    void touched(final int entry)
    {
        if (entry >= 0 && entry < generation.length && 0 != generation[entry])
        {
            mark(entry);
        }
    }

    /**
     * Marks an entry for recomputation; an entry marked just before (a child's exit, then its restart by the same
     * decision) is not listed twice.
     */
    private void mark(final int entry)
    {
        final int size = dirtySize;
        final int[] dirty = this.dirty;
        if (0 == size || dirty[size - 1] != entry)
        {
            append(entry);
        }
    }

    private void append(final int entry)
    {
        final int size = dirtySize;
        if (size == dirty.length)
        {
            dirty = Arrays.copyOf(dirty, size * 2);
        }
        dirty[size] = entry;
        dirtySize = size + 1;
    }

    /**
     * Publishes the touched entries at the end of tick {@code tick}, for the readers of the ticks after it.
     */
    void publish(final long tick, final RestartTable table)
    {
        apply(tick + 2, table);
    }

    /**
     * Between ticks, before tick {@code nextTick}: publishes what the driver changed for that tick's readers.
     */
    void publishBetweenTicks(final long nextTick, final RestartTable table)
    {
        apply(nextTick + 1, table);
    }

    private void apply(final long stamp, final RestartTable table)
    {
        final int size = dirtySize;
        if (0 == size)
        {
            return;
        }
        final int[] dirty = this.dirty;
        for (int i = 0; i < size; i++)
        {
            final int entry = dirty[i];
            final int tag = generation[entry] << STATUS_BITS | status(table, entry);
            final long handle = RUNNING == (tag & STATUS_MASK) ? table.handle(entry) : 0;
            put(entry, stamp << TAG_BITS | tag, handle);
        }
        if (stamp == publishedStamp)
        {
            // The driver's changes between ticks join the end of the tick before's, as its readers see both.
            if (publishedSize + size > published.length)
            {
                published = Arrays.copyOf(published, Math.max(published.length * 2, publishedSize + size));
            }
            System.arraycopy(dirty, 0, published, publishedSize, size);
            publishedSize += size;
        }
        else
        {
            this.dirty = published;
            published = dirty;
            publishedSize = size;
            publishedStamp = stamp;
        }
        dirtySize = 0;
    }

    /**
     * A sharded run: writes what {@link #publish} published at the end of tick {@code tick}, for the other shards'
     * copies of this home ({@link #publishFrom}): {@code int count, count x (long entry << 32 | tag, long handle)}.
     *
     * @return the offset after it.
     */
    int putPublished(final long tick, final MutableDirectBuffer out, final int offset)
    {
        final long stamp = tick + 2;
        final int count = stamp == publishedStamp ? publishedSize : 0;
        out.putInt(offset, count);
        int at = offset + Integer.BYTES;
        final long[] records = this.records;
        for (int i = 0; i < count; i++)
        {
            final int entry = published[i];
            final int record = entry * RECORD_LONGS;
            final int slot = records[record] >>> TAG_BITS == stamp ? record : record + 2;
            out.putLong(at, (long)entry << 32 | (records[slot] & TAG_MASK));
            out.putLong(at + Long.BYTES, records[slot + 1]);
            at += 2 * Long.BYTES;
        }
        return at;
    }

    /**
     * A sharded run, on a shard that does not own this home: publishes, as the owner did at the end of tick
     * {@code tick}, the changes the owner's shard sent ({@link #putPublished}), so that this shard's cells read the
     * same answers in the next tick as the owner's.
     *
     * @return the offset after them.
     */
    int publishFrom(final long tick, final DirectBuffer in, final int offset)
    {
        final long stamp = tick + 2;
        final int count = in.getInt(offset);
        int at = offset + Integer.BYTES;
        for (int i = 0; i < count; i++)
        {
            final long key = in.getLong(at);
            put((int)(key >>> 32), stamp << TAG_BITS | (key & TAG_MASK), in.getLong(at + Long.BYTES));
            at += 2 * Long.BYTES;
        }
        return at;
    }

    private static int status(final RestartTable table, final int entry)
    {
        final byte child = table.statusOf(entry);
        if (RestartTableDescriptor.CHILD_RUNNING == child)
        {
            return RUNNING;
        }
        if (RestartTableDescriptor.CHILD_STARTING == child)
        {
            return RESTARTING;
        }
        if (RestartTableDescriptor.CHILD_FREE == child || RestartTableDescriptor.CHILD_REMOVED == child)
        {
            return FREED;
        }
        return table.isRunning(table.ownerRow(entry)) ? STOPPED : SUPERVISOR_STOPPED;
    }

    /**
     * Writes an entry's record: over the one with the same stamp (written before in the same publication), else over
     * the older one, which no reader of the running tick takes.
     */
    private void put(final int entry, final long word, final long handle)
    {
        final int at = entry * RECORD_LONGS;
        if (at + RECORD_LONGS > records.length)
        {
            // The old array stays whole for readers that took it; they see the new one from the next tick.
            records = Arrays.copyOf(records, Math.max(records.length * 2, at + RECORD_LONGS));
        }
        final long[] records = this.records;
        final long stamp = word >>> TAG_BITS;
        final long stampA = records[at] >>> TAG_BITS;
        final long stampB = records[at + 2] >>> TAG_BITS;
        final int slot = stamp == stampA || (stamp != stampB && stampA <= stampB) ? at : at + 2;
        records[slot + 1] = handle;
        records[slot] = word;
    }

    /**
     * The record of an entry that readers of tick {@code tick} read: the newer of those published before it (stamp
     * at most tick + 1), or -1 if none was; {@link #NEWEST} takes the newest.
     */
    private static int recordFor(final long[] records, final int at, final long tick)
    {
        final long stampA = records[at] >>> TAG_BITS;
        final long stampB = records[at + 2] >>> TAG_BITS;
        final long last = tick + 1;
        final boolean a = 0 != stampA && stampA <= last;
        final boolean b = 0 != stampB && stampB <= last;
        if (a && (!b || stampA >= stampB))
        {
            return at;
        }
        return b ? at + 2 : -1;
    }

    /**
     * What a child id names, for the readers of tick {@code tick}: its handle (> 0) while it runs, else one of the
     * negative answers of {@link CellContext#child(long)}.
     *
     * @throws IllegalArgumentException if the id names no child this home ever had.
     */
    long lookup(final long tick, final long childId)
    {
        final int entry = entryOfId(childId);
        // The array is read once: the owner may replace it with a longer one meanwhile.
        final long[] records = this.records;
        final int record = entry < 0 || entry >= records.length / RECORD_LONGS ? -1 :
            recordFor(records, entry * RECORD_LONGS, tick);
        final int tag = record < 0 ? 0 : (int)(records[record] & TAG_MASK);
        if (NONE == (tag & STATUS_MASK))
        {
            throw new IllegalArgumentException(badId(childId, "its entry " + entry + " was never given to a child"));
        }
        if (tag >>> STATUS_BITS != generationOfId(childId))
        {
            if (tag >>> STATUS_BITS < generationOfId(childId))
            {
                throw new IllegalArgumentException(badId(childId, "its generation " + generationOfId(childId) +
                    " is past its entry's " + (tag >>> STATUS_BITS)));
            }
            return CellContext.CHILD_GONE;
        }
        switch (tag & STATUS_MASK)
        {
            case RUNNING:
                return records[record + 1];
            case RESTARTING:
                return CellContext.CHILD_RESTARTING;
            case STOPPED:
                return CellContext.CHILD_STOPPED;
            case SUPERVISOR_STOPPED:
                return CellContext.CHILD_SUPERVISOR_STOPPED;
            default:
                return CellContext.CHILD_GONE;
        }
    }

    static String badId(final long childId, final String why)
    {
        return "child id 0x" + Long.toHexString(childId) + " names no supervised child: " + why;
    }

    // Checkpoints, between ticks: the generations, what the next tick's readers read, and the touched entries.

    void write(final DataOutput out) throws IOException
    {
        int entries = generation.length;
        while (entries > 0 && 0 == generation[entries - 1])
        {
            entries--;
        }
        out.writeInt(entries);
        for (int e = 0; e < entries; e++)
        {
            final int record = e * RECORD_LONGS < records.length ? recordFor(records, e * RECORD_LONGS, NEWEST) : -1;
            out.writeInt(generation[e]);
            out.writeInt(record < 0 ? 0 : (int)(records[record] & TAG_MASK));
            out.writeLong(record < 0 ? 0 : records[record + 1]);
        }
        out.writeInt(dirtySize);
        for (int i = 0; i < dirtySize; i++)
        {
            out.writeInt(dirty[i]);
        }
    }

    void read(final DataInput in) throws IOException
    {
        final int entries = in.readInt();
        if (entries < 0 || entries > 1 << 28)
        {
            throw new IOException("bad child directory length " + entries);
        }
        generation = new int[Math.max(64, entries)];
        records = new long[generation.length * RECORD_LONGS];
        for (int e = 0; e < entries; e++)
        {
            generation[e] = in.readInt();
            final int tag = in.readInt();
            final long handle = in.readLong();
            if (0 != tag)
            {
                // Published before tick 0 as far as the stamps go: every later tick's readers take it.
                records[e * RECORD_LONGS] = 1L << TAG_BITS | (tag & TAG_MASK);
                records[e * RECORD_LONGS + 1] = handle;
            }
        }
        dirtySize = 0;
        publishedSize = 0;
        publishedStamp = -1;
        final int touched = in.readInt();
        if (touched < 0 || touched > 1 << 28)
        {
            throw new IOException("bad touched child count " + touched);
        }
        for (int i = 0; i < touched; i++)
        {
            final int entry = in.readInt();
            if (entry < 0 || entry >= entries)
            {
                throw new IOException("touched child entry " + entry + " outside [0, " + entries + ")");
            }
            append(entry);
        }
    }
}
