package io.karyon.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code karyon} command: {@code run} (a model), {@code resume} and {@code checkpoint} (its checkpoints),
 * {@code models} (those it can run), {@code topology},
 * {@code matrix} and {@code report} (charts of saved results). {@code bench} and its peers live in {@code perf}, whose
 * jar adds it to this command ({@code io.karyon.perf.KaryonBench}); {@code scripts/karyon} runs whichever jar a
 * command needs.
 */
@Command(
    name = "karyon",
    mixinStandardHelpOptions = true,
    version = Cli.VERSION,
    description = "Runs millions of small supervised state machines (cells) as off-heap structs.",
    footer = { "",
        "karyon bench (the workload suite and its peers) runs from perf's jar: scripts/karyon bench --help" },
    subcommands = {
        RunCommand.class, ResumeCommand.class, CheckpointCommand.class, ModelsCommand.class, SweepCommand.class,
        TopologyCommand.class, MatrixCommand.class, ReportCommand.class,
        CommandLine.HelpCommand.class })
public final class Karyon implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = Cli.VERBOSE, scope = ScopeType.INHERIT, description = "on a failure, print its stack trace too")
    boolean verbose;

    /**
     * Without a subcommand: fail, naming the subcommands.
     */
    public void run()
    {
        final List<String> names = new ArrayList<>(spec.subcommands().keySet());
        names.remove("help");
        throw new CommandLine.ParameterException(spec.commandLine(),
            "a subcommand is needed: " + String.join(", ", names) + " or help");
    }

    /**
     * The {@code karyon} command line with its subcommands and any more given, configured as the launcher runs it.
     *
     * @param more subcommands to add, e.g. {@code bench}.
     * @return the command line.
     */
    public static CommandLine commandLine(final Object... more)
    {
        final CommandLine commandLine = new CommandLine(new Karyon());
        for (final Object subcommand : more)
        {
            commandLine.addSubcommand(subcommand);
        }
        return Cli.configure(commandLine);
    }

    /**
     * Entry point of the launcher.
     *
     * @param args command-line arguments.
     */
    public static void main(final String[] args)
    {
        System.exit(commandLine().execute(args));
    }
}
