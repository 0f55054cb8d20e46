package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;

/**
 * A walk over every live cell, between ticks, for observations: reductions, snapshots, checks. Each family's cells
 * are visited by one thread, in slot order, families of one worker in ascending order; so a reduction kept per
 * family and merged in family order is the same for any number of workers.
 * <p>
 * <b>Note:</b> families of different workers may be visited at the same time, from different threads: keep what is
 * accumulated per family (or per worker).
 */
@FunctionalInterface
public interface CellSurvey
{
    /**
     * Visits one live cell.
     *
     * @param family index of the cell's family, from 0 to {@link Organism#familyCount()} - 1.
     * @param cell   the cell's slot; valid only during the call. Read-only: a survey must not change cells.
     */
    void visit(int family, CellFlyweight cell);

    /**
     * Called once on each worker after it visited its families (once on the driver, as worker 0 of 1, when the
     * driver walks every family): work that belongs with the walk's hand-off to the workers, so that they are woken
     * once for both (say, a share of sums over something other than the cells). Nothing by default.
     *
     * @param worker  index of the worker that walked, as in {@link WorkerJob#run(int, int)}.
     * @param workers number of workers that walked.
     */
    default void walked(final int worker, final int workers)
    {
    }
}
