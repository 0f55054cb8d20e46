package io.karyon.model;

import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CellPass} against a plain scalar walk written here: every kind (field statistics, histogram, a model's
 * reduction) over every field type, for every cell or some behaviours, with NaN, infinities, values outside a
 * histogram, a behaviour with no cells, and cells of a behaviour registered after the pass; the same bits for 1, 2
 * and 3 workers, with few behaviours (a bit per behaviour) and with many (a table); and families' accumulators
 * packed by one pass and put in place in another (a sharded run's gathering) merging to the same bits.
 */
class CellPassTest
{
    private static final CellLayout LAYOUT = CellLayout.builder()
        .longField("l")
        .doubleField("d")
        .intField("i")
        .byteField("b")
        .build();
    private static final String[] FIELDS = { "l", "d", "i", "b" };
    private static final int CELLS = 3001;

    /**
     * A model's reduction: the sum of the byte field and the lowest double.
     */
    static final class Own implements CellReduction
    {
        public String[] columns()
        {
            return new String[]{ "b_sum", "d_lowest" };
        }

        public Merge[] merges()
        {
            return new Merge[]{ Merge.SUM, Merge.MIN };
        }

        public void accumulate(final CellFlyweight cell, final double[] accumulate)
        {
            accumulate[0] += cell.getByte(LAYOUT.offset("b"));
            accumulate[1] = Math.min(accumulate[1], cell.getDouble(LAYOUT.offset("d")));
        }
    }

    /**
     * What one test pass declares, by item.
     */
    private static final class Plan
    {
        final List<Integer> kinds = new ArrayList<>();
        final List<boolean[]> masks = new ArrayList<>();
        final List<CellLayout.Field> fields = new ArrayList<>();
        final List<double[]> histograms = new ArrayList<>();
        final List<CellReduction> reductions = new ArrayList<>();

        void add(final int kind, final boolean[] mask, final String field, final double[] histogram,
            final CellReduction reduction)
        {
            kinds.add(kind);
            masks.add(mask);
            fields.add(null == field ? null : LAYOUT.field(field));
            histograms.add(histogram);
            reductions.add(reduction);
        }

        CellPass pass(final int registered)
        {
            return new CellPass(kinds.stream().mapToInt(Integer::intValue).toArray(),
                masks.toArray(new boolean[0][]), registered, fields.toArray(new CellLayout.Field[0]),
                histograms.toArray(new double[0][]), reductions.toArray(new CellReduction[0]));
        }
    }

    @Test
    void shouldFindWhatAScalarWalkFindsWithFewBehaviours()
    {
        check(3);
    }

    @Test
    void shouldFindWhatAScalarWalkFindsWithManyBehaviours()
    {
        check(70);
    }

    private static void check(final int behaviours)
    {
        double[][] first = null;
        for (int workers = 1; workers <= 3; workers++)
        {
            try (Organism organism = Organism.launch(ModelRunTest.context(workers).seed(5)))
            {
                final Genotype[] genotypes = new Genotype[behaviours + 1];
                for (int b = 0; b < behaviours; b++)
                {
                    organism.registerBehaviour("b" + b, new Walkers.Idle());
                    genotypes[b] = organism.genotype("g" + b, LAYOUT, "b" + b);
                }
                final Plan plan = plan(behaviours);
                final CellPass pass = plan.pass(behaviours);
                // A behaviour registered after the pass was made: its cells go only to the items for every cell.
                organism.registerBehaviour("later", new Walkers.Idle());
                genotypes[behaviours] = organism.genotype("later", LAYOUT, "later");
                spawn(organism, genotypes, behaviours);
                final int families = organism.familyCount();
                assertTrue(families > 3, "cells spread over several families: " + families);
                pass.reset(families);
                organism.survey(pass);
                final double[][] expected = scalarWalk(organism, plan, families, behaviours);
                final double[][] got = new double[expected.length][];
                for (int item = 0; item < expected.length; item++)
                {
                    got[item] = new double[pass.width(item)];
                    pass.merge(item, families, got[item]);
                    assertArrayEquals(expected[item], got[item], 0.0, "item " + item + ", " + workers + " workers");
                }
                if (null == first)
                {
                    first = got;
                }
                for (int item = 0; item < got.length; item++)
                {
                    assertEquals(bits(first[item]), bits(got[item]), "item " + item + ", " + workers + " workers");
                }
            }
        }
        // The behaviour with no cells: an empty sum, no cells, no min, no max.
        assertArrayEquals(new double[]{ 0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY }, first[4], 0.0);
    }

    @Test
    void shouldMergeFamiliesPackedOnAnotherPassAsTheWalkingPassDoes()
    {
        // A sharded run: each shard walks its own families; shard 0 puts the others' accumulators in place
        // (unpack), in a pass that has room for fewer families until it makes more (ensure), and merges them all.
        try (Organism organism = Organism.launch(ModelRunTest.context(3).seed(9)))
        {
            final Genotype[] genotypes = new Genotype[4];
            for (int b = 0; b < 3; b++)
            {
                organism.registerBehaviour("b" + b, new Walkers.Idle());
                genotypes[b] = organism.genotype("g" + b, LAYOUT, "b" + b);
            }
            final Plan plan = plan(3);
            final CellPass walked = plan.pass(3);
            organism.registerBehaviour("later", new Walkers.Idle());
            genotypes[3] = organism.genotype("later", LAYOUT, "later");
            spawn(organism, genotypes, 3);
            final int families = organism.familyCount();
            walked.reset(families);
            organism.survey(walked);
            final CellPass gathered = plan.pass(3);
            gathered.reset(1);
            gathered.ensure(families);
            final ExpandableArrayBuffer block = new ExpandableArrayBuffer();
            for (int f = families - 1; f >= 0; f--)
            {
                final int end = walked.pack(f, block, 0);
                assertEquals(walked.familyWidth() * Double.BYTES, end, "family " + f);
                assertEquals(end, gathered.unpack(f, block, 0));
            }
            for (int item = 0; item < plan.kinds.size(); item++)
            {
                final double[] expected = new double[walked.width(item)];
                final double[] got = new double[walked.width(item)];
                walked.merge(item, families, expected);
                gathered.merge(item, families, got);
                assertEquals(bits(expected), bits(got), "item " + item);
            }
            // A family put back to its start adds nothing: the merge of a family no shard walked.
            gathered.clear(0);
            final double[] without = new double[walked.width(0)];
            gathered.merge(0, families, without);
            assertTrue(without[1] < organism.stats().alive(), "family 0's cells left out: " + without[1]);
        }
    }

    private static String bits(final double[] values)
    {
        final StringBuilder text = new StringBuilder();
        for (final double v : values)
        {
            text.append(Long.toHexString(Double.doubleToRawLongBits(v))).append(' ');
        }
        return text.toString();
    }

    /**
     * Items 0-3: each field for every cell; 4: the behaviour with no cells; 5-8: each field for some behaviours;
     * 9-12: a histogram of each field; 13: the model's reduction.
     */
    private static Plan plan(final int behaviours)
    {
        final Plan plan = new Plan();
        for (final String field : FIELDS)
        {
            plan.add(CellPass.FIELD, null, field, null, null);
        }
        plan.add(CellPass.FIELD, mask(behaviours, 1), "d", null, null);
        final int high = behaviours - 2;
        plan.add(CellPass.FIELD, mask(behaviours, 0, high), "l", null, null);
        plan.add(CellPass.FIELD, mask(behaviours, 0), "d", null, null);
        plan.add(CellPass.FIELD, mask(behaviours, high), "i", null, null);
        plan.add(CellPass.FIELD, mask(behaviours, 0, 2), "b", null, null);
        plan.add(CellPass.HISTOGRAM, null, "l", new double[]{ -50, 50, 7 }, null);
        plan.add(CellPass.HISTOGRAM, mask(behaviours, 0, high), "d", new double[]{ -1, 2, 5 }, null);
        plan.add(CellPass.HISTOGRAM, mask(behaviours, 2), "i", new double[]{ -1000, 1000, 10 }, null);
        plan.add(CellPass.HISTOGRAM, null, "b", new double[]{ -128, 128, 1 }, null);
        plan.add(CellPass.REDUCTION, null, null, null, new Own());
        return plan;
    }

    private static boolean[] mask(final int behaviours, final int... ids)
    {
        final boolean[] mask = new boolean[behaviours];
        for (final int id : ids)
        {
            mask[id] = true;
        }
        return mask;
    }

    /**
     * Cells of every behaviour but 1 (which has none) and of the later one, with values of every sign, NaN and
     * infinities among the doubles, and some cells killed so that the walk skips holes.
     */
    private static void spawn(final Organism organism, final Genotype[] genotypes, final int behaviours)
    {
        long x = 12345;
        for (int n = 0; n < CELLS; n++)
        {
            x = x * 6364136223846793005L + 1442695040888963407L;
            int b = (int)((x >>> 33) % (behaviours + 1));
            b = 1 == b ? 0 : b;
            final long handle = organism.spawn(genotypes[b]);
            final double d = 0 == n % 97 ? Double.NaN : 0 == n % 101 ? Double.NEGATIVE_INFINITY :
                0 == n % 103 ? Double.POSITIVE_INFINITY : ((x >>> 11) * 0x1.0p-53) * 4 - 1.5;
            organism.cell(handle).putLong(LAYOUT.offset("l"), (x >> 40) % 80).putDouble(LAYOUT.offset("d"), d)
                .putInt(LAYOUT.offset("i"), (int)(x >> 20)).putByte(LAYOUT.offset("b"), (byte)(x >>> 56));
            if (0 == n % 13)
            {
                organism.kill(handle);
            }
        }
    }

    /**
     * Each item by itself, family by family, each cell read with the plain accessor of its field's type.
     */
    private static double[][] scalarWalk(final Organism organism, final Plan plan, final int families,
        final int registered)
    {
        final int items = plan.kinds.size();
        final double[][][] perFamily = new double[families][items][];
        final double[][] starts = new double[items][];
        for (int item = 0; item < items; item++)
        {
            final int kind = plan.kinds.get(item);
            final int bins = CellPass.HISTOGRAM == kind ? (int)plan.histograms.get(item)[2] : 0;
            starts[item] = CellPass.FIELD == kind ? new double[]{ 0, 0, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY } : CellPass.HISTOGRAM == kind ? new double[bins] :
                new double[]{ 0, Double.POSITIVE_INFINITY };
            for (int f = 0; f < families; f++)
            {
                perFamily[f][item] = starts[item].clone();
            }
        }
        organism.survey((family, cell) ->
        {
            for (int item = 0; item < items; item++)
            {
                final boolean[] mask = plan.masks.get(item);
                final int b = cell.behaviourId();
                if (null != mask && (b >= registered || !mask[b]))
                {
                    continue;
                }
                final double[] a = perFamily[family][item];
                final int kind = plan.kinds.get(item);
                if (CellPass.REDUCTION == kind)
                {
                    plan.reductions.get(item).accumulate(cell, a);
                    continue;
                }
                final double v = read(cell, plan.fields.get(item));
                if (CellPass.FIELD == kind)
                {
                    a[0] += v;
                    a[1] += 1;
                    a[2] = v < a[2] ? v : a[2];
                    a[3] = v > a[3] ? v : a[3];
                }
                else
                {
                    final double[] h = plan.histograms.get(item);
                    final int bin = (int)Math.floor((v - h[0]) * (h[2] / (h[1] - h[0])));
                    a[Double.isNaN(v) || bin < 0 ? 0 : Math.min(bin, (int)h[2] - 1)] += 1;
                }
            }
        });
        final double[][] merged = new double[items][];
        for (int item = 0; item < items; item++)
        {
            merged[item] = starts[item].clone();
            final int kind = plan.kinds.get(item);
            for (int f = 0; f < families; f++)
            {
                for (int j = 0; j < merged[item].length; j++)
                {
                    final double v = perFamily[f][item][j];
                    final double m = merged[item][j];
                    if (CellPass.HISTOGRAM == kind || j < 2 && CellPass.FIELD == kind || 0 == j)
                    {
                        merged[item][j] = m + v;
                    }
                    else
                    {
                        merged[item][j] = 3 == j ? Math.max(m, v) : Math.min(m, v);
                    }
                }
            }
        }
        return merged;
    }

    private static double read(final CellFlyweight cell, final CellLayout.Field field)
    {
        switch (field.type())
        {
            case LONG:
                return cell.getLong(field.offset());
            case DOUBLE:
                return cell.getDouble(field.offset());
            case INT:
                return cell.getInt(field.offset());
            default:
                return cell.getByte(field.offset());
        }
    }
}
