package io.karyon.cli;

import io.karyon.engine.Configuration;
import io.karyon.engine.Organism;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code karyon.*} system property is the default of its option, which still wins when given; and the launcher's
 * other promises: {@code --workers 0}, {@code --verbose}, the exit codes in {@code --help}.
 */
@Timeout(60)
class ConfigurationDefaultsTest
{
    /** The ring, whose digest depends on the seed within a few ticks (tissue's at 2,000 cells does not). */
    private static final String[] SMALL_RUN = { "run", "ring", "--cells", "2000", "--ticks", "5", "--json",
        "--quiet" };

    private final List<String> propertiesSet = new ArrayList<>();

    @AfterEach
    void clearProperties()
    {
        propertiesSet.forEach(System::clearProperty);
    }

    private void property(final String name, final String value)
    {
        propertiesSet.add(name);
        System.setProperty(name, value);
    }

    private static String digest(final String... extraArgs)
    {
        final List<String> args = new ArrayList<>(List.of(SMALL_RUN));
        args.addAll(List.of(extraArgs));
        final CommandRun run = CommandRun.karyon(args.toArray(new String[0]));
        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        return run.json().get("digest").textValue();
    }

    @Test
    void shouldRunFromTheSeedPropertyAsFromTheSeedOption()
    {
        final String byOption = digest("--seed", "5");
        final String byDefault = digest();
        property(Configuration.SEED_PROP_NAME, "5");
        final String byProperty = digest();

        assertEquals(byOption, byProperty);
        assertNotEquals(byDefault, byProperty);
        assertEquals(5, CommandRun.karyon(SMALL_RUN).json().get("seed").longValue());
    }

    @Test
    void shouldLetTheOptionWinOverTheProperty()
    {
        final String seven = digest("--seed", "7");
        property(Configuration.SEED_PROP_NAME, "5");

        assertEquals(seven, digest("--seed", "7"));
    }

    @Test
    void shouldTakeTheWorkerOptionsFromTheSchedulerProperties()
    {
        property(Configuration.WORKER_COUNT_PROP_NAME, "3");
        property(Configuration.IDLE_STRATEGY_PROP_NAME, "backoff");
        property(Configuration.BIND_TYPE_PROP_NAME, "nnps");
        property(Configuration.PIN_PROP_NAME, "false");

        final RunCommand run = parse(new RunCommand());
        assertEquals(3, run.workerOptions.workers);
        assertEquals("backoff", run.workerOptions.idle);
        assertEquals("nnps", run.workerOptions.policy);
        assertTrue(run.workerOptions.noPin);

        final RunCommand overridden = parse(new RunCommand(), "--workers", "1", "--idle", "yield", "--policy", "u");
        assertEquals(1, overridden.workerOptions.workers);
        assertEquals("yield", overridden.workerOptions.idle);
        assertEquals("u", overridden.workerOptions.policy);
    }

    @Test
    void shouldNotPinWithNoPinWhateverThePinProperty()
    {
        assertFalse(parse(new RunCommand()).workerOptions.noPin);
        assertTrue(parse(new RunCommand(), "--no-pin").workerOptions.noPin);
        final RunCommand followed = parse(new RunCommand(), "--no-pin", "--json");
        assertTrue(followed.workerOptions.noPin);
        assertTrue(followed.json);
        property(Configuration.PIN_PROP_NAME, "false");
        assertTrue(parse(new RunCommand()).workerOptions.noPin);
        assertTrue(parse(new RunCommand(), "--no-pin").workerOptions.noPin);
        assertFalse(parse(new RunCommand(), "--no-pin=false").workerOptions.noPin);
    }

    @Test
    void shouldShowThePropertysValueAsTheDefaultAndTheExitCodesInHelp()
    {
        property(Configuration.IDLE_STRATEGY_PROP_NAME, "backoff");
        final CommandRun run = CommandRun.karyon("run", "--help");

        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        assertTrue(run.out().contains("(default: backoff)"), run.out());
        assertTrue(run.out().contains("Exit codes:"), run.out());
        for (final int code : new int[]{ Cli.EXIT_OK, Cli.EXIT_FAILURE, Cli.EXIT_USAGE })
        {
            assertTrue(run.out().lines().anyMatch((line) -> line.strip().startsWith(code + " ")), run.out());
        }
    }

    @Test
    void shouldRunOneWorkerPerPhysicalCoreForZeroWorkers()
    {
        final int cores = Organism.machine().allowedCoreCount();
        final CommandRun run = CommandRun.karyon("run", "--cells", "2000", "--ticks", "1", "--json", "--quiet",
            "--workers", "0", "--idle", "backoff");

        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        assertEquals(cores, run.json().get("workers").intValue(), run.out());
        assertTrue(cores >= 1 && cores <= Runtime.getRuntime().availableProcessors(), "cores=" + cores);
    }

    @Test
    void shouldPrintTheStackTraceOfAFailureOnlyWhenVerbose()
    {
        property(Configuration.CHUNK_SHIFT_PROP_NAME, "99");

        // The engine refusing a setting is bad usage, as a bad option is: exit 2, the engine's line as it is.
        final CommandRun quiet = CommandRun.karyon(SMALL_RUN);
        assertEquals(Cli.EXIT_USAGE, quiet.exitCode(), quiet.err());
        assertEquals(1, quiet.err().lines().count(), quiet.err());
        assertTrue(quiet.err().startsWith("karyon run: " + Configuration.CHUNK_SHIFT_PROP_NAME + " must be in "),
            quiet.err());

        for (final String[] args : new String[][]{
            { "run", "ring", "--verbose", "--cells", "2000", "--quiet" }, { "--verbose", "run", "ring", "--cells",
                "2000", "--quiet" } })
        {
            final CommandRun verbose = CommandRun.karyon(args);
            assertEquals(Cli.EXIT_USAGE, verbose.exitCode(), verbose.err());
            assertTrue(verbose.err().startsWith(quiet.err().strip()), verbose.err());
            assertTrue(verbose.err().contains("\tat io.karyon.engine."), verbose.err());
        }
    }

    private static <T> T parse(final T command, final String... args)
    {
        Cli.configure(new CommandLine(command)).parseArgs(args);
        return command;
    }
}
