package io.karyon.matrix;

import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static io.karyon.matrix.MatrixDescriptor.SITE_TAG;
import static io.karyon.matrix.MatrixDescriptor.SITE_TAG_MASK;
import static io.karyon.matrix.MatrixDescriptor.copyOffset;
import static io.karyon.matrix.MatrixDescriptor.recordLength;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every value of a matrix file is protected: a changed byte is refused (one line naming the file, and the site where a
 * record is damaged) or changes no value read; a read never changes the file; a file this process may only read
 * opens; recovery is refused at once while another process has the file open.
 */
class MatrixIntegrityTest
{
    private static final int SUBSTANCES = 3;
    private static final int SITES = 12 * 10;

    @TempDir
    Path dir;

    private static MatrixConfiguration layout()
    {
        return new MatrixConfiguration().grid(12, 10).substances(SUBSTANCES)
            .diffusionRate(0, 0.1).decayRate(1, 0.01);
    }

    /** A file ticked a few times, so records hold different values, some in copy 0 and some in copy 1. */
    private File written(final String fileName)
    {
        final File file = dir.resolve(fileName).toFile();
        try (Matrix matrix = Matrix.createPersistedTo(file, layout()))
        {
            final MatrixWriter writer = matrix.writers(1)[0];
            final SplittableRandom random = new SplittableRandom(7);
            for (long tick = 0; tick < 5; tick++)
            {
                for (int i = 0; i < 40; i++)
                {
                    writer.deposit(random.nextInt(SITES), random.nextInt(SUBSTANCES), 1.0 + random.nextDouble(), i);
                }
                matrix.applyTick(0, 1, tick);
            }
        }
        return file;
    }

    private static double[] values(final File file)
    {
        try (Matrix matrix = Matrix.openReadOnly(file))
        {
            final double[] values = new double[(int)matrix.sites() * matrix.substances()];
            matrix.snapshot(values);
            for (int site = 0; site < matrix.sites(); site++)
            {
                for (int k = 0; k < matrix.substances(); k++)
                {
                    assertEquals(Double.doubleToRawLongBits(values[site * matrix.substances() + k]),
                        Double.doubleToRawLongBits(matrix.read(site, k)), "read and snapshot agree");
                }
            }
            return values;
        }
    }

    /** Offsets of every site's record in the file's bytes, found by the site tags. */
    private static int[] recordOffsets(final byte[] bytes)
    {
        final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        final int[] offsets = new int[SITES];
        Arrays.fill(offsets, -1);
        for (int p = 0; p + 8 <= bytes.length; p += 8)
        {
            final long word = buffer.getLong(p);
            if (SITE_TAG == (word & SITE_TAG_MASK) && (word & ~SITE_TAG_MASK) < SITES)
            {
                offsets[(int)(word & ~SITE_TAG_MASK)] = p;
            }
        }
        for (final int offset : offsets)
        {
            assertTrue(offset >= 0, "every record found");
        }
        return offsets;
    }

    /**
     * One damaged file: refused in one line naming the file, or read back exactly; either way not changed by the read.
     *
     * @return true if refused.
     */
    private static boolean refusedOrIntact(
        final File file, final double[] original, final String layout, final String what) throws IOException
    {
        final byte[] before = Files.readAllBytes(file.toPath());
        boolean refused = false;
        try (Matrix matrix = Matrix.openReadOnly(file))
        {
            assertEquals(layout, matrix.layout(), what + ": layout changed silently");
            final double[] values = new double[original.length];
            matrix.snapshot(values);
            for (int i = 0; i < values.length; i++)
            {
                if (Double.doubleToRawLongBits(original[i]) != Double.doubleToRawLongBits(values[i]))
                {
                    fail(what + ": value " + i + " silently changed from " + original[i] + " to " + values[i]);
                }
            }
        }
        catch (final MatrixException ex)
        {
            refused = true;
            assertTrue(ex.getMessage().startsWith(file.getPath() + ": "), what + ": " + ex.getMessage());
            assertFalse(ex.getMessage().contains("\n"), what + ": one line: " + ex.getMessage());
        }
        assertArrayEquals(before, Files.readAllBytes(file.toPath()), what + ": the read changed the file");
        return refused;
    }

    @Test
    void shouldRefuseOrReadBackTheOriginalValuesOf200FilesWithARandomByteFlipped() throws IOException
    {
        // The experiment: 200 random byte flips anywhere in the file; format 1 read 77 of them as other values.
        final File file = written("flips.matrix");
        final double[] original = values(file);
        final String layout = layout().layout();
        final byte[] pristine = Files.readAllBytes(file.toPath());
        final SplittableRandom random = new SplittableRandom(200);
        for (int i = 0; i < 200; i++)
        {
            final byte[] bytes = pristine.clone();
            final int at = random.nextInt(bytes.length);
            bytes[at] ^= (byte)(1 + random.nextInt(255));
            Files.write(file.toPath(), bytes);
            refusedOrIntact(file, original, layout, "flip " + i + " at byte " + at);
        }
    }

