package io.karyon.cli;

import io.karyon.engine.Context;
import io.karyon.engine.Organism;
import io.karyon.model.Model;
import io.karyon.model.ModelCatalog;
import io.karyon.model.ModelException;
import io.karyon.model.ModelRun;
import io.karyon.model.Progress;
import io.karyon.model.StopRequest;
import io.karyon.shard.AeronShardLink;
import io.karyon.shard.ShardAborted;
import io.karyon.shard.ShardCheckpoints;
import io.karyon.shard.ShardHosts;
import io.karyon.shard.ShardLauncher;
import io.karyon.shard.ShardMain;
import io.karyon.shard.ShardResume;
import io.karyon.shard.ShardRun;
import io.karyon.shard.ShardStart;
import org.agrona.IoUtil;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * {@code karyon run MODEL --shards N} (N processes on this host, over Aeron IPC) and {@code karyon run MODEL --shard
 * I/N --peers HOST:PORT,...} (this process is shard I of a run across hosts, over UDP): the options of
 * {@link RunCommand} a sharded run takes, checked, and the run, with one progress line, one {@code --out} and one
 * summary, shard 0's, as one process would give them. What sharding does not support yet is refused with one line
 * (exit 2) rather than run differently from one process.
 */
final class ShardedRun
{
    /** The options of {@code run} a sharded run refuses: their effect would not reach the other shards yet. */
    private static final String[] REFUSED = {
        "--snapshot-every",
        ModelDiscovery.CLASSPATH_OPTION, ConfigurationDefaults.MAILBOX_LIMIT, ConfigurationDefaults.VERIFY_EVERY,
        ConfigurationDefaults.MAX_MEMORY, ConfigurationDefaults.WATCHDOG };

    /**
     * The options a resume across hosts refuses: a fork ({@code --set}) would need every host's parts restored with
     * the change and its sets kept apart, and the checkpoint settings to agree between the hosts (the manifest's
     * copies name them); the shard count and workers are the set's; the others are one host's pinning and idling,
     * which it takes by the defaults, as it did.
     */
    private static final String[] ACROSS_REFUSED = { "--shards", "--set", "--checkpoint-every", "--keep-checkpoints",
        "--workers", ModelDiscovery.CLASSPATH_OPTION, ConfigurationDefaults.IDLE, ConfigurationDefaults.NO_PIN,
        ConfigurationDefaults.POLICY, "--cpus", ConfigurationDefaults.MAILBOX_LIMIT,
        ConfigurationDefaults.VERIFY_EVERY };

    private ShardedRun()
    {
    }

    /**
     * Refuses a scenario file and the options a sharded run cannot honour yet, and a bad {@code --shards},
     * {@code --shard} or {@code --peers}.
     */
    static void check(final CommandSpec spec, final boolean scenarioFile, final int shards, final String shard,
        final List<String> peers)
    {
        final String flag = null != shard ? "--shard" : "--shards";
        if (scenarioFile)
        {
            throw usage(spec, flag + " takes a model's name, not a scenario file, in this version: give the file's " +
                "settings as options");
        }
        for (final String option : REFUSED)
        {
            if (RunCommand.given(spec, option))
            {
                throw usage(spec, option + " is not supported with " + flag + " yet: run in one process for it");
            }
        }
        checkCheckpoints(spec, flag, null != shard);
        if (null != shard)
        {
            if (RunCommand.given(spec, "--shards"))
            {
                throw usage(spec, "--shard I/N joins a run across hosts and --shards N starts one on this host: give " +
                    "one or the other");
            }
            final int[] parsed = parse(spec, shard);
            if (null == peers || peers.size() != parsed[1])
            {
                throw usage(spec, "--shard " + shard + " needs --peers with " + parsed[1] + " HOST:PORT endpoints, " +
                    "one per shard, got " + (null == peers ? "none" : peers.size()));
            }
            for (final String peer : peers)
            {
                final int colon = peer.lastIndexOf(':');
                if (colon < 1 || !peer.substring(colon + 1).matches("[0-9]{1,5}"))
                {
                    throw usage(spec, "--peers: expected HOST:PORT, got '" + peer + "'");
                }
            }
        }
        else
        {
            if (null != peers)
            {
                throw usage(spec, "--peers goes with --shard I/N (a run across hosts), not with --shards");
            }
            Cli.range(spec, "--shards", shards, 2, AeronShardLink.MAX_SHARDS);
        }
    }

