package io.karyon.engine.cli;

import io.karyon.engine.KaryonException;
import io.karyon.scheduler.IdleStrategies;
import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * What every {@code karyon} subcommand shares: one-line errors with fixed exit codes, and option checks.
 * <p>
 * A bad option or value exits with {@link #EXIT_USAGE} and one line on stderr naming the option and the value, never
 * a stack trace; a failure while running exits with {@link #EXIT_FAILURE} and one line naming the cause.
 */
public final class Cli
{
    /** Exit code of a run that completed and passed its checks. */
    public static final int EXIT_OK = 0;
    /** Exit code of a run that failed, or whose self-check failed. */
    public static final int EXIT_FAILURE = 1;
    /** Exit code of a bad command line. */
    public static final int EXIT_USAGE = 2;

    private Cli()
    {
    }

    /**
     * Configures a command line with the one-line error handlers.
     *
     * @param commandLine to configure.
     * @return the command line.
     */
    public static CommandLine configure(final CommandLine commandLine)
    {
        commandLine.setParameterExceptionHandler(Cli::onBadParameter);
        commandLine.setExecutionExceptionHandler(Cli::onFailure);
        commandLine.setUsageHelpAutoWidth(true);
        return commandLine;
    }

    private static int onBadParameter(final CommandLine.ParameterException ex, final String[] args)
    {
        final CommandLine commandLine = ex.getCommandLine();
        final PrintWriter err = commandLine.getErr();
        err.println(commandLine.getCommandSpec().qualifiedName() + ": " + ex.getMessage() +
            " (see --help)");
        err.flush();
        return EXIT_USAGE;
    }

    private static int onFailure(
        final Exception ex, final CommandLine commandLine, final CommandLine.ParseResult parseResult)
    {
        final PrintWriter err = commandLine.getErr();
        final String what = ex instanceof KaryonException || ex instanceof IllegalArgumentException ||
            ex instanceof IllegalStateException ? ex.getMessage() : ex.toString();
        err.println(commandLine.getCommandSpec().qualifiedName() + ": failed: " + what);
        err.flush();
        return EXIT_FAILURE;
    }

    /**
     * Checks that an option's value is > 0.
     *
     * @param spec   of the command, for the error.
     * @param option name, e.g. "--cells".
     * @param value  given.
     * @return the value.
     * @throws CommandLine.ParameterException naming the option and the value.
     */
    public static long positive(final CommandLine.Model.CommandSpec spec, final String option, final long value)
    {
        if (value <= 0)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "Invalid value for option '" + option + "': must be > 0, was '" + value + "'");
        }
        return value;
    }

    /**
     * Checks an idle strategy name.
     *
     * @param spec   of the command, for the error.
     * @param option name, e.g. "--idle".
     * @param value  given.
     * @return the value.
     * @throws CommandLine.ParameterException naming the option, the choices and the value.
     */
    public static String idleStrategy(final CommandLine.Model.CommandSpec spec, final String option, final String value)
    {
        if (!IdleStrategies.NAMES.contains(value))
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '" + option +
                "': must be one of " + String.join(", ", IdleStrategies.NAMES) + ", was '" + value + "'");
        }
        return value;
    }

    /**
     * Checks that an option's value is within a range.
     *
     * @param spec   of the command, for the error.
     * @param option name, e.g. "--cells".
     * @param value  given.
     * @param min    smallest allowed.
     * @param max    largest allowed.
     * @return the value.
     * @throws CommandLine.ParameterException naming the option, the range and the value.
     */
    public static long range(
        final CommandLine.Model.CommandSpec spec, final String option, final long value, final long min, final long max)
    {
        if (value < min || value > max)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "Invalid value for option '" + option + "': must be in " + min + ".." + max + ", was '" + value + "'");
        }
        return value;
    }
}
