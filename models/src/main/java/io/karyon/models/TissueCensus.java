package io.karyon.models;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.matrix.Matrix;
import io.karyon.model.CellReduction;
import io.karyon.model.SurveyValue;

import java.util.Arrays;

import static io.karyon.models.TissueState.LINEAGE;
import static io.karyon.models.TissueState.UPTAKE;

/**
 * {@link Tissue}'s own observations of its cells: how many founder lineages still have a live cell, the placed cells'
 * mean trait, and how much nutrient the cells ate in the last tick.
 * <p>
 * Lineages are counted from a bitmap of the founders, one bit a lineage, into which each live placed cell sets its
 * lineage's bit: long words merged by OR, which no order of merging changes, then counted. So the count is the same
 * for any number of workers and shards (shard 0 gathers the bitmaps). Reborn cells and their descendants belong to no
 * founder's lineage.
 * <p>
 * <b>Note:</b> stateless; the framework walks the cells and merges the partials.
 */
final class TissueCensus
{
    private TissueCensus()
    {
    }

    /**
     * Founder lineages with a live placed cell: a bitmap of the founders, OR-merged, then counted.
     *
     * @param cellId   behaviour of placed cells.
     * @param founders lineages there can be.
     * @return the survey value.
     */
    static SurveyValue lineages(final short cellId, final long founders)
    {
        final SurveyValue.Merge[] words = new SurveyValue.Merge[(int)((founders + 63) >>> 6)];
        Arrays.fill(words, SurveyValue.Merge.OR);
        return new SurveyValue()
        {
            public SurveyValue.Merge[] longs()
            {
                return words;
            }

            public SurveyValue.Merge[] doubles()
            {
                return new SurveyValue.Merge[0];
            }

            public void accumulate(final CellFlyweight cell, final long[] longs, final double[] doubles)
            {
                if (cell.behaviourId() == cellId)
                {
                    final int lineage = cell.getInt(LINEAGE);
                    if (lineage >= 0)
                    {
                        longs[lineage >>> 6] |= 1L << lineage;
                    }
                }
            }

            public double finish(final long[] longs, final double[] doubles)
            {
                long count = 0;
                for (final long word : longs)
                {
                    count += Long.bitCount(word);
                }
                return count;
            }
        };
    }

    /**
     * Mean trait of the placed cells: summed per family, the families' sums added in family order, over a count, so
     * the same for any number of workers and shards.
     *
     * @param cellId behaviour of placed cells.
     * @return the survey value: NaN if there is no placed cell.
     */
    static SurveyValue traitMean(final short cellId)
    {
        return new SurveyValue()
        {
            public SurveyValue.Merge[] longs()
            {
                return new SurveyValue.Merge[]{ SurveyValue.Merge.SUM };
            }

            public SurveyValue.Merge[] doubles()
            {
                return new SurveyValue.Merge[]{ SurveyValue.Merge.SUM };
            }

            public void accumulate(final CellFlyweight cell, final long[] longs, final double[] doubles)
            {
                if (cell.behaviourId() == cellId)
                {
                    doubles[0] += cell.getDouble(TissueState.TRAIT);
                    longs[0]++;
                }
            }

            public double finish(final long[] longs, final double[] doubles)
            {
                return 0 == longs[0] ? Double.NaN : doubles[0] / longs[0];
            }
        };
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