    /**
     * Checkpoints of every shard (--checkpoint-every and --keep-checkpoints) need --out: on this host (--shards) one
     * folder for every part, across hosts (--shard) each host's own.
     */
    private static void checkCheckpoints(final CommandSpec spec, final String flag, final boolean acrossHosts)
    {
        final boolean checkpoints = RunCommand.given(spec, "--checkpoint-every") ||
            RunCommand.given(spec, "--keep-checkpoints");
        if (checkpoints && !RunCommand.given(spec, "--out"))
        {
            throw usage(spec, "--checkpoint-every and --keep-checkpoints with " + flag + " need --out DIR (" +
                (acrossHosts ? "each host's part and its copy of the manifest go to its own " : "every shard's part " +
                "goes to ") + "DIR/checkpoints)");
        }
    }

    /**
     * The checkpoint settings of a run on this host with an output folder (every K ticks, or only on a stop request
     * when K is 0), or null without one.
     */
    private static ShardCheckpoints.Settings checkpoints(final CommandSpec spec, final Path out)
    {
        if (null == out)
        {
            return null;
        }
        final long every = RunCommand.given(spec, "--checkpoint-every") ?
            ((Number)spec.findOption("--checkpoint-every").getValue()).longValue() : 0;
        final int keep = ((Number)spec.findOption("--keep-checkpoints").getValue()).intValue();
        return new ShardCheckpoints.Settings(out.resolve("checkpoints"), every, keep,
            ShardCheckpoints.Settings.newRunId());
    }

    private static int[] parse(final CommandSpec spec, final String shard)
    {
        try
        {
            return ShardMain.parseShard(shard);
        }
        catch (final IllegalArgumentException ex)
        {
            throw usage(spec, ex.getMessage());
        }
    }

    private static CommandLine.ParameterException usage(final CommandSpec spec, final String message)
    {
        return new CommandLine.ParameterException(spec.commandLine(), "Invalid option: " + message);
    }

    /**
     * Runs the model sharded as {@code karyon run} runs it in one process: shard 0 shows the progress, writes
     * {@code --out} and prints the summary (one JSON line with {@code --json}); SIGINT and SIGTERM to it end every
     * shard after the same tick; with {@code --shards}, one that comes while the run still starts ends it at once, with
     * one line ({@link ShardStart}). Another shard of a run across hosts prints one line, its digest.
     * {@code base} carries the idle strategy and the pinning: with {@code --shards}, the launcher gives each shard
     * CPUs of its own from them; with {@code --shard}, they are this host's.
     *
     * @return {@link Cli#EXIT_OK}, or 130 (SIGINT) or 143 (SIGTERM) if a signal stopped it.
     * @throws ModelException exit 1 naming the shard when the run fails, exit 2 for bad input or what sharding
     *                        refuses.
     */
    static int run(final CommandSpec spec, final Model model, final Map<String, Object> parameters, final long cells,
        final long ticks, final long seed, final int workers, final Context base, final int shards, final String shard,
        final List<String> peers, final Options options)
    {
        final ShardRun.Spec run = new ShardRun.Spec(model, parameters, cells, ticks, seed, 0 == workers ? 1 : workers,
            options.every());
        final PrintWriter err = spec.commandLine().getErr();
        final ShardRun.Result result;
        try (StopSignals signals = StopSignals.install())
        {
            final UnaryOperator<ModelRun.Builder> first = (builder) -> builder
                .out(options.out())
                .progress(options.quiet() ? Progress.NONE : Progress.AUTO)
                .progressTo(new PrintStream(new WriterOutputStream(err), true, StandardCharsets.UTF_8))
                .json(options.json())
                .stopRequest(signals.request());
            if (null == shard)
            {
                result = ShardLauncher.launch(run, shards, base, first, checkpoints(spec, options.out()), null,
                    start(signals.request(), err));
            }
            else
            {
                result = across(spec, run, shard, peers, base, first, options, signals.request());
            }
        }
        catch (final Left ex)
        {
            return ex.report(err);
        }
        catch (final ShardStart.Stopped ex)
        {
            return stopped(ex, err);
        }
        catch (final ModelException ex)
        {
            if (null != ex.result())
            {
                print(spec, ex.result(), options.json());  // a complete run whose files could not be written
            }
            throw ex;
        }
        if (null == shard || 0 == ShardMain.parseShard(shard)[0])
        {
            print(spec, result.run(), options.json());
        }
        else
        {
            printDigest(spec, shard, result.digest(), options.json());
        }
        // As one process stopped by the signal: a shard across hosts hears it from shard 0, which was sent it.
        final String stopReason = result.stopReason();
        if (null == stopReason)
        {
            return Cli.EXIT_OK;
        }
        err.println("karyon: stopped by " + stopReason + (null == shard || 0 == ShardMain.parseShard(shard)[0] ? "" :
            " (sent to shard 0)") + " after tick " + result.ticks() + " on every shard" +
            (null == options.out() || null != shard ? "" : "; every shard's checkpoint is in " +
            options.out().resolve("checkpoints") + " (karyon resume " + options.out() + ")"));
        err.flush();
        return StopSignals.exitCode(stopReason);
    }

