package io.karyon.model;

import io.karyon.engine.cell.CellFlyweight;

/**
 * A model's own observation: columns of the time series, computed from every live cell by the worker that owns it,
 * into one accumulator per family, merged in family order, so the result is the same for any number of workers.
 * <p>
 * <b>Note:</b> called from several worker threads at once, each with its own accumulator: keep it stateless.
 */
public interface CellReduction
{
    /**
     * How a column's accumulators are merged, and what a fresh one starts at.
     */
    enum Merge
    {
        /** Added; starts at 0. */
        SUM,
        /** The smallest; starts at +infinity (a column with no cells is empty). */
        MIN,
        /** The largest; starts at -infinity (a column with no cells is empty). */
        MAX
    }

    /**
     * Names of the columns this reduction adds to {@code timeseries.csv}, in order.
     *
     * @return column names.
     */
    String[] columns();

    /**
     * How each column is merged, one per column.
     *
     * @return merges, in column order.
     */
    Merge[] merges();

    /**
     * Adds one cell to a family's accumulator.
     *
     * @param cell       a live cell, read-only; valid only during the call.
     * @param accumulate one slot per column, started as {@link #merges()} say.
     */
    void accumulate(CellFlyweight cell, double[] accumulate);
}
