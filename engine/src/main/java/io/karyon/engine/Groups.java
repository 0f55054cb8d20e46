package io.karyon.engine;

import io.karyon.engine.cell.Handle;
import io.karyon.engine.internal.Arena;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

import static io.karyon.engine.cell.CellDescriptor.GENERATION_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.STATUS_ALIVE;
import static io.karyon.engine.cell.CellDescriptor.STATUS_OFFSET;
import static io.karyon.engine.internal.ArenaDescriptor.slotOffset;

/**
 * Group membership of the cells one worker owns, kept next to them: for each (chunk, group) that has had a member, a
 * bitmap of one bit per slot of the chunk (allocated when the first member of that chunk joins) and a member count.
 * There is no global list and no lock: a worker only ever reads and writes the bitmaps of its own chunks.
 * <p>
 * Joins and leaves made by cells during tick t are buffered and applied at the start of tick t+1, in the order they
 * were made (a worker visits its cells in slot order, so the result does not depend on the number of workers): a
 * broadcast delivered in tick t+1 reaches the members as of the start of t+1. A buffered change of a cell that died
 * before it was applied is dropped (the handle's generation no longer matches). A cell that dies leaves every group at
 * once: its bit is cleared in every bitmap of its chunk.
 * <p>
 * Cost per cell: nothing for a cell in no group; one bit per group per slot of a chunk where that group has members.
 * <p>
 * The member counts every change writes (a group's total and its count per chunk) lie in arrays with 128 bytes of
 * padding at both ends: the driver allocates every worker's arrays one after another (on a group's registration, on
 * the driver's joins), so without it two workers' counts of one group could share a cache line both write on every
 * membership change (W4's churn rate swung between 69 and 128 M changes/s from one run to the next).
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker. The driver touches it only while no tick runs.
 */
final class Groups extends WorkerPadding
{
    /**
     * Most groups an organism can name.
     */
    static final int MAX_GROUPS = 1 << 16;

    /**
     * Longs of padding at each end of {@link #totals}: 128 bytes, two cache lines (the adjacent-line prefetcher).
     */
    private static final int LONG_PAD = 16;
    /**
     * Ints of padding at each end of a group's counts per chunk: 128 bytes.
     */
    private static final int INT_PAD = 32;
    private static final long[][] NO_BITMAPS = new long[0][];
    private static final int[] NO_COUNTS = new int[2 * INT_PAD];

    private final Arena arena;
    private final int chunkShift;
    private final int chunkMask;
    private final int headerStride;
    private final int wordsPerChunk;
    private int groupCount;
    private long[][][] bitmaps = new long[0][][];
    /**
     * Per group, its members per chunk, chunk c at {@code INT_PAD + c}.
     */
    private int[][] counts = new int[0][];
    /**
     * Members per group, group g at {@code LONG_PAD + g}.
     */
    private long[] totals = new long[2 * LONG_PAD];
    private IntArrayList[] groupsOfChunk = new IntArrayList[0];
    private long[] pending = new long[64];
    private int pendingCount;

    long membershipChanges;
    long broadcastsSent;
    long memberDeliveries;
    long memberDeadLetters;

    Groups(final Arena arena)
    {
        this.arena = arena;
        this.chunkShift = arena.chunkShift();
        this.chunkMask = arena.chunkSlots() - 1;
        this.headerStride = arena.headerStride();
        this.wordsPerChunk = arena.chunkSlots() >>> 6;
    }

    /**
     * Number of groups named so far; the driver raises it as names are registered.
     */
    void groupCount(final int groupCount)
    {
        if (groupCount > bitmaps.length)
        {
            final int length = Math.min(MAX_GROUPS, Math.max(groupCount, bitmaps.length * 2));
            final int old = bitmaps.length;
            bitmaps = Arrays.copyOf(bitmaps, length);
            counts = Arrays.copyOf(counts, length);
            totals = Arrays.copyOf(totals, length + 2 * LONG_PAD);
            for (int g = old; g < length; g++)
            {
                bitmaps[g] = NO_BITMAPS;
                counts[g] = NO_COUNTS;
            }
        }
        this.groupCount = groupCount;
    }

