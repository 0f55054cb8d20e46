package io.karyon.cli;

import io.karyon.engine.ConfigurationException;
import io.karyon.model.ModelException;
import io.karyon.model.StopRequest;
import io.karyon.shard.AeronShardLink;
import io.karyon.shard.ShardLauncher;
import io.karyon.shard.ShardMain;
import org.agrona.IoUtil;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * A host of a run across hosts ({@code --shard I/N --peers ...}) that refuses before it joins the others (bad input,
 * {@code --help}, a command line picocli refused): the others are told over the link, so that none waits for it
 * until the connect timeout. Moved out of {@link ShardedRun}, which runs the sharded commands.
 */
final class ShardRefusals
{
    private ShardRefusals()
    {
    }

    /**
     * Runs {@code run} or {@code resume}; where it is one host of a run across hosts ({@code --shard} and
     * {@code --peers} given), a refusal made before the host joins the others is printed at once and then told to
     * them ({@link #tellRefusal}), so none waits for it until the connect timeout; a failure after it joined reaches
     * them through the link.
     *
     * @param spec    of the command.
     * @param shard   {@code --shard} as given, or null.
     * @param peers   {@code --peers} as given, or null.
     * @param joining whether the host has started joining the others.
     * @param command the command's work.
     * @return the command's exit code, or the refusal's.
     */
    static int tellingRefusals(final CommandSpec spec, final String shard, final List<String> peers,
        final BooleanSupplier joining, final IntSupplier command)
    {
        try
        {
            return command.getAsInt();
        }
        catch (final RuntimeException ex)
        {
            if (null == shard || null == peers || joining.getAsBoolean())
            {
                throw ex;
            }
            final int exitCode = Cli.reportNow(ex, spec);
            return tellRefusal(spec.commandLine().getErr(), shard, peers, exitCode(ex), ex.getMessage(), exitCode);
        }
    }

