package io.karyon.model;

import io.karyon.engine.CellSurvey;
import io.karyon.engine.Organism;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.internal.Arena;
import io.karyon.engine.internal.ShardCensus;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.Arrays;

/**
 * The {@link SurveyValue}s of one run (its columns, or its summary values) in a single walk over the live cells:
 * long words one partial per class of families ({@link Arena#FAMILY_CLASSES}: a class belongs to one worker, so only
 * one thread writes a class's partial), double words one partial per family; then the long words merged over the
 * classes (exact: any order gives the same bits), the double words in family order, and each value finished.
 * <p>
 * In a sharded run each shard walks its own families and ships shard 0 its long words merged over its classes and the
 * double words of the families it owns ({@link #pack}); shard 0 merges them with its own ({@link #unpack}) before
 * {@link #finish}: the same bits as one process.
 * <pre>
 *   part := for each value: longs * long (merged over this shard's classes),
 *           int families, int k, k * (int family, for each value: doubles * double)
 * </pre>
 * <b>Note:</b> {@link #visit} runs on several threads at once, one per class of families; everything else is the
 * driver's, between ticks.
 */
final class SurveyPass implements CellSurvey
{
    private static final int CLASSES = Arena.FAMILY_CLASSES;
    private static final double[] NO_DOUBLES = new double[0];

    private final SurveyValue[] values;
    private final SurveyValue.Merge[][] longMerges;
    private final SurveyValue.Merge[][] doubleMerges;
    private final long[][][] classLongs;
    private final long[][] longs;
    private final double[][] doubles;
    private final double[] results;
    private double[][][] familyDoubles = new double[0][][];
    private int families;

    /**
     * @param names  of the values (columns or summary fields), for a refusal's message.
     * @param values in order.
     * @throws IllegalArgumentException naming a value whose merges are missing or whose double words ask for OR.
     */
    SurveyPass(final String[] names, final SurveyValue[] values)
    {
        this.values = values.clone();
        final int n = values.length;
        longMerges = new SurveyValue.Merge[n][];
        doubleMerges = new SurveyValue.Merge[n][];
        longs = new long[n][];
        doubles = new double[n][];
        results = new double[n];
        classLongs = new long[CLASSES][][];
        for (int v = 0; v < n; v++)
        {
            longMerges[v] = checked(names[v], "longs", values[v].longs());
            doubleMerges[v] = checked(names[v], "doubles", values[v].doubles());
            if (Arrays.asList(doubleMerges[v]).contains(SurveyValue.Merge.OR))
            {
                throw new IllegalArgumentException("survey value " + names[v] + ": a double word cannot merge by OR");
            }
            longs[v] = new long[longMerges[v].length];
            doubles[v] = new double[doubleMerges[v].length];
        }
    }

    private static SurveyValue.Merge[] checked(final String name, final String what, final SurveyValue.Merge[] merges)
    {
        if (null == merges || Arrays.asList(merges).contains(null))
        {
            throw new IllegalArgumentException("survey value " + name + ": " + what + "() must be an array of merges " +
                "(empty for none), without nulls");
        }
        return merges.clone();
    }

    /**
     * Whether there is anything to walk the cells for.
     */
    boolean isEmpty()
    {
        return 0 == values.length;
    }

    /**
     * Walks this process's (or shard's) families into fresh partials, then merges the long words over the classes.
     *
     * @param organism between ticks.
     */
    void walk(final Organism organism)
    {
        begin(organism.familyCount());
        organism.survey(this);
        end();
    }

    /**
     * Readies the partials for a walk over {@code count} families ({@link #walk} is this, the walk, then {@link #end});
     * the walk may visit the cells for other surveys too, in the same pass.
     *
     * @param count the organism's family count now.
     */
    void begin(final int count)
    {
        ensure(count);
        for (int f = 0; f < count; f++)
        {
            clear(f);
        }
        for (int c = 0; c < CLASSES; c++)
        {
            if (null != classLongs[c])
            {
                for (int v = 0; v < values.length; v++)
                {
                    start(longMerges[v], classLongs[c][v]);
                }
            }
        }
        families = count;
    }

    /**
     * After the walk that {@link #begin} readied: merges the long words over the family classes.
     */
    void end()
    {
        for (int v = 0; v < values.length; v++)
        {
            start(longMerges[v], longs[v]);
            for (int c = 0; c < CLASSES; c++)
            {
                if (null != classLongs[c])
                {
                    merge(longMerges[v], classLongs[c][v], longs[v]);
                }
            }
        }
    }

    /**
     * Makes room for the partials of {@code count} families, the new ones fresh, and for their classes' partials.
     */
    private void ensure(final int count)
    {
        if (count > familyDoubles.length)
        {
            final int had = familyDoubles.length;
            familyDoubles = Arrays.copyOf(familyDoubles, count);
            for (int f = had; f < count; f++)
            {
                familyDoubles[f] = new double[values.length][];
                for (int v = 0; v < values.length; v++)
                {
                    familyDoubles[f][v] = 0 == doubleMerges[v].length ? NO_DOUBLES : new double[doubleMerges[v].length];
                }
                clear(f);
            }
        }
        for (int c = 0; c < Math.min(count, CLASSES); c++)
        {
            if (null == classLongs[c])
            {
                classLongs[c] = new long[values.length][];
                for (int v = 0; v < values.length; v++)
                {
                    classLongs[c][v] = new long[longMerges[v].length];
                    start(longMerges[v], classLongs[c][v]);
                }
            }
        }
    }

