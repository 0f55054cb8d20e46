package io.karyon.engine.internal;

import io.karyon.engine.MemoryBudget;
import io.karyon.engine.cell.CellDescriptor;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellStorage;
import io.karyon.numa.NumaBinding;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;
import java.util.stream.IntStream;

import static io.karyon.engine.cell.CellDescriptor.GENERATION_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.HEADER_LENGTH;
import static io.karyon.engine.cell.CellDescriptor.LINK_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.NULL_LINK;
import static io.karyon.engine.cell.CellDescriptor.STATUS_FREE;
import static io.karyon.engine.cell.CellDescriptor.STATUS_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.checkStateLength;
import static io.karyon.engine.internal.ArenaDescriptor.CHUNK_HEADER_LENGTH;
import static io.karyon.engine.internal.ArenaDescriptor.CHUNK_MAGIC;
import static io.karyon.engine.internal.ArenaDescriptor.CHUNK_MAGIC_OFFSET;
import static io.karyon.engine.internal.ArenaDescriptor.FILE_CHUNK_ALIGNMENT;
import static io.karyon.engine.internal.ArenaDescriptor.FREE_HEAD_OFFSET;
import static io.karyon.engine.internal.ArenaDescriptor.HWM_OFFSET;
import static io.karyon.engine.internal.ArenaDescriptor.LIVE_OFFSET;
import static io.karyon.engine.internal.ArenaDescriptor.bitmapsOffset;
import static io.karyon.engine.internal.ArenaDescriptor.checkChunkShift;
import static io.karyon.engine.internal.ArenaDescriptor.slotOffset;
import static org.agrona.BitUtil.CACHE_LINE_LENGTH;

/**
 * Off-heap memory holding cell slots back to back, in power-of-two chunks of slots grouped into families, either
 * anonymous memory or a memory-mapped file.
 * <p>
 * A slot index is {@code (chunk << chunkShift) | index} and a chunk index is {@code (family << FAMILY_SHIFT) | level}:
 * a family is a root chunk (level 0) and up to {@link #FAMILY_CHUNKS} - 1 overflow chunks that are created when the
 * chunks before them are full. A slot's family never depends on how many workers there are, so a worker that owns a
 * family can place a cell's children beside it, and number them, without asking anyone. The arena is not capped by
 * Agrona's 2 GiB buffer index: only each chunk is.
 * <p>
 * Every chunk starts with a header (high-water mark, free-list head, live count, magic), then its slots, then, for
 * the engine's use, two bitmaps of one bit per slot and a column of one int per slot; a file-backed arena starts with
 * a file header. {@link ArenaDescriptor} draws both headers. Slots above a chunk's high-water mark were never used and
 * are never read. Chunks start on a cache line (anonymous) or a page (file).
 * <p>
 * An anonymous arena may keep its chunks in {@link CellStorage#COLUMNAR} storage, a column per 8-byte word of the slot
 * (header, then state; a chunk is the same length): a header is at {@code slotOffset(i, headerStride())}, its fields
 * from byte 8 on (supervisor row, link) {@link #headerSkew()} further.
 * <p>
 * <b>Note:</b> families are added, and the arena opened and closed, by one owner thread while no worker runs; a chunk
 * is written (and its overflow chunks created) only by the worker that owns its family.
 */
public final class Arena implements AutoCloseable
{
    /** log2 of the chunks in a family. */
    public static final int FAMILY_SHIFT = 5;
    /** Chunks in a family: a root and its overflow chunks. */
    public static final int FAMILY_CHUNKS = 1 << FAMILY_SHIFT;
    /**
     * Classes of families: family {@code f} is of class {@code f % FAMILY_CLASSES}, and a class belongs to worker
     * {@code class % workers}, so two families of one class have the same owner whatever the number of workers. A
     * lineage that outgrows its family goes on in the next free family of its class: on the same worker, at an index
     * that does not depend on the number of workers. Up to this many workers share the families out evenly.
     */
    public static final int FAMILY_CLASSES = 64;

    private final int stateLength;
    private final int slotLength;
    private final CellStorage storage;
    private final int headerStride;
    private final int chunkShift;
    private final int chunkSlots;
    private final int chunkMask;
    private final int bitmapOffset;
    private final int chunkLength;
    private final int maxFamilies;
    private final ArenaFile file;
    private final ChunkMemory memory;
    private UnsafeBuffer[] chunks = new UnsafeBuffer[FAMILY_CHUNKS];
    private int familyCount;
    private boolean closed;
    private MemoryBudget budget;
    private long chargedBytes;
    private StandInChunks standIns;