    /**
     * {@code karyon resume DIR|MANIFEST} of a sharded run: the newest complete set of its checkpoints (or the one
     * named), checked before anything starts, and the whole run restarted from it on as many shards, to its end;
     * shard 0 carries the run folder's outputs on and prints the summary, as one process's resume does. SIGINT and
     * SIGTERM end every shard after the same tick; one that comes while the run still starts (the shards launched,
     * joined, the model set up and every part restored) ends it at once, with one line, as {@link #run} does.
     *
     * @param shards  {@code --shards} if given, else 0.
     * @param workers {@code --workers} if given, else 0.
     * @param changes {@code --ticks}, {@code --out}, {@code --set}, {@code --checkpoint-every},
     *                {@code --keep-checkpoints}, as for one process's resume.
     * @return {@link Cli#EXIT_OK}, or 130 (SIGINT) or 143 (SIGTERM) if a signal stopped it.
     * @throws ModelException exit 2 (one line) for a set refused or another shard count, exit 1 if the run fails.
     */
    static int resume(final CommandSpec spec, final Path path, final int shards, final int workers,
        final ShardResume.Changes changes, final boolean quiet, final boolean json)
    {
        for (final String option : new String[]{ ModelDiscovery.CLASSPATH_OPTION, ConfigurationDefaults.IDLE,
            ConfigurationDefaults.NO_PIN,
            ConfigurationDefaults.POLICY, "--cpus", ConfigurationDefaults.MAILBOX_LIMIT,
            ConfigurationDefaults.VERIFY_EVERY })
        {
            if (RunCommand.given(spec, option))
            {
                throw usage(spec, option + " is not supported when resuming a sharded run yet: it goes on as it ran");
            }
        }
        final ShardResume resume = ShardResume.load(path);
        if (0 != workers && workers != resume.manifest().workers())
        {
            throw new ModelException(resume.manifestFile().getFileName() + ": a run of " +
                resume.manifest().workers() + " workers per shard resumes on as many, not --workers " + workers,
                ModelException.EXIT_USAGE, null);
        }
        final PrintWriter err = spec.commandLine().getErr();
        final ShardRun.Result result;
        try (StopSignals signals = StopSignals.install())
        {
            result = resume.run(ModelCatalog.load(ShardedRun.class.getClassLoader()), shards, null, (builder) -> builder
                .progress(quiet ? Progress.NONE : Progress.AUTO)
                .progressTo(new PrintStream(new WriterOutputStream(err), true, StandardCharsets.UTF_8))
                .json(json)
                .stopRequest(signals.request()), changes, start(signals.request(), err));
        }
        catch (final ShardStart.Stopped ex)
        {
            return stopped(ex, err);
        }
        catch (final ModelException ex)
        {
            if (null != ex.result())
            {
                print(spec, ex.result(), json);
            }
            throw ex;
        }
        print(spec, result.run(), json);
        final String stopReason = result.stopReason();
        if (null == stopReason)
        {
            return Cli.EXIT_OK;
        }
        final Path checkpoints = null == changes.out() ? resume.manifestFile().getParent() :
            changes.out().resolve("checkpoints");
        err.println("karyon: stopped by " + stopReason + " after tick " + result.ticks() + " on every shard; " +
            "every shard's checkpoint is in " + checkpoints + " (karyon resume " + checkpoints + ")");
        err.flush();
        return StopSignals.exitCode(stopReason);
    }

