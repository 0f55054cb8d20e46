package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;

/**
 * Makes the edges of one cell of a {@link Cohort}, on the worker that owns it, during
 * {@link OrganismEdges#connect(Cohort, EdgeGenerator)}: contacts, neighbours, synapses, as handles of other cells
 * (typically {@link Cohort#handle(long)} of another index).
 * <p>
 * <b>Note:</b> called from several workers at once, for different cells: keep it stateless, and draw random numbers
 * only from the {@link SetupRandom} it is given, so that the edges are the same for any number of workers.
 */
@FunctionalInterface
public interface EdgeGenerator
{
    /**
     * Generates one cell's edges.
     *
     * @param index  of the cell in its cohort.
     * @param cell   the cell's slot; read-only here, valid only during the call.
     * @param sink   takes the cell's edges, in order.
     * @param random the cell's connect stream, keyed by (run seed, cohort, index), apart from its set-up stream.
     */
    void edges(long index, CellFlyweight cell, EdgeSink sink, SetupRandom random);
}
