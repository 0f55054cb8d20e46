package io.karyon.cli;

import io.karyon.engine.Configuration;
import io.karyon.engine.Context;
import io.karyon.engine.MemoryEstimate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code --max-memory}: a run its estimate does not fit is refused before anything is allocated (exit 2, one line:
 * the estimate, the limit, what to change); a run that grows past it stops with one line naming what ran out (exit
 * 1), the stack trace only with {@code --verbose}; restart windows follow the restarts held, so supervisors of a
 * huge intensity run in little memory.
 */
@Timeout(120)
class RunMemoryTest
{
    @Test
    void shouldRefuseAllTheCellsThereAreUpFrontUnderTheDefaultBudget()
    {
        final long estimate = new MemoryEstimate(new Context()).cells(Integer.MAX_VALUE).bytes();
        assumeTrue(estimate > new Context().maxMemory(), "this machine's default budget holds 2^31 - 1 cells");

        final CommandRun result = CommandRun.command(new RunCommand(), "ring", "--cells", "2147483647", "--ticks", "1",
            "--quiet");

        assertRefused(result, "80 bytes");
    }

    @Test
    void shouldRefuseABillionCellsUpFrontWithTheEstimateAndTheLimit()
    {
        final CommandRun result = CommandRun.command(new RunCommand(), "ring", "--cells", "1000000000", "--ticks",
            "1", "--max-memory", "16g", "--quiet");

        assertRefused(result, "1,000,000,000 cells of 80 bytes: 78.5 GiB");
        assertTrue(result.err().contains("more than --max-memory 16.0 GiB"), result.err());
    }

    @Test
    void shouldTakeTheBudgetFromItsPropertyWhenTheFlagIsNotGiven()
    {
        System.setProperty(Configuration.MAX_MEMORY_PROP_NAME, "16m");
        try
        {
            final CommandRun result = CommandRun.command(new RunCommand(), "ring", "--cells", "1000000", "--ticks",
                "1", "--quiet");

            assertRefused(result, "1,000,000 cells");
            assertTrue(result.err().contains("more than --max-memory 16.0 MiB"), result.err());
        }
        finally
        {
            System.clearProperty(Configuration.MAX_MEMORY_PROP_NAME);
        }
    }

    @Test
    void shouldRejectABadSizeAsAUsageError()
    {
        final CommandRun result = CommandRun.command(new RunCommand(), "ring", "--max-memory", "8q");

        assertEquals(Cli.EXIT_USAGE, result.exitCode());
        assertEquals(List.of("run: --max-memory must be a positive size such as 8g, 512m or 1048576 (bytes; " +
            "suffixes k, m, g, t): was '8q' (see --help)"), result.err().lines().toList());
    }

    @Test
    void shouldStopARunThatGrowsPastTheBudgetWithOneLineNamingWhatRanOut()
    {
        // One chunk of founders fits 12 MiB; the ring divides past two chunks within a few dozen ticks.
        final String[] args = { "run", "ring", "--cells", "65536", "--ticks", "1000", "--workers", "1",
            "--max-memory", "12m", "--quiet" };
        final CommandRun result = CommandRun.karyon(args);

        assertEquals(Cli.EXIT_FAILURE, result.exitCode(), result.err());
        assertEquals("", result.out());
        final List<String> lines = result.err().lines().filter((line) -> !line.contains("warning")).toList();
        assertEquals(1, lines.size(), result.err());
        assertTrue(lines.get(0).startsWith("karyon run: failed: model ring ran out of memory at tick "), lines.get(0));
        assertTrue(lines.get(0).contains("out of memory: the memory budget (--max-memory 12.0 MiB)"), lines.get(0));
        assertTrue(lines.get(0).contains("arena chunk"), lines.get(0));
        assertTrue(lines.get(0).contains("raise --max-memory (karyon.engine.max.memory)"), lines.get(0));

        final String[] verbose = new String[args.length + 1];
        System.arraycopy(args, 0, verbose, 0, args.length);
        verbose[args.length] = Cli.VERBOSE;
        final CommandRun traced = CommandRun.karyon(verbose);
        assertEquals(Cli.EXIT_FAILURE, traced.exitCode());
        assertTrue(traced.err().contains("MemoryBudget$Exceeded"), traced.err());
        assertTrue(traced.err().contains("\tat io.karyon.engine"), traced.err());
    }

    @Test
    void shouldRunAThousandSupervisorsOfTheLargestIntensityInLittleMemory()
    {
        // Before: (intensity + 1) * 8 bytes a supervisor, 8 GiB of windows; a direct-memory OOM after 18 s.
        final CommandRun result = CommandRun.command(new RunCommand(), "ring", "--cells", "100000", "--supervisors",
            "1000", "--intensity", "1048575", "--ticks", "20", "--max-memory", "256m", "--json", "--quiet");

        assertEquals(Cli.EXIT_OK, result.exitCode(), result.err());
        assertTrue(result.json().get("alive").longValue() > 0);
    }

    private static void assertRefused(final CommandRun result, final String part)
    {
        assertEquals(Cli.EXIT_USAGE, result.exitCode(), result.err());
        assertEquals("", result.out());
        final List<String> lines = result.err().lines().toList();
        assertEquals(1, lines.size(), result.err());
        final String line = lines.get(0);
        assertTrue(line.startsWith("run: model ring: the run needs about "), line);
        assertTrue(line.contains(part), line);
        assertTrue(line.endsWith(": run fewer cells, or raise --max-memory (karyon.engine.max.memory)"), line);
        assertFalse(line.contains("Exception"), line);
    }
}
