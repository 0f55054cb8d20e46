package io.karyon.engine;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * Every cell's edges (an ordered list of handles of any length), off-heap, per chunk: for each chunk that has a cell
 * with edges, an index of one long per slot ({@code start << 32 | count}, start in edges from the chunk's list
 * block) and a block of edge lists, written in slot order by a bulk {@code connect} (so it is CSR), appended to by
 * later changes, and compacted when more than half of it is lists that were replaced or freed. A chunk whose cells
 * have no edges holds nothing (its blocks are made with its first edge); one whose last edges go frees both blocks.
 * <p>
 * <b>Note:</b> not threadsafe: a chunk's edges are written only by the worker that owns its family (or by the driver
 * while no worker runs); the table of chunks is grown by the driver, as the arena's families are added.
 */
final class Edges implements AutoCloseable
{
    private static final int MIN_LIST_CAPACITY = 64;

    private final int chunkShift;
    private final int chunkMask;
    private final int chunkSlots;
    private EdgeChunk[] chunks = new EdgeChunk[0];

    Edges(final int chunkShift)
    {
        this.chunkShift = chunkShift;
        this.chunkSlots = 1 << chunkShift;
        this.chunkMask = chunkSlots - 1;
    }

    /**
     * Driver: room for the chunk indices below {@code bound}.
     */
    void ensureCapacity(final int bound)
    {
        if (bound > chunks.length)
        {
            chunks = Arrays.copyOf(chunks, Math.max(bound, chunks.length * 2));
        }
    }

    /**
     * Number of edges of the cell in a slot.
     */
    int count(final int slot)
    {
        final EdgeChunk chunk = chunks[slot >>> chunkShift];
        return null == chunk ? 0 : (int)chunk.index.getLong((slot & chunkMask) << 3);
    }

    /**
     * Edge {@code i} of the cell in a slot.
     *
     * @throws IndexOutOfBoundsException if {@code i} is out of range.
     */
    long edge(final int slot, final int i)
    {
        final EdgeChunk chunk = chunks[slot >>> chunkShift];
        final long entry = null == chunk ? 0 : chunk.index.getLong((slot & chunkMask) << 3);
        if (i < 0 || i >= (int)entry)
        {
            throw new IndexOutOfBoundsException("edge index must be in 0.." + ((int)entry - 1) +
                " for the cell in slot " + slot + ": i=" + i);
        }
        return chunk.lists.getLong(((int)(entry >>> 32) + i) << 3);
    }

    /**
     * Appends an edge to the list being written for the cell in a slot (whose old list {@link #clear(int)} dropped),
     * creating its chunk's blocks on the first edge. Owner only.
     *
     * @return where in the chunk's block it went: the first append's position is the list's start.
     */
    int append(final int slot, final long target)
    {
        final int c = slot >>> chunkShift;
        EdgeChunk chunk = chunks[c];
        if (null == chunk)
        {
            chunk = new EdgeChunk(chunkSlots, MIN_LIST_CAPACITY);
            chunks[c] = chunk;
        }
        if (chunk.used == chunk.capacity)
        {
            chunk.resize(chunk.capacity * 2L);
        }
        final int position = chunk.used;
        chunk.lists.putLong(position << 3, target);
        chunk.used = position + 1;
        return position;
    }

    /**
     * Makes the edges appended since {@code start} the list of the cell in a slot. Owner only.
     */
    void publish(final int slot, final int start)
    {
        final EdgeChunk chunk = chunks[slot >>> chunkShift];
        chunk.index.putLong((slot & chunkMask) << 3, (long)start << 32 | (chunk.used - start));
        chunk.cells++;
    }

    /**
     * Replaces the edges of the cell in a slot with a copy of {@code targets}.
     */
    void set(final int slot, final long[] targets)
    {
        clear(slot);
        if (0 == targets.length)
        {
            return;
        }
        final int start = append(slot, targets[0]);
        for (int i = 1; i < targets.length; i++)
        {
            append(slot, targets[i]);
        }
        publish(slot, start);
        compactIfSparse(slot >>> chunkShift);
    }

    /**
     * The cell in a slot has died (or its edges are replaced): its list is garbage, and its chunk's blocks are freed
     * when no cell there has edges left. Owner only; no allocation.
     */
    void clear(final int slot)
    {
        final int c = slot >>> chunkShift;
        final EdgeChunk chunk = chunks[c];
        if (null == chunk)
        {
            return;
        }
        final int offset = (slot & chunkMask) << 3;
        final long entry = chunk.index.getLong(offset);
        if (0 == (int)entry)
        {
            return;
        }
        chunk.index.putLong(offset, 0);
        chunk.garbage += (int)entry;
        if (0 == --chunk.cells)
        {
            free(c);
        }
    }

