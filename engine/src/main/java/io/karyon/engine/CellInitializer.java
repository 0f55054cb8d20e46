package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;

/**
 * Sets up one new cell of a {@link Cohort}, on the worker that owns it, during
 * {@link Organism#populate(Genotype, long, CellInitializer)}: the cell holds its genotype's state when called, and the
 * initializer writes what differs from cell to cell.
 * <p>
 * It may also give the cell another behaviour than its genotype's, by writing an id from
 * {@link Organism#behaviourId(String)} with {@link CellFlyweight#behaviourId(short)}: the cell is then counted under,
 * and stepped as, that behaviour.
 * <p>
 * <b>Note:</b> called from several workers at once, for different cells: keep it stateless, and draw random numbers
 * only from the {@link SetupRandom} it is given, so that the set-up is the same for any number of workers.
 */
@FunctionalInterface
public interface CellInitializer
{
    /**
     * Initialises one cell.
     *
     * @param index  of the cell in its cohort, 0 to {@link Cohort#size()} - 1.
     * @param cell   the cell's slot, alive, with its genotype's state; valid only during the call.
     * @param random the cell's set-up stream, keyed by (run seed, cohort, index).
     */
    void init(long index, CellFlyweight cell, SetupRandom random);
}
