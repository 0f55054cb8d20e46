package io.karyon.engine.internal;

import io.karyon.numa.NumaBinding;
import io.karyon.numa.NumaException;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;

import static org.agrona.BitUtil.CACHE_LINE_LENGTH;
import static org.agrona.BitUtil.align;

/**
 * Anonymous off-heap memory for the chunks of an in-memory {@link Arena}, and where it lies: each chunk is raw memory
 * aligned to a cache line, or to a 2 MiB page and advised to use transparent huge pages, and optionally bound to the
 * NUMA node of the worker that owns its family.
 * <p>
 * Chunks lie one after another in the order they are made, carved from extents of up to {@link #EXTENT_CHUNKS}
 * chunks and 1 GiB (address space only: a chunk's pages are faulted in as before, when first touched), not each in a
 * mapping of its own, which the OS places below the one before: a sweep that goes from a chunk to the next then keeps
 * going up through memory, and the hardware's prefetchers, which learn a stride within a chunk, carry on. W2 at 4M
 * cells on one worker (its tokens a constant 32,000 bytes apart in each chunk) ran 1.12x faster with extents of 16
 * chunks and 1.2x with 64 (its 61 chunks in one).
 * <p>
 * <b>Note:</b> set up and closed by the arena's owner thread while no worker runs; a chunk's memory is obtained by the
 * owner of its family, its place carved under this object's lock and its pages touched without one, and recorded
 * under the arena's.
 */
final class ChunkMemory
{
    static final long HUGE_PAGE_SIZE = 2L << 20;
    /** Chunks carved from one extent, fewer where that would pass {@link #EXTENT_MOST_BYTES}. */
    static final int EXTENT_CHUNKS = 64;
    private static final long EXTENT_MOST_BYTES = 1L << 30;

    private final int chunkLength;
    private final int bitmapsOffset;
    private final int bitmapsLength;
    /** Raw memory of stand-ins' chunks, each allocated alone; placed chunks lie in {@link #extents}. */
    private long[] addresses = new long[Arena.FAMILY_CHUNKS];
    private long[] extents = new long[4];
    private int extentCount;
    private long extentNext;
    private long extentEnd;
    // Workers obtain chunks at once: the two that the OS may turn off are read and written by either.
    private volatile boolean hugePages;
    private long alignment = CACHE_LINE_LENGTH;
    private volatile IntUnaryOperator nodeOfChunk;
    private Consumer<String> bindWarnings;

    /**
     * @param chunkLength   bytes of a chunk.
     * @param bitmapsOffset where a chunk's bitmaps start, which start at zero, as its header does.
     * @param bitmapsLength bytes of the bitmaps.
     */
    ChunkMemory(final int chunkLength, final int bitmapsOffset, final int bitmapsLength)
    {
        this.chunkLength = chunkLength;
        this.bitmapsOffset = bitmapsOffset;
        this.bitmapsLength = bitmapsLength;
    }

    /**
     * Asks for transparent huge pages from now on, when the binding library is available and a chunk spans at least
     * one 2 MiB page.
     *
     * @param ask false to leave the chunks on ordinary pages.
     */
    void askHugePages(final boolean ask)
    {
        hugePages = ask && NumaBinding.isAvailable() && chunkLength >= HUGE_PAGE_SIZE;
        alignment = hugePages ? HUGE_PAGE_SIZE : CACHE_LINE_LENGTH;
    }

    /**
     * Whether chunks are being advised to use huge pages (false once the OS declined).
     *
     * @return true while huge pages are asked for.
     */
    boolean hugePages()
    {
        return hugePages;
    }

    /**
     * Binds each new chunk to a NUMA node: see {@link Arena#bindChunks(IntUnaryOperator, Consumer)}.
     *
     * @param nodeOfChunk node for a chunk index, or -1 for none.
     * @param warnings    where the one warning goes.
     */
    void bindChunks(final IntUnaryOperator nodeOfChunk, final Consumer<String> warnings)
    {
        if (!NumaBinding.isAvailable())
        {
            warnings.accept("arena memory runs unbound: " + NumaBinding.unavailableReason());
            return;
        }
        this.nodeOfChunk = nodeOfChunk;
        this.bindWarnings = warnings;
    }

    /**
     * Room for the chunk indices below {@code length}.
     *
     * @param length chunk indices the arena has room for.
     */
    void ensureCapacity(final int length)
    {
        if (length > addresses.length)
        {
            addresses = Arrays.copyOf(addresses, length);
        }
    }