    private Arena(final int stateLength, final int chunkShift, final ArenaFile file, final CellStorage storage)
    {
        checkStateLength(stateLength);
        checkChunkShift(chunkShift);
        this.chunkLength = ArenaDescriptor.chunkLength(
            stateLength, chunkShift, null == file ? CACHE_LINE_LENGTH : FILE_CHUNK_ALIGNMENT);
        this.stateLength = stateLength;
        this.slotLength = HEADER_LENGTH + stateLength;
        this.storage = storage;
        this.headerStride = CellStorage.COLUMNAR == storage ? 8 : slotLength;
        this.chunkShift = chunkShift;
        this.chunkSlots = 1 << chunkShift;
        this.chunkMask = chunkSlots - 1;
        this.bitmapOffset = (int)bitmapsOffset(stateLength, chunkShift);
        this.maxFamilies = maxFamilies(chunkShift);
        this.file = file;
        this.memory = new ChunkMemory(chunkLength, bitmapOffset, 2 * (chunkSlots >>> 3));
    }

    /**
     * Most families an arena of this chunk size can hold, so that every slot index fits a non-negative int.
     *
     * @param chunkShift log2 of the slots per chunk.
     * @return family limit.
     */
    static int maxFamilies(final int chunkShift)
    {
        return 1 << (31 - chunkShift - FAMILY_SHIFT);
    }

    /**
     * An arena in anonymous off-heap memory.
     *
     * @param stateLength of each slot's state, a positive multiple of 8.
     * @param chunkShift  log2 of the slots per chunk.
     * @return the arena, with no chunks yet.
     */
    public static Arena inMemory(final int stateLength, final int chunkShift)
    {
        return new Arena(stateLength, chunkShift, null, CellStorage.ROW);
    }

    /**
     * An anonymous arena whose chunks keep their cells in the given storage.
     *
     * @param stateLength of each slot's state, a positive multiple of 8.
     * @param chunkShift  log2 of the slots per chunk.
     * @param storage     of the cells in each chunk.
     * @param hugePages   whether chunks spanning a 2 MiB page ask for transparent huge pages ({@link NumaBinding}).
     * @return the arena, with no chunks yet.
     */
    public static Arena inMemory(
        final int stateLength, final int chunkShift, final CellStorage storage, final boolean hugePages)
    {
        final Arena arena = new Arena(stateLength, chunkShift, null, storage);
        arena.memory.askHugePages(hugePages);
        return arena;
    }

    /**
     * Binds each new anonymous chunk to a NUMA node (MPOL_PREFERRED, before any page is touched), as the owner of its
     * family asks. Where the binding library is missing or the OS refuses, one warning goes to {@code warnings} and
     * chunks stay unbound from then on.
     *
     * @param nodeOfChunk node for a chunk index, or -1 for none.
     * @param warnings    where the one warning goes.
     */
    public void bindChunks(final IntUnaryOperator nodeOfChunk, final Consumer<String> warnings)
    {
        memory.bindChunks(nodeOfChunk, warnings);
    }

    /**
     * Charges every chunk created from now on to a memory budget: a chunk the budget cannot hold is not created.
     *
     * @param budget to charge, or null for none.
     */
    public void budget(final MemoryBudget budget)
    {
        this.budget = budget;
    }

    /**
     * Makes the chunks of the families of the given classes stand-ins' (a sharded process's, for the other shards'
     * workers): their slots are never written (see {@link StandInChunks}). Before any family is added.
     *
     * @param classes bit {@code k} for class {@code k}, from {@link StandInChunks#remoteClasses(int, int, int)}.
     */
    public void standIns(final long classes)
    {
        standIns = 0 == classes ? null : new StandInChunks(this, classes);
    }

    /** @return the stand-ins' chunks, or null in a process that runs every worker. */
    public StandInChunks standIns()
    {
        return standIns;
    }

    /** @return the budget chunks are charged to (a bulk spawn checks it holds all the chunks it needs), or null. */
    public MemoryBudget budget()
    {
        return budget;
    }

    /** @return bytes one chunk takes, as charged to the budget. */
    public int chunkLength()
    {
        return chunkLength;
    }

    /** @return whether chunks are being advised to use huge pages (false once the OS declined). */
    public boolean hugePages()
    {
        return memory.hugePages();
    }

