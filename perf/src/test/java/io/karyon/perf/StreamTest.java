package io.karyon.perf;

import io.karyon.cli.Cli;
import io.karyon.engine.cell.CellLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.karyon.perf.CommandRun.field;
import static io.karyon.perf.CommandRun.numberField;
import static io.karyon.perf.CommandRun.stringField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@code bench stream} and the memory-traffic fields of W2, W3 and W4: present, consistent with each other and with
 * the layout, and bad sizes refused with one line. No timing is asserted: how fast the machine is, is the
 * benchmark's to report.
 */
@Timeout(120)
class StreamTest
{
    private static final String SMALL = "8m";

    /**
     * Runs a bench command that must succeed and print one line.
     */
    private static String oneLine(final String... args)
    {
        final CommandRun run = CommandRun.karyon(args);
        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        final List<String> lines = run.out().lines().toList();
        assertEquals(1, lines.size(), run.out());
        return lines.get(0);
    }

    @ParameterizedTest(name = "{0} worker(s)")
    @ValueSource(ints = { 1, 2, 3 })
    void shouldMeasureCopyAndTriadOnOneThreadPerWorker(final int workers, @TempDir final Path dir)
    {
        final String json = oneLine("bench", "stream", "--bytes", SMALL, "--workers", String.valueOf(workers),
            "--rounds", "3", "--warmup", "1", "--idle", "backoff", "--out", dir.toString());

        assertEquals("stream", stringField(json, "workload"));
        assertEquals(String.valueOf(workers), field(json, "workers"));
        assertEquals(String.valueOf(workers), field(json, "threads"));
        // Three arrays per worker, whole doubles, as much of --bytes as divides evenly.
        final long perWorker = (8L << 20) / (3L * Double.BYTES * workers);
        assertEquals(String.valueOf(3L * Double.BYTES * perWorker * workers), field(json, "array_bytes"));
        assertTrue(numberField(json, "copy_bytes_per_s") > 0, json);
        assertTrue(numberField(json, "update_bytes_per_s") > 0, json);
        assertTrue(numberField(json, "triad_bytes_per_s") > 0, json);
        assertTrue(numberField(json, "llc_bytes") > 0, json);
    }

    @Test
    void shouldPrintW3sTrafficAndItsShareOfTheTriadMeasuredFirst(@TempDir final Path dir)
    {
        final CommandRun run = CommandRun.karyon("bench", "W3", "--cells", "5000", "--ticks", "10", "--rounds", "3",
            "--warmup", "0", "--workers", "2", "--idle", "backoff", "--bytes", SMALL, "--out", dir.toString());
        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        final String json = run.out().strip();

        // 80-byte slots (16 of header, 64 of state), x at state offset 0: 5 lines read, 4 written per 4 cells.
        assertEquals(144.0, numberField(json, "bytes_per_update"), json);
        assertConsistent(json, "updates_per_s");
        assertTrue(run.err().lines().anyMatch((line) -> line.startsWith("W3: stream triad over ")), run.err());
    }

    @Test
    void shouldPrintW2sTrafficPerHop(@TempDir final Path dir)
    {
        final String json = oneLine("bench", "W2", "--cells", "2000", "--tokens", "10", "--hops", "10000",
            "--rounds", "3", "--warmup", "0", "--workers", "2", "--idle", "backoff", "--bytes", SMALL,
            "--out", dir.toString());

        // The target's header to its hop count (bytes 0..31 of an 80-byte slot: 1.25 lines on average, the hop count's
        // line written back), and a 32-byte record written and read: 80 + 64 + 64.
        assertEquals(208.0, numberField(json, "bytes_per_update"), json);
        assertConsistent(json, "hops_per_s");
    }

    @Test
    void shouldPrintW4sTrafficPerDelivery(@TempDir final Path dir)
    {
        final String json = oneLine("bench", "W4", "--cells", "2000", "--broadcasts", "5", "--churn", "0",
            "--rounds", "3", "--warmup", "0", "--workers", "2", "--idle", "backoff", "--bytes", SMALL,
            "--out", dir.toString());

        assertEquals(144.0, numberField(json, "bytes_per_update"), json);
        assertConsistent(json, "deliveries_per_s");
    }

    /**
     * stream_fraction is the rate times bytes_per_update over triad_bytes_per_s, as printed (6 significant digits
     * each).
     */
    private static void assertConsistent(final String json, final String rateField)
    {
        final double rate = numberField(json, rateField);
        final double bytes = numberField(json, "bytes_per_update");
        final double triad = numberField(json, "triad_bytes_per_s");
        final double fraction = numberField(json, "stream_fraction");
        assertTrue(rate > 0 && bytes > 0 && triad > 0 && fraction > 0, json);
        final double expected = rate * bytes / triad;
        assertEquals(expected, fraction, expected * 5e-5, json);
    }