    /**
     * A shard across hosts ({@code --shard I/N --peers ...}) that refuses before it joins the others (its
     * {@code --out}, a parameter, an option of this host's; usually shard 0, which alone checks {@code --out}), or
     * was given {@code --help}, joins the link only to tell them ({@link AeronShardLink#refuse}): each stops at once
     * with this shard's exit code and line, rather than wait for it until the connect timeout. It says on stderr that
     * it waits for them (up to the connect timeout: they start as they please), and ends as soon as each has heard it
     * or gone, at the timeout naming those that did not, or at a SIGINT. If they cannot be reached, or {@code --shard}
     * and {@code --peers} are themselves the refusal, nobody is told (the refusal, printed already, is all this host
     * says; the others name it at their connect timeout).
     *
     * @param err      this host's stderr.
     * @param shard    {@code --shard} as given.
     * @param peers    {@code --peers} as given.
     * @param told     the others' exit code.
     * @param line     the others' line: why this shard stops.
     * @param exitCode this host's exit code.
     * @return {@code exitCode}, or 130 (143) if a SIGINT (SIGTERM) ended the wait.
     */
    static int tellRefusal(final PrintWriter err, final String shard, final List<String> peers, final int told,
        final String line, final int exitCode)
    {
        final int[] parsed;
        try
        {
            parsed = ShardMain.parseShard(shard);
        }
        catch (final IllegalArgumentException ex)
        {
            return exitCode;
        }
        if (peers.size() != parsed[1] || !peers.stream().allMatch((peer) -> peer.matches(".+:[0-9]{1,5}")))
        {
            return exitCode;
        }
        Path dir = null;
        try (StopSignals signals = StopSignals.install())
        {
            dir = Files.createTempDirectory("karyon-shard-");
            long timeoutMs = ShardLauncher.TIMEOUT_DEFAULT_MS;
            try
            {
                timeoutMs = ShardLauncher.timeoutMs();
            }
            catch (final ModelException ex)
            {
                // the refusal may be this very property's: the others are told all the same, waited for as by default
            }
            try (AeronShardLink link = AeronShardLink.openUdp(parsed[0], peers, dir.resolve("aeron"),
                timeoutMs * 1_000_000L))
            {
                final long others = -1L >>> Long.SIZE - parsed[1] & ~(1L << parsed[0]);  // up to 64 shards
                final long limitMs = link.connectLimitNs() / 1_000_000L;
                err.println("karyon: waiting up to " + limitMs + " ms for " + ShardedRun.named(others, peers) + " of " +
                    parsed[1] + " to hear that shard " + parsed[0] + " does not join (Ctrl-C to leave now)");
                err.flush();
                final StopRequest stop = signals.request();
                final long missed = others & ~link.refuse(told, String.valueOf(line), stop::isRequested);
                if (stop.isRequested())
                {
                    err.println("karyon: stopped by " + stop.reason() + " while waiting for the others to hear it" +
                        (0 == missed ? "" : "; not heard yet by " + ShardedRun.named(missed, peers) + " (each stops " +
                        "at its own connect timeout)"));
                    err.flush();
                    return StopSignals.exitCode(stop.reason());
                }
                if (0 != missed)
                {
                    err.println("karyon: " + ShardedRun.named(missed, peers) + " did not hear it within " + limitMs +
                        " ms: each stops at its own connect timeout");
                    err.flush();
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // Not told: the others stop at their connect timeout, as they would have without this.
        }
        finally
        {
            if (null != dir)
            {
                IoUtil.delete(dir.toFile(), true);
            }
        }
        return exitCode;
    }

    /**
     * A command line picocli refused before the command ran (an unknown option, a value of the wrong type) that makes
     * this process a shard across hosts: the other hosts are told, as {@link #tellRefusal} tells them a refusal of the
     * command's own, where its {@code --shard} and {@code --peers}, read alone from the arguments, say who they are.
     * Only for {@code run} and {@code resume}, the commands that take them, or a subcommand not found.
     *
     * @param refused the command line whose arguments were refused.
     * @param args    the whole command line, as given.
     * @param refusal the refusal, printed already.
     * @return {@link Cli#EXIT_USAGE}, or 130 (143) if a SIGINT (SIGTERM) ended the wait for the others.
     */
    static int tellUnparsed(final CommandLine refused, final String[] args, final RuntimeException refusal)
    {
        if (null == refused.getCommandSpec().findOption("--shard") && null != refused.getParent())
        {
            return Cli.EXIT_USAGE;
        }
        final CommandSpec alone = CommandSpec.create()
            .addOption(CommandLine.Model.OptionSpec.builder("--shard").arity("1").type(String.class).build())
            .addOption(CommandLine.Model.OptionSpec.builder("--peers").arity("1").type(List.class)
                .auxiliaryTypes(String.class).splitRegex(",").build());
        final CommandLine.ParseResult parsed;
        try
        {
            parsed = new CommandLine(alone).setUnmatchedArgumentsAllowed(true).parseArgs(args);
        }
        catch (final CommandLine.ParameterException ex)
        {
            return Cli.EXIT_USAGE;  // --shard or --peers is itself what is wrong: nobody to tell
        }
        final String shard = parsed.matchedOptionValue("--shard", null);
        final List<String> peers = parsed.matchedOptionValue("--peers", null);
        return null == shard || null == peers ? Cli.EXIT_USAGE : tellRefusal(refused.getErr(), shard, peers,
            Cli.EXIT_USAGE, refusal.getMessage(), Cli.EXIT_USAGE);
    }

    /**
     * {@code --help} or {@code --version} given to a shard across hosts (with {@code --shard} and {@code --peers}):
     * it printed what was asked for and does not join the run, so it tells the others, as a refusal is told
     * ({@link #tellRefusal}): each exits 2 with {@code shard I of N stopped the run: it was given --help ...} at once
     * rather than wait for it until the connect timeout, as the same command line given to every host, one of them
     * with {@code --help}, runs nowhere.
     *
     * @param parsed   the command line, parsed and run: its help printed, if asked for.
     * @param exitCode the command's.
     * @return {@code exitCode}, or 130 (143) if a SIGINT (SIGTERM) ended the wait for the others.
     */
    static int tellHelp(final CommandLine.ParseResult parsed, final int exitCode)
    {
        String asked = null;
        CommandLine.ParseResult last = parsed;
        for (CommandLine.ParseResult result = parsed; null != result; result = result.subcommand())
        {
            asked = result.isUsageHelpRequested() ? "--help" : result.isVersionHelpRequested() ? "--version" : asked;
            last = result;
        }
        // Only run and resume have --shard; elsewhere --peers may be something else (bench's is a flag).
        if (null == asked || null == last.commandSpec().findOption("--shard"))
        {
            return exitCode;
        }
        final String shard = last.matchedOptionValue("--shard", null);
        final List<String> peers = last.matchedOptionValue("--peers", null);
        if (null == shard || null == peers)
        {
            return exitCode;
        }
        return tellRefusal(last.commandSpec().commandLine().getErr(), shard, peers, Cli.EXIT_USAGE, "it was given " +
            asked + ", printed that and did not join: give every host the same options, without " + asked,
            exitCode);
    }

    /**
     * The exit code a refusal ends the command with ({@link Cli}'s rule): 2 for bad usage, else its own or 1.
     */
    private static int exitCode(final Throwable refusal)
    {
        if (refusal instanceof CommandLine.ParameterException)
        {
            return Cli.EXIT_USAGE;
        }
        if (refusal instanceof ModelException)
        {
            return ((ModelException)refusal).exitCode();
        }
        for (Throwable t = refusal; null != t; t = t.getCause())
        {
            if (t instanceof ConfigurationException)
            {
                return Cli.EXIT_USAGE;
            }
        }
        return ModelException.EXIT_FAILURE;
    }
}