    @Test
    @Timeout(300)
    void shouldRefuseOrReadBackEveryValueThroughThousandsOfSeededFlipsAndTruncations() throws IOException
    {
        final File file = written("fuzz.matrix");
        final double[] original = values(file);
        final String layout = layout().layout();
        final byte[] pristine = Files.readAllBytes(file.toPath());
        final int[] records = recordOffsets(pristine);
        final int recordLength = recordLength(SUBSTANCES);
        final SplittableRandom random = new SplittableRandom(17);
        int refused = 0;
        int intact = 0;
        for (int i = 0; i < 4000; i++)
        {
            final byte[] bytes = pristine.clone();
            final String what;
            if (i % 8 == 7)
            {
                // Truncated: to any length, or to a whole number of pages (which Chronicle would accept).
                final int length = 0 == (i & 8) ? random.nextInt(bytes.length) :
                    random.nextInt(bytes.length / 4096) * 4096;
                Files.write(file.toPath(), Arrays.copyOf(bytes, length));
                what = "case " + i + ": truncated to " + length;
            }
            else
            {
                // Half the flips anywhere, half inside a record (where every value lives); now and then two flips.
                final int flips = 0 == random.nextInt(10) ? 2 : 1;
                final StringBuilder where = new StringBuilder();
                for (int f = 0; f < flips; f++)
                {
                    final int at = 0 == (i & 1) ? random.nextInt(bytes.length) :
                        records[random.nextInt(SITES)] + random.nextInt(recordLength);
                    bytes[at] ^= (byte)(1 + random.nextInt(255));
                    where.append(' ').append(at);
                }
                Files.write(file.toPath(), bytes);
                what = "case " + i + ": flipped at" + where;
            }
            if (refusedOrIntact(file, original, layout, what))
            {
                refused++;
            }
            else
            {
                intact++;
            }
        }
        assertTrue(refused > 1000 && intact > 1000,
            "both outcomes exercised: refused=" + refused + ", intact=" + intact);
    }

    @Test
    void shouldRefuseAChangedValueNamingItsSiteWhetherReadOrOpenedForWriting() throws IOException
    {
        final File file = written("changed.matrix");
        final byte[] bytes = Files.readAllBytes(file.toPath());
        final int site = 37;
        final int offset = recordOffsets(bytes)[site];
        final long sequence = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(offset + 8);
        // The lowest byte of substance 1 in the current copy: a change too small to see in a total.
        bytes[offset + copyOffset(sequence, SUBSTANCES) + 8] ^= 1;
        Files.write(file.toPath(), bytes);
        final String expected = file.getPath() + ": corrupt: site 37: its values fail their checksum (the record was " +
            "changed outside Karyon)";
        assertEquals(expected, assertThrows(MatrixException.class, () -> Matrix.openReadOnly(file)).getMessage());
        assertEquals(expected,
            assertThrows(MatrixException.class, () -> Matrix.createPersistedTo(file, layout())).getMessage());
        assertArrayEquals(bytes, Files.readAllBytes(file.toPath()), "refusing changed nothing");
    }

    @Test
    void shouldRefuseAFormatOneFileWithOneLine() throws IOException
    {
        final File file = dir.resolve("old.matrix").toFile();
        // Format 1 as the previous version wrote it: a sequence and two copies, no tags or checks, and the layout in
        // the first long of keys -2 to -6, the magic "KARYONM1" in key -1.
        final byte[] record = new byte[8 + 2 * SUBSTANCES * 8];
        try (ChronicleMap<Long, byte[]> map = ChronicleMapBuilder.of(Long.class, byte[].class)
            .name("karyon-matrix").entries(SITES + 6).constantValueSizeBySample(record)
            .entryAndValueOffsetAlignment(8).checksumEntries(false).createPersistedTo(file))
        {
            for (long site = 0; site < SITES; site++)
            {
                map.put(site, record);
            }
            final long[] fields = { MatrixDescriptor.MAGIC_V1, SITES, SUBSTANCES, 12, 10, 0 };
            for (int i = 5; i >= 0; i--)
            {
                final UnsafeBuffer header = new UnsafeBuffer(record.clone());
                header.putLong(0, fields[i]);
                map.put(-1L - i, header.byteArray());
            }
        }
        final byte[] before = Files.readAllBytes(file.toPath());
        final String expected = file.getPath() + ": made by an older Karyon (matrix format 1, without checksums); " +
            "this one reads format 2: make the file again";
        assertEquals(expected, assertThrows(MatrixException.class, () -> Matrix.openReadOnly(file)).getMessage());
        assertEquals(expected,
            assertThrows(MatrixException.class, () -> Matrix.createPersistedTo(file, layout())).getMessage());
        assertArrayEquals(before, Files.readAllBytes(file.toPath()));
    }

