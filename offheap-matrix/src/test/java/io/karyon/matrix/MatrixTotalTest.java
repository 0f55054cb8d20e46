package io.karyon.matrix;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MatrixTotalTest
{
    private static final int SUBSTANCES = 3;

    @TempDir
    File directory;

    @ParameterizedTest
    @ValueSource(longs = { 1L, 42L, 0x5EEDL })
    void shouldEqualThePerSiteSumBitForBitOnADynamicMatrix(final long seed)
    {
        final MatrixConfiguration configuration = new MatrixConfiguration().grid(37, 29).substances(SUBSTANCES)
            .diffusionRate(0, 0.2).decayRate(1, 0.03).diffusionRate(2, 0.05).decayRate(2, 0.1);
        try (Matrix matrix = Matrix.create(configuration))
        {
            // An odd number of ticks leaves the second buffer in front, an even one the first: check after each.
            tickRandomly(matrix, seed, 5);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = { 1L, 42L, 0x5EEDL })
    void shouldEqualThePerSiteSumBitForBitOnAStaticMatrix(final long seed)
    {
        try (Matrix matrix = Matrix.create(new MatrixConfiguration().grid(41, 23).substances(SUBSTANCES)))
        {
            tickRandomly(matrix, seed, 3);
        }
    }

    @Test
    void shouldEqualThePerSiteSumBitForBitOnAFileMatrixReadThroughItsRecords()
    {
        // A static matrix persisted to a file has no flat copy: total() falls back to the records.
        final File file = new File(directory, "total.matrix");
        try (Matrix matrix = Matrix.createPersistedTo(file, new MatrixConfiguration().grid(19, 17).substances(2)))
        {
            tickRandomly(matrix, 7L, 3);
        }
        try (Matrix reader = Matrix.openReadOnly(file))
        {
            assertTotalsMatch(reader);
        }
    }

    @Test
    void shouldAddInSiteOrderFromTheFirstSite()
    {
        // 1.0 at site 0, then values each under half an ulp of 1.0: in site order each addition rounds back to 1.0,
        // while in any order that adds the small ones first (here reversed) they add up to more than an ulp.
        try (Matrix matrix = Matrix.create(new MatrixConfiguration().grid(41, 23).substances(SUBSTANCES)))
        {
            final double tiny = Math.scalb(1.0, -60);
            matrix.depositDirect(0, 1, 1.0);
            for (long site = 1; site < matrix.sites(); site++)
            {
                matrix.depositDirect(site, 1, tiny);
            }
            double reversed = 0.0;
            for (long site = matrix.sites() - 1; site >= 0; site--)
            {
                reversed += matrix.read(site, 1);
            }
            assertEquals(1.0, matrix.total(1));
            assertNotEquals(1.0, reversed);
            assertEquals(0.0, matrix.total(0));
        }
    }

    @Test
    void shouldRefuseASubstanceOutOfRangeAndAClosedMatrixLikeRead()
    {
        final Matrix matrix = Matrix.create(new MatrixConfiguration().grid(10, 10).substances(2).decayRate(0, 0.1));
        assertEquals("in-memory matrix: substance out of range 0..1: substance=2",
            assertThrows(IllegalArgumentException.class, () -> matrix.total(2)).getMessage());
        assertEquals("in-memory matrix: substance out of range 0..1: substance=-1",
            assertThrows(IllegalArgumentException.class, () -> matrix.total(-1)).getMessage());
        assertEquals(0.0, matrix.total(1));
        matrix.close();
        final IllegalStateException read = assertThrows(IllegalStateException.class, () -> matrix.read(0, 0));
        final IllegalStateException total = assertThrows(IllegalStateException.class, () -> matrix.total(0));
        assertEquals("in-memory matrix: closed", total.getMessage());
        assertEquals(read.getMessage(), total.getMessage());
    }

    private static void tickRandomly(final Matrix matrix, final long seed, final int ticks)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final int parts = 2;
        final MatrixWriter[] writers = matrix.writers(parts);
        final long sites = matrix.sites();
        final int substances = matrix.substances();
        for (int tick = 0; tick < ticks; tick++)
        {
            for (int d = 0; d < 4 * sites; d++)
            {
                final double amount = random.nextDouble() * (1 + random.nextInt(1000));
                writers[random.nextInt(parts)].deposit(random.nextLong(sites), random.nextInt(substances), amount, d);
            }
            for (int part = 0; part < parts; part++)
            {
                matrix.applyTick(part, parts, tick);
            }
            assertTotalsMatch(matrix);
        }
    }

    private static void assertTotalsMatch(final Matrix matrix)
    {
        for (int k = 0; k < matrix.substances(); k++)
        {
            double sum = 0.0;
            for (long site = 0; site < matrix.sites(); site++)
            {
                sum += matrix.read(site, k);
            }
            assertEquals(Double.doubleToRawLongBits(sum), Double.doubleToRawLongBits(matrix.total(k)),
                "substance " + k + ": " + sum + " vs " + matrix.total(k));
        }
    }
}
