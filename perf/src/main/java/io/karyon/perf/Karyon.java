package io.karyon.perf;

import io.karyon.engine.cli.Cli;
import io.karyon.engine.cli.MatrixCommand;
import io.karyon.engine.cli.RunCommand;
import io.karyon.engine.cli.TopologyCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code karyon} command: {@code run} (the default simulation), {@code bench} (the workloads) and {@code
 * report} (charts of saved results).
 * <p>
 * It lives in {@code perf} because {@code bench} needs the workloads and {@code perf} is the one module that sees
 * every other; {@code engine} keeps {@code run} and the shared command-line handling.
 */
@Command(
    name = "karyon",
    mixinStandardHelpOptions = true,
    version = "karyon 0.1.0",
    description = "Runs millions of small supervised state machines (cells) as off-heap structs.",
    subcommands = {
        RunCommand.class, BenchCommand.class, ReportCommand.class, TopologyCommand.class, MatrixCommand.class,
        CommandLine.HelpCommand.class })
public final class Karyon implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Without a subcommand: print the usage and fail.
     */
    public void run()
    {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "a subcommand is needed: run, bench, report, topology, matrix or help");
    }

    /**
     * Entry point of the launcher.
     *
     * @param args command-line arguments.
     */
    public static void main(final String[] args)
    {
        System.exit(Cli.configure(new CommandLine(new Karyon())).execute(args));
    }
}
