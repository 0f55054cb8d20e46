package io.karyon.model;

import io.karyon.engine.CellSurvey;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.Arrays;

/**
 * The cell reductions of one run in a single walk over the live cells: field statistics, histograms and the model's
 * own {@link CellReduction}s (counts by behaviour come from the engine's {@code countOf}). A cell goes only to the
 * items of its behaviour (a bit per behaviour, or a table when there are 63 or more), each item's work one case of
 * a switch over (kind, field type) that reads the field with its own type. Each family has its own accumulators,
 * which only the thread visiting that family touches, and {@link #merge} combines them in family order: the same
 * bits for any number of workers, as each family's cells come in slot order, and the same as a plain walk adding
 * one cell at a time.
 * <p>
 * <b>Note:</b> {@link #visit} may run on several threads at once, one per family at a time; everything else is the
 * driver's, between ticks. Nothing is allocated per cell.
 */
final class CellPass implements CellSurvey
{
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

    /** Per-cell operations, one per (kind, field type): see {@link #visit}. */
    private static final int FIELD_LONG = 0;
    private static final int FIELD_DOUBLE = 1;
    private static final int FIELD_INT = 2;
    private static final int FIELD_BYTE = 3;
    private static final int HISTOGRAM_LONG = 4;
    private static final int HISTOGRAM_DOUBLE = 5;
    private static final int HISTOGRAM_INT = 6;
    private static final int HISTOGRAM_BYTE = 7;
    private static final int OWN = 8;

    /** The bit of behaviours registered after the pass was made; with this many behaviours or more, a table. */
    private static final int LATER = 63;

    private final int items;
    private final int[] kind;
    private final int registered;
    private final boolean wide;
    private final boolean[] member;
    private final boolean[] any;
    private final long[] bits;
    private final long anyBits;
    private final int[] next;
    private final int[] op;
    private final int[] offset;
    private final int[] type;
    private final double[] lo;
    private final double[] scale;
    private final int[] bins;
    private final CellReduction[] reductions;
    private final double[][] starts;
    private final int[][] merges;
    private final int[] base;
    private final int flatWidth;
    /** Doubles of padding around accumulators written by different threads: two cache lines. */
    private static final int PAD = 16;
    private double[][] flat = new double[0][];
    private double[][][] own = new double[0][][];