    /**
     * A new arena backed by a memory-mapped file, which must not exist yet.
     *
     * @param file        to create.
     * @param stateLength of each slot's state, a positive multiple of 8.
     * @param chunkShift  log2 of the slots per chunk.
     * @return the arena, with no chunks yet.
     * @throws IllegalArgumentException if the file exists already.
     */
    public static Arena create(final Path file, final int stateLength, final int chunkShift)
    {
        return new Arena(stateLength, chunkShift, ArenaFile.create(file, stateLength, chunkShift), CellStorage.ROW);
    }

    /**
     * Re-opens an arena file written by {@link #create(Path, int, int)}, in this or another process.
     *
     * @param file to open.
     * @return the arena with all its chunks mapped.
     * @throws IllegalArgumentException naming the file and the fault when it is not a valid arena file.
     */
    public static Arena open(final Path file)
    {
        final ArenaFile arenaFile = ArenaFile.open(file);
        final Arena arena = new Arena(arenaFile.stateLength(), arenaFile.chunkShift(), arenaFile, CellStorage.ROW);
        final int familyCount = arenaFile.familyCount();
        arena.ensureFamilies(familyCount);
        arena.familyCount = familyCount;
        try
        {
            // Only the chunks whose magic says they were created: the file is sparse past the last one written.
            for (int c = 0, bound = arena.chunkBound(); c < bound; c++)
            {
                if (arenaFile.wasWritten(c))
                {
                    arena.chunks[c] = arenaFile.mapChunk(c);
                }
            }
            return arena;
        }
        catch (final IOException ex)
        {
            arena.close();
            throw new UncheckedIOException("cannot read arena file: " + file, ex);
        }
        catch (final RuntimeException ex)
        {
            arena.close();
            throw ex;
        }
    }

    /** Length of each slot's state in bytes. */
    public int stateLength()
    {
        return stateLength;
    }

    /** Length of each slot, header included, in bytes. */
    public int slotLength()
    {
        return slotLength;
    }

    /** @return how the chunks lay out their cells: {@link CellStorage#ROW} or {@link CellStorage#COLUMNAR}. */
    public CellStorage storage()
    {
        return storage;
    }

    /** @return distance between two slots' headers in a chunk: the slot length in row storage, 8 in columnar. */
    public int headerStride()
    {
        return headerStride;
    }

    /**
     * @return what to add to the offset of a header field at or past byte 8 (supervisor row, link): 0 in row storage,
     *         in columnar storage the distance from a header's first word to its second (the next column), less 8.
     */
    public int headerSkew()
    {
        return CellStorage.COLUMNAR == storage ? (8 << chunkShift) - 8 : 0;
    }

    /**
     * @return number of runs of bytes that hold a chunk's slots: 1 in row storage (the slots), one per 8-byte word
     *         of the slot in columnar storage (its columns, from {@link #slotRunOffset(int)}).
     */
    public int slotRuns()
    {
        return CellStorage.COLUMNAR == storage ? slotLength >>> 3 : 1;
    }

    /**
     * @param run index of a run of {@link #slotRuns()}.
     * @return its offset in a chunk's buffer.
     */
    public int slotRunOffset(final int run)
    {
        return CHUNK_HEADER_LENGTH + (run * slotRunStride() << chunkShift);
    }

    /**
     * @return bytes per slot of each run of {@link #slotRuns()}: the slots below a high-water mark h take h times this.
     */
    public int slotRunStride()
    {
        return CellStorage.ROW == storage ? slotLength : 8;
    }

    /** log2 of the number of slots per chunk. */
    public int chunkShift()
    {
        return chunkShift;
    }

    /** Number of slots per chunk. */
    public int chunkSlots()
    {
        return chunkSlots;
    }

    /**
     * Bound of the family indices in use: one more than the highest family added. Families added by the driver are
     * contiguous from 0; a lineage's further families may leave unused indices below the bound.
     *
     * @return family bound.
     */
    public int familyCount()
    {
        return familyCount;
    }

    /**
     * Upper bound of the chunk indices in use: {@code familyCount() * FAMILY_CHUNKS}. Not every index below it
     * has a chunk: see {@link #hasChunk(int)}.
     *
     * @return bound on chunk indices.
     */
    public int chunkBound()
    {
        return familyCount << FAMILY_SHIFT;
    }

    /**
     * Whether a chunk exists.
     *
     * @param chunk index, any int.
     * @return true if the chunk was created.
     */
    public boolean hasChunk(final int chunk)
    {
        return chunk >= 0 && chunk < chunks.length && null != chunks[chunk];
    }

