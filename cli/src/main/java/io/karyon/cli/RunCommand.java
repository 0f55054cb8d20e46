package io.karyon.cli;

import io.karyon.engine.Configuration;
import io.karyon.engine.Context;
import io.karyon.engine.MemoryBudget;
import io.karyon.model.Model;
import io.karyon.model.ModelCatalog;
import io.karyon.model.ModelException;
import io.karyon.model.ModelRun;
import io.karyon.model.Parameter;
import io.karyon.model.Parameters;
import io.karyon.model.Progress;
import io.karyon.model.Scenario;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code karyon run [MODEL|FILE.toml]}: runs a model (built in, or from a {@code --classpath} jar), named or as a
 * scenario file says, with progress on stderr and a summary on stdout. Flags override the file, the file the
 * model's defaults.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
        "Runs a model: one named (karyon models lists them), the one a scenario file (FILE.toml) names, or the " +
            "default (" + RunCommand.DEFAULT_MODEL + ").",
        "Flags override the file, the file the model's defaults. Progress goes to stderr; the summary (or, with " +
            "--json, one JSON object) to stdout; --out DIR also writes timeseries.csv, summary.json, snapshots and " +
            "report.html.",
        "--supervisors, --fanout, --spread, --strategy, --intensity, --period and --restart are --set of the " +
            "ring model's parameters of the same names, for the ring only (karyon run ring --supervisors N)."
    })
public final class RunCommand implements Callable<Integer>
{
    /** The model run when none is named. */
    public static final String DEFAULT_MODEL = "tissue";
    /** The old default (the engine's ring), whose parameters the supervision flags set. */
    public static final String RING = "ring";

    /** The flags that are {@code --set} of the ring's parameters, with those parameters' names. */
    private static final String[][] RING_SHORTHANDS = {
        { "--supervisors", "supervisors" }, { "--fanout", "fanout" }, { "--spread", "spread" },
        { "--strategy", "strategy" }, { "--intensity", "intensity" }, { "--period", "period" },
        { "--restart", "restart" } };

    @Spec
    CommandSpec spec;

    @CommandLine.Parameters(index = "0", arity = "0..1", paramLabel = "MODEL|FILE.toml",
        description = "a model's name, or a scenario file (ending in .toml) (default: " + DEFAULT_MODEL + ")")
    String target;

    @Option(names = "--set", paramLabel = "NAME=VALUE",
        description = "a parameter of the model (karyon models lists them); repeat for more; wins over the file")
    List<String> sets = new ArrayList<>();

    @Option(names = ModelDiscovery.CLASSPATH_OPTION, paramLabel = "PATH",
        description = "more jars and folders of models, separated by '${sys:path.separator}' (default: " +
            "$" + ModelDiscovery.CLASSPATH_ENV + ")")
    String classpath;

    @Option(names = "--cells", paramLabel = "N",
        description = "cells to create (default: the file's, else the model's)")
    long cells;

    @Option(names = "--ticks", paramLabel = "N",
        description = "most ticks to run, 0 for the model's (default: the file's, else the model's)")
    long ticks;

    @Option(names = ConfigurationDefaults.SEED, paramLabel = "N",
        description = "seed of the run (default: the file's, else ${DEFAULT-VALUE})")
    long seed;

    @Mixin
    WorkerOptions workerOptions;

    @Option(names = "--every", paramLabel = "K",
        description = "observe every K ticks (default: the file's, else ${DEFAULT-VALUE})")
    int every = 1;

    @Option(names = "--snapshot-every", paramLabel = "K",
        description = "snapshots every K ticks, 0 for the last tick only (default: the file's, else ${DEFAULT-VALUE})")
    int snapshotEvery;

    @Option(names = "--out", paramLabel = "DIR",
        description = "write timeseries.csv, summary.json, snapshots/ and report.html here (default: the file's, " +
            "else none)")
    String out;

    @Option(names = "--checkpoint-every", paramLabel = "K",
        description = "write a checkpoint every K ticks and at the last to DIR/checkpoints/tick-<T>.kcp; needs --out " +
            "(default: the file's, else none; SIGINT or SIGTERM writes one whatever this says)")
    long checkpointEvery;