    static Stream<Arguments> refusedSizes()
    {
        return Stream.of(
            arguments("bench stream --bytes 0",
                "karyon bench: Invalid value for option '--bytes': must be a size of at least 1m (e.g. 512m, 2g), " +
                    "was '0'"),
            arguments("bench stream --bytes lots",
                "karyon bench: Invalid value for option '--bytes': must be a size of at least 1m (e.g. 512m, 2g), " +
                    "was 'lots'"),
            arguments("bench W3 --bytes 64k",
                "karyon bench: Invalid value for option '--bytes': must be at least 1m (below, the arrays measure a " +
                    "cache), was '64k'"),
            arguments("bench W5 W6 --bytes 8m",
                "karyon bench: option '--bytes' is for stream, W2, W3, W4 only, none of which is among the " +
                    "workloads given (W5, W6): leave it out"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedSizes")
    void shouldRefuseABadSizeWithOneLineAndExit2(final String args, final String message)
    {
        final CommandRun run = CommandRun.karyon(args.split(" "));

        assertEquals(Cli.EXIT_USAGE, run.exitCode(), run.err());
        assertEquals(message + " (see --help)", run.err().strip());
        assertEquals("", run.out());
    }

    @Test
    void shouldRefuseArraysBeyondTheMemoryBudget()
    {
        final CommandRun run = CommandRun.karyon("bench", "stream", "--bytes", "64t");

        assertEquals(Cli.EXIT_USAGE, run.exitCode(), run.err());
        final String err = run.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("karyon bench: Invalid value for option '--bytes': must fit the memory budget: " +
            "at most "), err);
        assertTrue(err.endsWith(", was '64t' (see --help)"), err);
        assertEquals("", run.out());
    }

    @Test
    void shouldCountWholeLinesOverASweep()
    {
        // W3's row slot: bytes 6..23 read (behaviour id to x), 16..23 written; 4 slots span 5 lines.
        assertEquals(144.0, Traffic.sweep(80, 6, 24, 16, 24));
        // A whole 64-byte slot read and written.
        assertEquals(128.0, Traffic.sweep(64, 0, 64, 0, 64));
        // A column of doubles, read and written: 8 + 8 bytes per cell.
        assertEquals(16.0, Traffic.sweep(8, 0, 8, 0, 8));
        // Read only: nothing written back.
        assertEquals(64.0, Traffic.sweep(64, 0, 8, 0, 0));
        // 24-byte slots, the first 8 bytes of each read and written: 8 slots share 3 lines, all dirtied.
        assertEquals(48.0, Traffic.sweep(24, 0, 8, 0, 8));
    }

    @Test
    void shouldCountTheLinesOfScatteredVisits()
    {
        // W2's target: bytes 0..31 of an 80-byte slot, 24..31 written: 1.25 lines touched, 1 written, on average.
        assertEquals(144.0, Traffic.scattered(80, 0, 32, 24, 32));
        // A slot alone in its line.
        assertEquals(128.0, Traffic.scattered(64, 0, 64, 0, 64));
        assertEquals(208.0, W2Ring.bytesPerUpdate(W2Ring.LAYOUT, 64));
    }

    @Test
    void shouldFollowTheLayoutAndStateLength()
    {
        assertEquals(144.0, W3Tick.bytesPerUpdate(W3Tick.LAYOUT, 64));
        assertEquals(144.0, W4Broadcast.bytesPerUpdate(W4Broadcast.LAYOUT, 64));
        // 128-byte slots (112 of state): a sweep reads and writes one line of each cell's two.
        final CellLayout wide = CellLayout.builder().doubleField("x").array("rest", long.class, 13).build();
        assertEquals(128.0, W3Tick.bytesPerUpdate(wide, 112));
    }

    @Test
    void shouldRefuseRangesOutsideTheSlot()
    {
        assertThrows(IllegalArgumentException.class, () -> Traffic.sweep(80, 0, 81, 0, 8));
        assertThrows(IllegalArgumentException.class, () -> Traffic.sweep(80, 8, 8, 0, 8));
        assertThrows(IllegalArgumentException.class, () -> Traffic.scattered(0, 0, 8, 0, 8));
        assertThrows(IllegalArgumentException.class, () -> Traffic.scattered(80, 0, 8, 16, 8));
    }

    @Test
    void shouldReadSysfsCacheSizes()
    {
        assertEquals(32L << 20, io.karyon.perf.Stream.parseCacheSize("32768K\n"));
        assertEquals(2L << 20, io.karyon.perf.Stream.parseCacheSize("2M"));
        assertEquals(1024, io.karyon.perf.Stream.parseCacheSize("1024"));
        assertThrows(NumberFormatException.class, () -> io.karyon.perf.Stream.parseCacheSize("lots"));
        assertTrue(io.karyon.perf.Stream.defaultBytes() >= io.karyon.perf.Stream.FLOOR_BYTES);
    }
}
