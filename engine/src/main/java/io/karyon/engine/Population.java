package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.Handle;
import io.karyon.engine.internal.Arena;
import io.karyon.engine.internal.ArenaDescriptor;
import io.karyon.engine.internal.StandInChunks;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

import static io.karyon.engine.cell.CellDescriptor.BEHAVIOUR_ID_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.FLAGS_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.GENERATION_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.HEADER_LENGTH;
import static io.karyon.engine.cell.CellDescriptor.LINK_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.NO_SUPERVISOR;
import static io.karyon.engine.cell.CellDescriptor.NULL_LINK;
import static io.karyon.engine.cell.CellDescriptor.STATUS_ALIVE;
import static io.karyon.engine.cell.CellDescriptor.STATUS_OFFSET;
import static io.karyon.engine.cell.CellDescriptor.SUPERVISOR_ROW_OFFSET;
import static io.karyon.engine.internal.Arena.FAMILY_CHUNKS;
import static io.karyon.engine.internal.Arena.FAMILY_SHIFT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * The slots of one worker's cells: the chunks it owns (in the order a tick walks them), births into free slots and
 * the freeing of dead ones (and of their edges), the step bitmap that says which cells have a tick step, and the count
 * of live cells by behaviour, kept as cells are born, die and become another behaviour.
 * <p>
 * A cell born in a tick gets its step bit only at the end of the tick, so that it starts the next one; a chunk created
 * in a tick (its family's other chunks being full) joins the walk at the end of the tick too.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker. The driver touches it only while no tick runs.
 */
final class Population extends WorkerPadding
{
    private static final int COUNT_PAD = 8;

    private final Slice slice;
    private final Arena arena;
    private final int chunkShift;
    private final int familyBitShift;
    private final int chunkMask;
    private final Lineages lineage = new Lineages();
    private final int stateLength;
    private final int stepOffset;
    private final CellFlyweight scratch = new CellFlyweight();
    /** Where {@link #spawnFreshRun} composes a fresh cell's header. */
    private final UnsafeBuffer freshHeader = new UnsafeBuffer(new byte[HEADER_LENGTH]);
    /**
     * Chunks of the families this worker owns, ascending: the order of every walk over the worker's cells.
     */
    final IntArrayList chunks = new IntArrayList();
    private final IntArrayList newChunks = new IntArrayList();
    private final IntArrayList newborn = new IntArrayList();
    private final Edges edges;
    private boolean[] hasTick = new boolean[0];
    /**
     * By chunk: whether a tick step was ever set in it since the last restore. A tick visits the cells of a chunk
     * that never had one by its mail alone (see {@link MailWords#deliverChunk}), without reading its step bitmap.
     */
    private boolean[] stepping = new boolean[0];
    /**
     * Live cells of this worker by current behaviour id, at {@code COUNT_PAD + id}: kept at every birth, death and
     * become. The pad (a cache line each side) keeps the workers' arrays, allocated side by side, off each other's
     * lines.
     */
    private long[] liveByBehaviour = new long[2 * COUNT_PAD];
    private int lowestFreedChunk = Integer.MAX_VALUE;
    /** Another shard's worker in a sharded run: its cells are spawned but never written here (StandInChunks). */
    private boolean standIn;
    private long initialisedSlots;

    Population(final Slice slice, final Arena arena, final int stepOffset, final Edges edges)
    {
        this.edges = edges;
        this.slice = slice;
        this.arena = arena;
        this.chunkShift = arena.chunkShift();
        this.familyBitShift = chunkShift + FAMILY_SHIFT;
        this.chunkMask = arena.chunkSlots() - 1;
        this.stateLength = arena.stateLength();
        this.stepOffset = stepOffset;
    }

    void behaviours(final Behaviour[] behaviours)
    {
        final boolean[] hasTick = new boolean[behaviours.length];
        for (int i = 0; i < behaviours.length; i++)
        {
            hasTick[i] = behaviours[i].hasTick();
        }
        this.hasTick = hasTick;
        this.liveByBehaviour = Arrays.copyOf(liveByBehaviour, behaviours.length + 2 * COUNT_PAD);
    }

    /**
     * Live cells of this worker whose current behaviour is {@code behaviourId}, a registered one.
     */
    long liveWith(final short behaviourId)
    {
        return liveByBehaviour[COUNT_PAD + behaviourId];
    }

    /**
     * Switches a live cell to another behaviour: its header, its count and its step bit (set if the new behaviour has
     * a tick step, so it is stepped from the next tick; cleared otherwise, so it costs nothing).
     *
     * @throws IllegalArgumentException if no behaviour has that id.
     */
    void become(final CellFlyweight cell, final short behaviourId)
    {
        final boolean[] hasTick = this.hasTick;
        if (behaviourId < 0 || behaviourId >= hasTick.length)
        {
            throw new IllegalArgumentException("become: no behaviour has id " + behaviourId + " (" + hasTick.length +
                " registered)");
        }
        final short old = cell.behaviourId();
        if (old == behaviourId)
        {
            return;
        }
        cell.behaviourId(behaviourId);
        liveByBehaviour[COUNT_PAD + old]--;
        liveByBehaviour[COUNT_PAD + behaviourId]++;
        if (hasTick[behaviourId])
        {
            setStep(cell.slot());
        }
        else
        {
            clearStep(cell.slot());
        }
    }

    /**
     * A cell of a cohort, born outside a tick into a fresh slot: initialised from its genotype, then by
     * {@code init}, after which its behaviour (the initializer may have chosen another) decides its count and step
     * bit.
     *
     * @return the cell's handle.
     * @throws IllegalArgumentException if the initializer left a behaviour id no behaviour has (the cell keeps its
     *                                  genotype's).
     */
    long spawnCohortCell(final int slot, final Genotype genotype, final long index, final CellInitializer init,
        final CellFlyweight cell, final SetupRandom random)
    {
        if (standIn)
        {
            return countStandIn(slot, genotype);
        }
        final long handle = initialise(slot, genotype);
        final short genotypeBehaviour = genotype.behaviourId();
        if (hasTick[genotypeBehaviour])
        {
            setStep(slot);
        }
        if (null != init)
        {
            runInitializer(arena.wrap(cell, slot), index, genotypeBehaviour, init, random);
        }
        return handle;
    }

    /**
     * The cells of a cohort that fill the first {@code count} slots of a fresh chunk of this worker's, in one pass
     * over each: what {@link Arena#allocate(int)} and {@link #spawnCohortCell} would do cell by cell, with the header
     * written as two words and the chunk's and this worker's counts kept once for the run, so that each cell costs the
     * first touch of its slot, its state and its initializer. The cell whose initializer threw counts as spawned, as
     * in {@link #spawnCohortCell}; those after it are not.
     *
     * @param chunk      fresh, of a family this worker owns; not a stand-in's.
     * @param firstIndex cohort index of the cell in the chunk's slot 0.
     * @param stream     the cohort's set-up stream, for {@code random}.
     */
    void spawnFreshRun(final int chunk, final long firstIndex, final int count, final Genotype genotype,
        final CellInitializer init, final CellFlyweight cell, final SetupRandom random, final long stream)
    {
        final short genotypeBehaviour = genotype.behaviourId();
        final boolean steps = hasTick[genotypeBehaviour];
        final UnsafeBuffer buffer = arena.chunk(chunk);
        final UnsafeBuffer genotypeState = genotype.state();
        final int stride = arena.headerStride();
        final int secondOffset = SIZE_OF_LONG + arena.headerSkew();
        final int firstSlot = chunk << chunkShift;
        // The fresh header, composed through the fields' own offsets and widths, as its two words.
        final UnsafeBuffer header = freshHeader;
        header.putInt(GENERATION_OFFSET, 1);
        header.putByte(STATUS_OFFSET, STATUS_ALIVE);
        header.putByte(FLAGS_OFFSET, (byte)0);
        header.putShort(BEHAVIOUR_ID_OFFSET, genotypeBehaviour);
        header.putInt(SUPERVISOR_ROW_OFFSET, NO_SUPERVISOR);
        header.putInt(LINK_OFFSET, NULL_LINK);
        final long firstWord = header.getLong(0);
        final long secondWord = header.getLong(SIZE_OF_LONG);
        int made = 0;
        try
        {
            arena.wrap(cell, firstSlot);
            for (int i = 0; i < count; i++)
            {
                final int offset = ArenaDescriptor.slotOffset(i, stride);
                buffer.putLong(offset, firstWord);
                buffer.putLong(offset + secondOffset, secondWord);
                cell.wrap(buffer, offset, firstSlot + i, stateLength).copyState(genotypeState, stateLength);
                made++;
                if (steps)
                {
                    setStep(firstSlot + i);
                }
                if (null != init)
                {
                    random.key(stream, firstIndex + i);
                    runInitializer(cell, firstIndex + i, genotypeBehaviour, init, random);
                }
            }
        }
        finally
        {
            arena.allocateFresh(chunk, made);
            liveByBehaviour[COUNT_PAD + genotypeBehaviour] += made;
            slice.spawned += made;
            initialisedSlots += made;
        }
    }

    /**
     * A cohort cell's initializer, over the cell wrapped, after which the behaviour it chose (if another) is the
     * cell's through {@link #become}.
     */
    private void runInitializer(final CellFlyweight cell, final long index, final short genotypeBehaviour,
        final CellInitializer init, final SetupRandom random)
    {
        short chosen = genotypeBehaviour;
        try
        {
            init.init(index, cell, random);
        }
        finally
        {
            // Back to the genotype's, which it is counted under: become moves it, and a throw leaves it consistent.
            chosen = cell.behaviourId();
            cell.behaviourId(genotypeBehaviour);
        }
        if (chosen != genotypeBehaviour)
        {
            become(cell, chosen);
        }
    }

    /**
     * Takes a chunk of a family this worker owns. Driver only, between ticks.
     */
    void addOwnedChunk(final int chunk)
    {
        insertSorted(chunks, chunk);
    }

    long liveCells()
    {
        long live = 0;
        for (int i = 0, size = chunks.size(); i < size; i++)
        {
            live += arena.live(chunks.getInt(i));
        }
        return live;
    }

    /**
     * Checkpoint restore: forgets every chunk and count, before the checkpoint's chunks are added. Driver only.
     */
    void clearForRestore()
    {
        chunks.clear();
        newChunks.clear();
        newborn.clear();
        Arrays.fill(liveByBehaviour, 0);
        lowestFreedChunk = Integer.MAX_VALUE;
        lineage.clear();
        Arrays.fill(stepping, false);
    }

    /**
     * The chains of families lineages grew into (checkpoints write and read them with each family's block).
     */
    Lineages lineages()
    {
        return lineage;
    }

    /**
     * Checkpoint restore: counts a live cell of a behaviour restored into one of this worker's chunks.
     */
    void countRestored(final short behaviourId)
    {
        if (behaviourId >= 0 && behaviourId < hasTick.length)
        {
            liveByBehaviour[COUNT_PAD + behaviourId]++;
        }
    }

    /**
     * The lowest chunk a slot was freed in since the driver last took it, without taking it.
     */
    int lowestFreedChunk()
    {
        return lowestFreedChunk;
    }

    void lowestFreedChunk(final int chunk)
    {
        lowestFreedChunk = chunk;
    }

    int takeLowestFreedChunk()
    {
        final int lowest = lowestFreedChunk;
        lowestFreedChunk = Integer.MAX_VALUE;
        return lowest;
    }

    boolean isLive(final long handle)
    {
        final int slot = Handle.slot(handle);
        if (!arena.exists(slot))
        {
            return false;
        }
        final StandInChunks standIns = arena.standIns();
        if (null != standIns && standIns.coversSlot(slot))
        {
            return standIns.isLive(handle);
        }
        arena.wrap(scratch, slot);
        return STATUS_ALIVE == scratch.status() && scratch.generation() == Handle.generation(handle);
    }

    /**
     * A cell born outside a tick (the driver's spawns, restarts): it has its step bit at once.
     */
    long spawnAt(final int slot, final Genotype genotype)
    {
        if (standIn)
        {
            return countStandIn(slot, genotype);
        }
        final long handle = initialise(slot, genotype);
        if (hasTick[genotype.behaviourId()])
        {
            setStep(slot);
        }
        return handle;
    }

    /**
     * A cell born in a tick beside its parent: it starts the next tick.
     */
    long spawnChild(final int parentSlot, final Genotype genotype)
    {
        final int slot = allocate(parentSlot >>> chunkShift);
        newborn.addInt(slot);
        return initialise(slot, genotype);
    }

    /**
     * A free slot in {@code chunk}, or else in its lineage: the first chunk with room of the family the lineage last
     * found room in, or of the families after it, creating chunks and, when every family of the lineage is full,
     * adding the next free family of the same class ({@link Arena#FAMILY_CLASSES}), which this worker owns whatever the
     * number of workers. A bounded search a spawn (at most {@link Arena#FAMILY_CHUNKS} chunks), however long the
     * lineage.
     *
     * @throws MemoryBudget.Exceeded if a chunk the lineage needs would pass the memory budget.
     */
    int allocate(final int chunk)
    {
        final int slot = arena.allocate(chunk);
        return slot >= 0 ? slot : allocateInLineage(chunk >>> FAMILY_SHIFT);
    }

    /**
     * A free slot in {@code chunk}, or else in the first chunk of its family with room, creating the next chunk of
     * the family if all are full: for supervised cells, which stay in their supervision home's family.
     *
     * @throws KaryonException if the family is full.
     */
    int allocateInHome(final int chunk)
    {
        int slot = arena.allocate(chunk);
        if (slot < 0)
        {
            slot = allocateInFamily(chunk & -FAMILY_CHUNKS);
        }
        if (slot < 0)
        {
            throw new KaryonException("supervision home family " + (chunk >>> FAMILY_SHIFT) + " is full: " +
                FAMILY_CHUNKS + " chunks of " + arena.chunkSlots() + " slots; spread the supervisors over more " +
                "homes (" + Configuration.SUPERVISION_HOMES_PROP_NAME + ") or raise " +
                Configuration.CHUNK_SHIFT_PROP_NAME);
        }
        return slot;
    }

    private int allocateInLineage(final int family)
    {
        final int root = lineage.rootOf(family);
        int current = lineage.hintOf(root);
        while (true)
        {
            final int slot = allocateInFamily(current << FAMILY_SHIFT);
            if (slot >= 0)
            {
                lineage.hint(root, current);
                return slot;
            }
            final int next = lineage.nextOf(current);
            current = next >= 0 ? next : addFamilyTo(root, current);
        }
    }

    /**
     * Adds the lowest free family of the lineage's class after its last family, and takes its root chunk.
     */
    private int addFamilyTo(final int root, final int last)
    {
        final int maxFamilies = arena.maxFamilies();
        int family = root & (Arena.FAMILY_CLASSES - 1);
        while (family < maxFamilies && arena.hasFamily(family))
        {
            family += Arena.FAMILY_CLASSES;
        }
        if (family >= maxFamilies)
        {
            throw new OutOfMemoryError("out of memory: the lineage of family " + root + " fills every family of its " +
                "class (" + (maxFamilies / Arena.FAMILY_CLASSES) + " families of " +
                FAMILY_CHUNKS * (long)arena.chunkSlots() + " slots): an organism has 2^31 slots, 1/" +
                Arena.FAMILY_CLASSES + " of them for one lineage");
        }
        arena.addFamilyAt(family);
        lineage.link(root, last, family);
        final int chunk = family << FAMILY_SHIFT;
        newChunks.addInt(chunk);
        lowestFreedChunk = Math.min(lowestFreedChunk, chunk);
        return family;
    }

    /**
     * A free slot in the family whose root chunk is given, creating its next chunk if all are full; -1 if all 32 are.
     */
    private int allocateInFamily(final int root)
    {
        for (int chunk = root; chunk < root + FAMILY_CHUNKS; chunk++)
        {
            if (!arena.hasChunk(chunk))
            {
                arena.addChunk(chunk);
                newChunks.addInt(chunk);
                // A new chunk has free slots the driver's spawns may use: it counts as freed for the fill hint.
                lowestFreedChunk = Math.min(lowestFreedChunk, chunk);
                return arena.allocate(chunk);
            }
            final int slot = arena.allocate(chunk);
            if (slot >= 0)
            {
                return slot;
            }
        }
        return -1;
    }

    /**
     * Writes a genotype's state and a fresh header into an allocated slot.
     *
     * @return the new cell's handle.
     */
    long initialise(final int slot, final Genotype genotype)
    {
        return initialise(slot, genotype, NO_SUPERVISOR);
    }

    /**
     * Writes a genotype's state and a fresh header naming a supervisor row into an allocated slot: a restart's, in
     * one pass over the header.
     *
     * @return the new cell's handle.
     */
    long initialise(final int slot, final Genotype genotype, final int supervisorRow)
    {
        if (standIn)
        {
            return countStandIn(slot, genotype);
        }
        initialisedSlots++;
        final CellFlyweight child = arena.wrap(scratch, slot);
        child.copyState(genotype.state(), stateLength)
            .status(STATUS_ALIVE)
            .flags((byte)0)
            .behaviourId(genotype.behaviourId())
            .supervisorRow(supervisorRow)
            .link(NULL_LINK);
        liveByBehaviour[COUNT_PAD + genotype.behaviourId()]++;
        slice.spawned++;
        return Handle.of(slot, child.generation());
    }

    /**
     * Enters a cell born outside a tick as a child of a supervisor row.
     */
    void supervisorRow(final int slot, final int row)
    {
        if (standIn)
        {
            return;
        }
        arena.wrap(scratch, slot).supervisorRow(row);
    }

    /**
     * Makes this the population of another shard's worker (see {@link StandInChunks}): its spawns, the set-up's, hand
     * out the owner's handles and counts, and write no slot. Before any spawn.
     */
    void standIn()
    {
        standIn = true;
    }

    /**
     * Whether this is the population of another shard's worker: its cells are not here.
     */
    boolean isStandIn()
    {
        return standIn;
    }

    /**
     * Slots this process wrote a cell into for this worker (spawns, restarts; checkpoint restores not counted): none
     * for a stand-in.
     */
    long initialisedSlots()
    {
        return initialisedSlots;
    }

    /**
     * A stand-in's spawn: counted as the owner counts it, the slot left unwritten.
     */
    private long countStandIn(final int slot, final Genotype genotype)
    {
        liveByBehaviour[COUNT_PAD + genotype.behaviourId()]++;
        slice.spawned++;
        return arena.standIns().handle(slot);
    }

    boolean hasTick(final int behaviourId)
    {
        return hasTick[behaviourId];
    }

    /**
     * Frees a dead cell's slot: no step bit, and the slot free for the next birth in its chunk.
     *
     * @param id the behaviour id in its header, read by the caller, which has the cell wrapped already.
     */
    void free(final int slot, final short id)
    {
        if (id >= 0 && id < hasTick.length)
        {
            liveByBehaviour[COUNT_PAD + id]--;
        }
        edges.clear(slot);
        clearStep(slot);
        arena.free(slot);
        lineage.freed(slot >>> familyBitShift);
        final int chunk = slot >>> chunkShift;
        if (chunk < lowestFreedChunk)
        {
            lowestFreedChunk = chunk;
        }
    }

    /**
     * Takes into the chunk list the overflow chunks created since the last look, by spawns in a tick or by the
     * driver's supervised spawns between ticks.
     */
    void adoptNewChunks()
    {
        final IntArrayList newChunks = this.newChunks;
        if (!newChunks.isEmpty())
        {
            for (int i = 0, size = newChunks.size(); i < size; i++)
            {
                insertSorted(chunks, newChunks.getInt(i));
            }
            newChunks.clear();
        }
    }

    /**
     * Gives the cells born in this tick their step bits, so that they start the next one.
     */
    void activateNewborn()
    {
        final IntArrayList newborn = this.newborn;
        final CellFlyweight child = scratch;
        for (int i = 0, size = newborn.size(); i < size; i++)
        {
            final int slot = newborn.getInt(i);
            arena.wrap(child, slot);
            if (STATUS_ALIVE == child.status() && hasTick[child.behaviourId()])
            {
                setStep(slot);
            }
        }
        newborn.clear();
    }

    /**
     * Whether a chunk may have cells with a tick step: false only if none was ever set in it since the last restore.
     */
    boolean mayStep(final int chunk)
    {
        return chunk < stepping.length && stepping[chunk];
    }

    /**
     * Notes that a chunk may have cells with a tick step (a step bit set, or restored).
     */
    void markStepping(final int chunk)
    {
        if (chunk >= stepping.length)
        {
            stepping = Arrays.copyOf(stepping, Math.max(chunk + 1, 2 * stepping.length));
        }
        stepping[chunk] = true;
    }

    void setStep(final int slot)
    {
        if (!mayStep(slot >>> chunkShift))
        {
            markStepping(slot >>> chunkShift);
        }
        final UnsafeBuffer buffer = arena.chunk(slot >>> chunkShift);
        final int index = slot & chunkMask;
        final int offset = stepOffset + ((index >>> 6) << 3);
        buffer.putLong(offset, buffer.getLong(offset) | (1L << index));
    }

    void clearStep(final int slot)
    {
        final UnsafeBuffer buffer = arena.chunk(slot >>> chunkShift);
        final int index = slot & chunkMask;
        final int offset = stepOffset + ((index >>> 6) << 3);
        buffer.putLong(offset, buffer.getLong(offset) & ~(1L << index));
    }

    private static void insertSorted(final IntArrayList list, final int value)
    {
        int i = list.size();
        while (i > 0 && list.getInt(i - 1) > value)
        {
            i--;
        }
        list.addInt(i, value);
    }
}
