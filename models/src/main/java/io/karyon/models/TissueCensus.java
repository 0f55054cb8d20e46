package io.karyon.models;

import io.karyon.engine.CellSurvey;
import io.karyon.engine.Organism;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.matrix.Matrix;
import io.karyon.model.CellReduction;

import java.util.concurrent.atomic.AtomicLongArray;

import static io.karyon.models.TissueState.LINEAGE;
import static io.karyon.models.TissueState.UPTAKE;

/**
 * {@link Tissue}'s own observations of its cells: how many founder lineages still have a live cell, and how much
 * nutrient the cells ate in the last tick.
 * <p>
 * Lineages are counted with a survey that marks each live cell's lineage in a bitmap of the founders. Workers mark
 * bits at once (compare-and-set on words), and a set does not depend on the order its bits were marked in, so the
 * count is the same for any number of workers. Reborn cells and their descendants belong to no founder's lineage.
 * <p>
 * <b>Note:</b> {@link #lineages(Organism)} on the driver, between ticks; the survey's visits run on the workers.
 */
final class TissueCensus implements CellSurvey
{
    private final short cellId;
    private final AtomicLongArray seen;

    /**
     * A census of a world's cells.
     *
     * @param cellId   behaviour of placed cells.
     * @param founders lineages there can be.
     */
    TissueCensus(final short cellId, final long founders)
    {
        this.cellId = cellId;
        this.seen = new AtomicLongArray((int)((founders + 63) >>> 6));
    }

    /**
     * Founder lineages with a live placed cell.
     *
     * @param organism between ticks.
     * @return the count.
     */
    double lineages(final Organism organism)
    {
        final AtomicLongArray seen = this.seen;
        for (int i = 0, n = seen.length(); i < n; i++)
        {
            seen.setPlain(i, 0L);
        }
        organism.survey(this);
        long count = 0;
        for (int i = 0, n = seen.length(); i < n; i++)
        {
            count += Long.bitCount(seen.get(i));
        }
        return count;
    }

    /**
     * {@inheritDoc}
     */
    public void visit(final int family, final CellFlyweight cell)
    {
        if (cell.behaviourId() != cellId)
        {
            return;
        }
        final int lineage = cell.getInt(LINEAGE);
        if (lineage < 0)
        {
            return;
        }
        final AtomicLongArray seen = this.seen;
        final int word = lineage >>> 6;
        final long bit = 1L << lineage;
        long old = seen.get(word);
        while (0 == (old & bit) && !seen.compareAndSet(word, old, old | bit))
        {
            old = seen.get(word);
        }
    }

    /**
     * Mean trait of the placed cells: summed per family, the families' sums added in family order, so the same for
     * any number of workers. For the summary; allocates.
     *
     * @param organism between ticks.
     * @param cellId   behaviour of placed cells.
     * @return the mean, NaN if there is no placed cell.
     */
    static double traitMean(final Organism organism, final short cellId)
    {
        final int families = organism.familyCount();
        final double[] sums = new double[families];
        final long[] counts = new long[families];
        organism.survey((family, cell) ->
        {
            if (cell.behaviourId() == cellId)
            {
                sums[family] += cell.getDouble(TissueState.TRAIT);
                counts[family]++;
            }
        });
        double sum = 0.0;
        long count = 0;
        for (int f = 0; f < families; f++)
        {
            sum += sums[f];
            count += counts[f];
        }
        return 0 == count ? Double.NaN : sum / count;
    }

    /**
     * Total of a substance over the sites, in site order.
     *
     * @param matrix    the run's.
     * @param substance index.
     * @return the total.
     */
    static double total(final Matrix matrix, final int substance)
    {
        // Site order from 0.0, as a loop of read() would add them: the same bits, in one pass over the flat copy.
        return matrix.total(substance);
    }

    /**
     * The nutrient placed cells ate in the last tick: column {@code consumed}, a sum.
     *
     * @param cellId behaviour of placed cells.
     * @return the reduction.
     */
    static CellReduction consumed(final short cellId)
    {
        return new CellReduction()
        {
            public String[] columns()
            {
                return new String[]{ "consumed" };
            }

            public Merge[] merges()
            {
                return new Merge[]{ Merge.SUM };
            }

            public void accumulate(final CellFlyweight cell, final double[] accumulate)
            {
                if (cell.behaviourId() == cellId)
                {
                    accumulate[0] += cell.getDouble(UPTAKE);
                }
            }
        };
    }
}