    /** The file behind the arena, or null for anonymous memory. */
    public Path file()
    {
        return null == file ? null : file.path();
    }

    /**
     * The buffer of a chunk.
     *
     * @param chunk index of an existing chunk.
     * @return the chunk's buffer.
     */
    public UnsafeBuffer chunk(final int chunk)
    {
        return chunks[chunk];
    }

    /**
     * Chunk index of a slot.
     *
     * @param slot index.
     * @return its chunk.
     */
    public int chunkOf(final int slot)
    {
        return slot >>> chunkShift;
    }

    /**
     * Offset of one of a chunk's two bitmaps (one bit per slot, 64-bit words) within the chunk's buffer.
     *
     * @param which 0 or 1.
     * @return offset in the chunk buffer.
     */
    public int bitmapOffset(final int which)
    {
        return bitmapOffset + which * (chunkSlots >>> 3);
    }

    /** Offset of a chunk's column of one int per slot within the chunk's buffer. */
    public int columnOffset()
    {
        return bitmapOffset + 2 * (chunkSlots >>> 3);
    }

    /**
     * Whether a slot index lies below its chunk's high-water mark, i.e. has ever held a cell.
     *
     * @param slot index, any int.
     * @return true if the slot exists.
     */
    public boolean exists(final int slot)
    {
        if (slot < 0)
        {
            return false;
        }
        final int chunk = slot >>> chunkShift;
        final UnsafeBuffer[] chunks = this.chunks;
        return chunk < chunks.length && null != chunks[chunk] &&
            (slot & chunkMask) < chunks[chunk].getInt(HWM_OFFSET);
    }

    /**
     * Points a flyweight at a slot; its state accesses are then checked against this arena's state length.
     *
     * @param cell to wrap.
     * @param slot index, which must exist.
     * @return the flyweight.
     */
    public CellFlyweight wrap(final CellFlyweight cell, final int slot)
    {
        return cell.storage(storage, chunkShift)
            .wrap(chunks[slot >>> chunkShift], slotOffset(slot & chunkMask, headerStride), slot, stateLength);
    }

    /**
     * Adds a family with its root chunk, at the bound: after every family there is, so that families added one after
     * another are contiguous. Owner thread only, while no worker runs.
     *
     * @return index of the new family.
     * @throws IllegalStateException when the slot index space (2^31 slots) is used up.
     */
    public synchronized int addFamily()
    {
        ensureOpen();
        if (familyCount == maxFamilies)
        {
            throw new IllegalStateException("arena is full: " + maxFamilies + " families of " + FAMILY_CHUNKS +
                " chunks of " + chunkSlots + " slots");
        }
        final int family = familyCount;
        addFamilyAt(family);
        return family;
    }

    /**
     * Adds a family with its root chunk at an index no family has, below {@link #maxFamilies()}: the bound moves past
     * it if it was above. By the worker that will own it, during a tick, as a lineage outgrows its family.
     *
     * @param family index, unused.
     * @throws IllegalStateException if the index is out of range or a family has it.
     */
    public void addFamilyAt(final int family)
    {
        synchronized (this)
        {
            ensureOpen();
            if (family < 0 || family >= maxFamilies || hasChunk(family << FAMILY_SHIFT))
            {
                throw new IllegalStateException("cannot add family " + family + ": " + (family >= 0 && family <
                    maxFamilies ? "it exists" : "families are 0.." + (maxFamilies - 1)));
            }
            ensureFamilies(family + 1);
            if (family >= familyCount)
            {
                familyCount = family + 1;
                if (null != file)
                {
                    file.familyCount(familyCount);
                }
            }
        }
        addChunk(family << FAMILY_SHIFT);
    }

    /**
     * Whether a family has been added.
     *
     * @param family index, any int.
     * @return true if its root chunk exists.
     */
    public boolean hasFamily(final int family)
    {
        return family >= 0 && family < maxFamilies && hasChunk(family << FAMILY_SHIFT);
    }

    /** Most families this arena can hold: every slot index must fit a non-negative int. */
    public int maxFamilies()
    {
        return maxFamilies;
    }