    /**
     * Copies the live lists of a chunk into a fresh block, in slot order, when more than half of its block is garbage.
     */
    void compactIfSparse(final int c)
    {
        final EdgeChunk chunk = chunks[c];
        if (null == chunk || chunk.garbage <= chunk.used >>> 1)
        {
            return;
        }
        final int live = chunk.used - chunk.garbage;
        final EdgeChunk fresh = new EdgeChunk(chunkSlots, Math.max(MIN_LIST_CAPACITY, live));
        for (int i = 0; i < chunkSlots; i++)
        {
            final long entry = chunk.index.getLong(i << 3);
            final int count = (int)entry;
            if (0 != count)
            {
                fresh.lists.putBytes(fresh.used << 3, chunk.lists, (int)(entry >>> 32) << 3, count << 3);
                fresh.index.putLong(i << 3, (long)fresh.used << 32 | count);
                fresh.used += count;
                fresh.cells++;
            }
        }
        chunk.close();
        chunks[c] = fresh;
    }

    /**
     * After a bulk build of a chunk's lists: compacts them if more than half is garbage, and gives back the room the
     * doubling left at the end of the block, so that a connected chunk holds its edges and little more.
     */
    void settle(final int c)
    {
        compactIfSparse(c);
        final EdgeChunk chunk = chunks[c];
        if (null != chunk && chunk.capacity - chunk.used > Math.max(MIN_LIST_CAPACITY, chunk.used >>> 5))
        {
            chunk.resize(Math.max(MIN_LIST_CAPACITY, chunk.used));
        }
    }

    /**
     * A chunk's edges, or null (for a checkpoint).
     */
    EdgeChunk chunk(final int c)
    {
        return c < chunks.length ? chunks[c] : null;
    }

    /**
     * Puts back a chunk's edges (a checkpoint restore), after {@link #close()} emptied them and
     * {@link #ensureCapacity(int)} made room.
     */
    void put(final int c, final EdgeChunk chunk)
    {
        chunks[c] = chunk;
    }

    /**
     * Bytes of the index and list blocks held, room to grow included.
     */
    long bytes()
    {
        long bytes = 0;
        for (final EdgeChunk chunk : chunks)
        {
            if (null != chunk)
            {
                bytes += chunk.index.capacity() + chunk.lists.capacity();
            }
        }
        return bytes;
    }

    private void free(final int c)
    {
        chunks[c].close();
        chunks[c] = null;
    }

    /**
     * Frees every chunk's blocks.
     */
    public void close()
    {
        for (int c = 0; c < chunks.length; c++)
        {
            if (null != chunks[c])
            {
                free(c);
            }
        }
    }

    /**
     * One chunk's edges: the index (a long per slot, zero for none) and the block of lists, in raw memory.
     */
    static final class EdgeChunk
    {
        final UnsafeBuffer index;
        final UnsafeBuffer lists;
        private long indexAddress;
        private long listsAddress;
        int capacity;
        int used;
        int garbage;
        int cells;

        EdgeChunk(final int slots, final int capacity)
        {
            indexAddress = UnsafeApi.allocateMemory((long)slots << 3);
            index = new UnsafeBuffer(indexAddress, slots << 3);
            index.setMemory(0, slots << 3, (byte)0);
            listsAddress = UnsafeApi.allocateMemory((long)capacity << 3);
            lists = new UnsafeBuffer(listsAddress, capacity << 3);
            this.capacity = capacity;
        }

        void resize(final long newCapacity)
        {
            if (newCapacity > Integer.MAX_VALUE >>> 3)
            {
                throw new IllegalStateException("a chunk's edges are limited to " + (Integer.MAX_VALUE >>> 3) +
                    " handles");
            }
            final long address = UnsafeApi.allocateMemory(newCapacity << 3);
            UnsafeApi.copyMemory(listsAddress, address, (long)used << 3);
            UnsafeApi.freeMemory(listsAddress);
            listsAddress = address;
            lists.wrap(address, (int)(newCapacity << 3));
            capacity = (int)newCapacity;
        }

        void close()
        {
            UnsafeApi.freeMemory(indexAddress);
            UnsafeApi.freeMemory(listsAddress);
            indexAddress = 0;
            listsAddress = 0;
            index.wrap(0, 0);
            lists.wrap(0, 0);
        }
    }
}
