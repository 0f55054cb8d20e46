package io.karyon.perf;

import io.karyon.cli.Cli;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.cell.CellStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static io.karyon.perf.CommandRun.numberField;
import static io.karyon.perf.CommandRun.stringField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * W3's {@code --layout}: the columnar run passes W3's own checks (every cell stepped once a tick, sampled cells
 * bit-identical to a scalar loop) on one and two workers and says its layout; a bad layout, or the option without W3,
 * is refused in one line.
 */
class W3LayoutTest
{
    @ParameterizedTest(name = "{0} on {1} worker(s)")
    @CsvSource({ "columnar, 1", "columnar, 2", "row, 2" })
    @Timeout(120)
    void shouldRunW3InEitherLayout(final String layout, final int workers, @TempDir final Path dir)
    {
        final CommandRun run = CommandRun.karyon(
            "bench", "W3", "--cells", "70000", "--ticks", "5", "--rounds", "3", "--warmup", "0", "--layout", layout,
            "--workers", Integer.toString(workers), "--idle", "backoff", "--out", dir.toString());

        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        final String json = run.out().strip();
        assertEquals(layout, stringField(json, "layout"), json);
        assertEquals("W3", stringField(json, "workload"), json);
        assertEquals("row".equals(layout) ? 144.0 : 16.0, numberField(json, "bytes_per_update"), json);
    }

    @Test
    void shouldCountTheBytesOfAColumnarTickFromTheColumnsItTouches()
    {
        // W3's cells have the one behaviour that ticks: no header read, x's column read and written.
        assertEquals(16.0, W3Tick.bytesPerUpdate(W3Tick.LAYOUT, 64, CellStorage.COLUMNAR));
        assertEquals(144.0, W3Tick.bytesPerUpdate(W3Tick.LAYOUT, 64, CellStorage.ROW));
        // With several ticking behaviours the header column's 8 bytes, then each word of x read and written: two
        // words for a 16-byte x.
        final CellLayout wide = CellLayout.builder().longField("pad").array("x", long.class, 2).build();
        assertEquals(8.0 + 2 * 16.0, Traffic.columnarTickBytes(wide, "x", false));
        assertEquals(2 * 16.0, Traffic.columnarTickBytes(wide, "x", true));
        // An int shares its word's line with its neighbours' as a long would.
        final CellLayout narrow = CellLayout.builder().intField("pad").intField("x").build();
        assertEquals(8.0 + 16.0, Traffic.columnarTickBytes(narrow, "x", false));
    }

    @Test
    void shouldRefuseALayoutThatIsNeitherRowNorColumnar(@TempDir final Path dir)
    {
        final CommandRun run = CommandRun.karyon(
            "bench", "W3", "--cells", "100", "--layout", "diagonal", "--out", dir.toString());
        assertEquals(Cli.EXIT_USAGE, run.exitCode(), run.err());
        assertTrue(run.err().startsWith(
            "karyon bench: Invalid value for option '--layout': must be row or columnar, was 'diagonal'"), run.err());
    }

    @Test
    void shouldRefuseTheLayoutWithoutW3(@TempDir final Path dir)
    {
        final CommandRun run = CommandRun.karyon(
            "bench", "W2", "--cells", "100", "--layout", "columnar", "--out", dir.toString());
        assertEquals(Cli.EXIT_USAGE, run.exitCode(), run.err());
        assertTrue(run.err().contains("option '--layout' is for W3 only"), run.err());
    }
}
