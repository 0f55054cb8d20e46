package io.karyon.model;

import io.karyon.engine.checkpoint.CheckpointPart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model layer's checkpoint parts on their own: the run and observations sections round-trip and refuse what is
 * not theirs; a time series carries on from the first bytes of an earlier file only if they are the ones a checkpoint
 * saw; the run folder of a checkpoint; the stop request.
 */
class CheckpointPartsTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRoundTripTheRunSection() throws IOException
    {
        final RunState run = new RunState();
        run.cells = 1234;
        run.maxTicks = 99;
        run.every = 3;
        run.snapshotEvery = 7;
        run.checkpointEvery = 10;
        run.keepCheckpoints = 4;
        run.parent = "/tmp/x/checkpoints/tick-10.kcp";
        run.changes.put("beta", "0.5");
        final byte[] bytes = write(run);

        final RunState read = new RunState();
        read.read(new DataInputStream(new ByteArrayInputStream(bytes)));
        assertEquals(Arrays.toString(bytes), Arrays.toString(write(read)));
        assertEquals(Map.of("beta", "0.5"), read.changes());
        assertEquals("/tmp/x/checkpoints/tick-10.kcp", read.parent);

        final RunState none = new RunState();
        none.cells = 1;
        none.maxTicks = 1;
        none.every = 1;
        none.keepCheckpoints = 1;
        final RunState readNone = new RunState();
        readNone.read(new DataInputStream(new ByteArrayInputStream(write(none))));
        assertNull(readNone.parent, "no parent");
    }

    @Test
    void shouldRefuseARunSectionOfAnotherVersionOrOutOfRange() throws IOException
    {
        final RunState run = new RunState();
        run.cells = 0;
        run.maxTicks = 5;
        run.every = 1;
        run.keepCheckpoints = 1;
        final IOException range = assertThrows(IOException.class,
            () -> new RunState().read(new DataInputStream(new ByteArrayInputStream(write(run)))));
        assertTrue(range.getMessage().startsWith("run section: settings out of range: cells=0"), range.getMessage());

        final byte[] bytes = write(run);
        bytes[3] = 9;
        final IOException version = assertThrows(IOException.class,
            () -> new RunState().read(new DataInputStream(new ByteArrayInputStream(bytes))));
        assertEquals("run section version 9, this karyon reads 1", version.getMessage());
        assertThrows(EOFException.class, () -> new RunState().read(
            new DataInputStream(new ByteArrayInputStream(Arrays.copyOf(write(run), 20)))));
    }

    @Test
    void shouldRoundTripTheObservationsSection() throws IOException
    {
        final ObservationState state = new ObservationState();
        state.lastObserved = 30;
        state.lastSnapshot = 20;
        state.observations = 11;
        state.observeNs = 123_456;
        state.stopped = true;
        state.seriesBytes = 4096;
        state.seriesCrc = 0xCAFEBABE;
        state.latencyBytes = 77;
        state.latencyCrc = -5;
        state.snapshots = List.of("snapshots/cells-0.csv", "snapshots/nutrient-20.png");
        final byte[] bytes = write(state);
        final ObservationState read = new ObservationState();
        read.read(new DataInputStream(new ByteArrayInputStream(bytes)));
        assertArrayEquals(bytes, write(read));
        assertEquals(state.snapshots, read.snapshots);
        assertTrue(read.stopped);
    }

    @Test
    void shouldCarryATimeSeriesOnFromTheBytesACheckpointSaw() throws IOException
    {
        final String[] columns = { "tick", "a", "b" };
        final Path file = dir.resolve("timeseries.csv");
        final long bytes;
        final int crc;
        try (TimeSeries series = new TimeSeries(columns, file))
        {
            for (int t = 0; t < 5; t++)
            {
                series.add(new double[]{ t, t * 0.1, t % 2 == 0 ? Double.NaN : t });
            }
            series.flush();
            bytes = series.bytes();
            crc = series.crc();
            series.add(new double[]{ 99, 99, 99 });  // after the checkpoint: cut off on resume
            series.finish();
        }
        final String whole = Files.readString(file);
        assertEquals(bytes + "99,99,99\n".length(), whole.length(), "the checkpoint saw all but the last row");
        final byte[] prefix = TimeSeries.prefix(file, bytes, crc);
        assertEquals(whole.substring(0, (int)bytes), new String(prefix, StandardCharsets.UTF_8));
        assertNull(TimeSeries.prefix(file, bytes, crc + 1), "other bytes");
        assertNull(TimeSeries.prefix(file, whole.length() + 1, crc), "a shorter file");
        assertNull(TimeSeries.prefix(dir.resolve("none.csv"), bytes, crc), "no file");

        final Path resumed = dir.resolve("resumed.csv");
        try (TimeSeries series = new TimeSeries(columns, resumed, prefix))
        {
            assertEquals(5, series.rows(), "the earlier rows are kept for the charts");
            assertEquals(0.4, series.value(4, 1));
            assertTrue(Double.isNaN(series.value(2, 2)));
            assertEquals(bytes, series.bytes());
            assertEquals(crc, series.crc());
            series.add(new double[]{ 5, 0.5, 5 });
            series.finish();
        }
        assertEquals(whole.substring(0, (int)bytes) + "5,0.5,5\n", Files.readString(resumed));

        final IOException columnsDiffer = assertThrows(IOException.class,
            () -> new TimeSeries(new String[]{ "tick", "c" }, dir.resolve("other.csv"), prefix));
        assertEquals("other.csv: its columns are not this run's: tick,c", columnsDiffer.getMessage());
    }

    @Test
    void shouldCarryTheCrcOfEveryByteWritten() throws IOException
    {
        final SplittableRandom random = new SplittableRandom(5);
        try (TimeSeries series = new TimeSeries(new String[]{ "tick", "x" }, dir.resolve("r.csv")))
        {
            for (int t = 0; t < 200; t++)
            {
                series.add(new double[]{ t, random.nextDouble() * 1e6 });
            }
            series.flush();
            final byte[] written = Files.readAllBytes(Outputs.part(dir.resolve("r.csv")));
            assertEquals(written.length, series.bytes());
            final CRC32C crc = new CRC32C();
            crc.update(written);
            assertEquals((int)crc.getValue(), series.crc());
        }
    }

    @Test
    void shouldFindTheRunFolderOfACheckpoint()
    {
        assertEquals(dir.toAbsolutePath().normalize(),
            Checkpointing.runFolder(dir.resolve("checkpoints").resolve("tick-5.kcp")));
        assertNull(Checkpointing.runFolder(dir.resolve("elsewhere").resolve("tick-5.kcp")));
        assertEquals(dir.resolve("checkpoints").resolve("tick-40.kcp"),
            Checkpointing.file(dir.resolve("checkpoints"), 40));
        assertTrue(Checkpointing.isReserved("matrix-2") && Checkpointing.isReserved("run"));
    }

    @Test
    void shouldKeepTheFirstStopReason()
    {
        final StopRequest request = new StopRequest();
        assertNull(request.reason());
        request.request("SIGINT");
        request.request("SIGTERM");
        assertTrue(request.isRequested());
        assertEquals("SIGINT", request.reason());
    }

    private static byte[] write(final CheckpointPart part) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            part.write(out);
        }
        return bytes.toByteArray();
    }
}
