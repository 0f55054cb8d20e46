package io.karyon.cli;

import io.karyon.engine.Context;
import io.karyon.model.ModelCatalog;
import io.karyon.model.ModelRun;
import io.karyon.shard.AeronShardLink;
import io.karyon.shard.ShardResume;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code karyon resume CHECKPOINT}: carries a run on from one of its checkpoints, with any number of workers, to its
 * ticks (or more), appending to its outputs as the unbroken run would have written them; with {@code --set} a fork
 * into a new {@code --out}.
 */
@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    description = {
        "Carries a run on from a checkpoint (karyon run --checkpoint-every K --out DIR writes DIR/checkpoints/" +
            "tick-<T>.kcp) to its ticks, or --ticks TOTAL, or the model's stop condition: the same digest, " +
            "timeseries.csv rows and summary.json numbers as the unbroken run, with any --workers.",
        "By default appends to the checkpoint's run folder (the parent of checkpoints/): timeseries.csv carries on " +
            "from the checkpoint's tick and summary.json is rewritten. --set NAME=VALUE forks: the run carries on " +
            "with changed parameters into a new --out, whose summary.json records parent_checkpoint and changes; " +
            "parameters the model fixes at set-up cannot change.",
        "A checkpoint that is truncated, corrupt, of another format or of a model not found is refused in one line " +
            "(exit 2) and nothing is written.",
        "A sharded run (karyon run --shards N --checkpoint-every K --out DIR) resumes from DIR (its newest complete " +
            "set of checkpoints, DIR/checkpoints/tick-<T>.manifest.json and every shard's part) or the manifest " +
            "named: the whole run restarts on N processes and ends with the digest of the unbroken run; --ticks, " +
            "--out, --set (a fork), --checkpoint-every and --keep-checkpoints work as for one process.",
        "A run across hosts (karyon run --shard I/N --peers ... --checkpoint-every K --out DIR on each) resumes " +
            "with karyon resume DIR --shard I/N --peers ... on each host: the shards agree on the newest set every " +
            "host holds, or refuse on every host (one line, exit 2); --ticks (on shard 0, or the same on every host) " +
            "and --out (each host's own folder) work as on one host."
    })
public final class ResumeCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @CommandLine.Parameters(index = "0", paramLabel = "CHECKPOINT",
        description = "a .kcp file; for a sharded run, its --out folder, checkpoints folder or a manifest")
    String checkpoint;

    @Option(names = "--ticks", paramLabel = "TOTAL",
        description = "ticks the run lasts in all, counted from its start (default: the run's)")
    long ticks;

    @Option(names = "--out", paramLabel = "DIR",
        description = "folder of the outputs (default: the checkpoint's run folder; a fork needs another)")
    String out;

    @Option(names = "--set", paramLabel = "NAME=VALUE",
        description = "fork: change a parameter from here on (karyon models lists them); repeat for more")
    List<String> sets = new ArrayList<>();

    @Option(names = ModelDiscovery.CLASSPATH_OPTION, paramLabel = "PATH",
        description = "more jars and folders of models, separated by '${sys:path.separator}' (default: " +
            "$" + ModelDiscovery.CLASSPATH_ENV + ")")
    String classpath;

    @Mixin
    WorkerOptions workerOptions;

    @Option(names = "--checkpoint-every", paramLabel = "K",
        description = "checkpoints every K ticks from here on (default: the run's)")
    long checkpointEvery;

    @Option(names = "--keep-checkpoints", paramLabel = "N", description = "keep the newest N (default: the run's)")
    int keepCheckpoints;

    @Option(names = "--shards", paramLabel = "N",
        description = "a sharded run's shards: as many as it ran on (the default); another count is refused")
    int shards;

    @Option(names = "--shard", paramLabel = "I/N",
        description = "resume this host's part of a run across hosts (karyon run --shard I/N --peers ... " +
            "--checkpoint-every K --out DIR) from DIR; needs --peers, as the run had")
    String shard;

    @Option(names = "--peers", paramLabel = "HOST:PORT", split = ",",
        description = "with --shard: every shard's UDP endpoint, by shard, comma-separated")
    List<String> peers;

    @Option(names = "--json", description = "print the summary as one JSON object")
    boolean json;

    @Option(names = "--quiet", description = "no progress on stderr")
    boolean quiet;

    /** Whether this host of a resume across hosts is joining the others: a failure from then on reaches them. */
    private boolean joining;

    /**
     * {@inheritDoc}
     */
    public Integer call()
    {
        return ShardRefusals.tellingRefusals(spec, shard, peers, () -> joining, this::start);
    }

    private int start()
    {
        workerOptions.check(spec);
        final Path file = path("CHECKPOINT", checkpoint);
        final boolean sharded = ShardResume.isSharded(file);
        if (null != shard || null != peers)
        {
            if (null == shard)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "Invalid option: --peers goes with " +
                    "--shard I/N (resuming a run across hosts)");
            }
            return ShardedRun.resumeAcross(spec, file, shard, peers, quiet, json, () -> joining = true);
        }
        if (given("--shards"))
        {
            if (!sharded)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "Invalid option: --shards goes with a " +
                    "sharded run's checkpoints (a folder or a manifest), not with " + file.getFileName());
            }
            Cli.range(spec, "--shards", shards, 2, AeronShardLink.MAX_SHARDS);
        }
        if (given("--ticks"))
        {
            Cli.range(spec, "--ticks", ticks, 1, Long.MAX_VALUE);
        }
        if (given("--checkpoint-every"))
        {
            Cli.range(spec, "--checkpoint-every", checkpointEvery, 0, Long.MAX_VALUE);
        }
        if (given("--keep-checkpoints"))
        {
            Cli.range(spec, "--keep-checkpoints", keepCheckpoints, 1, Integer.MAX_VALUE);
        }
        final List<String[]> changes = RunCommand.settings(spec, sets);
        if (sharded)
        {
            final Map<String, String> parameters = new LinkedHashMap<>();
            for (final String[] change : changes)
            {
                parameters.remove(change[0]);
                parameters.put(change[0], change[1]);
            }
            return ShardedRun.resume(spec, file, shards, workerOptions.workers, new ShardResume.Changes(
                given("--ticks") ? ticks : 0, parameters, given("--out") ? path("--out", out) : null,
                given("--checkpoint-every") ? checkpointEvery : -1, given("--keep-checkpoints") ? keepCheckpoints : 0),
                quiet, json);
        }
        final ModelCatalog catalog = ModelDiscovery.catalog(classpath);
        final ModelRun.Builder run = ModelRun.resume(catalog, file);
        for (final String[] change : changes)
        {
            run.set(change[0], change[1]);
        }
        if (given("--ticks"))
        {
            run.ticks(ticks);
        }
        if (given("--out"))
        {
            run.out(path("--out", out));
        }
        else if (!changes.isEmpty())
        {
            run.out(null);  // a fork goes to a new folder only: refused without one
        }
        if (given("--checkpoint-every"))
        {
            run.checkpointEvery(checkpointEvery);
        }
        if (given("--keep-checkpoints"))
        {
            run.keepCheckpoints(keepCheckpoints);
        }
        run.context(workerOptions.applyTo(new Context()));
        return RunCommand.execute(spec, run, quiet, json);
    }

    private Path path(final String option, final String value)
    {
        return RunCommand.path(spec, option, value);
    }

    private boolean given(final String option)
    {
        return RunCommand.given(spec, option);
    }
}