    /**
     * One accumulator layout per item.
     *
     * @param kinds      FIELD, HISTOGRAM or REDUCTION per item.
     * @param behaviours per item, indexed by behaviour id, or null for every live cell.
     * @param registered behaviours registered now: cells of a later one go only to the items for every cell.
     * @param fields     per item (FIELD, HISTOGRAM), else null.
     * @param histograms per item: lo, hi and bins (HISTOGRAM), else null.
     * @param reductions per item (REDUCTION), else null.
     */
    CellPass(
        final int[] kinds,
        final boolean[][] behaviours,
        final int registered,
        final CellLayout.Field[] fields,
        final double[][] histograms,
        final CellReduction[] reductions)
    {
        this.items = kinds.length;
        this.kind = kinds.clone();
        this.registered = registered;
        this.member = members(behaviours, registered);
        this.any = new boolean[registered + 1];
        for (int row = 0; row <= registered; row++)
        {
            for (int i = 0; i < items; i++)
            {
                any[row] |= member[row * items + i];
            }
        }
        this.reductions = reductions.clone();
        wide = registered >= LATER;
        bits = new long[items];
        long all = 0;
        next = new int[items];
        for (int i = 0; i < items; i++)
        {
            for (int row = 0; row <= registered && !wide; row++)
            {
                bits[i] |= member[row * items + i] ? 1L << (row == registered ? LATER : row) : 0;
            }
            all |= bits[i];
            next[i] = i + 1 < items ? i + 1 : 0;
        }
        anyBits = all;
        op = new int[items];
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
            op[i] = FIELD == kind[i] ? FIELD_LONG + type[i] : HISTOGRAM == kind[i] ? HISTOGRAM_LONG + type[i] : OWN;
            switch (kind[i])
            {
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
        base = new int[items];
        int width = 0;
        for (int i = 0; i < items; i++)
        {
            base[i] = PAD + width;
            width += REDUCTION == kind[i] ? 0 : starts[i].length;
        }
        flatWidth = width;
    }

    /**
     * Which items a cell goes to, by the row of its behaviour: {@code [row * items + item]}, one row per behaviour
     * registered now and a last one for ids registered later (only the items for every cell).
     */
    private static boolean[] members(final boolean[][] behaviours, final int registered)
    {
        final int items = behaviours.length;
        final boolean[] table = new boolean[(registered + 1) * items];
        for (int b = 0; b <= registered; b++)
        {
            for (int i = 0; i < items; i++)
            {
                final boolean[] mask = behaviours[i];
                table[b * items + i] = null == mask || (b < registered && b < mask.length && mask[b]);
            }
        }
        return table;
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
        ensure(families);
        for (int f = 0; f < families; f++)
        {
            clear(f);
        }
    }

    /**
     * Makes room for accumulators of {@code families} families, the new ones fresh, the others as they are.
     *
     * @param families the organism's family count, or a larger one another shard's walk reached.
     */
    void ensure(final int families)
    {
        if (families > flat.length)
        {
            final int had = flat.length;
            flat = Arrays.copyOf(flat, families);
            own = Arrays.copyOf(own, families);
            for (int f = had; f < families; f++)
            {
                // Families of different workers are walked at once: padding keeps each family's accumulators off
                // the cache lines of the next family's, which another worker may be writing.
                flat[f] = new double[PAD + flatWidth + PAD];
                own[f] = new double[items][];
                for (int i = 0; i < items; i++)
                {
                    own[f][i] = REDUCTION == kind[i] ? new double[starts[i].length + PAD] : null;
                }
                clear(f);
            }
        }
    }

    /**
     * Puts a family's accumulators back to their start.
     */
    void clear(final int f)
    {
        for (int i = 0; i < items; i++)
        {
            System.arraycopy(starts[i], 0, REDUCTION == kind[i] ? own[f][i] : flat[f], REDUCTION == kind[i] ?
                0 : base[i], starts[i].length);
        }
    }

    /**
     * Doubles one family's accumulators take in a block ({@link #pack}): the items' slots, in item order.
     */
    int familyWidth()
    {
        int width = 0;
        for (int i = 0; i < items; i++)
        {
            width += starts[i].length;
        }
        return width;
    }

    /**
     * Writes a family's accumulators, item by item, as {@link #familyWidth()} doubles.
     *
     * @return the offset after them.
     */
    int pack(final int family, final MutableDirectBuffer buffer, final int offset)
    {
        int at = offset;
        for (int i = 0; i < items; i++)
        {
            final boolean reduction = REDUCTION == kind[i];
            final double[] a = reduction ? own[family][i] : flat[family];
            final int from = reduction ? 0 : base[i];
            for (int j = 0, width = starts[i].length; j < width; j++)
            {
                buffer.putDouble(at, a[from + j]);
                at += Double.BYTES;
            }
        }
        return at;
    }

    /**
     * Reads a family's accumulators as {@link #pack} wrote them (another shard's walk of its family).
     *
     * @return the offset after them.
     */
    int unpack(final int family, final DirectBuffer buffer, final int offset)
    {
        int at = offset;
        for (int i = 0; i < items; i++)
        {
            final boolean reduction = REDUCTION == kind[i];
            final double[] a = reduction ? own[family][i] : flat[family];
            final int from = reduction ? 0 : base[i];
            for (int j = 0, width = starts[i].length; j < width; j++)
            {
                a[from + j] = buffer.getDouble(at);
                at += Double.BYTES;
            }
        }
        return at;
    }

    /**
     * {@inheritDoc}
     */
    public void visit(final int family, final CellFlyweight cell)
    {
        // What an item reads (its op, its field's offset, where it accumulates) does not hang on the behaviour just
        // read from the cell, only whether it takes the cell does, a branch the CPU predicts: the field's load is not
        // held up behind the behaviour's. The loop follows next[] rather than counting: the JIT turns a counted loop
        // into pre-, main- and post-loops, which for one or two items per cell cost more than the items themselves.
        final int behaviour = cell.behaviourId();
        if (wide)
        {
            visitWide(family, cell, behaviour);
            return;
        }
        final long bit = 1L << (behaviour >= 0 && behaviour < registered ? behaviour : LATER);
        if (0 == (anyBits & bit))
        {
            return;
        }
        final double[] a = flat[family];
        int i = 0;
        do
        {
            if (0 != (bits[i] & bit))
            {
                step(op[i], i, a, family, cell);
            }
            i = next[i];
        }
        while (0 != i);
    }

    /**
     * {@link #visit} with 63 behaviours or more: whether an item takes a cell from a table by behaviour.
     */
    private void visitWide(final int family, final CellFlyweight cell, final int behaviour)
    {
        final int row = behaviour >= 0 && behaviour < registered ? behaviour : registered;
        if (!any[row])
        {
            return;
        }
        final double[] a = flat[family];
        final int from = row * items;
        int i = 0;
        do
        {
            if (member[from + i])
            {
                step(op[i], i, a, family, cell);
            }
            i = next[i];
        }
        while (0 != i);
    }

    /**
     * One item's work on a cell: a switch over (kind, type), each case reading its own type.
     */
    private void step(final int itemOp, final int i, final double[] a, final int family, final CellFlyweight cell)
    {
        final int at = base[i];
        switch (itemOp)
        {
            case FIELD_DOUBLE:
                tally(a, at, cell.getDouble(offset[i]));
                break;
            case FIELD_LONG:
                tally(a, at, cell.getLong(offset[i]));
                break;
            case FIELD_INT:
                tally(a, at, cell.getInt(offset[i]));
                break;
            case FIELD_BYTE:
                tally(a, at, cell.getByte(offset[i]));
                break;
            case HISTOGRAM_DOUBLE:
                count(a, at, i, cell.getDouble(offset[i]));
                break;
            case HISTOGRAM_LONG:
                count(a, at, i, cell.getLong(offset[i]));
                break;
            case HISTOGRAM_INT:
                count(a, at, i, cell.getInt(offset[i]));
                break;
            case HISTOGRAM_BYTE:
                count(a, at, i, cell.getByte(offset[i]));
                break;
            default:
                reductions[i].accumulate(cell, own[family][i]);
        }
    }

    private static void tally(final double[] a, final int at, final double v)
    {
        a[at] += v;
        a[at + 1] += 1.0;
        // Plain comparisons: Math.min and max spend branches on NaN and -0.0 that a tally does not need.
        if (v < a[at + 2])
        {
            a[at + 2] = v;
        }
        if (v > a[at + 3])
        {
            a[at + 3] = v;
        }
    }

    private void count(final double[] a, final int at, final int item, final double v)
    {
        final int bin = (int)((v - lo[item]) * scale[item]);
        a[at + (bin < 0 ? 0 : Math.min(bin, bins[item] - 1))] += 1.0;
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
            final boolean reduction = REDUCTION == kind[item];
            final double[] a = reduction ? own[f][item] : flat[f];
            final int at = reduction ? 0 : base[item];
            for (int j = 0; j < m.length; j++)
            {
                switch (m[j])
                {
                    case SUM:
                        into[j] += a[at + j];
                        break;
                    case MIN:
                        into[j] = Math.min(into[j], a[at + j]);
                        break;
                    default:
                        into[j] = Math.max(into[j], a[at + j]);
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