    @Option(names = "--keep-checkpoints", paramLabel = "N",
        description = "keep the newest N checkpoints (default: the file's, else ${DEFAULT-VALUE})")
    int keepCheckpoints = ModelRun.DEFAULT_KEEP_CHECKPOINTS;

    @Option(names = "--supervisors", paramLabel = "N",
        description = "ring: supervise the founders under N supervisors, themselves under one top-level " +
            "supervisor per --fanout (default: the model's, unsupervised)")
    int supervisors;

    @Option(names = "--fanout", paramLabel = "K",
        description = "ring: supervisors under each top-level supervisor (default: the model's, ${DEFAULT-VALUE})")
    int fanout = 100;

    @Option(names = "--spread",
        description = "ring: put each supervisor in the next supervision home rather than its parent's, so that one " +
            "tree spreads over the workers; escalations then take a tick to reach the parent")
    boolean spread;

    @Option(names = "--strategy", paramLabel = "NAME",
        description = "ring: the supervisors' strategy: one_for_one, one_for_all, rest_for_one (default: the " +
            "model's, ${DEFAULT-VALUE})")
    String strategy = "one_for_one";

    @Option(names = "--intensity", paramLabel = "N",
        description = "ring: restarts a supervisor allows within --period before giving up (default: the model's, " +
            "${DEFAULT-VALUE})")
    int intensity = 100;

    @Option(names = "--period", paramLabel = "TICKS",
        description = "ring: the intensity's window (default: the model's, ${DEFAULT-VALUE})")
    long period = 10;

    @Option(names = "--restart", paramLabel = "TYPE",
        description = "ring: the founders' restart type: permanent, transient, temporary (default: the model's, " +
            "${DEFAULT-VALUE})")
    String restart = "permanent";

    @Option(names = ConfigurationDefaults.MAX_MEMORY, paramLabel = "SIZE",
        description = "most memory the run may hold off the heap (cells, queues, tables, matrix), e.g. 8g or 512m: " +
            "a run estimated to need more is refused, one that grows past it stops (default: " +
            Configuration.MAX_MEMORY_PROP_NAME + ", else 80%% of this machine's memory)")
    String maxMemory;

    @Option(names = ConfigurationDefaults.WATCHDOG, paramLabel = "SECONDS",
        description = "stop the run (exit 1) when a worker has not finished a tick within this many seconds, " +
            "naming the cell it is stuck in; 0 for off (default: ${DEFAULT-VALUE})")
    String watchdog;

    @Option(names = "--shards", paramLabel = "N",
        description = "run over N processes on this host joined over Aeron IPC, each with --workers workers " +
            "(default 1): the digest, timeseries.csv and summary of one process with N times the workers; tick mode")
    int shards;

    @Option(names = "--shard", paramLabel = "I/N",
        description = "be shard I of a run of N across hosts, over UDP; needs --peers; every shard is given the " +
            "same options")
    String shard;

    @Option(names = "--peers", paramLabel = "HOST:PORT", split = ",",
        description = "with --shard: every shard's UDP endpoint, by shard, comma-separated (this shard listens on " +
            "its own)")
    List<String> peers;

    @Option(names = "--json", description = "print the summary as one JSON object")
    boolean json;

    /** Whether this shard across hosts is joining the others: a failure from then on reaches them by the link. */
    private boolean joining;

    @Option(names = "--quiet", description = "no progress on stderr")
    boolean quiet;

    /**
     * {@inheritDoc}
     */
    public Integer call()
    {
        return ShardRefusals.tellingRefusals(spec, shard, peers, () -> joining, this::start);
    }

