package io.karyon.engine;

import io.karyon.engine.cell.CellDescriptor;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellStorage;
import io.karyon.engine.cell.Handle;
import io.karyon.engine.internal.Arena;
import io.karyon.engine.internal.StandInChunks;
import io.karyon.numa.NumaBinding;
import org.agrona.concurrent.UnsafeBuffer;

import static io.karyon.engine.internal.Arena.FAMILY_CLASSES;
import static io.karyon.engine.internal.Arena.FAMILY_SHIFT;

/**
 * Which worker owns which chunks, where a cell spawned from outside goes, and the driver's look-ups of slots.
 * <p>
 * The arena grows a family of {@link Arena#FAMILY_CHUNKS} chunks at a time, and family {@code f} belongs to worker
 * {@code (f % FAMILY_CLASSES) % workerCount} for life, so a cell is only ever written by one thread and cells spawned
 * by cells stay beside their parent on its worker, in its family or, once that is full, in further families of its
 * class ({@link Population}). Families are added in the order the driver's calls need them, which does not
 * depend on the number of workers. A spawn from outside goes where the context's {@link Placement} says: the lowest
 * free slot ({@link Placement#FILL}), or worker after worker ({@link Placement#ROUND_ROBIN}); hints remember where
 * the last search stopped, and are lowered when a kill or a tick frees a lower slot.
 * <p>
 * <b>Note:</b> not threadsafe; only the driver calls it, while no tick runs.
 */
final class Families
{
    private final Arena arena;
    private final Slice[] slices;
    private final Placement placement;
    private final Edges edges;
    private final int workerCount;
    private final int[] roundRobinHint;
    private int fillHint;
    private Slice fillSlice;
    private long spawnCount;
    private UnsafeBuffer standInScratch;

    Families(final Arena arena, final Slice[] slices, final Placement placement, final Edges edges)
    {
        this.edges = edges;
        this.arena = arena;
        this.slices = slices;
        this.placement = placement;
        this.workerCount = slices.length;
        this.roundRobinHint = new int[workerCount];
    }

    /**
     * The arena a context asks for: in a file, on huge pages or in plain memory, its chunks charged to a budget of the
     * context's {@link Context#maxMemory()}; it starts with no family.
     */
    static Arena createArena(final Context context)
    {
        final Arena arena;
        if (null != context.arenaFile())
        {
            arena = Arena.create(context.arenaFile(), context.stateLength(), context.chunkShift());
        }
        else
        {
            arena = Arena.inMemory(
                context.stateLength(), context.chunkShift(), context.cellStorage(), context.hugePages());
        }
        arena.budget(new MemoryBudget(context.maxMemory()));
        return arena;
    }

    /**
     * The worker that owns a family: the owner of its class ({@link Arena#FAMILY_CLASSES}).
     */
    static int ownerOfFamily(final int family, final int workerCount)
    {
        return (family & (FAMILY_CLASSES - 1)) % workerCount;
    }

    /**
     * The worker that owns a chunk: the owner of its family.
     */
    static int ownerOfChunk(final int chunk, final int workerCount)
    {
        return ownerOfFamily(chunk >>> FAMILY_SHIFT, workerCount);
    }

    int ownerOfChunk(final int chunk)
    {
        return ownerOfChunk(chunk, workerCount);
    }

    /**
     * The slice that owns a slot.
     */
    Slice sliceOfSlot(final int slot)
    {
        return slices[ownerOfChunk(arena.chunkOf(slot))];
    }

    /**
     * The slice that owns a chunk.
     */
    Slice sliceOfChunk(final int chunk)
    {
        return slices[ownerOfChunk(chunk)];
    }

    /**
     * Points a flyweight at a live cell.
     *
     * @throws IllegalArgumentException if the handle is stale or names no cell.
     */
    CellFlyweight wrapLive(final CellFlyweight cell, final long handle)
    {
        final int slot = Handle.slot(handle);
        if (!arena.exists(slot))
        {
            throw new IllegalArgumentException("handle " + Handle.toString(handle) + " names no cell: slot " +
                Integer.toUnsignedString(slot) + " was never used");
        }
        final StandInChunks standIns = arena.standIns();
        if (null != standIns && standIns.coversSlot(slot))
        {
            return standInCell(standIns, cell, handle);
        }
        arena.wrap(cell, slot);
        if (CellDescriptor.STATUS_ALIVE != cell.status() || cell.generation() != Handle.generation(handle))
        {
            throw new IllegalArgumentException("handle " + Handle.toString(handle) + " is stale: slot " + slot +
                " holds generation " + cell.generation() + " with status " + cell.status());
        }
        return cell;
    }

    /**
     * The driver's view of another shard's cell in a sharded run, before the first tick: a scratch slot whose writes go
     * nowhere (the owner's shard makes the same writes to the cell itself) and whose state reads as zero (until written
     * through this view). After the first tick, refused.
     *
     * @throws IllegalArgumentException if the handle is stale, or if a tick has run.
     */
    private CellFlyweight standInCell(final StandInChunks standIns, final CellFlyweight cell, final long handle)
    {
        final int slot = Handle.slot(handle);
        if (!standIns.isLive(handle))
        {
            throw new IllegalArgumentException("handle " + Handle.toString(handle) + " is stale: slot " + slot +
                " holds generation " + standIns.generation(slot) + " (a cell of another shard)");
        }
        if (standIns.isSealed())
        {
            throw new IllegalArgumentException("cell " + Handle.toString(handle) + " is another shard's (worker " +
                ownerOfChunk(slot >>> arena.chunkShift()) + "): in a sharded run the driver reads and writes only " +
                "its own shard's cells once a tick has run");
        }
        if (null == standInScratch)
        {
            standInScratch = new UnsafeBuffer(new byte[arena.slotLength()]);
        }
        standInScratch.setMemory(0, standInScratch.capacity(), (byte)0);
        cell.storage(CellStorage.ROW, arena.chunkShift()).wrap(standInScratch, 0, slot, arena.stateLength());
        cell.generation(Handle.generation(handle)).status(CellDescriptor.STATUS_ALIVE);
        return cell;
    }

