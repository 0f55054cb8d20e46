package io.karyon.matrix;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MatrixTickTest
{
    private static final int CELLS = 97;

    @ParameterizedTest
    @ValueSource(booleans = { false, true })
    void shouldMakeDepositsVisibleOnlyFromTheNextTick(final boolean dynamic)
    {
        final MatrixConfiguration configuration = new MatrixConfiguration().grid(8, 8).substances(2);
        if (dynamic)
        {
            configuration.decayRate(1, 0.5);
        }
        try (Matrix matrix = Matrix.create(configuration))
        {
            final MatrixWriter[] writers = matrix.writers(2);
            matrix.applyTick(0, 2, 0);
            matrix.applyTick(1, 2, 0);
            writers[1].deposit(9, 0, 2.5, 7);
            writers[0].deposit(9, 0, 0.25, 3);
            writers[0].deposit(63, 1, 1.0, 3);
            assertEquals(0.0, matrix.read(9, 0), "not visible in the tick it was made");
            assertEquals(3, writers[0].pending() + writers[1].pending());
            matrix.applyTick(0, 2, 1);
            matrix.applyTick(1, 2, 1);
            assertEquals(2.75, matrix.read(9, 0));
            assertEquals(1.0, matrix.read(63, 1), "deposits are added after decay");
            assertEquals(0.0, matrix.read(9, 1));
            assertEquals(0, writers[0].pending() + writers[1].pending());
            matrix.applyTick(0, 2, 2);
            matrix.applyTick(1, 2, 2);
            assertEquals(2.75, matrix.read(9, 0), "applied once");
            assertEquals(dynamic ? 0.5 : 1.0, matrix.read(63, 1));
        }
    }

    @Test
    void shouldRefuseTicksThatAreNotConsecutiveOrPartsThatDoNotMatch()
    {
        try (Matrix matrix = Matrix.create(new MatrixConfiguration().grid(4)))
        {
            assertThrows(IllegalStateException.class, () -> matrix.applyTick(0, 1, 0), "no writers yet");
            matrix.writers(2);
            assertThrows(IllegalStateException.class, () -> matrix.writers(2));
            final IllegalStateException wrongParts =
                assertThrows(IllegalStateException.class, () -> matrix.applyTick(0, 3, 0));
            assertEquals("in-memory matrix: applyTick(0, 3) but writers are set up for 2 parts",
                wrongParts.getMessage());
            matrix.applyTick(0, 2, 5);
            final IllegalStateException skipped =
                assertThrows(IllegalStateException.class, () -> matrix.applyTick(0, 2, 7));
            assertEquals("in-memory matrix: part 0 applied tick 5, then tick 7: ticks must be consecutive",
                skipped.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 3 })
    void shouldConserveMassUnderDiffusionMinusDecay(final int dimensions)
    {
        final int[] grid = 1 == dimensions ? new int[] { 5000 } :
            2 == dimensions ? new int[] { 80, 60 } : new int[] { 20, 15, 12 };
        final double decay = 0.01;
        final MatrixConfiguration configuration = new MatrixConfiguration().grid(grid).substances(2)
            .diffusionRate(0, 1.0 / (2 * dimensions)).diffusionRate(1, 0.05).decayRate(0, decay);
        try (Matrix matrix = Matrix.create(configuration))
        {
            final MatrixWriter[] writers = matrix.writers(3);
            final SplittableRandom random = new SplittableRandom(11);
            double total0 = 0.0;
            double total1 = 0.0;
            for (int i = 0; i < 500; i++)
            {
                final double amount = random.nextDouble() * 100.0;
                final long site = random.nextLong(matrix.sites());
                writers[i % 3].deposit(site, 0, amount, i);
                writers[i % 3].deposit(site, 1, amount, i);
                total0 += amount;
                total1 += amount;
            }
            final int ticks = 200;
            for (long tick = 0; tick < ticks; tick++)
            {
                for (int p = 0; p < 3; p++)
                {
                    matrix.applyTick(p, 3, tick);
                }
            }
            // The deposits arrive in tick 0 and then decay in each of the remaining ticks.
            final double expected0 = total0 * Math.pow(1.0 - decay, ticks - 1);
            assertEquals(1.0, sum(matrix, 0) / expected0, 1e-9, "substance 0 total");
            assertEquals(1.0, sum(matrix, 1) / total1, 1e-9, "substance 1 total (no decay)");
            assertTrue(max(matrix, 1) < total1 / 4, "substance 1 has spread");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = { false, true })
    void shouldGiveBitIdenticalResultsForAnyNumberOfPartsAndMatchAScalarModel(final boolean dynamic)
    {
        final int[] grid = { 23, 17 };
        final int substances = 3;
        final int ticks = 12;
        final double[] keep = { 0.97, 1.0, 0.5 };
        final double[] diffusion = { 0.2, 0.05, 0.25 };
        final List<List<Deposit>> schedule = schedule(grid[0] * grid[1], substances, ticks);
        final double[] model = model(grid, substances, dynamic ? keep : new double[] { 1, 1, 1 },
            dynamic ? diffusion : new double[3], schedule);

        for (final int parts : new int[] { 1, 2, 3, 4, 8 })
        {
            // Records are refreshed over 1 to 3 ticks, depending on the run: flush() makes them current either way.
            final MatrixConfiguration configuration = new MatrixConfiguration().grid(grid).substances(substances)
                .publishInterval(1 + parts % 3);
            if (dynamic)
            {
                for (int k = 0; k < substances; k++)
                {
                    configuration.decayRate(k, 1.0 - keep[k]).diffusionRate(k, diffusion[k]);
                }
            }
            try (Matrix matrix = Matrix.create(configuration))
            {
                final MatrixWriter[] writers = matrix.writers(parts);
                for (int tick = 0; tick <= ticks; tick++)
                {
                    // Run the parts in a different order each tick: the result must not care.
                    for (int i = 0; i < parts; i++)
                    {
                        final int part = (i + tick) % parts;
                        matrix.applyTick(part, parts, tick);
                    }
                    if (tick < ticks)
                    {
                        // A cell lives on worker cell % parts and deposits in its own order; workers interleave.
                        for (final Deposit deposit : schedule.get(tick))
                        {
                            writers[(int)(deposit.cell % parts)].deposit(
                                deposit.site, deposit.substance, deposit.amount, deposit.cell);
                        }
                    }
                }
                for (int s = 0; s < grid[0] * grid[1]; s++)
                {
                    for (int k = 0; k < substances; k++)
                    {
                        assertEquals(Double.doubleToRawLongBits(model[s * substances + k]),
                            Double.doubleToRawLongBits(matrix.read(s, k)),
                            "parts=" + parts + " site=" + s + " substance=" + k);
                    }
                }
                matrix.flush();
                final double[] snapshot = new double[grid[0] * grid[1] * substances];
                matrix.snapshot(snapshot);
                for (int i = 0; i < snapshot.length; i++)
                {
                    assertEquals(Double.doubleToRawLongBits(model[i]), Double.doubleToRawLongBits(snapshot[i]),
                        "records after flush, parts=" + parts);
                }
            }
        }
    }

    @Test
    void shouldBringAnInMemoryMatrixsRecordsUpToDateAtFlush()
    {
        try (Matrix matrix = Matrix.create(new MatrixConfiguration().grid(8).substances(2)))
        {
            final MatrixWriter writer = matrix.writers(1)[0];
            matrix.applyTick(0, 1, 0);
            writer.deposit(3, 1, 2.5, 7);
            writer.deposit(3, 1, 0.25, 7);
            writer.deposit(6, 0, 1.0, 7);
            matrix.applyTick(0, 1, 1);
            matrix.depositDirect(3, 1, 1.0);
            matrix.depositDirect(5, 0, 4.0);

            assertEquals(3.75, matrix.read(3, 1));
            assertEquals(1.0, matrix.read(6, 0));
            assertEquals(4.0, matrix.read(5, 0));
            matrix.flush();
            final double[] snapshot = new double[16];
            matrix.snapshot(snapshot);
            for (int site = 0; site < 8; site++)
            {
                for (int k = 0; k < 2; k++)
                {
                    assertEquals(matrix.read(site, k), snapshot[site * 2 + k], "site " + site + " substance " + k);
                }
            }
        }
    }

    @Test
    void shouldDepositDirectlyInFreeRunningModeFromManyThreads() throws InterruptedException
    {
        try (Matrix matrix = Matrix.create(new MatrixConfiguration().grid(64).substances(2)))
        {
            final Thread[] threads = new Thread[4];
            for (int t = 0; t < threads.length; t++)
            {
                threads[t] = new Thread(() ->
                {
                    for (int i = 0; i < 20_000; i++)
                    {
                        matrix.depositDirect(i % 64, i & 1, 1.0);
                    }
                });
                threads[t].start();
            }
            for (final Thread thread : threads)
            {
                thread.join();
            }
            assertEquals(40_000.0, sum(matrix, 0));
            assertEquals(40_000.0, sum(matrix, 1));
            assertEquals(4 * ((20_000 - 5 + 63) / 64), matrix.read(5, 1), "site 5 gets every 64th deposit");
        }
    }

    @Test
    void shouldNameTheSiteOrSubstanceOutOfRange()
    {
        try (Matrix matrix = Matrix.create(new MatrixConfiguration().grid(10, 10).substances(2)))
        {
            final MatrixWriter writer = matrix.writers(1)[0];
            assertEquals("in-memory matrix: site out of range 0..99: site=100",
                assertThrows(IllegalArgumentException.class, () -> matrix.read(100, 0)).getMessage());
            assertEquals("in-memory matrix: site out of range 0..99: site=-1",
                assertThrows(IllegalArgumentException.class, () -> writer.deposit(-1, 0, 1.0, 0)).getMessage());
            assertEquals("in-memory matrix: substance out of range 0..1: substance=2",
                assertThrows(IllegalArgumentException.class, () -> matrix.depositDirect(3, 2, 1.0)).getMessage());
            assertEquals(0, writer.pending(), "a refused deposit is not buffered");
        }
    }

    private static double sum(final Matrix matrix, final int substance)
    {
        double sum = 0.0;
        for (long s = 0; s < matrix.sites(); s++)
        {
            sum += matrix.read(s, substance);
        }
        return sum;
    }

    private static double max(final Matrix matrix, final int substance)
    {
        double max = 0.0;
        for (long s = 0; s < matrix.sites(); s++)
        {
            max = Math.max(max, matrix.read(s, substance));
        }
        return max;
    }

    record Deposit(long cell, int issue, int site, int substance, double amount)
    {
    }

    private static List<List<Deposit>> schedule(final int sites, final int substances, final int ticks)
    {
        final SplittableRandom random = new SplittableRandom(5);
        final List<List<Deposit>> schedule = new ArrayList<>();
        for (int t = 0; t < ticks; t++)
        {
            final List<Deposit> tick = new ArrayList<>();
            for (long cell = 0; cell < CELLS; cell++)
            {
                final int count = random.nextInt(6);
                for (int i = 0; i < count; i++)
                {
                    // A few hot sites get many depositors, so the order of additions matters.
                    final int site = random.nextInt(4) == 0 ? random.nextInt(3) : random.nextInt(sites);
                    tick.add(new Deposit(cell, i, site, random.nextInt(substances),
                        random.nextDouble() * Math.pow(10, random.nextInt(12) - 6)));
                }
            }
            schedule.add(tick);
        }
        return schedule;
    }

    /**
     * The tick written as plainly as possible: every site from the previous buffer, then the deposits in
     * (site, substance, cell, issue) order.
     */
    private static double[] model(
        final int[] grid, final int substances, final double[] keep, final double[] diffusion,
        final List<List<Deposit>> schedule)
    {
        final int nx = grid[0];
        final int ny = grid[1];
        double[] from = new double[nx * ny * substances];
        for (final List<Deposit> tick : schedule)
        {
            final double[] to = new double[from.length];
            final List<Deposit> sorted = new ArrayList<>(tick);
            sorted.sort(Comparator.comparingLong((Deposit d) -> (long)d.site * substances + d.substance)
                .thenComparingLong(Deposit::cell).thenComparingInt(Deposit::issue));
            int d = 0;
            for (int y = 0; y < ny; y++)
            {
                for (int x = 0; x < nx; x++)
                {
                    for (int k = 0; k < substances; k++)
                    {
                        final int at = (y * nx + x) * substances + k;
                        final double c = from[at];
                        double flow = 0.0;
                        if (x > 0)
                        {
                            flow += from[at - substances] - c;
                        }
                        if (x < nx - 1)
                        {
                            flow += from[at + substances] - c;
                        }
                        if (y > 0)
                        {
                            flow += from[at - nx * substances] - c;
                        }
                        if (y < ny - 1)
                        {
                            flow += from[at + nx * substances] - c;
                        }
                        double value = keep[k] * (c + diffusion[k] * flow);
                        while (d < sorted.size() &&
                            (long)sorted.get(d).site * substances + sorted.get(d).substance == at)
                        {
                            value += sorted.get(d++).amount;
                        }
                        to[at] = value;
                    }
                }
            }
            from = to;
        }
        return from;
    }
}