    int groupCount()
    {
        return groupCount;
    }

    /**
     * Forgets every membership and buffered change (a checkpoint restore); the group count stays.
     */
    void clearForRestore()
    {
        for (int g = 0; g < bitmaps.length; g++)
        {
            bitmaps[g] = NO_BITMAPS;
            counts[g] = NO_COUNTS;
        }
        Arrays.fill(totals, 0);
        groupsOfChunk = new IntArrayList[0];
        pendingCount = 0;
    }

    /**
     * Puts back a group's membership bitmap of a chunk and its member count (a checkpoint restore).
     */
    void restoreBitmap(final int group, final int chunk, final long[] words, final int count)
    {
        long[][] byChunk = bitmaps[group];
        if (chunk >= byChunk.length)
        {
            byChunk = Arrays.copyOf(byChunk, Math.max(chunk + 1, byChunk.length * 2));
            bitmaps[group] = byChunk;
            counts[group] = paddedCounts(counts[group], byChunk.length);
        }
        byChunk[chunk] = words;
        counts[group][INT_PAD + chunk] = count;
        totals[LONG_PAD + group] += count;
        chunkGroups(chunk).addInt(group);
    }

    long pendingHandle(final int index)
    {
        return pending[index * 2];
    }

    /**
     * A buffered change's group, or its complement for a leave.
     */
    int pendingOp(final int index)
    {
        return (int)pending[index * 2 + 1];
    }

    /**
     * Puts back a buffered change as {@link #pendingOp(int)} gave it.
     */
    void restorePending(final long handle, final int op)
    {
        buffer(handle, op >= 0 ? op : ~op, op >= 0);
    }

    /**
     * Checks a group id a behaviour or the driver passed.
     *
     * @throws IllegalArgumentException naming the bad id and the groups there are.
     */
    void checkGroup(final String operation, final int group)
    {
        if (group < 0 || group >= groupCount)
        {
            throw new IllegalArgumentException(operation + ": unknown group id " + group + ", " + groupCount +
                " group(s) named (Organism.groups().id(name) gives ids)");
        }
    }

    /**
     * Buffers a change made during a tick, applied by {@link #applyPending()} at the start of the next.
     */
    void buffer(final long handle, final int group, final boolean join)
    {
        if (pendingCount * 2 + 2 > pending.length)
        {
            pending = Arrays.copyOf(pending, pending.length * 2);
        }
        pending[pendingCount * 2] = handle;
        pending[pendingCount * 2 + 1] = join ? group : ~group;
        pendingCount++;
    }

    int pendingChanges()
    {
        return pendingCount;
    }

    /**
     * Applies the changes buffered in the last tick, in order; changes of cells that died meanwhile are dropped.
     */
    void applyPending()
    {
        final long[] pending = this.pending;
        for (int i = 0, count = pendingCount; i < count; i++)
        {
            final long handle = pending[i * 2];
            final int op = (int)pending[i * 2 + 1];
            if (isLive(handle))
            {
                if (op >= 0)
                {
                    set(Handle.slot(handle), op);
                }
                else
                {
                    clear(Handle.slot(handle), ~op);
                }
            }
        }
        pendingCount = 0;
    }

    private boolean isLive(final long handle)
    {
        final int slot = Handle.slot(handle);
        final int offset = slotOffset(slot & chunkMask, headerStride);
        final UnsafeBuffer buffer = arena.chunk(slot >>> chunkShift);
        return STATUS_ALIVE == buffer.getByte(offset + STATUS_OFFSET) &&
            buffer.getInt(offset + GENERATION_OFFSET) == Handle.generation(handle);
    }

