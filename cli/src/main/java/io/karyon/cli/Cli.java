package io.karyon.cli;

import io.karyon.engine.KaryonException;
import io.karyon.model.ModelException;
import io.karyon.model.ScenarioException;
import io.karyon.scheduler.IdleStrategies;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every {@code karyon} subcommand shares: one-line errors with fixed exit codes, listed in each command's
 * {@code --help}; defaults from the {@code karyon.*} system properties; and option checks.
 * <p>
 * A bad option or value exits with {@link #EXIT_USAGE} and one line on stderr naming the option and the value, never
 * a stack trace, as does bad input found later (a scenario file's {@link ScenarioException}, a model's
 * {@link ModelException} of exit 2); a failure while running exits with {@link #EXIT_FAILURE} and one line naming the
 * cause. Either is followed by its stack trace when {@code --verbose} was given.
 */
public final class Cli
{
    /** Exit code of a run that completed and passed its checks. */
    public static final int EXIT_OK = 0;
    /** Exit code of a run that failed, or whose self-check failed. */
    public static final int EXIT_FAILURE = 1;
    /** Exit code of a bad command line. */
    public static final int EXIT_USAGE = 2;
    /** The option, on every command, that adds the stack trace to an unexpected failure's line. */
    public static final String VERBOSE = "--verbose";

    private static final Map<String, String> EXIT_CODES = exitCodes();

    private Cli()
    {
    }

    private static Map<String, String> exitCodes()
    {
        final Map<String, String> codes = new LinkedHashMap<>();
        codes.put(Integer.toString(EXIT_OK), "success");
        codes.put(Integer.toString(EXIT_FAILURE), "the run failed, or its self-check did (one line on stderr)");
        codes.put(Integer.toString(EXIT_USAGE), "bad usage: an unknown option or a bad value (one line on stderr)");
        codes.put(Integer.toString(StopSignals.EXIT_SIGINT), "run, resume: stopped by SIGINT after a tick, with a " +
            "checkpoint (with --out) and the outputs (one line on stderr names the checkpoint)");
        codes.put(Integer.toString(StopSignals.EXIT_SIGTERM), "run, resume: stopped by SIGTERM, likewise");
        return Collections.unmodifiableMap(codes);
    }

    /**
     * Configures a command line and every subcommand it has now: the one-line error handlers, the exit codes in the
     * usage help, and the defaults from the {@code karyon.*} system properties ({@link ConfigurationDefaults}). Call
     * it once the subcommands are added: picocli hands these settings only to the subcommands it already has.
     *
     * @param commandLine to configure.
     * @return the command line.
     */
    public static CommandLine configure(final CommandLine commandLine)
    {
        commandLine.setParameterExceptionHandler(Cli::onBadParameter);
        commandLine.setExecutionExceptionHandler(Cli::onFailure);
        commandLine.setDefaultValueProvider(new ConfigurationDefaults());
        commandLine.setUsageHelpAutoWidth(true);
        exitCodesInHelp(commandLine);
        return commandLine;
    }

    private static void exitCodesInHelp(final CommandLine commandLine)
    {
        commandLine.getCommandSpec().usageMessage().exitCodeListHeading("Exit codes:%n").exitCodeList(EXIT_CODES);
        for (final CommandLine subcommand : commandLine.getSubcommands().values())
        {
            exitCodesInHelp(subcommand);
        }
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
        final String name = commandLine.getCommandSpec().qualifiedName();
        final int exitCode;
        if (ex instanceof ScenarioException || ex instanceof ModelException &&
            EXIT_USAGE == ((ModelException)ex).exitCode())
        {
            // Bad input found once parsed (a scenario file, a model's parameter, a --classpath): nothing ran.
            err.println(name + ": " + oneLine(ex.getMessage()));
            exitCode = EXIT_USAGE;
        }
        else
        {
            final boolean expected = ex instanceof KaryonException || ex instanceof IllegalArgumentException ||
                ex instanceof IllegalStateException || ex instanceof ModelException;
            err.println(name + ": failed: " + oneLine(expected ? ex.getMessage() : ex.toString()));
            exitCode = EXIT_FAILURE;
        }
        if (isVerbose(parseResult))
        {
            ex.printStackTrace(err);
        }
        err.flush();
        return exitCode;
    }

    private static String oneLine(final String message)
    {
        return String.valueOf(message).replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }

    private static boolean isVerbose(final CommandLine.ParseResult parseResult)
    {
        for (CommandLine.ParseResult result = parseResult; null != result; result = result.subcommand())
        {
            if (result.hasMatchedOption(VERBOSE))
            {
                return true;
            }
        }
        return false;
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
