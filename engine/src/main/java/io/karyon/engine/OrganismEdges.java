package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;

/**
 * The edges of an {@link Organism}'s cells as its driver sees them, reached by {@link Organism#edges()}: a cohort's
 * edges built in bulk by the workers, and one cell's edges read and replaced between ticks.
 * <p>
 * A cell's edges are an off-heap list of handles, any length, kept per chunk beside the cells; a cell reads its own
 * with {@link CellContext#edgeCount()} and {@link CellContext#edge(int)}. A cell's edges go when it dies, and enter
 * {@link Organism#digest()}.
 * <p>
 * <b>Note:</b> like its organism, not threadsafe: call it from the driver, while no tick runs.
 */
public final class OrganismEdges
{
    private final Lifecycle life;
    private final Families families;
    private final Cohorts cohorts;
    private final Edges edges;
    private final CellFlyweight driverCell;

    OrganismEdges(final Lifecycle life, final Families families, final Cohorts cohorts, final Edges edges,
        final CellFlyweight driverCell)
    {
        this.life = life;
        this.families = families;
        this.cohorts = cohorts;
        this.edges = edges;
        this.driverCell = driverCell;
    }

    /**
     * Gives every live cell of a cohort its edges, built in parallel by the workers, each for its own families, with
     * the cells' connect streams (keyed by seed, cohort and index, apart from their set-up streams); a cell's edges
     * replace any it had. Cells no longer of the cohort (dead, or restarted into another slot) are skipped.
     *
     * @param cohort    of this organism.
     * @param generator makes each cell's edges.
     * @throws IllegalArgumentException if the cohort is another organism's.
     * @throws KaryonException          if the generator threw on a worker.
     */
    public void connect(final Cohort cohort, final EdgeGenerator generator)
    {
        life.ensureUsable();
        cohorts.connect(cohort, generator);
    }

    /**
     * Number of edges of a live cell, between ticks.
     *
     * @param handle of a live cell.
     * @return its edge count.
     * @throws IllegalArgumentException if the handle is stale or names no cell.
     */
    public int count(final long handle)
    {
        life.ensureReadable();
        return edges.count(families.wrapLive(driverCell, handle).slot());
    }

    /**
     * One edge of a live cell, between ticks.
     *
     * @param handle of a live cell.
     * @param i      index, 0 to {@link #count(long)} - 1.
     * @return the target handle.
     * @throws IllegalArgumentException  if the handle is stale or names no cell.
     * @throws IndexOutOfBoundsException if {@code i} is out of range.
     */
    public long edge(final long handle, final int i)
    {
        life.ensureReadable();
        return edges.edge(families.wrapLive(driverCell, handle).slot(), i);
    }

    /**
     * Replaces a live cell's edges, between ticks.
     *
     * @param handle  of a live cell.
     * @param targets its new edges, in order (copied); empty for none.
     * @throws IllegalArgumentException if the handle is stale or names no cell, or targets is null.
     */
    public void set(final long handle, final long[] targets)
    {
        life.ensureUsable();
        final int slot = families.wrapLive(driverCell, handle).slot();
        if (null == targets)
        {
            throw new IllegalArgumentException("edges().set: targets must not be null (empty for none)");
        }
        edges.set(slot, targets);
    }

    /**
     * Bytes of off-heap memory held for edges (each chunk's index and edge lists, room to grow included); part of
     * {@link Organism#allocatedBytes()}.
     *
     * @return edge bytes.
     */
    public long bytes()
    {
        life.ensureOpen();
        return edges.bytes();
    }
}
