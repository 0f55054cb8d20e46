package io.karyon.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KaryonTest
{
    @Test
    void shouldNameTheSubcommandsWhenNoneIsGiven()
    {
        final CommandRun run = CommandRun.karyon();

        assertEquals(Cli.EXIT_USAGE, run.exitCode(), run.err());
        assertEquals("", run.out());
        assertEquals("karyon: a subcommand is needed: run, resume, checkpoint, models, sweep, topology, matrix, " +
            "report or help (see --help)", run.err().strip());
    }

    @Test
    void shouldNameSubcommandsAddedByAnotherJar()
    {
        final CommandRun run = execute(new Extra());

        assertEquals("karyon: a subcommand is needed: run, resume, checkpoint, models, sweep, topology, matrix, " +
            "report, extra or help (see --help)", run.err().strip());
    }

    @Test
    void shouldSayWhereBenchIsAndListTheExitCodes()
    {
        final CommandRun run = CommandRun.karyon("--help");

        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        assertTrue(run.out().contains("scripts/karyon bench --help"), run.out());
        assertTrue(run.out().contains("Exit codes:"), run.out());
    }

    @Test
    void shouldGiveAddedSubcommandsTheSharedHandling()
    {
        final CommandRun run = execute(new Extra(), "extra", "--bogus");

        assertEquals(Cli.EXIT_USAGE, run.exitCode(), run.err());
        assertEquals("karyon extra: Unknown option: '--bogus' (see --help)", run.err().strip());
    }

    @Test
    void shouldPrintTheVersionForEverySubcommand()
    {
        assertEquals(Cli.VERSION, CommandRun.karyon("--version").out().strip());
        for (final String subcommand : Karyon.commandLine().getSubcommands().keySet())
        {
            if (!"help".equals(subcommand))
            {
                final CommandRun run = CommandRun.karyon(subcommand, "--version");
                assertEquals(Cli.EXIT_OK, run.exitCode(), subcommand + ": " + run.err());
                assertEquals(Cli.VERSION, run.out().strip(), subcommand);
            }
        }
        assertEquals(Cli.VERSION, CommandRun.command(new RunCommand(), "--version").out().strip(), "run on its own");
    }

    private static CommandRun execute(final Object extra, final String... args)
    {
        return CommandRun.execute(Karyon.commandLine(extra), args);
    }

    @Command(name = "extra")
    static final class Extra implements Runnable
    {
        public void run()
        {
        }
    }
}