    private int start()
    {
        if (given("--cells"))
        {
            Cli.range(spec, "--cells", cells, 1, Integer.MAX_VALUE);
        }
        if (given("--ticks"))
        {
            Cli.range(spec, "--ticks", ticks, 0, Long.MAX_VALUE);
        }
        workerOptions.check(spec);
        final long maxMemoryBytes = maxMemoryBytes();
        final long watchdogNs = Cli.seconds(spec, ConfigurationDefaults.WATCHDOG, watchdog);
        Cli.range(spec, "--every", every, 1, Integer.MAX_VALUE);
        Cli.range(spec, "--snapshot-every", snapshotEvery, 0, Integer.MAX_VALUE);
        Cli.range(spec, "--checkpoint-every", checkpointEvery, 0, Long.MAX_VALUE);
        Cli.range(spec, "--keep-checkpoints", keepCheckpoints, 1, Integer.MAX_VALUE);
        final List<String[]> settings = settings();
        final boolean sharded = given("--shards") || null != shard || null != peers;
        if (sharded)
        {
            ShardedRun.check(spec, null != target && target.toLowerCase(Locale.ROOT).endsWith(".toml"), shards,
                shard, peers);
        }

        final ModelCatalog catalog = ModelDiscovery.catalog(classpath);
        final boolean file = null != target && target.toLowerCase(Locale.ROOT).endsWith(".toml");
        final Scenario scenario = file ? Scenario.read(path("MODEL|FILE.toml", target)) : null;
        final String name = null != scenario ? scenario.model().orElse(DEFAULT_MODEL) :
            null != target ? target : DEFAULT_MODEL;
        final Model model;
        try
        {
            model = catalog.find(name);
        }
        catch (final IllegalArgumentException ex)
        {
            throw null != scenario && scenario.model().isPresent() ? scenario.error("model", ex.getMessage()) :
                new ModelException(ex.getMessage() + " (karyon models lists them)", ModelException.EXIT_USAGE, ex);
        }
        return runModel(model, scenario, settings, watchdogNs, maxMemoryBytes, sharded);
    }

    /**
     * The memory budget given, or the default's marker (-1).
     */
    private long maxMemoryBytes()
    {
        if (null == maxMemory)
        {
            return -1;
        }
        try
        {
            return MemoryBudget.parseSize(ConfigurationDefaults.MAX_MEMORY, maxMemory);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
        }
    }

    private List<String[]> settings()
    {
        return settings(spec, sets);
    }

    /**
     * The {@code --set NAME=VALUE}s, split, or a usage error naming the one without a name.
     */
    static List<String[]> settings(final CommandSpec spec, final List<String> sets)
    {
        final List<String[]> settings = new ArrayList<>();
        for (final String set : sets)
        {
            final int eq = set.indexOf('=');
            if (eq < 1)
            {
                throw new CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--set': expected NAME=VALUE, was '" + set + "'");
            }
            settings.add(new String[]{ set.substring(0, eq).trim(), set.substring(eq + 1) });
        }
        return settings;
    }

    private Path path(final String option, final String value)
    {
        return path(spec, option, value);
    }

