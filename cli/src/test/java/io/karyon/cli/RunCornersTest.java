package io.karyon.cli;

import io.karyon.engine.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The corners of {@code karyon run}: the watchdog from the command line, options that would be ignored in combination,
 * and the engine's refusal of a setting, each through the picocli entry point and its exit code.
 */
@Timeout(value = 120, threadMode = SEPARATE_THREAD)
class RunCornersTest
{
    private static final String[] QUIET = { "--quiet", "--idle", "backoff", "--no-pin" };

    @TempDir
    Path dir;

    @AfterEach
    void release()
    {
        StuckModel.released = true;
    }

    private static CommandRun run(final String... args)
    {
        final String[] all = new String[args.length + 1];
        all[0] = "run";
        System.arraycopy(args, 0, all, 1, args.length);
        return CommandRun.karyon(all);
    }

    private static String[] quiet(final String... args)
    {
        final String[] all = new String[args.length + QUIET.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(QUIET, 0, all, args.length, QUIET.length);
        return all;
    }

    @Test
    void shouldStopAStuckRunWithOneLineNamingTheCellAndExit1() throws IOException
    {
        StuckModel.released = false;
        final Path out = dir.resolve("out");
        final CommandRun run = run(quiet("stuck", "--workers", "2", "--watchdog", "0.4", "--out", out.toString()));

        assertEquals(Cli.EXIT_FAILURE, run.exitCode(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        final String line = run.err().strip();
        assertTrue(line.startsWith("karyon run: failed: model stuck failed at tick 3: watchdog: karyon-worker-"), line);
        assertTrue(line.contains(" has not finished tick 3 within 0.4 s: cell 7@"), line);
        assertTrue(line.contains(" is in onTick (" + StuckModel.class.getName() + "$1.onTick(StuckModel.java:"), line);
        assertTrue(line.contains("behaviour 'spin', genotype 'spinner'"), line);
        assertEquals("", run.out());
        // What the run observed before the stuck tick is written, under the name of a file a failed run leaves.
        assertEquals(5, Files.readAllLines(out.resolve("timeseries.csv.part")).size(),
            "header, and the state observed at ticks 0 to 3: the stuck tick 3 never finished");
        assertFalse(Files.exists(out.resolve("summary.json")), out.toString());
    }

    @Test
    void shouldPrintTheResultsEvenWhenAnOutputCannotBeWritten() throws IOException
    {
        // A folder, not empty, where report.html would go: the folder is writable, that one file is not.
        final Path out = dir.resolve("out");
        Files.writeString(Files.createDirectories(out.resolve("report.html")).resolve("keep"), "in the way");

        final CommandRun run = run(quiet("tiny", "--workers", "1", "--cells", "10", "--ticks", "2", "--json", "--out",
            out.toString()));

        assertEquals(Cli.EXIT_FAILURE, run.exitCode(), run.err());
        assertEquals("tiny", CommandRun.parse(run.out().strip()).get("model").textValue());
        assertEquals(2, CommandRun.parse(run.out().strip()).get("ticks").longValue());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("karyon run: failed: model tiny: writing the outputs under " + out +
            " failed: "), run.err());
    }

    @Test
    void shouldPrintTheStuckWorkersStackWithVerbose()
    {
        StuckModel.released = false;
        final CommandRun run = run(quiet("stuck", "--workers", "1", "--watchdog", "0.3", "--verbose"));

        assertEquals(Cli.EXIT_FAILURE, run.exitCode(), run.err());
        assertTrue(run.err().contains("Caused by: io.karyon.engine.Watchdog$WorkerStack: watchdog: karyon-worker-0"),
            run.err());
        assertTrue(run.err().contains(StuckModel.class.getName() + "$1.onTick(StuckModel.java:"), run.err());
    }

    @Test
    void shouldTakeTheWatchdogsDefaultFromItsProperty()
    {
        System.setProperty(Configuration.WATCHDOG_PROP_NAME, "250ms");
        try
        {
            // Words only: picocli wraps the help to the longest option, which other options change.
            final String help = run("--help").out().replaceAll("\\s+", " ");
            assertTrue(help.contains("0 for off (default: 0.25)"), help);
        }
        finally
        {
            System.clearProperty(Configuration.WATCHDOG_PROP_NAME);
        }
        assertTrue(run("--help").out().replaceAll("\\s+", " ").contains("0 for off (default: 30)"));
    }

    static Stream<Arguments> refusedCommandLines()
    {
        return Stream.of(
            arguments("tiny --watchdog -1",
                "karyon run: Invalid value for option '--watchdog': must be a number of seconds in 0..1000000000, " +
                    "was '-1' (see --help)"),
            arguments("tiny --watchdog soon",
                "karyon run: Invalid value for option '--watchdog': must be a number of seconds in 0..1000000000, " +
                    "was 'soon' (see --help)"),
            arguments("tiny --no-pin --policy ts",
                "karyon run: Invalid value for option '--policy': it says where pinned workers go, and --no-pin " +
                    "leaves them unpinned: give one or the other (see --help)"),
            arguments("tiny --no-pin --cpus 0",
                "karyon run: Invalid value for option '--cpus': it says where pinned workers go, and --no-pin " +
                    "leaves them unpinned: give one or the other (see --help)"),
            arguments("ring --strategy one_for_all --spread",
                "karyon run: Invalid value for option '--spread': it sets how the ring's supervisors restart, and " +
                    "this ring is unsupervised: give --supervisors N (N > 0) too, or leave --spread out (see --help)"),
            arguments("ring --supervisors 0 --intensity 5",
                "karyon run: Invalid value for option '--intensity': it sets how the ring's supervisors restart, and " +
                    "this ring is unsupervised: give --supervisors N (N > 0) too, or leave --intensity out " +
                    "(see --help)"),
            arguments("ring --supervisors 4 --set supervisors=0 --restart transient",
                "karyon run: Invalid value for option '--restart': it sets how the ring's supervisors restart, and " +
                    "this ring is unsupervised: give --supervisors N (N > 0) too, or leave --restart out " +
                    "(see --help)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedCommandLines")
    void shouldRefuseWithOneLineAndExit2(final String args, final String message)
    {
        final CommandRun run = run(args.split(" "));

        assertEquals(Cli.EXIT_USAGE, run.exitCode(), run.err());
        assertEquals(message, run.err().strip());
        assertEquals("", run.out());
    }

    @Test
    void shouldRunASupervisedRingWithItsSupervisionOptions()
    {
        final CommandRun run = run(quiet("ring", "--cells", "40", "--ticks", "3", "--workers", "1", "--supervisors",
            "4", "--strategy", "one_for_all", "--json"));

        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
    }

    @Test
    void shouldRefuseASettingTheEngineRejectsWithExit2()
    {
        System.setProperty(Configuration.CHUNK_SHIFT_PROP_NAME, "99");
        try
        {
            final CommandRun run = run(quiet("tiny", "--workers", "1"));

            assertEquals(Cli.EXIT_USAGE, run.exitCode(), run.err());
            assertEquals(1, run.err().lines().count(), run.err());
            assertTrue(run.err().startsWith("karyon run: karyon.engine.chunk.shift must be in "), run.err());
            assertFalse(run.err().contains("failed"), run.err());
        }
        finally
        {
            System.clearProperty(Configuration.CHUNK_SHIFT_PROP_NAME);
        }
    }
}
