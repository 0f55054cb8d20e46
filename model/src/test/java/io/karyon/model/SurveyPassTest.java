package io.karyon.model;

import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.Stats;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.internal.ShardCensus;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SurveyPass} against a plain walk written here: long words merged by SUM, OR, MIN and MAX and double words by
 * SUM, MIN and MAX (with NaN and infinities), finished; the same bits for 1, 2 and 3 workers; a part packed by one
 * pass and merged into another (a sharded run's gathering) finishing to the same bits; bad merges refused by name.
 */
class SurveyPassTest
{
    private static final CellLayout LAYOUT = CellLayout.builder().longField("l").doubleField("d").build();
    private static final int CELLS = 2503;
    private static final int BITS = 1000;

    /**
     * A bitmap of {@code l mod BITS} (OR), a count (SUM), the lowest and highest {@code l}; finished into a mix of
     * them all, so that any word that differs changes the value.
     */
    static final class Longs implements SurveyValue
    {
        public Merge[] longs()
        {
            final Merge[] merges = new Merge[(BITS + 63) / 64 + 3];
            java.util.Arrays.fill(merges, Merge.OR);
            merges[merges.length - 3] = Merge.SUM;
            merges[merges.length - 2] = Merge.MIN;
            merges[merges.length - 1] = Merge.MAX;
            return merges;
        }

        public Merge[] doubles()
        {
            return new Merge[0];
        }

        public void accumulate(final CellFlyweight cell, final long[] longs, final double[] doubles)
        {
            final long l = cell.getLong(LAYOUT.offset("l"));
            final int bit = (int)Math.floorMod(l, BITS);
            longs[bit >>> 6] |= 1L << bit;
            longs[longs.length - 3]++;
            longs[longs.length - 2] = Math.min(longs[longs.length - 2], l);
            longs[longs.length - 1] = Math.max(longs[longs.length - 1], l);
        }

        public double finish(final long[] longs, final double[] doubles)
        {
            long mix = 0;
            for (final long word : longs)
            {
                mix = mix * 31 + word;
            }
            return mix;
        }
    }

    /**
     * The sum of {@code d} over a count (SUM of a long word), its lowest and highest; finished into the mean.
     */
    static class Doubles implements SurveyValue
    {
        final double[] lastMerged = new double[3];

        public Merge[] longs()
        {
            return new Merge[]{ Merge.SUM };
        }

        public Merge[] doubles()
        {
            return new Merge[]{ Merge.SUM, Merge.MIN, Merge.MAX };
        }

        public void accumulate(final CellFlyweight cell, final long[] longs, final double[] doubles)
        {
            final double d = cell.getDouble(LAYOUT.offset("d"));
            doubles[0] += d;
            doubles[1] = Math.min(doubles[1], d);
            doubles[2] = Math.max(doubles[2], d);
            longs[0]++;
        }

        public double finish(final long[] longs, final double[] doubles)
        {
            System.arraycopy(doubles, 0, lastMerged, 0, 3);
            return 0 == longs[0] ? Double.NaN : doubles[0] / longs[0];
        }
    }

    @Test
    void shouldFinishWhatAPlainWalkFindsWithAnyWorkerCount()
    {
        long[] first = null;
        for (int workers = 1; workers <= 3; workers++)
        {
            try (Organism organism = Organism.launch(ModelRunTest.context(workers).seed(5)))
            {
                spawn(organism, CELLS, true);
                final Doubles doubles = new Doubles();
                final SurveyPass pass = new SurveyPass(new String[]{ "longs", "mean" },
                    new SurveyValue[]{ new Longs(), doubles });
                pass.walk(organism);
                pass.finish();
                final double[] expected = plainWalk(organism);
                assertEquals(Double.doubleToRawLongBits(expected[0]), Double.doubleToRawLongBits(pass.result(0)));
                assertEquals(Double.doubleToRawLongBits(expected[1]), Double.doubleToRawLongBits(pass.result(1)),
                    "the mean of " + workers + " workers");
                assertEquals(expected[2], doubles.lastMerged[1]);
                assertEquals(expected[3], doubles.lastMerged[2]);
                final long[] bits = { Double.doubleToRawLongBits(pass.result(0)),
                    Double.doubleToRawLongBits(pass.result(1)) };
                if (null == first)
                {
                    first = bits;
                }
                assertEquals(first[0], bits[0], workers + " workers");
                assertEquals(first[1], bits[1], workers + " workers");
            }
        }
    }

    @Test
    void shouldFinishTheSameBitsFromAPartPackedOnAnotherPass()
    {
        try (Organism organism = Organism.launch(ModelRunTest.context(3).seed(9));
            Organism empty = Organism.launch(ModelRunTest.context(1).seed(9)))
        {
            spawn(organism, CELLS, false);
            final SurveyPass walked = new SurveyPass(new String[]{ "longs", "mean" },
                new SurveyValue[]{ new Longs(), new Doubles() });
            walked.walk(organism);
            walked.finish();
            final ExpandableArrayBuffer block = new ExpandableArrayBuffer();
            final int end = walked.pack(new Everything(), block, 4);
            // Shard 0 with no families of its own: the other's families are made room for, and its words merged in.
            final SurveyPass gathered = new SurveyPass(new String[]{ "longs", "mean" },
                new SurveyValue[]{ new Longs(), new Doubles() });
            gathered.walk(empty);
            assertEquals(end, gathered.unpack(block, 4));
            gathered.finish();
            assertEquals(Double.doubleToRawLongBits(walked.result(0)), Double.doubleToRawLongBits(gathered.result(0)));
            assertEquals(Double.doubleToRawLongBits(walked.result(1)), Double.doubleToRawLongBits(gathered.result(1)));
            assertTrue(organism.familyCount() > 3, "several families: " + organism.familyCount());
            // With none of the other's part, the empty shard's mean is of no cells.
            gathered.walk(empty);
            gathered.finish();
            assertTrue(Double.isNaN(gathered.result(1)));
        }
    }

    @Test
    void shouldRefuseBadMergesNamingTheValue()
    {
        final SurveyValue orOnDoubles = new Doubles()
        {
            public Merge[] doubles()
            {
                return new Merge[]{ Merge.OR };
            }
        };
        final IllegalArgumentException or = assertThrows(IllegalArgumentException.class,
            () -> new RunObservations().value("mixed", orOnDoubles));
        assertEquals("survey value mixed: a double word cannot merge by OR", or.getMessage());
        final SurveyValue none = new Doubles()
        {
            public Merge[] longs()
            {
                return null;
            }
        };
        final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
            () -> new SurveyPass(new String[]{ "gone" }, new SurveyValue[]{ none }));
        assertEquals("survey value gone: longs() must be an array of merges (empty for none), without nulls",
            missing.getMessage());
    }

    private static void spawn(final Organism organism, final int cells, final boolean odd)
    {
        organism.registerBehaviour("idle", new Walkers.Idle());
        final Genotype genotype = organism.genotype("g", LAYOUT, "idle");
        long x = 777;
        for (int n = 0; n < cells; n++)
        {
            x = x * 6364136223846793005L + 1442695040888963407L;
            final long handle = organism.spawn(genotype);
            final double d = odd && 0 == n % 101 ? Double.NEGATIVE_INFINITY : ((x >>> 11) * 0x1.0p-53) * 4 - 1.5;
            organism.cell(handle).putLong(LAYOUT.offset("l"), x >> 30).putDouble(LAYOUT.offset("d"), d);
            if (0 == n % 11)
            {
                organism.kill(handle);
            }
        }
    }

    /**
     * Both values by a plain walk on the driver: per family, then in family order; the longs exact in any order.
     * Returns the two finished values, then the lowest and highest {@code d}.
     */
    private static double[] plainWalk(final Organism organism)
    {
        final int families = organism.familyCount();
        final double[][] sums = new double[families][3];
        final long[][] longs = new long[families][];
        final Longs value = new Longs();
        final SurveyValue.Merge[] merges = value.longs();
        for (int f = 0; f < families; f++)
        {
            sums[f][1] = Double.POSITIVE_INFINITY;
            sums[f][2] = Double.NEGATIVE_INFINITY;
            longs[f] = new long[merges.length];
            longs[f][merges.length - 2] = Long.MAX_VALUE;
            longs[f][merges.length - 1] = Long.MIN_VALUE;
        }
        final long[] counts = new long[families];
        organism.survey((family, cell) ->
        {
            final double d = cell.getDouble(LAYOUT.offset("d"));
            sums[family][0] += d;
            sums[family][1] = Math.min(sums[family][1], d);
            sums[family][2] = Math.max(sums[family][2], d);
            counts[family]++;
            value.accumulate(cell, longs[family], null);
        });
        final long[] all = new long[merges.length];
        all[merges.length - 2] = Long.MAX_VALUE;
        all[merges.length - 1] = Long.MIN_VALUE;
        double sum = 0.0;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        long count = 0;
        for (int f = 0; f < families; f++)
        {
            sum += sums[f][0];
            lo = Math.min(lo, sums[f][1]);
            hi = Math.max(hi, sums[f][2]);
            count += counts[f];
            for (int j = 0; j < all.length; j++)
            {
                all[j] = j < all.length - 3 ? all[j] | longs[f][j] : j == all.length - 3 ? all[j] + longs[f][j] :
                    j == all.length - 2 ? Math.min(all[j], longs[f][j]) : Math.max(all[j], longs[f][j]);
            }
        }
        return new double[]{ value.finish(all, null), sum / count, lo, hi };
    }

    /**
     * A census of a shard that owns every family.
     */
    private static final class Everything implements ShardCensus
    {
        public boolean ownsWorker(final int worker)
        {
            return true;
        }

        public boolean ownsFamily(final int family)
        {
            return true;
        }

        public void install(final long tick, final Stats stats, final long[] counts)
        {
        }

        public void permitSurveys(final boolean permitted)
        {
        }

        public void clear()
        {
        }
    }
}