    /**
     * A path given on the command line, or a usage error naming the option.
     */
    static Path path(final CommandSpec spec, final String option, final String value)
    {
        try
        {
            return Path.of(value);
        }
        catch (final InvalidPathException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "Invalid value for " + option + ": not a file name, was '" + value + "'");
        }
    }

    private boolean given(final String option)
    {
        return given(spec, option);
    }

    /**
     * Whether an option was given on the command line (rather than taking its default).
     */
    static boolean given(final CommandSpec spec, final String option)
    {
        final CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        return null != parsed && parsed.hasMatchedOption(option);
    }

    private int runModel(final Model model, final Scenario scenario, final List<String[]> settings,
        final long watchdogNs, final long maxMemoryBytes, final boolean sharded)
    {
        final ModelRun.Builder run = ModelRun.builder(model);
        // The parameters as given, for a sharded run, which hands them to every shard.
        final Map<String, Object> given = new LinkedHashMap<>();
        // The supervisors the ring will have, as the last of the file, the flag and --set gives them.
        String supervised = null;
        if (null != scenario)
        {
            final Map<String, Object> fromFile = scenario.parameters(model);
            fromFile.forEach(run::set);
            supervised = null == fromFile.get("supervisors") ? null : String.valueOf(fromFile.get("supervisors"));
        }
        for (int i = 0; i < shorthands(); i++)
        {
            final String[] shorthand = givenShorthand(i);
            if (null != shorthand)
            {
                ringOnly(model, shorthand[0], shorthand[1]);
                check(model, shorthand[0], shorthand[1], shorthand[2]);
                run.set(shorthand[1], shorthand[2]);
                given.put(shorthand[1], shorthand[2]);
                supervised = 0 == i ? shorthand[2] : supervised;
            }
        }
        for (final String[] set : settings)
        {
            check(model, "--set " + set[0] + "=" + set[1], set[0], set[1]);
            run.set(set[0], set[1]);
            given.put(set[0], set[1]);
            supervised = "supervisors".equals(set[0]) ? set[1].trim() : supervised;
        }
        refuseUnsupervisedOptions(supervised);
        if (sharded)
        {
            return ShardedRun.run(spec, model, given, given("--cells") ? cells : 0, given("--ticks") ? ticks : 0, seed,
                workerOptions.workers, workerOptions.applyTo(new Context()), shards, shard, peers,
                new ShardedRun.Options(given("--out") ? path("--out", out) : null, every, quiet, json,
                () -> joining = true));
        }
        applySettings(run, scenario, watchdogNs, maxMemoryBytes);

        return execute(spec, run, quiet, json);
    }

    /**
     * Runs a model as {@code karyon run} and {@code karyon resume} do: progress to the command's stderr, SIGINT and
     * SIGTERM end it safely (a checkpoint with an output folder, and the outputs), the summary to stdout; one that
     * comes while the model is still set up ends the process at once, with one line ({@link SetUpStop}).
     *
     * @param spec  of the command.
     * @param run   the run, set.
     * @param quiet no progress.
     * @param json  the summary as one JSON object.
     * @return {@link Cli#EXIT_OK}, or 130 (SIGINT) or 143 (SIGTERM) if a signal stopped it.
     */
    static int execute(final CommandSpec spec, final ModelRun.Builder run, final boolean quiet, final boolean json)
    {
        final PrintWriter err = spec.commandLine().getErr();
        final ModelRun.Result result;
        try (StopSignals signals = StopSignals.install())
        {
            // A signal while the model is set up ends the process on its own thread, at once; after, the ticks'.
            final SetUpStop setUp = new SetUpStop(signals.request(), err);
            try
            {
                final int stopped = setUp.stoppedAlready();
                if (stopped >= 0)
                {
                    return stopped;
                }
                result = run
                    .progress(quiet ? Progress.NONE : Progress.AUTO)
                    .progressTo(new PrintStream(new WriterOutputStream(err), true, StandardCharsets.UTF_8))
                    .json(json)
                    .stopRequest(signals.request())
                    .setUpDone(setUp::settle)
                    .run();
            }
            finally
            {
                setUp.settle();
            }
        }
        catch (final ModelException ex)
        {
            if (null != ex.result())
            {
                print(spec, ex.result(), json);  // a complete run whose files could not be written: its results
            }
            throw ex;
        }
        print(spec, result, json);
        if (null == result.stopReason())
        {
            return Cli.EXIT_OK;
        }
        err.println("karyon: stopped by " + result.stopReason() + " after tick " + result.summary().get("ticks") +
            (null == result.checkpoint() ? "; no checkpoint (no --out)" : "; checkpoint " + result.checkpoint() +
            " (karyon resume " + result.checkpoint() + ")"));
        err.flush();
        return StopSignals.exitCode(result.stopReason());
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
     * Run settings: a flag given wins, then the file, then the flag's default (seed, workers: the {@code karyon.*}
     * properties) or the model's (cells, ticks).
     */
    private void applySettings(final ModelRun.Builder run, final Scenario scenario, final long watchdogNs,
        final long maxMemoryBytes)
    {
        if (given("--cells"))
        {
            run.cells(cells);
        }
        else if (null != scenario)
        {
            scenario.cells().ifPresent(run::cells);
        }
        if (given("--ticks"))
        {
            run.ticks(ticks);
        }
        else if (null != scenario)
        {
            scenario.ticks().ifPresent(run::ticks);
        }
        final boolean fromFile = null != scenario;
        run.seed(!given(ConfigurationDefaults.SEED) && fromFile ? scenario.seed().orElse(seed) : seed);
        if (!given(ConfigurationDefaults.WORKERS) && fromFile && scenario.workers().isPresent())
        {
            workerOptions.workers = scenario.workers().getAsInt();
        }
        final Context context = workerOptions.applyTo(new Context()).watchdogNs(watchdogNs);
        if (maxMemoryBytes > 0)
        {
            context.maxMemory(maxMemoryBytes);
        }
        run.context(context);
        run.every(!given("--every") && fromFile ? scenario.every().orElse(every) : every);
        run.snapshotEvery(!given("--snapshot-every") && fromFile ? scenario.snapshotEvery().orElse(snapshotEvery) :
            snapshotEvery);
        if (given("--out"))
        {
            run.out(path("--out", out));
        }
        else if (fromFile)
        {
            scenario.out().ifPresent(run::out);
        }
        run.checkpointEvery(!given("--checkpoint-every") && fromFile ?
            scenario.checkpointEvery().orElse(checkpointEvery) : checkpointEvery);
        run.keepCheckpoints(!given("--keep-checkpoints") && fromFile ?
            scenario.checkpointKeep().orElse(keepCheckpoints) : keepCheckpoints);
    }

    /**
     * Refuses the ring's supervision flags (all but {@code --supervisors}) for an unsupervised ring, which would
     * ignore them.
     */
    private void refuseUnsupervisedOptions(final String supervisors)
    {
        if (null != supervisors && !"0".equals(supervisors))
        {
            return;
        }
        for (int i = 1; i < shorthands(); i++)
        {
            final String option = RING_SHORTHANDS[i][0];
            if (given(option))
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '" + option +
                    "': it sets how the ring's supervisors restart, and this ring is unsupervised: give " +
                    "--supervisors N (N > 0) too, or leave " + option + " out");
            }
        }
    }

    /**
     * Refuses a ring flag for another model, even one with a parameter of the same name (tissue has supervisors).
     */
    private static void ringOnly(final Model model, final String flag, final String parameter)
    {
        if (!RING.equals(model.name()))
        {
            throw new ModelException(flag + ": sets the " + RING + " model's " + parameter + "; the model " +
                model.name() + " is not the " + RING + " (karyon run " + RING + " " + flag + ", or --set NAME=VALUE " +
                "for this model's parameters)", ModelException.EXIT_USAGE, null);
        }
    }

    /**
     * Checks one parameter's value before anything runs, so that the error names the flag that gave it.
     */
    private static void check(final Model model, final String source, final String name, final String value)
    {
        check(model.name(), model.parameters(), source, name, value);
    }

    /**
     * Checks one parameter's value against a model's declarations.
     *
     * @param model      name of the model, for the error.
     * @param parameters it declares.
     * @param source     what gave the value, e.g. {@code --set beta=2} or {@code --supervisors}.
     * @param name       of the parameter.
     * @param value      as given.
     * @throws ModelException (exit 2) naming the source, for an unknown parameter or a value that does not fit.
     */
    private static void check(final String model, final List<Parameter> parameters, final String source,
        final String name, final String value)
    {
        for (final Parameter p : parameters)
        {
            if (p.name().equals(name))
            {
                try
                {
                    Parameters.of(List.of(p), Map.of(name, value));
                    return;
                }
                catch (final IllegalArgumentException ex)
                {
                    throw new ModelException(source + ": " + ex.getMessage(), ModelException.EXIT_USAGE, ex);
                }
            }
        }
        final List<String> names = new ArrayList<>();
        parameters.forEach((p) -> names.add(p.name()));
        throw new ModelException(source + ": the model " + model + " has no parameter " + name +
            (names.isEmpty() ? "" : "; it has " + String.join(", ", names)), ModelException.EXIT_USAGE, null);
    }

    /**
     * The value of a flag given on the command line, as text, if it is one of the ring's shorthands that was given.
     *
     * @param shorthand index in the shorthand table.
     * @return the flag's name, the parameter's name and the value; null if the flag was not given.
     */
    private String[] givenShorthand(final int shorthand)
    {
        final String option = RING_SHORTHANDS[shorthand][0];
        if (!given(option))
        {
            return null;
        }
        final Object value = spec.findOption(option).getValue();
        return new String[]{ option, RING_SHORTHANDS[shorthand][1], String.valueOf(value) };
    }

    /**
     * How many flags are shorthands of the ring's parameters.
     *
     * @return the count.
     */
    private static int shorthands()
    {
        return RING_SHORTHANDS.length;
    }

    /**
     * A digest as 16 hex digits with a 0x prefix.
     *
     * @param digest to format.
     * @return the text.
     */
    public static String digestText(final long digest)
    {
        return String.format(Locale.ROOT, "0x%016x", digest);
    }

    /**
     * Runs {@code karyon run} on its own.
     *
     * @param args command-line arguments.
     */
    public static void main(final String[] args)
    {
        System.exit(Cli.configure(new CommandLine(new RunCommand())).execute(args));
    }
}
