package io.karyon.cli;

import io.karyon.engine.ConfigurationException;
import io.karyon.engine.KaryonException;
import io.karyon.model.ModelException;
import io.karyon.model.ScenarioException;
import io.karyon.scheduler.IdleStrategies;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every {@code karyon} subcommand shares: one-line errors with fixed exit codes, listed in each command's
 * {@code --help}; defaults from the {@code karyon.*} system properties; and option checks.
 * <p>
 * A bad option or value exits with {@link #EXIT_USAGE} and one line on stderr naming the option and the value, never
 * a stack trace, as does bad input found later (a scenario file's {@link ScenarioException}, a model's
 * {@link ModelException} of exit 2, a setting the engine refuses with a {@link ConfigurationException}); a failure
 * while running exits with {@link #EXIT_FAILURE} and one line naming the cause. Either is followed by its stack trace
 * when {@code --verbose} was given.
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
    /**
     * What {@code --version} prints, for {@code karyon} and each of its subcommands (run on their own too).
     */
    public static final String VERSION = "karyon 0.1.0";

    private static final Map<String, String> EXIT_CODES = exitCodes();
    private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(1_000_000_000L);

    private Cli()
    {
    }

    private static Map<String, String> exitCodes()
    {
        final Map<String, String> codes = new LinkedHashMap<>();
        codes.put(Integer.toString(EXIT_OK), "success");
        codes.put(Integer.toString(EXIT_FAILURE), "the run failed, or its self-check did (one line on stderr)");
        codes.put(Integer.toString(EXIT_USAGE), "bad usage: an unknown option, a bad value, options that do not go " +
            "together, or a setting the engine refuses (one line on stderr); nothing ran");
        codes.put(Integer.toString(StopSignals.EXIT_SIGINT), "run, resume: stopped by SIGINT after a tick, with a " +
            "checkpoint (with --out) and the outputs (one line on stderr names the checkpoint); or stopped by it " +
            "during start-up, while the model was set up, or a host of a run across hosts while it waited for the " +
            "others to join (one line says so; nothing ran)");
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
        commandLine.setExecutionStrategy(Cli::execute);
        commandLine.setDefaultValueProvider(new ConfigurationDefaults());
        commandLine.setUsageHelpAutoWidth(true);
        describe(commandLine);
        return commandLine;
    }

    /**
     * The exit codes in the help of a command and its subcommands, and their version where they name none: picocli
     * gives a subcommand's {@code --version} (which {@code mixinStandardHelpOptions} lists) its own version, empty
     * unless set.
     */
    private static void describe(final CommandLine commandLine)
    {
        final CommandLine.Model.CommandSpec spec = commandLine.getCommandSpec();
        spec.usageMessage().exitCodeListHeading("Exit codes:%n").exitCodeList(EXIT_CODES);
        if (0 == spec.version().length)
        {
            spec.version(VERSION);
        }
        for (final CommandLine subcommand : commandLine.getSubcommands().values())
        {
            describe(subcommand);
        }
    }

    /**
     * Prints a failure's one line now, as the handlers would once the command returned, and gives its exit code: for
     * a command with more to do before it exits (a shard across hosts telling the others that it refused).
     *
     * @param ex   the failure.
     * @param spec of the command that failed.
     * @return the exit code the command ends with.
     */
    static int reportNow(final RuntimeException ex, final CommandLine.Model.CommandSpec spec)
    {
        if (ex instanceof CommandLine.ParameterException)
        {
            return onBadParameter((CommandLine.ParameterException)ex, new String[0]);
        }
        return onFailure(ex, spec.commandLine(), spec.root().commandLine().getParseResult());
    }

    /**
     * A bad command line's one line. Given the arguments (picocli refused them before the command ran: an unknown
     * option, a value of the wrong type), a shard across hosts among them then tells the other hosts, as the command
     * would have ({@link ShardRefusals#tellUnparsed}); a refusal of the command itself comes without them.
     */
    private static int onBadParameter(final CommandLine.ParameterException ex, final String[] args)
    {
        final CommandLine commandLine = ex.getCommandLine();
        final PrintWriter err = commandLine.getErr();
        err.println(commandLine.getCommandSpec().qualifiedName() + ": " + ex.getMessage() +
            " (see --help)");
        err.flush();
        return args.length > 0 ? ShardRefusals.tellUnparsed(commandLine, args, ex) : EXIT_USAGE;
    }

    /**
     * Runs the command picocli chose (its bad values one line, as {@link #onBadParameter} gives them), turning an
     * {@link OutOfMemoryError} (an Error, which picocli lets through as a stack trace) into a failure of one line
     * naming what ran out.
     */
    private static int execute(final CommandLine.ParseResult parseResult)
    {
        try
        {
            // A shard across hosts given --help or --version tells the others that it does not join.
            return ShardRefusals.tellHelp(parseResult, new CommandLine.RunLast().execute(parseResult));
        }
        catch (final CommandLine.ParameterException ex)
        {
            // A refusal the command made itself: its line here, not in picocli's handler, which also tells the other
            // hosts of a run across hosts about a command line it could not parse; a command tells them itself.
            return onBadParameter(ex, new String[0]);
        }
        catch (final OutOfMemoryError ex)
        {
            CommandLine.ParseResult last = parseResult;
            while (null != last.subcommand())
            {
                last = last.subcommand();
            }
            throw new CommandLine.ExecutionException(last.commandSpec().commandLine(), String.valueOf(ex.getMessage()),
                new KaryonException(KaryonException.Category.FATAL, outOfMemory(ex), ex));
        }
    }

    /**
     * What ran out, and what to change.
     */
    static String outOfMemory(final OutOfMemoryError ex)
    {
        final String message = String.valueOf(ex.getMessage());
        if (message.startsWith("out of memory"))
        {
            return message;
        }
        if (message.contains("direct buffer memory"))
        {
            return "out of direct memory (" + message + "): raise -XX:MaxDirectMemorySize in KARYON_JAVA_OPTS, or " +
                "run fewer cells";
        }
        return "out of heap memory (" + message + "): raise -Xmx in KARYON_JAVA_OPTS, or run fewer cells";
    }

    private static int onFailure(
        final Exception ex, final CommandLine commandLine, final CommandLine.ParseResult parseResult)
    {
        final PrintWriter err = commandLine.getErr();
        final String name = commandLine.getCommandSpec().qualifiedName();
        final int exitCode;
        final ConfigurationException badSetting = configurationError(ex);
        if (ex instanceof ScenarioException || ex instanceof ModelException &&
            EXIT_USAGE == ((ModelException)ex).exitCode())
        {
            // Bad input found once parsed (a scenario file, a model's parameter, a --classpath): nothing ran.
            err.println(name + ": " + oneLine(ex.getMessage()));
            exitCode = EXIT_USAGE;
        }
        else if (null != badSetting)
        {
            // The engine refused a setting (a karyon.* property, or a flag's value in combination): nothing ran.
            err.println(name + ": " + oneLine(badSetting.getMessage()));
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

    /**
     * The engine's refusal of a setting, if that is what a failure comes from.
     */
    private static ConfigurationException configurationError(final Throwable ex)
    {
        for (Throwable t = ex; null != t; t = t.getCause())
        {
            if (t instanceof ConfigurationException)
            {
                return (ConfigurationException)t;
            }
            if (t.getCause() == t)
            {
                break;
            }
        }
        return null;
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
     * Reads a duration given in seconds (a decimal, e.g. 30 or 0.5).
     *
     * @param spec   of the command, for the error.
     * @param option name, e.g. "--watchdog".
     * @param value  given.
     * @return nanoseconds.
     * @throws CommandLine.ParameterException naming the option and the value, unless it is a number of seconds in
     *                                        0..10^9.
     */
    public static long seconds(final CommandLine.Model.CommandSpec spec, final String option, final String value)
    {
        try
        {
            final BigDecimal seconds = new BigDecimal(String.valueOf(value).trim());
            if (seconds.signum() >= 0 && seconds.compareTo(MAX_SECONDS) <= 0)
            {
                return seconds.movePointRight(9).setScale(0, RoundingMode.HALF_UP).longValueExact();
            }
        }
        catch (final NumberFormatException | ArithmeticException ex)
        {
            // named below
        }
        throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '" + option +
            "': must be a number of seconds in 0.." + MAX_SECONDS + ", was '" + value + "'");
    }

    /**
     * Checks, before any work, that files can be written in a folder an option names: creates it and writes and
     * deletes a probe file there.
     *
     * @param spec   of the command, for the error.
     * @param option name, e.g. "--out".
     * @param dir    the folder.
     * @return the folder.
     * @throws CommandLine.ParameterException naming the option, the folder and why it cannot be written.
     */
    public static Path writableFolder(final CommandLine.Model.CommandSpec spec, final String option, final Path dir)
    {
        try
        {
            if (Files.exists(dir) && !Files.isDirectory(dir))
            {
                throw new IOException("not a folder");
            }
            Files.createDirectories(dir);
            Files.delete(Files.createTempFile(dir, ".karyon-probe", ".part"));
            return dir;
        }
        catch (final IOException | SecurityException | UnsupportedOperationException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '" + option +
                "': cannot write files in " + dir + " (" + why(ex) + ")");
        }
    }

    /**
     * Why a file operation failed, in words: the OS's reason where Java kept it, else what the exception's kind says.
     */
    private static String why(final Exception ex)
    {
        if (ex instanceof FileSystemException && null != ((FileSystemException)ex).getReason())
        {
            return ((FileSystemException)ex).getReason();
        }
        if (ex instanceof AccessDeniedException)
        {
            return "permission denied";
        }
        if (ex instanceof NoSuchFileException)
        {
            return "no such file or folder: " + ex.getMessage();
        }
        if (ex instanceof FileAlreadyExistsException || ex instanceof NotDirectoryException)
        {
            return "a file is in the way: " + ex.getMessage();
        }
        return ex instanceof FileSystemException || null == ex.getMessage() ? ex.getClass().getSimpleName() :
            ex.getMessage();
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
