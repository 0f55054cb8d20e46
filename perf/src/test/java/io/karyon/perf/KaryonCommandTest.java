package io.karyon.perf;

import io.karyon.cli.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

@Timeout(60)
class KaryonCommandTest
{
    static Stream<Arguments> badCommandLines()
    {
        return Stream.of(
            arguments("bench W9", "W9",
                "karyon bench: unknown workload 'W9': this build has stream, W1, W2, W3, W4, W5, W5x, W6, W7, all or " +
                    "shards"),
            arguments("bench W3 w8", "w8",
                "karyon bench: unknown workload 'w8': this build has stream, W1, W2, W3, W4, W5, W5x, W6, W7, all or " +
                    "shards"),
            arguments("bench", "WORKLOAD",
                "karyon bench: Missing required parameter: 'WORKLOAD'"),
            arguments("bench W1 --cells -1", "-1",
                "karyon bench: Invalid value for option '--cells': must be in 1..2147483647, was '-1'"),
            arguments("bench W3 --rounds 2", "2",
                "karyon bench: Invalid value for option '--rounds': must be in 3..1000, was '2'"),
            arguments("bench W3 --warmup -1", "-1",
                "karyon bench: Invalid value for option '--warmup': must be in 0..1000, was '-1'"),
            arguments("bench W3 --ticks 0", "0",
                "karyon bench: Invalid value for option '--ticks': must be in 1..2147483647, was '0'"),
            arguments("bench W3 --workers 300", "300",
                "karyon bench: Invalid value for option '--workers': must be in 0..256, was '300'"),
            arguments("bench W4 --broadcasts 0", "0",
                "karyon bench: Invalid value for option '--broadcasts': must be in 1..1000000, was '0'"),
            arguments("bench W4 --churn -2", "-2",
                "karyon bench: Invalid value for option '--churn': must be in 0..1000000, was '-2'"),
            arguments("bench W2 --tokens 0", "0",
                "karyon bench: Invalid value for option '--tokens': must be in 1..2147483647, was '0'"),
            arguments("bench W2 --placement sideways", "sideways",
                "karyon bench: Invalid value for option '--placement': must be one of pairs, random, round-robin, " +
                    "fill, was 'sideways'"),
            arguments("bench W6 --ops 0", "0",
                "karyon bench: Invalid value for option '--ops': must be in 1..4611686018427387903, was '0'"),
            arguments("matrix inspect /nonexistent/m.matrix", "/nonexistent/m.matrix",
                "karyon matrix inspect: Invalid value for FILE '/nonexistent/m.matrix': no such matrix file"),
            arguments("matrix inspect /nonexistent/m.matrix --top -1", "-1",
                "karyon matrix inspect: Invalid value for option '--top': must be in 0..1000000, was '-1'"),
            arguments("bench W2 --peers --peer-messages 0", "0",
                "karyon bench: Invalid value for option '--peer-messages': must be in 1..9223372036854775807, was '0'"),
            arguments("bench W5 --fraction 1.5", "1.5",
                "karyon bench: Invalid value for option '--fraction': must be in (0, 1], was '1.5'"),
            arguments("bench W2 --hops 10 --tokens 100", "10",
                "karyon bench: Invalid value for option '--hops': must be in 100..9223372036854775807, was '10'"),
            arguments("bench W3 --peers=maybe", "maybe",
                "karyon bench: Invalid value for option '--peers': 'maybe' is not a boolean"),
            arguments("report", "DIR",
                "karyon report: Missing required parameter: 'DIR'"),
            arguments("report a b", "b",
                "karyon report: Unmatched argument at index 2: 'b'"),
            arguments("run --cells 0", "0",
                "karyon run: Invalid value for option '--cells': must be in 1..2147483647, was '0'"),
            arguments("launch", "launch",
                "karyon: Unmatched argument at index 0: 'launch'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCommandLines")
    void shouldRejectBadCommandLineWithOneLine(final String args, final String named, final String message)
    {
        final CommandRun run = CommandRun.karyon(args.split(" "));

        assertUsageError(run);
        assertTrue(run.err().contains("'" + named + "'"), run.err());
        assertEquals(message + " (see --help)", run.err().strip());
    }

    @Test
    void shouldRejectNoSubcommand()
    {
        final CommandRun run = CommandRun.karyon();

        assertUsageError(run);
        assertEquals(
            "karyon: a subcommand is needed: run, resume, checkpoint, models, sweep, topology, matrix, report, " +
                "bench or help (see --help)",
            run.err().strip());
    }

    /**
     * W5's and W5x's rounds are milliseconds long, so without --warmup they warm up for more rounds than the
     * others; an explicit --warmup is obeyed as given.
     */
    @Test
    void shouldWarmW5xUpLongerUnlessTold(@TempDir final Path out)
    {
        final CommandRun byDefault = CommandRun.karyon("bench", "W5x", "W5", "W2", "--cells", "20000", "--tokens",
            "100", "--hops", "10000", "--workers", "2", "--idle", "backoff", "--out", out.toString());
        final CommandRun told = CommandRun.karyon("bench", "W5x", "--cells", "20000", "--warmup", "1", "--workers",
            "2", "--idle", "backoff", "--out", out.toString());

        assertEquals(Cli.EXIT_OK, byDefault.exitCode(), byDefault.err());
        assertEquals(W5xEscalation.WARMUP, count(byDefault.err(), "W5x warm-up round"), byDefault.err());
        assertEquals(W5Apoptosis.WARMUP, count(byDefault.err(), "W5 warm-up round"), byDefault.err());
        assertEquals(BenchCommand.DEFAULT_WARMUP, count(byDefault.err(), "W2 warm-up round"), byDefault.err());
        assertEquals(Cli.EXIT_OK, told.exitCode(), told.err());
        assertEquals(1, count(told.err(), "W5x warm-up round"), told.err());
    }

    private static long count(final String text, final String prefix)
    {
        return text.lines().filter((line) -> line.startsWith(prefix)).count();
    }

    @Test
    void shouldPrintTheVersion()
    {
        final CommandRun run = CommandRun.karyon("--version");

        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        assertEquals("karyon 0.1.0", run.out().strip());
        assertEquals("", run.err());
    }

    private static void assertUsageError(final CommandRun run)
    {
        assertEquals(Cli.EXIT_USAGE, run.exitCode(), run.err());
        assertEquals("", run.out());
        final List<String> lines = run.err().lines().toList();
        assertEquals(1, lines.size(), run.err());
        assertFalse(run.err().contains("at io."), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
    }
}