    @Test
    void shouldReadAFileThisProcessMayNotWriteAndSayPermissionDeniedToRecovery() throws Exception
    {
        final File file = written("readonly.matrix");
        final double[] original = values(file);
        final byte[] before = Files.readAllBytes(file.toPath());
        try (ReadOnlyFile ignored = ReadOnlyFile.of(file))
        {
            assertArrayEquals(original, values(file), "opened read-only, read whole");
            final MatrixException recover = assertThrows(MatrixException.class, () -> Matrix.recover(file));
            assertEquals(file.getPath() + ": permission denied: this process may not write the file, needed to " +
                "recover it (recovery rewrites its lock words); inspect it without --recover", recover.getMessage());
            final MatrixException write =
                assertThrows(MatrixException.class, () -> Matrix.createPersistedTo(file, layout()));
            assertTrue(write.getMessage().startsWith(file.getPath() + ": permission denied: "), write.getMessage());
        }
        assertArrayEquals(before, Files.readAllBytes(file.toPath()));
    }

    @Test
    void shouldSayPermissionDeniedForAFileThisProcessMayNotRead() throws IOException
    {
        final File file = written("secret.matrix");
        try
        {
            assertTrue(file.setReadable(false, false));
            // Root reads anything: only an ordinary user can see this refusal.
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(file.toPath()), "running as root");
            final MatrixException ex = assertThrows(MatrixException.class, () -> Matrix.openReadOnly(file));
            assertEquals(file.getPath() + ": permission denied: cannot read it", ex.getMessage());
        }
        finally
        {
            file.setReadable(true, false);
        }
    }

    @Test
    void shouldRefuseRecoveryAtOnceWhileThisProcessHasTheFileOpen()
    {
        final File file = written("open.matrix");
        try (Matrix writer = Matrix.createPersistedTo(file, layout()))
        {
            assertNotNull(writer);
            final MatrixException ex = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(MatrixException.class, () -> Matrix.recover(file)));
            assertEquals(file.getPath() + ": in use by this process (pid " + ProcessHandle.current().pid() +
                "): recovery needs the file to itself (Chronicle would wait for that process to close it); stop it " +
                "first, or inspect without recovering", ex.getMessage());
        }
    }

    @Test
    @Timeout(120)
    void shouldRefuseRecoveryAtOnceWhileAnotherProcessWritesNamingThatProcess() throws Exception
    {
        final File file = dir.resolve("live.matrix").toFile();
        final Process process = MatrixCrashTest.startWriter(file);
        try (BufferedReader out = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = out.readLine()) && !line.equals("tick 5"))
            {
                assertTrue(line.startsWith("tick ") || line.contains("INFO"), line);
            }
            assertEquals("tick 5", line, "the writer ran");
            final byte[] lockWordsUntouched = Files.readAllBytes(file.toPath());
            assertNotNull(lockWordsUntouched);
            // Format 1 waited here, silently, until the writer exited (never, for this one).
            final MatrixException ex = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(MatrixException.class, () -> Matrix.recover(file)));
            assertTrue(ex.getMessage().startsWith(file.getPath() + ": in use by process " + process.pid() + " ("),
                ex.getMessage());
            assertTrue(ex.getMessage().contains(MatrixCrashChild.class.getName()), ex.getMessage());
            assertTrue(process.isAlive(), "the writer was left alone");
        }
        finally
        {
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldKeepEveryRecordWholeAndCheckedThroughDepositsTicksAndFlushes() throws IOException
    {
        // Every kind of write (tick phases of a dynamic and a static file matrix, direct deposits) leaves records that
        // verify: re-opening reads every value back through its check.
        final File dynamic = written("dynamic.matrix");
        final File stat = dir.resolve("static.matrix").toFile();
        try (Matrix matrix = Matrix.createPersistedTo(stat, new MatrixConfiguration().grid(12, 10).substances(2)))
        {
            final MatrixWriter writer = matrix.writers(2)[1];
            writer.deposit(3, 1, 2.5, 1);
            matrix.applyTick(0, 2, 0);
            matrix.applyTick(1, 2, 0);
            matrix.depositDirect(3, 0, 1.5);
            matrix.depositDirect(119, 1, -0.5);
        }
        try (Matrix matrix = Matrix.openReadOnly(stat))
        {
            assertEquals(1.5, matrix.read(3, 0));
            assertEquals(2.5, matrix.read(3, 1));
            assertEquals(-0.5, matrix.read(119, 1));
            assertEquals(4.0 - 0.5, matrix.total(0) + matrix.total(1));
        }
        final List<Double> totals = new ArrayList<>();
        try (Matrix matrix = Matrix.openReadOnly(dynamic))
        {
            for (int k = 0; k < SUBSTANCES; k++)
            {
                totals.add(matrix.total(k));
            }
        }
        assertTrue(totals.get(0) > 0 && totals.get(1) > 0 && totals.get(2) > 0, totals.toString());
        try (RandomAccessFile ignored = new RandomAccessFile(dynamic, "r"))
        {
            assertEquals(0, dynamic.length() % 4096);
        }
    }
}