    private void clear(final int family)
    {
        for (int v = 0; v < values.length; v++)
        {
            start(doubleMerges[v], familyDoubles[family][v]);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void visit(final int family, final CellFlyweight cell)
    {
        final long[][] classPartials = classLongs[family & (CLASSES - 1)];
        final double[][] familyPartials = familyDoubles[family];
        for (int v = 0; v < values.length; v++)
        {
            values[v].accumulate(cell, classPartials[v], familyPartials[v]);
        }
    }

    /**
     * Writes this shard's part after {@link #walk}: the long words merged over its classes, the double words of the
     * families it owns.
     *
     * @return the offset after it.
     */
    int pack(final ShardCensus census, final MutableDirectBuffer buffer, final int offset)
    {
        int at = offset;
        for (int v = 0; v < values.length; v++)
        {
            for (final long word : longs[v])
            {
                buffer.putLong(at, word);
                at += Long.BYTES;
            }
        }
        buffer.putInt(at, families);
        final int countAt = at + Integer.BYTES;
        at = countAt + Integer.BYTES;
        int shipped = 0;
        for (int f = 0; f < families; f++)
        {
            if (census.ownsFamily(f))
            {
                buffer.putInt(at, f);
                at += Integer.BYTES;
                for (int v = 0; v < values.length; v++)
                {
                    for (final double word : familyDoubles[f][v])
                    {
                        buffer.putDouble(at, word);
                        at += Double.BYTES;
                    }
                }
                shipped++;
            }
        }
        buffer.putInt(countAt, shipped);
        return at;
    }

    /**
     * Shard 0: merges another shard's part, as {@link #pack} wrote it, with its own.
     *
     * @return the offset after it.
     */
    int unpack(final DirectBuffer buffer, final int offset)
    {
        int at = offset;
        for (int v = 0; v < values.length; v++)
        {
            for (int j = 0; j < longs[v].length; j++)
            {
                longs[v][j] = mergeLong(longMerges[v][j], longs[v][j], buffer.getLong(at));
                at += Long.BYTES;
            }
        }
        final int theirs = buffer.getInt(at);
        final int shipped = buffer.getInt(at + Integer.BYTES);
        at += 2 * Integer.BYTES;
        if (theirs > families)
        {
            ensure(theirs);
            for (int f = families; f < theirs; f++)
            {
                clear(f);  // a family this shard has not: only its owner's partial counts
            }
            families = theirs;
        }
        for (int k = 0; k < shipped; k++)
        {
            final int family = buffer.getInt(at);
            at += Integer.BYTES;
            for (int v = 0; v < values.length; v++)
            {
                final double[] partial = familyDoubles[family][v];
                for (int j = 0; j < partial.length; j++)
                {
                    partial[j] = buffer.getDouble(at);
                    at += Double.BYTES;
                }
            }
        }
        return at;
    }

    /**
     * Merges the double words in family order and finishes every value.
     *
     * @throws IllegalStateException naming a value whose finish threw.
     */
    void finish()
    {
        for (int v = 0; v < values.length; v++)
        {
            final double[] merged = doubles[v];
            final SurveyValue.Merge[] m = doubleMerges[v];
            start(m, merged);
            for (int f = 0; f < families; f++)
            {
                final double[] partial = familyDoubles[f][v];
                for (int j = 0; j < merged.length; j++)
                {
                    merged[j] = mergeDouble(m[j], merged[j], partial[j]);
                }
            }
            results[v] = values[v].finish(longs[v], merged);
        }
    }

    /**
     * A value as the latest {@link #finish} left it.
     *
     * @param value index, in declaration order.
     */
    double result(final int value)
    {
        return results[value];
    }

    private static void start(final SurveyValue.Merge[] merges, final long[] words)
    {
        for (int j = 0; j < words.length; j++)
        {
            words[j] = SurveyValue.Merge.MIN == merges[j] ? Long.MAX_VALUE :
                SurveyValue.Merge.MAX == merges[j] ? Long.MIN_VALUE : 0L;
        }
    }

    private static void start(final SurveyValue.Merge[] merges, final double[] words)
    {
        for (int j = 0; j < words.length; j++)
        {
            words[j] = SurveyValue.Merge.MIN == merges[j] ? Double.POSITIVE_INFINITY :
                SurveyValue.Merge.MAX == merges[j] ? Double.NEGATIVE_INFINITY : 0.0;
        }
    }

    private static void merge(final SurveyValue.Merge[] merges, final long[] from, final long[] into)
    {
        for (int j = 0; j < into.length; j++)
        {
            into[j] = mergeLong(merges[j], into[j], from[j]);
        }
    }

    private static long mergeLong(final SurveyValue.Merge merge, final long a, final long b)
    {
        switch (merge)
        {
            case SUM:
                return a + b;
            case OR:
                return a | b;
            case MIN:
                return Math.min(a, b);
            default:
                return Math.max(a, b);
        }
    }

    private static double mergeDouble(final SurveyValue.Merge merge, final double a, final double b)
    {
        final double merged;
        switch (merge)
        {
            case SUM:
                merged = a + b;
                break;
            case MIN:
                merged = Math.min(a, b);
                break;
            default:
                merged = Math.max(a, b);
        }
        // Math.min and max give back either NaN operand, or the CPU's own NaN once compiled: one NaN for every run
        // (as CellPass.merge), so that the merged bits never depend on the JIT.
        return Double.isNaN(merged) ? Double.NaN : merged;
    }
}
