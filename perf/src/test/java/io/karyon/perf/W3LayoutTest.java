package io.karyon.perf;

import io.karyon.cli.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

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