    /**
     * The stop request of a run on this host ({@code --shards}, or a resume of one) while it still starts: a signal
     * while the model is set up is acted on by its own thread, which ends the shards, says so in one line and ends the
     * process with the signal's exit code; one before or after is the launcher's ({@link #stopped}).
     *
     * @param request the run's, the one its ticks check.
     * @param err     where the line goes.
     * @return the start to launch the run with.
     */
    private static ShardStart start(final StopRequest request, final PrintWriter err)
    {
        return new ShardStart(request, (stopped) -> SetUpStop.halt(err, stopped.getMessage(), stopped.reason()));
    }

    /**
     * A run on this host stopped while its shards were launched or joined: its one line and the signal's exit code.
     */
    private static int stopped(final ShardStart.Stopped ex, final PrintWriter err)
    {
        return new Left("karyon: " + ex.getMessage(), StopSignals.exitCode(ex.reason())).report(err);
    }

    /**
     * This process's part, as shard I of a run across hosts, over UDP.
     */
    private static ShardRun.Result across(final CommandSpec spec, final ShardRun.Spec run, final String shard,
        final List<String> peers, final Context base, final UnaryOperator<ModelRun.Builder> first,
        final Options options, final StopRequest stop)
    {
        final int[] parsed = parse(spec, shard);
        // Bad input (a parameter; shard 0's --out) is one line before this shard joins the others.
        final UnaryOperator<ModelRun.Builder> own = 0 == parsed[0] ? first : (builder) -> builder;
        own.apply(ShardRun.builder(run, new Context())).check();
        // This host's threads: as on one host, spinning workers that leave the exchange no CPU yield instead.
        base.idleStrategy(ShardLauncher.hostIdle(base, run.workers(), Organism.machine(),
            (warning) -> spec.commandLine().getErr().println("karyon: warning: " + warning)));
        final ShardCheckpoints.Settings hostOwn = checkpoints(spec, options.out());
        if (null != hostOwn && 0 != parsed[0])
        {
            Cli.writableFolder(spec, "--out", hostOwn.dir());  // this host's parts (shard 0's --out is checked above)
        }
        final long timeoutMs = ShardLauncher.joinTimeoutMs();  // a bad one refused before joining: told to the others
        final Path dir = tempDir();  // last: a refusal above leaves no folder behind
        options.joining().run();
        try (AeronShardLink link = AeronShardLink.openUdp(parsed[0], peers, dir.resolve("aeron"),
            timeoutMs * 1_000_000L))
        {
            // Each host writes its part and its copy of each manifest into its own --out; shard 0 names the run.
            final ShardCheckpoints.Settings agreed;
            try
            {
                join(link, peers, stop);
                agreed = null == hostOwn ? null : ShardHosts.agreed(link, hostOwn);
            }
            catch (final ShardAborted ex)
            {
                throw passOn(link, ex);  // a shard that refused its input, or left, before its run
            }
            return ShardRun.run(run, link, base, first, agreed, null);
        }
        finally
        {
            IoUtil.delete(dir.toFile(), true);
        }
    }

