package io.karyon.matrix;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MatrixStateTest
{
    private static final int TICKS = 9;

    @TempDir
    File directory;

    private static MatrixConfiguration dynamic()
    {
        return new MatrixConfiguration().grid(23, 17).substances(3)
            .diffusionRate(0, 0.2).decayRate(0, 0.01).decayRate(1, 0.3).diffusionRate(1, 0.1).decayRate(2, 1.0);
    }

    private static MatrixConfiguration fixed()
    {
        return new MatrixConfiguration().grid(31, 7).substances(2);
    }

    @ParameterizedTest
    @CsvSource({ "true, 1, 1, 4", "true, 2, 3, 4", "true, 3, 1, 5", "true, 1, 2, 0", "false, 2, 1, 3",
        "false, 1, 3, 6" })
    void shouldCarryOnBitIdenticallyFromWrittenStateWithAnyWriterCount(
        final boolean isDynamic, final int partsBefore, final int partsAfter, final int stateAt) throws IOException
    {
        final long unbroken;
        try (Matrix matrix = Matrix.create(isDynamic ? dynamic() : fixed()))
        {
            run(matrix, matrix.writers(partsBefore), 0, TICKS);
            unbroken = matrix.digest();
        }
        final byte[] state;
        try (Matrix matrix = Matrix.create(isDynamic ? dynamic() : fixed()))
        {
            run(matrix, matrix.writers(partsBefore), 0, stateAt);
            state = write(matrix);
        }
        try (Matrix matrix = Matrix.create(isDynamic ? dynamic() : fixed()))
        {
            final MatrixWriter[] writers = matrix.writers(partsAfter);
            run(matrix, writers, 0, 2);  // what the resumed run's set-up did is replaced
            matrix.readState(new DataInputStream(new ByteArrayInputStream(state)));
            run(matrix, writers, stateAt, TICKS);
            assertEquals(unbroken, matrix.digest());
        }
    }

    @Test
    void shouldRoundTripAFileMatrixWithoutAFlatCopy() throws IOException
    {
        final byte[] state;
        final long digest;
        try (Matrix matrix = Matrix.createPersistedTo(new File(directory, "a.matrix"), fixed()))
        {
            run(matrix, matrix.writers(2), 0, 3);
            digest = matrix.digest();
            state = write(matrix);
        }
        try (Matrix matrix = Matrix.createPersistedTo(new File(directory, "b.matrix"), fixed()))
        {
            matrix.writers(1);
            assertNotEquals(digest, matrix.digest());
            matrix.readState(new DataInputStream(new ByteArrayInputStream(state)));
            assertEquals(digest, matrix.digest());
        }
    }

    @Test
    void shouldRefuseStateOfAnotherShapeNamingBoth() throws IOException
    {
        final byte[] state;
        try (Matrix matrix = Matrix.create(fixed()))
        {
            state = write(matrix);
        }
        try (Matrix matrix = Matrix.create(dynamic()))
        {
            final IOException ex = assertThrows(IOException.class,
                () -> matrix.readState(new DataInputStream(new ByteArrayInputStream(state))));
            assertEquals(matrix.name() + ": the checkpoint's matrix has 217 sites of 2 substances, this one 391 of 3",
                ex.getMessage());
        }
    }

    private static byte[] write(final Matrix matrix) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            matrix.writeState(out);
        }
        return bytes.toByteArray();
    }

    /**
     * Ticks from..to: each tick's phase, then deposits that depend only on the tick, spread over the writers by site
     * (as cells live on workers), several per site from several order keys.
     */
    private static void run(final Matrix matrix, final MatrixWriter[] writers, final long from, final long to)
    {
        for (long tick = from; tick < to; tick++)
        {
            for (int p = 0; p < writers.length; p++)
            {
                matrix.applyTick(p, writers.length, tick);
            }
            final SplittableRandom random = new SplittableRandom(tick * 31 + 7);
            for (int d = 0; d < 600; d++)
            {
                final long site = random.nextLong(matrix.sites());
                final long cell = random.nextLong(50);
                final double amount = random.nextDouble() * (random.nextBoolean() ? 1e-9 : 1e3);
                writers[(int)(cell % writers.length)].deposit(site, random.nextInt(matrix.substances()), amount, cell);
            }
        }
    }
}