    /**
     * Creates a chunk of an existing family: by the family's owner, during a tick or between ticks. Its memory is
     * obtained and first touched without the arena's lock, so that workers creating chunks at once fault their pages
     * in parallel (under the lock, a worker's first 2 MiB page of each chunk, cleared by the kernel, held the other
     * up); the chunk joins the arena under it, so that two workers growing the arena at once lose neither chunk.
     *
     * @param chunk index, below {@link #chunkBound()}, not created yet.
     */
    public void addChunk(final int chunk)
    {
        synchronized (this)
        {
            ensureOpen();
            if (chunk < 0 || chunk >= chunkBound() || null != chunks[chunk])
            {
                throw new IllegalStateException("cannot create chunk " + chunk + ": families=" + familyCount +
                    (chunk >= 0 && chunk < chunkBound() ? ", it exists" : ""));
            }
        }
        final MemoryBudget budget = this.budget;
        if (null != budget)
        {
            budget.charge(chunkLength, "arena chunk " + chunk + " (family " + (chunk >>> FAMILY_SHIFT) + ")");
        }
        try
        {
            final boolean placed = null == standIns || !standIns.covers(chunk);
            final long raw = null == file ? memory.obtain(chunk, placed) : 0;
            synchronized (this)
            {
                final UnsafeBuffer buffer = null == file ? memory.record(chunk, raw, placed) : file.mapChunk(chunk);
                chargedBytes += null == budget ? 0 : chunkLength;
                buffer.putInt(FREE_HEAD_OFFSET, NULL_LINK);
                buffer.putLongRelease(CHUNK_MAGIC_OFFSET, CHUNK_MAGIC);
                chunks[chunk] = buffer;
            }
        }
        catch (final RuntimeException | Error ex)
        {
            if (null != budget)
            {
                budget.release(chunkLength);
            }
            throw ex;
        }
    }

    private void ensureFamilies(final int families)
    {
        final int length = families << FAMILY_SHIFT;
        if (length > chunks.length)
        {
            final int newLength = Math.max(length, Math.min(chunks.length * 2, maxFamilies << FAMILY_SHIFT));
            memory.ensureCapacity(newLength);
            final UnsafeBuffer[] grown = Arrays.copyOf(chunks, newLength);
            // Other workers read the array without a lock: the copy is complete before they can see it. They only
            // look up chunks that existed when the tick began, which are in both arrays.
            VarHandle.releaseFence();
            chunks = grown;
        }
    }

    /**
     * Takes a free slot from a chunk: the most recently freed one, else the next never-used one.
     * The slot's generation is its new occupant's; its status is still {@link CellDescriptor#STATUS_FREE}.
     *
     * @param chunk to allocate in.
     * @return the slot index, or -1 when the chunk is full.
     */
    public int allocate(final int chunk)
    {
        final UnsafeBuffer buffer = chunks[chunk];
        if (null != standIns && standIns.covers(chunk))
        {
            return standIns.allocate(buffer, chunk);
        }
        final int freeHead = buffer.getInt(FREE_HEAD_OFFSET);
        final int index;
        if (NULL_LINK != freeHead)
        {
            index = freeHead;
            final int link = slotOffset(index, headerStride) + LINK_OFFSET + headerSkew();
            buffer.putInt(FREE_HEAD_OFFSET, buffer.getInt(link));
        }
        else
        {
            index = buffer.getInt(HWM_OFFSET);
            if (index == chunkSlots)
            {
                return -1;
            }
            buffer.putInt(HWM_OFFSET, index + 1);
            buffer.putInt(slotOffset(index, headerStride) + GENERATION_OFFSET, 1);
        }
        buffer.putInt(LIVE_OFFSET, buffer.getInt(LIVE_OFFSET) + 1);
        return (chunk << chunkShift) | index;
    }

    /**
     * Takes the first {@code count} slots of a chunk that has never held a cell, at once: what {@code count} calls of
     * {@link #allocate(int)} would do to the chunk's counts, without writing the slots, whose headers (generation 1
     * first) the caller writes, as a cohort's spawn does in one pass over each cell.
     *
     * @param chunk of this arena's own memory (not a stand-in's), never allocated in.
     * @param count slots taken, 0 to {@link #chunkSlots()}.
     * @throws IllegalStateException if the chunk has held a cell or the count is out of range.
     */
    public void allocateFresh(final int chunk, final int count)
    {
        final UnsafeBuffer buffer = chunks[chunk];
        if (count < 0 || count > chunkSlots || 0 != buffer.getInt(HWM_OFFSET) ||
            (null != standIns && standIns.covers(chunk)))
        {
            throw new IllegalStateException("cannot take " + count + " fresh slots of chunk " + chunk + ": " +
                buffer.getInt(HWM_OFFSET) + " used of " + chunkSlots);
        }
        buffer.putInt(HWM_OFFSET, count);
        buffer.putInt(LIVE_OFFSET, count);
    }