    /**
     * Connects this host to the others; a SIGINT or SIGTERM while it waits ends the wait: the hosts connected to it
     * are told that it leaves ({@link AeronShardLink#leave}: each exits 1 with this host's line), and the command
     * ends with one line naming the shards it waited for, and the signal's exit code (130 or 143, as a run stopped by
     * it). Waiting long is usual (a host starts when its user pleases), so the first Ctrl-C must end it.
     *
     * @throws Left after such a signal.
     */
    private static void join(final AeronShardLink link, final List<String> peers, final StopRequest stop)
    {
        if (link.awaitConnected(stop::isRequested))
        {
            return;
        }
        long waited = 0;
        for (int s = 0; s < link.shards(); s++)
        {
            waited |= s == link.shard() || link.connected(s) ? 0 : 1L << s;
        }
        final String why = "stopped by " + stop.reason() + " while ";
        final String what = " waited for " + named(waited, peers) + " to join";
        final long told = link.leave(ModelException.EXIT_FAILURE, why + "it" + what);
        throw new Left("karyon: " + why + "shard " + link.shard() + " of " + link.shards() + what + ": nothing ran" +
            (0 == told ? "" : "; told " + named(told, peers) + ", which stop"), StopSignals.exitCode(stop.reason()));
    }

    /**
     * The shards of a mask, by index and endpoint: {@code shard 1 (10.0.0.2:40124), shard 2 (...)}.
     */
    static String named(final long mask, final List<String> peers)
    {
        final StringBuilder names = new StringBuilder();
        for (int s = 0; s < peers.size(); s++)
        {
            if (0 != (mask & 1L << s))
            {
                names.append(names.isEmpty() ? "" : ", ").append("shard ").append(s).append(" (")
                    .append(peers.get(s)).append(')');
            }
        }
        return names.toString();
    }

    /**
     * A host of a run across hosts that left before joining (a signal while it waited): its one line, printed as
     * the command's last, and its exit code.
     */
    static final class Left extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        private final int exitCode;

        Left(final String line, final int exitCode)
        {
            super(line, null, false, false);
            this.exitCode = exitCode;
        }

