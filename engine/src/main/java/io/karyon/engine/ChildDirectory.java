package io.karyon.engine;

import io.karyon.supervisor.RestartTable;
import io.karyon.supervisor.RestartTableDescriptor;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.LongArrayList;

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
 * it waits for its restart, or stopped, or that its supervisor stopped) is published at the end of each tick, into
 * the one of two views that no reader reads in the next tick: readers in tick t read the view of tick t - 1's end,
 * whatever the workers' progress, so an answer is the same for any number of workers. The owner marks the entries a
 * tick touched (exits, restarts, terminations, spawns) and recomputes only those at the tick's end; a view is brought
 * up to date by replaying the other view's changes of the tick before.
 * <p>
 * <b>Note:</b> written only by the worker owning the home (or the driver between ticks); read by every worker's cells
 * during a tick, from the view the owner does not write in that tick. In free-running mode, which has no ticks, the
 * answer may lag.
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
    private static final int STATUS_BITS = 3;
    private static final int STATUS_MASK = (1 << STATUS_BITS) - 1;
    private static final int BULK = 1 << 17;

    private final int homeIndex;
    private int[] generation = new int[64];
    // Two views by parity: the handle and (generation << 3 | status) of each entry.
    private final long[][] handles = {new long[64], new long[64]};
    private final int[][] tags = {new int[64], new int[64]};
    // Changes made to each view in its tick, as (entry << 32 | tag, handle) pairs, replayed into the other view.
    private final LongArrayList[] changes = {new LongArrayList(), new LongArrayList()};
    private final IntArrayList dirty = new IntArrayList();
    // The view the next readers read: readers of tick t read view (t - 1) & 1, so before tick 0, view 1.
    private int visible = 1;

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
        dirty.addInt(entry);
    }

    /**
     * An entry's child may have changed (exited, restarted, terminated): recomputed at the end of the tick.
     */
    void touched(final int entry)
    {
        if (entry >= 0 && entry < generation.length && 0 != generation[entry])
        {
            dirty.addInt(entry);
        }
    }

    /**
     * Publishes the touched entries at the end of tick {@code tick}, into the view that readers of the next tick
     * read, after bringing that view up to date with the other view's changes of the tick before.
     */
    void publish(final long tick, final RestartTable table)
    {
        final int view = (int)(tick & 1);
        final LongArrayList earlier = changes[view ^ 1];
        if (!earlier.isEmpty())
        {
            for (int i = 0, size = earlier.size(); i < size; i += 2)
            {
                final long key = earlier.getLong(i);
                put(view, (int)(key >>> 32), (int)key, earlier.getLong(i + 1));
            }
            final boolean bulk = earlier.size() > BULK;
            earlier.clear();
            if (bulk)
            {
                // A set-up's million spawns: give the memory back rather than keep it for ticks that change little.
                earlier.trimToSize();
            }
        }
        apply(view, table);
        visible = view;
    }

    /**
     * A sharded run: writes what {@link #publish} published at the end of tick {@code tick}, for the other shards'
     * copies of this home ({@link #publishFrom}): {@code int count, count x (long entry << 32 | tag, long handle)}.
     *
     * @return the offset after it.
     */
    int putPublished(final long tick, final MutableDirectBuffer out, final int offset)
    {
        final LongArrayList made = changes[(int)(tick & 1)];
        final int size = made.size();
        out.putInt(offset, size / 2);
        int at = offset + Integer.BYTES;
        for (int i = 0; i < size; i++)
        {
            out.putLong(at, made.getLong(i));
            at += Long.BYTES;
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
        final int view = (int)(tick & 1);
        final LongArrayList earlier = changes[view ^ 1];
        for (int i = 0, size = earlier.size(); i < size; i += 2)
        {
            final long key = earlier.getLong(i);
            put(view, (int)(key >>> 32), (int)key, earlier.getLong(i + 1));
        }
        earlier.clear();
        final LongArrayList made = changes[view];
        final int count = in.getInt(offset);
        int at = offset + Integer.BYTES;
        for (int i = 0; i < count; i++)
        {
            final long key = in.getLong(at);
            final long handle = in.getLong(at + Long.BYTES);
            put(view, (int)(key >>> 32), (int)key, handle);
            made.addLong(key);
            made.addLong(handle);
            at += 2 * Long.BYTES;
        }
        visible = view;
        return at;
    }

    /**
     * Between ticks, before tick {@code nextTick}: publishes what the driver changed into the view that tick's
     * readers read (which is up to date); the changes join that view's, replayed into the other at nextTick's end.
     */
    void publishBetweenTicks(final long nextTick, final RestartTable table)
    {
        apply((int)((nextTick - 1) & 1), table);
    }

    private void apply(final int view, final RestartTable table)
    {
        final IntArrayList dirty = this.dirty;
        if (dirty.isEmpty())
        {
            return;
        }
        final LongArrayList made = changes[view];
        for (int i = 0, size = dirty.size(); i < size; i++)
        {
            final int entry = dirty.getInt(i);
            final int tag = generation[entry] << STATUS_BITS | status(table, entry);
            final long handle = RUNNING == (tag & STATUS_MASK) ? table.handle(entry) : 0;
            put(view, entry, tag, handle);
            made.addLong((long)entry << 32 | (tag & 0xFFFF_FFFFL));
            made.addLong(handle);
        }
        dirty.clear();
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

    private void put(final int view, final int entry, final int tag, final long handle)
    {
        if (entry >= tags[view].length)
        {
            final int length = Math.max(tags[view].length * 2, entry + 1);
            tags[view] = Arrays.copyOf(tags[view], length);
            handles[view] = Arrays.copyOf(handles[view], length);
        }
        tags[view][entry] = tag;
        handles[view][entry] = handle;
    }

    /**
     * What a child id names, for the readers of tick {@code tick}: its handle (> 0) while it runs, else one of the
     * negative answers of {@link CellContext#child(long)}.
     *
     * @throws IllegalArgumentException if the id names no child this home ever had.
     */
    long lookup(final long tick, final long childId)
    {
        final int view = (int)((tick - 1) & 1);
        final int entry = entryOfId(childId);
        final int[] tags = this.tags[view];
        // Free-running mode has no ticks to keep the owner off this view: both arrays are read once and checked.
        final long[] handles = this.handles[view];
        if (entry < 0 || entry >= Math.min(tags.length, handles.length) || NONE == (tags[entry] & STATUS_MASK))
        {
            throw new IllegalArgumentException(badId(childId, "its entry " + entry + " was never given to a child"));
        }
        final int tag = tags[entry];
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
                return handles[entry];
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

    // Checkpoints, between ticks: the generations, the view the next tick's readers read, and the touched entries.

    void write(final DataOutput out) throws IOException
    {
        final int view = visible;
        int entries = generation.length;
        while (entries > 0 && 0 == generation[entries - 1])
        {
            entries--;
        }
        out.writeInt(entries);
        for (int e = 0; e < entries; e++)
        {
            out.writeInt(generation[e]);
            out.writeInt(e < tags[view].length ? tags[view][e] : 0);
            out.writeLong(e < handles[view].length ? handles[view][e] : 0);
        }
        out.writeInt(dirty.size());
        for (int i = 0; i < dirty.size(); i++)
        {
            out.writeInt(dirty.getInt(i));
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
        for (int v = 0; v < 2; v++)
        {
            tags[v] = new int[generation.length];
            handles[v] = new long[generation.length];
            changes[v].clear();
        }
        for (int e = 0; e < entries; e++)
        {
            generation[e] = in.readInt();
            final int tag = in.readInt();
            final long handle = in.readLong();
            for (int v = 0; v < 2; v++)
            {
                tags[v][e] = tag;
                handles[v][e] = handle;
            }
        }
        dirty.clear();
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
            dirty.addInt(entry);
        }
    }
}