    /**
     * Adds a family to the arena and gives its first chunk to its worker.
     *
     * @return the family's index.
     */
    int addFamily()
    {
        final int family = arena.addFamily();
        own(family);
        return family;
    }

    /**
     * Checkpoint restore: adds a family at its index (families may be sparse: lineages grow into the families of
     * their class) and gives its first chunk to its worker.
     */
    void addFamilyAt(final int family)
    {
        arena.addFamilyAt(family);
        own(family);
    }

    private void own(final int family)
    {
        edges.ensureCapacity(arena.chunkBound());
        slices[ownerOfFamily(family, workerCount)].addOwnedChunk(family << FAMILY_SHIFT);
    }

    /**
     * Spawns a cell from outside a tick where the placement says.
     *
     * @return the cell's handle.
     */
    long spawn(final Genotype genotype)
    {
        if (Placement.ROUND_ROBIN == placement)
        {
            final int chunk = chunkOfWorker((int)(spawnCount++ % workerCount));
            return slices[ownerOfChunk(chunk)].spawnAt(arena.allocate(chunk), genotype);
        }
        // Fast path: the chunk the last spawn filled, while it has room and no lower slot was freed since.
        int slot = null == fillSlice ? -1 : arena.allocate(fillHint);
        if (slot < 0)
        {
            final int chunk = chunkToFill();
            fillSlice = slices[ownerOfChunk(chunk)];
            slot = arena.allocate(chunk);
        }
        return fillSlice.spawnAt(slot, genotype);
    }

    /**
     * Kills a live cell from outside; its slot is free at once, and the first a spawn tries.
     */
    void kill(final long handle)
    {
        final int chunk = arena.chunkOf(Handle.slot(handle));
        final int owner = ownerOfChunk(chunk);
        if (slices[owner].population().isStandIn())
        {
            throw new IllegalArgumentException("kill: cell " + Handle.toString(handle) + " is another shard's " +
                "(worker " + owner + "): in a sharded run the driver can kill only its own shard's cells");
        }
        slices[owner].kill(handle, ExitReasons.KILLED);
        freed(owner, chunk);
    }

    /**
     * After a run: the workers freed slots (deaths, restarts elsewhere), so the searches start again from the lowest
     * chunk each freed one in.
     */
    void takeFreedChunks()
    {
        for (int w = 0; w < workerCount; w++)
        {
            freed(w, slices[w].takeLowestFreedChunk());
        }
    }

    private void freed(final int worker, final int chunk)
    {
        if (chunk < fillHint)
        {
            fillHint = chunk;
            fillSlice = null;
        }
        roundRobinHint[worker] = Math.min(roundRobinHint[worker], chunk);
    }

    private int chunkToFill()
    {
        for (int c = fillHint, bound = arena.chunkBound(); c < bound; c++)
        {
            if (arena.hasFree(c))
            {
                fillHint = c;
                return c;
            }
        }
        final int chunk = addFamily() << FAMILY_SHIFT;
        fillHint = chunk;
        return chunk;
    }

    private int chunkOfWorker(final int worker)
    {
        for (int c = roundRobinHint[worker], bound = arena.chunkBound(); c < bound; c++)
        {
            if (ownerOfChunk(c) == worker && arena.hasFree(c))
            {
                roundRobinHint[worker] = c;
                return c;
            }
        }
        while (true)
        {
            final int family = addFamily();
            if (ownerOfFamily(family, workerCount) == worker)
            {
                roundRobinHint[worker] = family << FAMILY_SHIFT;
                return family << FAMILY_SHIFT;
            }
        }
    }

    // Checkpoints: the hints a spawn from outside starts its search from.

    int fillHint()
    {
        return fillHint;
    }

    int roundRobinHint(final int worker)
    {
        return roundRobinHint[worker];
    }

    long spawnCount()
    {
        return spawnCount;
    }

    /**
     * Puts back the hints, with one round-robin hint per worker (all 0, the lowest, when the worker count changed).
     */
    void restoreHints(final int fillHint, final int[] roundRobinHints, final long spawnCount)
    {
        this.fillHint = fillHint;
        this.fillSlice = null;
        System.arraycopy(roundRobinHints, 0, roundRobinHint, 0, workerCount);
        this.spawnCount = spawnCount;
    }

    /**
     * The NUMA node of each whole page of the first chunk of the family a worker was dealt first.
     *
     * @throws IllegalStateException if that chunk does not exist yet or the memory-binding library is absent.
     */
    int[] pageNodesOfFirstChunk(final int worker)
    {
        final int chunk = worker << FAMILY_SHIFT;
        if (!arena.hasChunk(chunk))
        {
            throw new IllegalStateException("worker " + worker + " has no chunk yet: its first family is added " +
                "when the arena has grown to " + (worker + 1) + " families");
        }
        if (!NumaBinding.isAvailable())
        {
            throw new IllegalStateException("the memory-binding library is absent: page nodes are unknown");
        }
        final long address = arena.chunk(chunk).addressOffset();
        final int pageSize = NumaBinding.pageSize();
        final long start = (address + pageSize - 1) & -pageSize;
        final long length = (address + arena.chunk(chunk).capacity() - start) & -pageSize;
        return NumaBinding.nodesOfPages(start, length);
    }
}