        int report(final PrintWriter err)
        {
            err.println(getMessage());
            err.flush();
            return exitCode;
        }
    }

    /**
     * Another shard's abort taken in before this shard's run started: passed on to the others (the one it came from
     * too, as a receipt), and this shard's failure with that shard's exit code and line.
     */
    private static ModelException passOn(final AeronShardLink link, final ShardAborted aborted)
    {
        link.passOn(aborted);
        return new ModelException(aborted.getMessage(), aborted.exitCode(), aborted);
    }

    /**
     * {@code karyon resume DIR --shard I/N --peers ...}: this host's part of a run across hosts, resumed from its own
     * folder once the shards agree on the set ({@link ShardHosts}), run to its end (or to {@code --ticks}, shard 0's
     * or the same on every host), its outputs and next sets in {@code --out} if given (this host's own); shard 0
     * prints the summary, the others their digest. An option it refuses before it joins the others is told to them
     * by the command ({@link ShardRefusals#tellRefusal}), a failure from then on by the link.
     *
     * @param joining told when this host starts joining the others (its input checked).
     * @return {@link Cli#EXIT_OK}, or 130 (SIGINT) or 143 (SIGTERM) if a signal stopped it.
     * @throws ModelException exit 2 (one line, on every shard alike) when the hosts hold no common set, exit 1 if the
     *                        run fails.
     */
    static int resumeAcross(final CommandSpec spec, final Path path, final String shard, final List<String> peers,
        final boolean quiet, final boolean json, final Runnable joining)
    {
        final int[] parsed = parse(spec, shard);
        if (null == peers || peers.size() != parsed[1])
        {
            throw usage(spec, "--shard " + shard + " needs --peers with " + parsed[1] + " HOST:PORT endpoints, one " +
                "per shard, got " + (null == peers ? "none" : peers.size()) + " (a host's folder holds only its part)");
        }
        for (final String option : ACROSS_REFUSED)
        {
            if (RunCommand.given(spec, option))
            {
                throw usage(spec, option + " is not supported when resuming a run across hosts yet: it goes on as " +
                    "it ran");
            }
        }
        final long ticks = RunCommand.given(spec, "--ticks") ?
            ((Number)spec.findOption("--ticks").getValue()).longValue() : 0;
        if (RunCommand.given(spec, "--ticks"))
        {
            Cli.range(spec, "--ticks", ticks, 1, Long.MAX_VALUE);
        }
        // This host's folder: on shard 0 the outputs and its next sets, on the others their next sets.
        final Path hostOut = RunCommand.given(spec, "--out") ? Cli.writableFolder(spec, "--out",
            RunCommand.path(spec, "--out", spec.findOption("--out").<String>getValue())) : null;
        final long timeoutMs = ShardLauncher.joinTimeoutMs();  // a bad one refused before joining: told to the others
        final PrintWriter err = spec.commandLine().getErr();
        joining.run();  // a refusal before this is told to the other hosts by the command (tellRefusal)
        final ShardRun.Result result;
        Path dir = null;
        try (StopSignals signals = StopSignals.install())
        {
            dir = tempDir();  // after the handlers: a signal from now on leaves no folder behind
            result = resumeAcross(path, parsed[0], peers, dir.resolve("aeron"), timeoutMs, signals.request(), quiet,
                json, err, hostOut, ticks);
        }
        catch (final Left ex)
        {
            return ex.report(err);
        }
        finally
        {
            if (null != dir)
            {
                IoUtil.delete(dir.toFile(), true);
            }
        }
        if (0 == parsed[0])
        {
            print(spec, result.run(), json);
        }
        else
        {
            printDigest(spec, shard, result.digest(), json);
        }
        if (null == result.stopReason())
        {
            return Cli.EXIT_OK;
        }
        err.println("karyon: stopped by " + result.stopReason() + " after tick " + result.ticks() + " on every shard");
        err.flush();
        return StopSignals.exitCode(result.stopReason());
    }

    /**
     * This host's part of a resume across hosts, once its options are checked: joined to the others, the set agreed
     * and resumed.
     */
    private static ShardRun.Result resumeAcross(final Path path, final int shard, final List<String> peers,
        final Path aeronDir, final long timeoutMs, final StopRequest stop, final boolean quiet, final boolean json,
        final PrintWriter err, final Path hostOut, final long ticks)
    {
        try (AeronShardLink link = AeronShardLink.openUdp(shard, peers, aeronDir, timeoutMs * 1_000_000L))
        {
            try
            {
                join(link, peers, stop);
                return ShardHosts.resume(path, link, ModelCatalog.load(ShardedRun.class.getClassLoader()), null,
                    (builder) -> builder
                        .progress(quiet ? Progress.NONE : Progress.AUTO)
                        .progressTo(new PrintStream(new WriterOutputStream(err), true, StandardCharsets.UTF_8))
                        .json(json)
                        .stopRequest(stop), ticks, hostOut);
            }
            catch (final ShardAborted ex)
            {
                throw passOn(link, ex);  // a host that refused its options, or left, before agreeing on the set
            }
        }
    }

    /**
     * What a shard across hosts other than shard 0 prints at the end of a run or a resume: its digest.
     */
    private static void printDigest(final CommandSpec spec, final String shard, final long digest, final boolean json)
    {
        final PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, json ? "{\"shard\":\"%s\",\"digest\":\"0x%016x\"}%n" :
            "shard %s: digest 0x%016x (the summary and the outputs are shard 0's)%n", shard, digest);
        out.flush();
    }

    private static void print(final CommandSpec spec, final ModelRun.Result result, final boolean json)
    {
        final PrintWriter stdout = spec.commandLine().getOut();
        if (json)
        {
            stdout.println(result.toJson());  // exactly the object summary.json holds
        }
        else
        {
            stdout.print(result.toText());
        }
        stdout.flush();
    }

    /**
     * The options of {@code run} that only shard 0 uses, but {@code every}, which every shard is given.
     *
     * @param out     the output folder, or null.
     * @param every   observe every K ticks.
     * @param quiet   no progress.
     * @param json    the summary as one JSON object.
     * @param joining told when a shard across hosts starts joining the others (its input checked): a failure from
     *                then on reaches them by the link, one before is told by {@link ShardRefusals#tellRefusal}.
     */
    record Options(Path out, int every, boolean quiet, boolean json, Runnable joining)
    {
    }

    private static Path tempDir()
    {
        try
        {
            return Files.createTempDirectory("karyon-shard-");
        }
        catch (final IOException ex)
        {
            throw new ModelException("--shard: cannot make the run's temporary directory: " + ex.getMessage(),
                ModelException.EXIT_FAILURE, ex);
        }
    }
}
