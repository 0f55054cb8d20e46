package io.karyon.engine;

import io.karyon.engine.cell.Handle;

/**
 * Cells spawned together by {@link Organism#populate(Genotype, long, CellInitializer)}: {@code size()} cells of one
 * genotype, numbered from 0, whose handles are arithmetic on the index, so a cohort holds no per-cell object and
 * {@link #handle(long)} and {@link #index(long)} cost a few shifts.
 * <p>
 * An unsupervised cohort takes fresh families, filling the root chunk of each in turn (each family's other chunks
 * stay free for the children its cells spawn); families go to the workers in turn, so each worker sets up its share
 * in parallel. A supervised cohort takes a run of fresh chunks in its supervisor's home. Which slots a cohort gets
 * depends on the driver's calls only, never on the number of workers.
 * <p>
 * <b>Note:</b> immutable; threadsafe.
 */
public final class Cohort
{
    private final Object owner;
    private final int number;
    private final Genotype genotype;
    private final long size;
    private final long firstSlot;
    private final int runShift;
    private final int strideShift;

    /**
     * @param owner       what the cohort belongs to (its organism's population), for checks.
     * @param number      of the cohort in its organism, from 0: keys its random streams.
     * @param firstSlot   slot of index 0.
     * @param runShift    log2 of the cells in each run of consecutive slots.
     * @param strideShift log2 of the slots from one run's start to the next.
     */
    Cohort(final Object owner, final int number, final Genotype genotype, final long size, final long firstSlot,
        final int runShift, final int strideShift)
    {
        this.owner = owner;
        this.number = number;
        this.genotype = genotype;
        this.size = size;
        this.firstSlot = firstSlot;
        this.runShift = runShift;
        this.strideShift = strideShift;
    }

    /**
     * Number of cells.
     *
     * @return size, >= 0.
     */
    public long size()
    {
        return size;
    }

    /**
     * The genotype its cells were spawned from.
     *
     * @return the genotype.
     */
    public Genotype genotype()
    {
        return genotype;
    }

    /**
     * Handle of a cell of the cohort, as it was spawned (a cell that died, or was restarted in another slot, no
     * longer answers to it).
     *
     * @param index 0 to {@link #size()} - 1.
     * @return its handle.
     * @throws IndexOutOfBoundsException if the index is out of range.
     */
    public long handle(final long index)
    {
        if (index < 0 || index >= size)
        {
            throw new IndexOutOfBoundsException("cohort index must be in 0.." + (size - 1) + ": index=" + index);
        }
        return Handle.of(slotOf(index), 1);
    }

    /**
     * Index of a cell in the cohort.
     *
     * @param handle any handle.
     * @return its index, or -1 if it is not a handle of this cohort's cells as spawned.
     */
    public long index(final long handle)
    {
        final long relative = (long)Handle.slot(handle) - firstSlot;
        if (relative < 0 || 1 != Handle.generation(handle))
        {
            return -1;
        }
        final long run = relative >>> strideShift;
        final long offset = relative & ((1L << strideShift) - 1);
        if (offset >= 1L << runShift)
        {
            return -1;
        }
        final long index = (run << runShift) | offset;
        return index < size ? index : -1;
    }

    int number()
    {
        return number;
    }

    boolean isOf(final Object owner)
    {
        return this.owner == owner;
    }

    /**
     * Slot of the cell at an index in range.
     */
    int slotOf(final long index)
    {
        return (int)(firstSlot + ((index >>> runShift) << strideShift) + (index & ((1L << runShift) - 1)));
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "Cohort{number=" + number + ", genotype=" + genotype.name() + ", size=" + size + ", firstSlot=" +
            firstSlot + "}";
    }
}