    /**
     * Returns a slot to its chunk's free list, advancing its generation so old handles go stale.
     *
     * @param slot to free; it must be allocated.
     */
    public void free(final int slot)
    {
        final UnsafeBuffer buffer = chunks[slot >>> chunkShift];
        if (null != standIns && standIns.coversSlot(slot))
        {
            standIns.free(buffer, slot);
            return;
        }
        final int index = slot & chunkMask;
        final int offset = slotOffset(index, headerStride);
        final int generation = buffer.getInt(offset + GENERATION_OFFSET) + 1;
        buffer.putInt(offset + GENERATION_OFFSET, 0 == generation ? 1 : generation);
        buffer.putByte(offset + STATUS_OFFSET, STATUS_FREE);
        buffer.putInt(offset + LINK_OFFSET + headerSkew(), buffer.getInt(FREE_HEAD_OFFSET));
        buffer.putInt(FREE_HEAD_OFFSET, index);
        buffer.putInt(LIVE_OFFSET, buffer.getInt(LIVE_OFFSET) - 1);
    }

    /**
     * Number of allocated slots in a chunk.
     *
     * @param chunk index of an existing chunk.
     * @return live slots.
     */
    public int live(final int chunk)
    {
        return chunks[chunk].getInt(LIVE_OFFSET);
    }

    /**
     * High-water mark of a chunk: slots at or above it were never used.
     *
     * @param chunk index of an existing chunk.
     * @return high-water mark.
     */
    public int highWater(final int chunk)
    {
        return chunks[chunk].getInt(HWM_OFFSET);
    }

    /**
     * Whether a chunk exists and has a free slot.
     *
     * @param chunk index.
     * @return true if {@link #allocate(int)} would succeed.
     */
    public boolean hasFree(final int chunk)
    {
        return hasChunk(chunk) && chunks[chunk].getInt(LIVE_OFFSET) < chunkSlots;
    }

    /** Total allocated slots over all chunks. */
    public long live()
    {
        return created().mapToLong((c) -> chunks[c].getInt(LIVE_OFFSET)).sum();
    }

    /**
     * Bytes of the arena's chunks: the sum of the lengths of the buffers of every chunk created (its header, slots,
     * both bitmaps and its int column), so it follows what was allocated or mapped rather than a formula. An anonymous
     * chunk's allocation also has up to one alignment (a cache line, or 2 MiB where huge pages are asked for) of
     * address space in front that is never touched; that is not counted. Nor are a sharded run's stand-in chunks
     * (the other shards' workers', {@link StandInChunks}): address space reserved for slots this process never
     * writes, of which only the header and bitmaps are touched; so the shards' figures add up to one process's. Call
     * it between runs, as {@link #chunkCount()}.
     *
     * @return bytes of the chunks created that hold this process's cells.
     */
    public long allocatedBytes()
    {
        return created().filter((c) -> null == standIns || !standIns.covers(c)).mapToLong((c) -> chunks[c].capacity())
            .sum();
    }

    /** Number of chunks created. */
    public int chunkCount()
    {
        return (int)created().count();
    }

    private IntStream created()
    {
        return IntStream.range(0, chunkBound()).filter((c) -> null != chunks[c]);
    }

    /**
     * Frees every chunk and family of an anonymous arena, leaving it as {@link #inMemory(int, int)} made it (a
     * checkpoint restore then adds the checkpoint's). Owner thread only, while no worker runs.
     *
     * @throws IllegalStateException for a file-backed arena, whose chunks stay in its file.
     */
    public void clear()
    {
        ensureOpen();
        if (null != file)
        {
            throw new IllegalStateException("a file-backed arena cannot be cleared: " + file.path());
        }
        memory.close();
        Arrays.fill(chunks, null);
        familyCount = 0;
        if (null != standIns)
        {
            standIns.clear();
        }
    }

    /**
     * Writes a file-backed arena's pages to disk; does nothing for anonymous memory.
     */
    public void force()
    {
        if (null != file && !closed)
        {
            file.force();
        }
    }

    /**
     * Releases the memory (anonymous) or unmaps and closes the file; the file stays on disk.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        memory.close();
        if (null != budget)
        {
            synchronized (this)
            {
                budget.release(chargedBytes);
                chargedBytes = 0;
            }
        }
        if (null != file)
        {
            file.close();
        }
        Arrays.fill(chunks, null);
        familyCount = 0;
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("arena is closed");
        }
    }
}