    /**
     * Obtains a chunk's memory, placed as asked, with its header and bitmaps cleared (the first touch of its first and
     * last pages: the kernel clears a 2 MiB page) and the rest not zeroed. Any thread, without the arena's lock, so
     * that workers creating chunks at once map, advise and fault their memory in parallel; {@link #record} makes it
     * the chunk's.
     *
     * @param chunk  index, for its NUMA node.
     * @param placed false for a stand-in's chunk ({@link StandInChunks}): no huge pages (a touch of its header
     *               would make a whole 2 MiB page resident) and no binding.
     * @return the raw address, for {@link #record(int, long, boolean)}.
     */
    long obtain(final int chunk, final boolean placed)
    {
        // Raw memory, not ByteBuffer.allocateDirect: that zeroes the whole chunk, a pass over memory that costs
        // spawning about 7 ns a cell, and counts against -XX:MaxDirectMemorySize. Only the chunk header and the
        // bitmaps must start at zero: slots above the high-water mark and unlinked mailbox heads are never read.
        final long raw = placed ? carve(chunk) : allocate(chunk, chunkLength + alignment);
        final long start = align(raw, alignment);
        if (hugePages && placed)
        {
            // Transparent huge pages where the OS gives them: first touch then faults one 2 MiB page per 26,000
            // 80-byte cells instead of one 4 KiB page per 51, which is most of what spawning costs.
            final long hugeLength = chunkLength & -HUGE_PAGE_SIZE;
            if (hugeLength > 0 && null != NumaBinding.adviseHugePages(start, hugeLength))
            {
                hugePages = false;
            }
        }
        if (placed)
        {
            bindToNode(chunk, start);
        }
        UnsafeApi.setMemory(start, ArenaDescriptor.CHUNK_HEADER_LENGTH, (byte)0);
        UnsafeApi.setMemory(start + bitmapsOffset, bitmapsLength, (byte)0);
        return raw;
    }

    /**
     * Makes memory from {@link #obtain(int, boolean)} a chunk's, freed by {@link #close()}: under the arena's lock.
     *
     * @param chunk  index, within {@link #ensureCapacity(int)}.
     * @param raw    from {@link #obtain(int, boolean)}.
     * @param placed as given to {@link #obtain(int, boolean)}.
     * @return the chunk's buffer.
     */
    UnsafeBuffer record(final int chunk, final long raw, final boolean placed)
    {
        if (!placed)
        {
            addresses[chunk] = raw;
        }
        return new UnsafeBuffer(align(raw, alignment), chunkLength);
    }

    /**
     * The next chunk's place in the current extent, after the one made before it; a new extent when it is full.
     */
    private synchronized long carve(final int chunk)
    {
        // Chunks bound to NUMA nodes share no page: a page is bound whole, to one node.
        final long alignment = null == nodeOfChunk ? this.alignment : Math.max(this.alignment, NumaBinding.pageSize());
        final long stride = align(chunkLength, alignment);
        extentNext = align(extentNext, alignment);
        if (extentEnd - extentNext < stride)
        {
            final long chunks = Math.max(1, Math.min(EXTENT_CHUNKS, EXTENT_MOST_BYTES / stride));
            final long raw = allocate(chunk, chunks * stride + alignment);
            if (extentCount == extents.length)
            {
                extents = Arrays.copyOf(extents, 2 * extentCount);
            }
            extents[extentCount++] = raw;
            extentNext = align(raw, alignment);
            extentEnd = extentNext + chunks * stride;
        }
        final long start = extentNext;
        extentNext += stride;
        return start;
    }

    private static long allocate(final int chunk, final long bytes)
    {
        try
        {
            return UnsafeApi.allocateMemory(bytes);
        }
        catch (final OutOfMemoryError ex)
        {
            throw new OutOfMemoryError("out of memory: the OS refused " + bytes + " bytes for arena chunk " + chunk +
                " (" + ex.getMessage() + "); lower --max-memory below what the machine has free");
        }
    }

    /**
     * Frees every chunk's memory.
     */
    void close()
    {
        for (int c = 0; c < addresses.length; c++)
        {
            if (0 != addresses[c])
            {
                UnsafeApi.freeMemory(addresses[c]);
                addresses[c] = 0;
            }
        }
        for (int e = 0; e < extentCount; e++)
        {
            UnsafeApi.freeMemory(extents[e]);
        }
        extentCount = 0;
        extentNext = 0;
        extentEnd = 0;
    }

    private void bindToNode(final int chunk, final long start)
    {
        final IntUnaryOperator nodeOfChunk = this.nodeOfChunk;
        if (null == nodeOfChunk)
        {
            return;
        }
        final int node = nodeOfChunk.applyAsInt(chunk);
        if (node < 0)
        {
            return;
        }
        try
        {
            final long pageStart = start & -NumaBinding.pageSize();
            NumaBinding.bind(pageStart, start + chunkLength - pageStart, node, false);
        }
        catch (final NumaException ex)
        {
            unbind(ex);
        }
    }

    /**
     * Stops binding after the OS refused, with one warning however many workers were refused at once.
     */
    private synchronized void unbind(final NumaException ex)
    {
        if (null != nodeOfChunk)
        {
            nodeOfChunk = null;
            bindWarnings.accept("arena memory runs unbound: " + ex.getMessage());
        }
    }
}
