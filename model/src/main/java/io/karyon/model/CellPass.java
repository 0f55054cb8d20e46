package io.karyon.model;

import io.karyon.engine.CellSurvey;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;

import java.util.Arrays;

/**
 * The cell reductions of one run in a single walk over the live cells: counts by behaviour, field statistics,
 * histograms and the model's own {@link CellReduction}s. Each family has its own accumulators, which only the thread
 * visiting that family touches, and {@link #merge} combines them in family order: the same bits for any number of
 * workers, as each family's cells come in slot order.
 * <p>
 * <b>Note:</b> {@link #visit} may run on several threads at once, one per family at a time; everything else is the
 * driver's, between ticks. Nothing is allocated per cell.
 */
final class CellPass implements CellSurvey
{
    static final int COUNT = 0;
    static final int FIELD = 1;
    static final int HISTOGRAM = 2;
    static final int REDUCTION = 3;

    static final int SUM = 0;
    static final int MIN = 1;
    static final int MAX = 2;

    private static final int LONG = 0;
    private static final int DOUBLE = 1;
    private static final int INT = 2;
    private static final int BYTE = 3;

    private final int items;
    private final int[] kind;
    private final boolean[][] behaviours;
    private final int[] offset;
    private final int[] type;
    private final double[] lo;
    private final double[] scale;
    private final int[] bins;
    private final CellReduction[] reductions;
    private final double[][] starts;
    private final int[][] merges;
    private double[][][] accumulators = new double[0][][];

    /**
     * One accumulator layout per item.
     *
     * @param kinds      COUNT, FIELD, HISTOGRAM or REDUCTION per item.
     * @param behaviours per item, indexed by behaviour id, or null for every live cell.
     * @param fields     per item (FIELD, HISTOGRAM), else null.
     * @param histograms per item: lo, hi and bins (HISTOGRAM), else null.
     * @param reductions per item (REDUCTION), else null.
     */
    CellPass(
        final int[] kinds,
        final boolean[][] behaviours,
        final CellLayout.Field[] fields,
        final double[][] histograms,
        final CellReduction[] reductions)
    {
        this.items = kinds.length;
        this.kind = kinds.clone();
        this.behaviours = behaviours.clone();
        this.reductions = reductions.clone();
        offset = new int[items];
        type = new int[items];
        lo = new double[items];
        scale = new double[items];
        bins = new int[items];
        starts = new double[items][];
        merges = new int[items][];
        for (int i = 0; i < items; i++)
        {
            if (null != fields[i])
            {
                offset[i] = fields[i].offset();
                type[i] = typeOf(fields[i].type());
            }
            switch (kind[i])
            {
                case COUNT:
                    layout(i, new int[]{ SUM });
                    break;
                case FIELD:
                    layout(i, new int[]{ SUM, SUM, MIN, MAX });
                    break;
                case HISTOGRAM:
                    lo[i] = histograms[i][0];
                    bins[i] = (int)histograms[i][2];
                    scale[i] = bins[i] / (histograms[i][1] - histograms[i][0]);
                    layout(i, new int[bins[i]]);
                    break;
                default:
                    final CellReduction.Merge[] m = reductions[i].merges();
                    final int[] codes = new int[m.length];
                    for (int j = 0; j < m.length; j++)
                    {
                        codes[j] = CellReduction.Merge.SUM == m[j] ? SUM : CellReduction.Merge.MIN == m[j] ? MIN : MAX;
                    }
                    layout(i, codes);
            }
        }
    }

    private void layout(final int item, final int[] itemMerges)
    {
        merges[item] = itemMerges;
        final double[] start = new double[itemMerges.length];
        for (int j = 0; j < start.length; j++)
        {
            start[j] = SUM == itemMerges[j] ? 0.0 : MIN == itemMerges[j] ? Double.POSITIVE_INFINITY :
                Double.NEGATIVE_INFINITY;
        }
        starts[item] = start;
    }

    private static int typeOf(final CellLayout.FieldType fieldType)
    {
        switch (fieldType)
        {
            case LONG:
                return LONG;
            case DOUBLE:
                return DOUBLE;
            case INT:
                return INT;
            default:
                return BYTE;
        }
    }

    /**
     * Whether there is anything to walk the cells for.
     */
    boolean isEmpty()
    {
        return 0 == items;
    }

    /**
     * Readies a fresh accumulator per item for each family, before a walk.
     *
     * @param families the organism's family count now.
     */
    void reset(final int families)
    {
        if (families > accumulators.length)
        {
            final int had = accumulators.length;
            accumulators = Arrays.copyOf(accumulators, families);
            for (int f = had; f < families; f++)
            {
                final double[][] family = new double[items][];
                for (int i = 0; i < items; i++)
                {
                    family[i] = new double[starts[i].length];
                }
                accumulators[f] = family;
            }
        }
        for (int f = 0; f < families; f++)
        {
            for (int i = 0; i < items; i++)
            {
                System.arraycopy(starts[i], 0, accumulators[f][i], 0, starts[i].length);
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public void visit(final int family, final CellFlyweight cell)
    {
        final double[][] acc = accumulators[family];
        final int behaviour = cell.behaviourId();
        for (int i = 0; i < items; i++)
        {
            final boolean[] mask = behaviours[i];
            if (null != mask && (behaviour < 0 || behaviour >= mask.length || !mask[behaviour]))
            {
                continue;
            }
            final double[] a = acc[i];
            switch (kind[i])
            {
                case COUNT:
                    a[0] += 1.0;
                    break;
                case FIELD:
                    final double v = read(cell, i);
                    a[0] += v;
                    a[1] += 1.0;
                    a[2] = Math.min(a[2], v);
                    a[3] = Math.max(a[3], v);
                    break;
                case HISTOGRAM:
                    final int bin = (int)((read(cell, i) - lo[i]) * scale[i]);
                    a[bin < 0 ? 0 : Math.min(bin, bins[i] - 1)] += 1.0;
                    break;
                default:
                    reductions[i].accumulate(cell, a);
            }
        }
    }

    private double read(final CellFlyweight cell, final int item)
    {
        switch (type[item])
        {
            case LONG:
                return cell.getLong(offset[item]);
            case DOUBLE:
                return cell.getDouble(offset[item]);
            case INT:
                return cell.getInt(offset[item]);
            default:
                return cell.getByte(offset[item]);
        }
    }

    /**
     * An item's accumulator merged over the families, in family order.
     *
     * @param item     index.
     * @param families walked.
     * @param into     receives one value per slot.
     */
    void merge(final int item, final int families, final double[] into)
    {
        final int[] m = merges[item];
        System.arraycopy(starts[item], 0, into, 0, m.length);
        for (int f = 0; f < families; f++)
        {
            final double[] a = accumulators[f][item];
            for (int j = 0; j < m.length; j++)
            {
                switch (m[j])
                {
                    case SUM:
                        into[j] += a[j];
                        break;
                    case MIN:
                        into[j] = Math.min(into[j], a[j]);
                        break;
                    default:
                        into[j] = Math.max(into[j], a[j]);
                }
            }
        }
    }

    /**
     * Accumulator slots of an item.
     */
    int width(final int item)
    {
        return starts[item].length;
    }
}
