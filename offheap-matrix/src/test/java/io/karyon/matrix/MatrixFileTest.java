package io.karyon.matrix;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MatrixFileTest
{
    @TempDir
    Path dir;

    private static MatrixConfiguration layout()
    {
        return new MatrixConfiguration().grid(30, 20).substances(2).diffusionRate(0, 0.1).decayRate(1, 0.01);
    }

    private File written() throws IOException
    {
        final File file = dir.resolve("m.matrix").toFile();
        try (Matrix matrix = Matrix.createPersistedTo(file, layout()))
        {
            final MatrixWriter writer = matrix.writers(1)[0];
            writer.deposit(17, 0, 4.0, 1);
            writer.deposit(599, 1, 2.0, 1);
            matrix.applyTick(0, 1, 0);
            matrix.applyTick(0, 1, 1);
        }
        return file;
    }

    @Test
    void shouldReopenAPersistedMatrixWithItsValues() throws IOException
    {
        final File file = written();
        try (Matrix matrix = Matrix.openReadOnly(file))
        {
            assertEquals("sites=600, substances=2, grid=30x20", matrix.layout());
            assertEquals(2, matrix.dimensions());
            assertTrue(matrix.isReadOnly());
            assertEquals(4.0 * 0.7, matrix.read(17, 0), 1e-15, "diffused once after arriving (three neighbours)");
            assertEquals(0.1 * 4.0, matrix.read(18, 0), 1e-15);
            assertEquals(2.0 * 0.99, matrix.read(599, 1), 1e-15);
            final IllegalStateException ex =
                assertThrows(IllegalStateException.class, () -> matrix.depositDirect(1, 0, 1.0));
            assertEquals(file.getPath() + ": opened read-only", ex.getMessage());
            assertThrows(IllegalStateException.class, () -> matrix.writers(1));
        }
        try (Matrix matrix = Matrix.createPersistedTo(file, layout()))
        {
            assertEquals(4.0 * 0.7, matrix.read(17, 0), 1e-15, "the same layout re-opens for writing");
            assertFalse(matrix.isReadOnly());
        }
    }

    @Test
    void shouldLetAnotherReaderSeeWholeRecordsWhileTheWriterTicks() throws Exception
    {
        final File file = dir.resolve("shared.matrix").toFile();
        final MatrixConfiguration configuration = new MatrixConfiguration().grid(50, 40).substances(4);
        try (Matrix writer = Matrix.createPersistedTo(file, configuration))
        {
            final MatrixWriter[] writers = writer.writers(2);
            final AtomicReference<String> problem = new AtomicReference<>();
            final Thread reader = new Thread(() ->
            {
                try (Matrix matrix = Matrix.openReadOnly(file))
                {
                    final double[] values = new double[(int)matrix.sites() * 4];
                    for (int round = 0; round < 200; round++)
                    {
                        matrix.snapshot(values);
                        for (int s = 0; s < matrix.sites(); s++)
                        {
                            for (int k = 1; k < 4; k++)
                            {
                                if (values[s * 4 + k] != values[s * 4])
                                {
                                    problem.set("site " + s + " torn: " + Arrays.toString(
                                        Arrays.copyOfRange(values, s * 4, s * 4 + 4)));
                                    return;
                                }
                            }
                        }
                    }
                }
            });
            reader.start();
            for (long tick = 0; reader.isAlive(); tick++)
            {
                for (int i = 0; i < 500; i++)
                {
                    final long site = (tick * 31 + i * 7) % 2000;
                    for (int k = 0; k < 4; k++)
                    {
                        writers[i & 1].deposit(site, k, 1.0, i);
                    }
                }
                writer.applyTick(0, 2, tick);
                writer.applyTick(1, 2, tick);
            }
            reader.join();
            assertNull(problem.get());
        }
    }

    @Test
    void shouldRefuseAFileMadeWithAnotherLayoutAndLeaveItUntouched() throws IOException
    {
        final File file = written();
        final byte[] before = Files.readAllBytes(file.toPath());
        final MatrixException ex = assertThrows(MatrixException.class,
            () -> Matrix.createPersistedTo(file, new MatrixConfiguration().grid(20, 30).substances(2)));
        assertEquals(file.getPath() + ": made with another layout: the file has sites=600, substances=2, " +
            "grid=30x20, asked for sites=600, substances=2, grid=20x30", ex.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file.toPath()));
        final MatrixException substances = assertThrows(MatrixException.class,
            () -> Matrix.createPersistedTo(file, new MatrixConfiguration().grid(30, 20).substances(3)));
        assertTrue(substances.getMessage().endsWith("asked for sites=600, substances=3, grid=30x20"),
            substances.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file.toPath()));
    }

    @ParameterizedTest
    @ValueSource(ints = { 0, 100, 5000, -1, -4096 })
    void shouldRefuseATruncatedFileAndLeaveItUntouched(final int keep) throws IOException
    {
        final File file = written();
        final long length = keep < 0 ? file.length() + keep : keep;
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            raf.setLength(length);
        }
        final byte[] before = Files.readAllBytes(file.toPath());
        final MatrixException ex = assertThrows(MatrixException.class, () -> Matrix.openReadOnly(file));
        assertTrue(ex.getMessage().startsWith(file.getPath() + ": truncated") ||
            ex.getMessage().startsWith(file.getPath() + ": no layout header: not a matrix, truncated") ||
            ex.getMessage().matches("\\Q" + file.getPath() + "\\E: corrupt: site \\d+: its record is missing " +
            "\\(the file is truncated or damaged\\)"), ex.getMessage());
        assertThrows(MatrixException.class, () -> Matrix.createPersistedTo(file, layout()));
        assertArrayEquals(before, Files.readAllBytes(file.toPath()));
        assertEquals(length, file.length());
    }

    @Test
    void shouldRefuseACorruptFileForWritingReadItsIntactValuesAndLeaveItUntouched() throws IOException
    {
        final File file = written();
        final double[] expected;
        try (Matrix matrix = Matrix.openReadOnly(file))
        {
            expected = new double[600 * 2];
            matrix.snapshot(expected);
        }
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            raf.seek(200);
            raf.write(new byte[] { 'x', 'y', 'z', 0, 1, 2, 3 });
        }
        final byte[] before = Files.readAllBytes(file.toPath());
        final MatrixException ex = assertThrows(MatrixException.class, () -> Matrix.createPersistedTo(file, layout()));
        assertTrue(ex.getMessage().startsWith(file.getPath() + ": truncated or corrupt, cannot open: "),
            ex.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file.toPath()));
        // Chronicle's own header is damaged, no record is: reading needs neither Chronicle nor that header.
        try (Matrix matrix = Matrix.openReadOnly(file))
        {
            final double[] values = new double[600 * 2];
            matrix.snapshot(values);
            assertArrayEquals(expected, values);
        }
        assertArrayEquals(before, Files.readAllBytes(file.toPath()));
    }

    @Test
    void shouldRefuseAFileThatIsNotAMatrix() throws IOException
    {
        final File file = dir.resolve("other.dat").toFile();
        final byte[] noise = new byte[8192];
        Arrays.fill(noise, (byte)'#');
        Files.write(file.toPath(), noise);
        final MatrixException ex = assertThrows(MatrixException.class, () -> Matrix.openReadOnly(file));
        assertEquals(file.getPath() + ": no layout header: not a matrix, truncated, or its creation was interrupted",
            ex.getMessage());
        assertArrayEquals(noise, Files.readAllBytes(file.toPath()));

        final MatrixException missing = assertThrows(MatrixException.class,
            () -> Matrix.openReadOnly(dir.resolve("absent.matrix").toFile()));
        assertEquals(dir.resolve("absent.matrix") + ": no such matrix file", missing.getMessage());
    }

    @Test
    void shouldRefuseAFullMapAndRemoveTheFileItWasCreating()
    {
        final File file = dir.resolve("full.matrix").toFile();
        final MatrixException ex = assertThrows(MatrixException.class,
            () -> Matrix.createPersistedTo(file, new MatrixConfiguration().grid(5000).capacity(100)));
        assertTrue(ex.getMessage().startsWith(file.getPath() + ": the map is full after "), ex.getMessage());
        assertTrue(ex.getMessage().contains(" of 5000 sites (sites=5000, substances=1, grid=5000): "), ex.getMessage());
        assertFalse(file.exists());
        final MatrixException inMemory = assertThrows(MatrixException.class,
            () -> Matrix.create(new MatrixConfiguration().grid(5000).capacity(100)));
        assertTrue(inMemory.getMessage().startsWith("in-memory matrix: the map is full after "));
    }

    @ParameterizedTest
    @ValueSource(strings = { "axes", "extent", "substances", "decay", "diffusion", "unused", "interval" })
    void shouldRefuseABadConfiguration(final String what)
    {
        final MatrixConfiguration configuration = new MatrixConfiguration().grid(10, 10).substances(2);
        final String expected;
        switch (what)
        {
            case "axes":
                configuration.grid(2, 2, 2, 2);
                expected = "grid must have 1 to 3 axes: grid=[2, 2, 2, 2]";
                break;
            case "extent":
                configuration.grid(10, 0);
                expected = "grid extents must be > 0: grid=[10, 0]";
                break;
            case "substances":
                configuration.substances(65);
                expected = "substances must be in 1..64: substances=65";
                break;
            case "decay":
                configuration.decayRate(1, 1.5);
                expected = "decay rate must be in [0, 1]: substance=1, rate=1.5";
                break;
            case "diffusion":
                configuration.diffusionRate(0, 0.3);
                expected = "diffusion coefficient must be in [0, 0.25] on a 2D grid: substance=0, coefficient=0.3";
                break;
            case "interval":
                configuration.publishInterval(0);
                expected = "publish interval must be in 1..1024 ticks: publishInterval=0";
                break;
            default:
                configuration.decayRate(5, 0.1);
                expected = "rate set for substance 5 but there are only 2 substances";
                break;
        }
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> Matrix.create(configuration));
        assertEquals(expected, ex.getMessage());
    }
}
