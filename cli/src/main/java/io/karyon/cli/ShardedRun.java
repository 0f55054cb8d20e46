package io.karyon.cli;

import io.karyon.model.Model;
import io.karyon.model.ModelCatalog;
import io.karyon.model.ModelException;
import io.karyon.shard.AeronShardLink;
import io.karyon.shard.ShardCheckpoints;
import io.karyon.shard.ShardLauncher;
import io.karyon.shard.ShardMain;
import io.karyon.shard.ShardResume;
import io.karyon.shard.ShardRun;
import org.agrona.IoUtil;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code karyon run MODEL --shards N} (N processes on this host, over Aeron IPC) and {@code karyon run MODEL --shard
 * I/N --peers HOST:PORT,...} (this process is shard I of a run across hosts, over UDP): the options of
 * {@link RunCommand} a sharded run takes, checked, and the run. What sharding does not support yet is refused with one
 * line (exit 2) rather than run differently from one process.
 */
final class ShardedRun
{
    /** The options of {@code run} a sharded run refuses: their effect would not reach the other shards yet. */
    private static final String[] REFUSED = {
        "--every", "--snapshot-every",
        ModelDiscovery.CLASSPATH_OPTION, ConfigurationDefaults.IDLE, ConfigurationDefaults.NO_PIN,
        ConfigurationDefaults.POLICY, "--cpus", ConfigurationDefaults.MAILBOX_LIMIT, ConfigurationDefaults.VERIFY_EVERY,
        ConfigurationDefaults.MAX_MEMORY, ConfigurationDefaults.WATCHDOG };

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
     * Checkpoints of every shard (--checkpoint-every with --out) are written by a run on this host (--shards) only;
     * --out holds nothing else yet.
     */
    private static void checkCheckpoints(final CommandSpec spec, final String flag, final boolean acrossHosts)
    {
        final boolean checkpoints = RunCommand.given(spec, "--checkpoint-every") ||
            RunCommand.given(spec, "--keep-checkpoints");
        if (acrossHosts && (checkpoints || RunCommand.given(spec, "--out")))
        {
            throw usage(spec, (checkpoints ? "checkpoints (--checkpoint-every, --keep-checkpoints)" : "--out") +
                " are not supported with --shard I/N yet: run with --shards N on one host for them");
        }
        if (checkpoints && !RunCommand.given(spec, "--out"))
        {
            throw usage(spec, "--checkpoint-every and --keep-checkpoints with " + flag + " need --out DIR (the " +
                "checkpoints go to DIR/checkpoints)");
        }
        if (RunCommand.given(spec, "--out") && 0 == checkpointEvery(spec))
        {
            throw usage(spec, "--out with " + flag + " holds only the checkpoints of every shard yet: give " +
                "--checkpoint-every K > 0, or run in one process for the other outputs");
        }
    }

    private static long checkpointEvery(final CommandSpec spec)
    {
        return RunCommand.given(spec, "--checkpoint-every") ?
            ((Number)spec.findOption("--checkpoint-every").getValue()).longValue() : 0;
    }

    /**
     * The checkpoint settings of a run on this host, or null without --checkpoint-every.
     */
    private static ShardCheckpoints.Settings checkpoints(final CommandSpec spec)
    {
        final long every = checkpointEvery(spec);
        if (0 == every)
        {
            return null;
        }
        final Path out = RunCommand.path(spec, "--out", spec.findOption("--out").getValue());
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
     * Runs the model sharded and prints the summary (every shard of a run across hosts prints the same digest).
     *
     * @return {@link Cli#EXIT_OK}.
     * @throws ModelException exit 1 naming the shard when the run fails, exit 2 for what sharding refuses.
     */
    static int run(final CommandSpec spec, final Model model, final Map<String, Object> parameters, final long cells,
        final long ticks, final long seed, final int workers, final int shards, final String shard,
        final List<String> peers, final boolean json)
    {
        final ShardRun.Spec run = new ShardRun.Spec(model, parameters, cells, ticks, seed, 0 == workers ? 1 : workers);
        final ShardRun.Result result;
        if (null == shard)
        {
            result = ShardLauncher.launch(run, shards, null, checkpoints(spec), null);
        }
        else
        {
            final int[] parsed = parse(spec, shard);
            final Path dir = tempDir();
            try (AeronShardLink link = AeronShardLink.udp(parsed[0], peers, dir.resolve("aeron"),
                ShardLauncher.timeoutMs() * 1_000_000L))
            {
                result = ShardRun.run(run, link, null);
            }
            finally
            {
                IoUtil.delete(dir.toFile(), true);
            }
        }
        print(spec, model, run, result, json);
        return Cli.EXIT_OK;
    }

    /**
     * {@code karyon resume DIR|MANIFEST} of a sharded run: the newest complete set of its checkpoints (or the one
     * named), checked, and the whole run restarted from it on as many shards, to its end.
     *
     * @param shards {@code --shards} if given, else 0.
     * @return {@link Cli#EXIT_OK}.
     * @throws ModelException exit 2 (one line) for a set refused or another shard count, exit 1 if the run fails.
     */
    static int resume(final CommandSpec spec, final Path path, final int shards, final int workers,
        final boolean json)
    {
        for (final String option : new String[]{ "--ticks", "--out", "--set", ModelDiscovery.CLASSPATH_OPTION,
            "--checkpoint-every", "--keep-checkpoints", ConfigurationDefaults.IDLE, ConfigurationDefaults.NO_PIN,
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
        final ModelCatalog catalog = ModelCatalog.load(ShardedRun.class.getClassLoader());
        final ShardRun.Result result = resume.run(catalog, shards, null);
        final Model model = catalog.find(resume.manifest().model());
        print(spec, model, resume.spec(model), result, json);
        return Cli.EXIT_OK;
    }

    private static void print(final CommandSpec spec, final Model model, final ShardRun.Spec run,
        final ShardRun.Result result, final boolean json)
    {
        final PrintWriter out = spec.commandLine().getOut();
        if (json)
        {
            out.println(result.toJson(run));
        }
        else
        {
            out.printf(Locale.ROOT, "model %s: %d shards x %d workers, %d cells, %d ticks in %.3f s, digest 0x%016x%n",
                model.name(), result.shards(), result.workers() / result.shards(), run.resolvedCells(),
                result.ticks(), result.runNs() / 1e9, result.digest());
        }
        out.flush();
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