    /**
     * Makes a slot a member of a group now.
     *
     * @return true if it was not a member.
     */
    boolean set(final int slot, final int group)
    {
        final int chunk = slot >>> chunkShift;
        long[][] byChunk = bitmaps[group];
        if (chunk >= byChunk.length)
        {
            final int length = Math.max(chunk + 1, byChunk.length * 2);
            byChunk = Arrays.copyOf(byChunk, length);
            bitmaps[group] = byChunk;
            counts[group] = paddedCounts(counts[group], length);
        }
        long[] words = byChunk[chunk];
        if (null == words)
        {
            words = new long[wordsPerChunk];
            byChunk[chunk] = words;
            chunkGroups(chunk).addInt(group);
        }
        final int index = slot & chunkMask;
        final long bit = 1L << index;
        final long word = words[index >>> 6];
        if (0 != (word & bit))
        {
            return false;
        }
        words[index >>> 6] = word | bit;
        counts[group][INT_PAD + chunk]++;
        totals[LONG_PAD + group]++;
        membershipChanges++;
        return true;
    }

    /**
     * Removes a slot from a group now.
     *
     * @return true if it was a member.
     */
    boolean clear(final int slot, final int group)
    {
        final int chunk = slot >>> chunkShift;
        final long[][] byChunk = bitmaps[group];
        if (chunk >= byChunk.length || null == byChunk[chunk])
        {
            return false;
        }
        final long[] words = byChunk[chunk];
        final int index = slot & chunkMask;
        final long bit = 1L << index;
        final long word = words[index >>> 6];
        if (0 == (word & bit))
        {
            return false;
        }
        words[index >>> 6] = word & ~bit;
        counts[group][INT_PAD + chunk]--;
        totals[LONG_PAD + group]--;
        membershipChanges++;
        return true;
    }

    /**
     * A cell died: it leaves every group it was in.
     */
    void onRelease(final int slot)
    {
        final int chunk = slot >>> chunkShift;
        if (chunk >= groupsOfChunk.length || null == groupsOfChunk[chunk])
        {
            return;
        }
        final IntArrayList groups = groupsOfChunk[chunk];
        final int index = slot & chunkMask;
        final long bit = 1L << index;
        for (int i = 0, size = groups.size(); i < size; i++)
        {
            final int group = groups.getInt(i);
            final long[] words = bitmaps[group][chunk];
            final long word = words[index >>> 6];
            if (0 != (word & bit))
            {
                words[index >>> 6] = word & ~bit;
                counts[group][INT_PAD + chunk]--;
                totals[LONG_PAD + group]--;
            }
        }
    }

    /**
     * A group's counts per chunk grown to hold {@code chunks} chunks, the padding kept at both ends.
     */
    private static int[] paddedCounts(final int[] counts, final int chunks)
    {
        final int[] grown = new int[chunks + 2 * INT_PAD];
        System.arraycopy(counts, INT_PAD, grown, INT_PAD, counts.length - 2 * INT_PAD);
        return grown;
    }

    private IntArrayList chunkGroups(final int chunk)
    {
        if (chunk >= groupsOfChunk.length)
        {
            groupsOfChunk = Arrays.copyOf(groupsOfChunk, Math.max(chunk + 1, groupsOfChunk.length * 2));
        }
        IntArrayList groups = groupsOfChunk[chunk];
        if (null == groups)
        {
            groups = new IntArrayList();
            groupsOfChunk[chunk] = groups;
        }
        return groups;
    }

    /**
     * The membership bitmap of a group in a chunk, or null if the group never had a member there.
     */
    long[] bitmap(final int group, final int chunk)
    {
        final long[][] byChunk = bitmaps[group];
        return chunk < byChunk.length ? byChunk[chunk] : null;
    }

    boolean isMember(final int slot, final int group)
    {
        final long[] words = bitmap(group, slot >>> chunkShift);
        final int index = slot & chunkMask;
        return null != words && 0 != (words[index >>> 6] & (1L << index));
    }

    /**
     * Members of a group on this worker.
     */
    long size(final int group)
    {
        return group < totals.length - 2 * LONG_PAD ? totals[LONG_PAD + group] : 0;
    }

    /**
     * Members of a group in one chunk.
     */
    int size(final int group, final int chunk)
    {
        final int[] byChunk = counts[group];
        return chunk < byChunk.length - 2 * INT_PAD ? byChunk[INT_PAD + chunk] : 0;
    }
}
