package io.karyon.matrix;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The counting sort of a part's deposits against the order it replaced: a stable comparison sort, in gathering order
 * (writer by writer, each in issue order), by (primary, order key), the primary being the value's key, led by the
 * site's segment in a static matrix. Seeded random deposits, many on a few hot values (ties on the value, on the order
 * key too, and runs long enough for the merge path), over several ticks that reuse the merger's arrays.
 */
class DepositMergerTest
{
    private static final int TICKS = 4;

    @ParameterizedTest
    @CsvSource({
        "true, 1, 1, 11", "true, 2, 3, 12", "true, 3, 2, 13", "true, 5, 4, 14",
        "false, 1, 1, 21", "false, 2, 3, 22", "false, 3, 2, 23", "false, 4, 5, 24" })
    void shouldSortInTheOrderOfAStableSortByPrimaryThenOrderKey(
        final boolean dynamic, final int parts, final int writerCount, final long seed)
    {
        final int substances = 3;
        final MatrixConfiguration configuration = new MatrixConfiguration().grid(37, 29).substances(substances);
        if (dynamic)
        {
            configuration.decayRate(0, 0.5);
        }
        configuration.conclude();
        final MatrixFile store = MatrixFile.create(configuration);
        try (Matrix matrix = Matrix.create(configuration))
        {
            final SiteRecords records = new SiteRecords(store);
            final int sites = (int)configuration.sites();
            final DiffusionKernel kernel = new DiffusionKernel(sites, substances, 37, 29, 1, configuration);
            final short[] partOf = new short[sites];
            for (int s = 0; s < sites; s++)
            {
                partOf[s] = (short)(dynamic ? kernel.partOf(s, parts) : records.segmentOf(s) % parts);
            }
            final MatrixWriter[] writers = new MatrixWriter[writerCount];
            for (int w = 0; w < writerCount; w++)
            {
                writers[w] = new MatrixWriter(matrix, w, parts, partOf);
            }
            final int[] partSites = new int[parts];
            final int[] ranks = records.ranks(parts, partSites);
            final DepositMerger[] mergers = new DepositMerger[parts];
            for (int p = 0; p < parts; p++)
            {
                mergers[p] = dynamic ?
                    new DepositMerger(substances, kernel.rangeStart(p, parts), kernel.rangeStart(p + 1, parts)) :
                    new DepositMerger(substances, partSites[p], ranks);
            }
            final SplittableRandom random = new SplittableRandom(seed);
            for (int tick = 0; tick < TICKS; tick++)
            {
                final int deposits = random.nextInt(3000);
                for (int i = 0; i < deposits; i++)
                {
                    final boolean hot = random.nextInt(4) == 0;
                    final int site = hot ? random.nextInt(3) * 101 : random.nextInt(sites);
                    final int substance = random.nextInt(substances);
                    // A few order keys, so that ties on the order key keep the gathering order; some descending on
                    // the hot values, so that long runs come out of order.
                    final long orderKey = hot && random.nextBoolean() ? 1_000_000 - i : random.nextInt(40) - 20;
                    writers[random.nextInt(writerCount)].deposit(site, substance, random.nextDouble(), orderKey);
                }
                for (int p = 0; p < parts; p++)
                {
                    final List<long[]> expected = expected(writers, p, records, substances, dynamic);
                    mergers[p].collect(writers, p);
                    assertEquals(expected.size(), mergers[p].count, "deposits of part " + p);
                    for (int d = 0; d < expected.size(); d++)
                    {
                        final long[] e = expected.get(d);
                        final String where = "tick " + tick + ", part " + p + ", deposit " + d;
                        assertEquals(e[0], mergers[p].keys[d], where);
                        assertEquals(e[1], mergers[p].orderKeys[d], where);
                        assertEquals(e[2], Double.doubleToRawLongBits(mergers[p].amounts[d]), where);
                    }
                    for (final MatrixWriter writer : writers)
                    {
                        assertEquals(0, writer.count(p), "buckets emptied");
                    }
                }
            }
        }
        finally
        {
            store.close();
        }
    }

    /**
     * The old order: gathered writer by writer, then a stable sort by (primary, order key).
     */
    private static List<long[]> expected(
        final MatrixWriter[] writers,
        final int part,
        final SiteRecords records,
        final int substances,
        final boolean dynamic)
    {
        final List<long[]> gathered = new ArrayList<>();
        for (final MatrixWriter writer : writers)
        {
            for (int i = 0; i < writer.count(part); i++)
            {
                final long key = writer.keys[part][i];
                final long primary = dynamic ? key :
                    ((long)records.segmentOf((int)(key / substances)) << 32) | key;
                gathered.add(new long[] {
                    key, writer.orderKeys[part][i], Double.doubleToRawLongBits(writer.amounts[part][i]), primary });
            }
        }
        // List.sort is a stable merge sort.
        gathered.sort(Comparator.<long[]>comparingLong(e -> e[3]).thenComparingLong(e -> e[1]));
        return gathered;
    }
}
