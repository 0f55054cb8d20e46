package io.karyon.perf;

import io.karyon.cli.Cli;
import io.karyon.cli.ConfigurationDefaults;
import io.karyon.cli.WorkerOptions;
import io.karyon.engine.Configuration;
import io.karyon.engine.Context;
import io.karyon.engine.MemoryBudget;
import io.karyon.engine.cell.CellStorage;
import io.karyon.perf.peers.PeerWorkload;
import io.karyon.perf.peers.Peers;
import io.karyon.perf.peers.Ratios;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code karyon bench}: runs workloads from ../shared/benchmarks/WORKLOADS.md and prints one JSON line each.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
        "Runs workloads and prints one JSON line per workload on stdout (progress on stderr).",
        "Each figure is the median of the measured rounds, after the warm-up rounds; set-up is not timed.",
        "Workloads in this build: W1 (spawn), W2 (ring), W3 (tick), W4 (broadcast), W5 (apoptosis), W5x (escalation),",
        "W6 (matrix), W7 (latency); and stream, the machine's memory bandwidth (STREAM copy and triad) beside them.",
        "Not in all: shards, the ring model in one process against --shards processes of --workers each (default 1), " +
            "over --transport ipc or udp.",
        "W2 and W3 with --shards S run sharded the same way: S processes of --workers each against one process.",
        "With --peers, each workload also runs on plain JVM objects and on Pekko typed actors, then a line gives " +
            "Karyon's ratio over each (above 1: Karyon ahead)."
    })
public final class BenchCommand implements Callable<Integer>
{
    /** Warm-up rounds when --warmup is not given, but for W5 and W5x (see {@link #defaultWarmup}). */
    static final int DEFAULT_WARMUP = 2;
    static final List<String> WORKLOADS = List.of(Stream.ID, W1Spawn.ID, W2Ring.ID, W3Tick.ID, W4Broadcast.ID,
        W5Apoptosis.ID, W5xEscalation.ID, W6Matrix.ID, W7Latency.ID);

    /** The options only some workloads read, then those workloads: given for none of them, they are refused. */
    private static final String[][] WORKLOAD_OPTIONS = {
        { "--bytes", Stream.ID, W2Ring.ID, W3Tick.ID, W4Broadcast.ID },
        { "--tokens", W2Ring.ID }, { "--hops", W2Ring.ID }, { "--placement", W2Ring.ID },
        { "--ticks", W3Tick.ID, Sharded.ID }, { "--layout", W3Tick.ID },
        { "--shards", Sharded.ID, W2Ring.ID, W3Tick.ID }, { "--transport", Sharded.ID, W2Ring.ID, W3Tick.ID },
        { "--broadcasts", W4Broadcast.ID },
        { "--churn", W4Broadcast.ID },
        { "--fraction", W5Apoptosis.ID }, { "--ops", W6Matrix.ID }, { "--pairs", W7Latency.ID },
        { "--millis", W7Latency.ID } };

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "WORKLOAD", arity = "1..*",
        description = "stream, W1, W2, W3, W4, W5, W5x, W6, W7, all, or shards")
    List<String> workloads;

    @Option(names = "--cells", paramLabel = "N", description = "cells (default: ${DEFAULT-VALUE})")
    long cells = 1_000_000;

    @Mixin
    WorkerOptions workerOptions;

    @Option(names = "--tokens", paramLabel = "T", description = "W2: tokens in flight (default: ${DEFAULT-VALUE})")
    long tokens = 10_000;

    @Option(names = "--hops", paramLabel = "H", description = "W2: hops per round (default: ${DEFAULT-VALUE})")
    long hops = 100_000_000;

    @Option(names = "--fraction", paramLabel = "F",
        description = "W5: fraction of the cells that die at once (default: ${DEFAULT-VALUE})")
    double fraction = 1.0;

    @Option(names = "--broadcasts", paramLabel = "R",
        description = "W4: broadcasts per round (default: ${DEFAULT-VALUE})")
    int broadcasts = 100;

    @Option(names = "--churn", paramLabel = "C",
        description = "W4: churn steps per round, each moving every member to another group (default: " +
            "${DEFAULT-VALUE})")
    int churn = 10;

    @Option(names = "--pairs", paramLabel = "P", description = "W7: ping-pong pairs (default: ${DEFAULT-VALUE})")
    long pairs = 1_000;

    @Option(names = "--millis", paramLabel = "MS",
        description = "W7: length of a round in ms (default: ${DEFAULT-VALUE})")
    long millis = 2_000;

    @Option(names = "--placement", paramLabel = "NAME",
        description = "W2: where ring cells live: pairs, random, round-robin or fill (default: ${DEFAULT-VALUE})")
    String placement = "pairs";

    @Option(names = "--ops", paramLabel = "M",
        description = "W6: operations per writer per round (default: ${DEFAULT-VALUE})")
    long ops = 10_000_000;

    @Option(names = "--bytes", paramLabel = "SIZE",
        description = "stream, and the short triad W2, W3 and W4 run after their rounds for stream_fraction: " +
            "bytes of arrays in all, 3 per worker (e.g. 512m, 2g; default: " + Stream.CACHE_MULTIPLE +
            " x the last-level cache, at least 512m)")
    String bytes;

    @Option(names = "--rounds", paramLabel = "N", description = "measured rounds, >= 3 (default: ${DEFAULT-VALUE})")
    int rounds = 3;

    @Option(names = "--warmup", paramLabel = "N", description = "warm-up rounds (default: " + DEFAULT_WARMUP +
        "; W5 " + W5Apoptosis.WARMUP + " and W5x " + W5xEscalation.WARMUP +
        ", whose paths the JIT compiles only after several rounds)")
    Integer warmup;

    @Option(names = "--ticks", paramLabel = "K", description = "W3: ticks per round (default: ${DEFAULT-VALUE})")
    int ticks = 100;

    @Option(names = "--shards", paramLabel = "S",
        description = "shards: processes the ring is sharded over (default: ${DEFAULT-VALUE}); W2, W3: run sharded " +
            "over S processes, against one process")
    int shards = 2;

    @Option(names = "--transport", paramLabel = "ipc|udp",
        description = "shards, and W2 and W3 with --shards: Aeron IPC, or UDP on the loopback interface (default: " +
            "${DEFAULT-VALUE})")
    String transport = Sharded.IPC;

    @Option(names = "--layout", paramLabel = "row|columnar",
        description = "W3: cell storage, a slot per cell or a column per word of state (default: ${DEFAULT-VALUE})")
    String layout = "row";

    @Option(names = ConfigurationDefaults.SEED, paramLabel = "N",
        description = "seed of the generators (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", paramLabel = "DIR",
        description = "folder for the .hgrm percentile files and each workload's summary DIR/<id>.json, the JSON " +
            "lines it printed (default: ${DEFAULT-VALUE})")
    Path out = Path.of("karyon-out");

    @Option(names = "--peers",
        description = "after Karyon, run each workload on the peers (" + Peers.JVM_OBJECTS + ", " + Peers.PEKKO +
            ") with as many threads as Karyon had workers, then print Karyon's ratio over each")
    boolean peers;

    @Option(names = "--peer-messages", paramLabel = "M",
        description = "peers: most messages one round may take (W2 hops, W3 ticks x cells, W4 broadcasts x members, " +
            "W6 operations x 2 on pekko); " +
            "a peer asked for more runs fewer and its JSON line says so (default: ${DEFAULT-VALUE})")
    long peerMessages = 10_000_000;

    /**
     * {@inheritDoc}
     */
    public Integer call()
    {
        final List<String> selected = select();
        checkOptions();
        checkCombinations(selected);
        Cli.writableFolder(spec, "--out", out);
        final boolean sharded = given("--shards");
        final List<String> unwritten = new ArrayList<>();

        final PrintWriter stdout = spec.commandLine().getOut();
        final BenchParams shared = new BenchParams((int)cells, rounds, null == warmup ? DEFAULT_WARMUP : warmup, seed,
            ticks, (int)tokens, hops,
            placement, fraction, (int)pairs, millis, broadcasts, churn, ops, workerOptions, out, peerMessages,
            spec.commandLine().getErr(), null == bytes ? 0 : parseBytes());
        for (final String workload : selected)
        {
            final BenchParams params = null == warmup ? shared.withWarmup(defaultWarmup(workload)) : shared;
            final String line;
            switch (workload)
            {
                case Stream.ID:
                    line = Stream.run(params);
                    break;
                case W1Spawn.ID:
                    line = W1Spawn.run(params);
                    break;
                case W2Ring.ID:
                    line = sharded ? ShardedWorkloads.w2(params, shards, transport) : W2Ring.run(params);
                    break;
                case W4Broadcast.ID:
                    line = W4Broadcast.run(params);
                    break;
                case W5Apoptosis.ID:
                    line = W5Apoptosis.run(params);
                    break;
                case W5xEscalation.ID:
                    line = W5xEscalation.run(params);
                    break;
                case W6Matrix.ID:
                    line = W6Matrix.run(params);
                    break;
                case W7Latency.ID:
                    line = W7Latency.run(params);
                    break;
                case Sharded.ID:
                    line = Sharded.run(params, shards, transport);
                    break;
                default:
                    line = sharded ? ShardedWorkloads.w3(params, CellStorage.of(layout), shards, transport) :
                        W3Tick.run(params, CellStorage.of(layout));
                    break;
            }
            final List<String> lines = new ArrayList<>();
            lines.add(print(stdout, line));
            if (peers)
            {
                final List<String> peerLines = new ArrayList<>();
                final List<PeerWorkload> peerRuns = Peers.of(workload);
                if (peerRuns.isEmpty())
                {
                    params.progress(workload + " has no peers: it is run on Karyon only");
                }
                for (final PeerWorkload peer : peerRuns)
                {
                    peerLines.add(print(stdout, peer.run(params, Summaries.workers(line))));
                }
                for (final String ratio : Ratios.lines(workload, line, peerLines))
                {
                    peerLines.add(print(stdout, ratio));
                }
                lines.addAll(peerLines);
            }
            unwritten.addAll(Histograms.takeUnwritten());
            try
            {
                Summaries.write(out, workload, lines);
            }
            catch (final UncheckedIOException ex)
            {
                unwritten.add(ex.getMessage() + " (" + ex.getCause().getMessage() + ")");
            }
        }
        if (!unwritten.isEmpty())
        {
            // The results are on stdout already; only the files are missing.
            throw new IllegalStateException("the results above are complete, but " + unwritten.size() +
                " file(s) could not be written: " + String.join("; ", unwritten));
        }
        return Cli.EXIT_OK;
    }

    /**
     * Refuses what the selected workloads would ignore or cannot run: an option none of them reads, and W7's pairs
     * beyond its cells.
     */
    private void checkCombinations(final List<String> selected)
    {
        for (final String[] option : WORKLOAD_OPTIONS)
        {
            final List<String> readers = List.of(option).subList(1, option.length);
            if (given(option[0]) && readers.stream().noneMatch(selected::contains))
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "option '" + option[0] + "' is for " +
                    String.join(", ", readers) + " only, " +
                    (readers.size() > 1 ? "none of which is" : "which is not") + " among the workloads given (" +
                    String.join(", ", selected) + "): leave it out");
            }
        }
        checkSharded(selected);
        if (given("--peer-messages") && !peers)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "option '--peer-messages' is for the peers only: give --peers too, or leave it out");
        }
        if (selected.contains(W7Latency.ID) && 2 * pairs > cells)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--pairs': " +
                "W7 needs --cells >= 2 x --pairs, and --cells is " + cells + ", was '" + pairs + "'");
        }
    }

    /**
     * W2 and W3 run sharded with --shards only, alone or with shards, without the peers and the triad; --transport
     * for them needs --shards.
     */
    private void checkSharded(final List<String> selected)
    {
        final List<String> shardable = List.of(Sharded.ID, W2Ring.ID, W3Tick.ID);
        if (!given("--shards"))
        {
            if (given("--transport") && !selected.contains(Sharded.ID))
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "option '--transport' is for sharded " +
                    "runs: give --shards too, or leave it out");
            }
            return;
        }
        final List<String> others = selected.stream().filter((id) -> !shardable.contains(id)).distinct().toList();
        if (!others.isEmpty())
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "option '--shards' runs W2, W3 and " +
                Sharded.ID + " only, and the workloads given include " + String.join(", ", others) +
                ": run those without --shards");
        }
        if (peers)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "options '--shards' and '--peers' cannot " +
                "be combined: the peers run in one process; give one or the other");
        }
        if (given("--bytes"))
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "option '--bytes' is for the triad W2 and " +
                "W3 run after their rounds in one process, and with --shards they run none: leave it out");
        }
    }

    private boolean given(final String option)
    {
        final CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        return null != parsed && parsed.hasMatchedOption(option);
    }

    private void checkOptions()
    {
        Cli.range(spec, "--cells", cells, 1, Integer.MAX_VALUE);
        workerOptions.check(spec);
        Cli.range(spec, "--tokens", tokens, 1, Integer.MAX_VALUE);
        Cli.range(spec, "--hops", hops, tokens, Long.MAX_VALUE);
        Cli.range(spec, "--pairs", pairs, 1, Integer.MAX_VALUE / 2);
        Cli.range(spec, "--broadcasts", broadcasts, 1, 1_000_000);
        Cli.range(spec, "--churn", churn, 0, 1_000_000);
        if (!"row".equals(layout) && !"columnar".equals(layout))
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "Invalid value for option '--layout': must be row or columnar, was '" + layout + "'");
        }
        if (!(fraction > 0.0 && fraction <= 1.0))
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "Invalid value for option '--fraction': must be in (0, 1], was '" + fraction + "'");
        }
        Cli.range(spec, "--millis", millis, 1, 3_600_000);
        if (!W2Ring.PLACEMENTS.contains(placement))
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--placement': " +
                "must be one of " + String.join(", ", W2Ring.PLACEMENTS) + ", was '" + placement + "'");
        }
        Cli.range(spec, "--ops", ops, 1, Long.MAX_VALUE / 2);
        Cli.range(spec, "--shards", shards, 2, 64);
        if (!Sharded.IPC.equals(transport) && !Sharded.UDP.equals(transport))
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "Invalid value for option '--transport': must be ipc or udp, was '" + transport + "'");
        }
        Cli.range(spec, "--rounds", rounds, 3, 1000);
        if (null != warmup)
        {
            Cli.range(spec, "--warmup", warmup, 0, 1000);
        }
        Cli.range(spec, "--ticks", ticks, 1, Integer.MAX_VALUE);
        Cli.range(spec, "--peer-messages", peerMessages, 1, Long.MAX_VALUE);
        if (null != bytes)
        {
            parseBytes();
        }
    }

    /**
     * --bytes as a size, at least {@link Stream#MIN_BYTES} and within what this JVM can hold.
     */
    private long parseBytes()
    {
        final long max = Stream.maxBytes(workerOptions.applyTo(new Context()).maxMemory());
        final long size;
        try
        {
            size = MemoryBudget.parseSize("--bytes", bytes);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--bytes': " +
                "must be a size of at least 1m (e.g. 512m, 2g), was '" + bytes + "'");
        }
        if (size < Stream.MIN_BYTES || size > max)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--bytes': " +
                (size < Stream.MIN_BYTES ? "must be at least 1m (below, the arrays measure a cache)" :
                "must fit the memory budget: at most " + MemoryBudget.format(max) + " (half the JVM's heap, " +
                "within " + Configuration.MAX_MEMORY_PROP_NAME + "; raise -Xmx in KARYON_JAVA_OPTS)") + ", was '" +
                bytes + "'");
        }
        return size;
    }

    /**
     * Warm-up rounds of a workload when --warmup is not given: enough for its measured rounds to run compiled code.
     */
    static int defaultWarmup(final String workload)
    {
        switch (workload)
        {
            case W5Apoptosis.ID:
                return W5Apoptosis.WARMUP;
            case W5xEscalation.ID:
                return W5xEscalation.WARMUP;
            default:
                return DEFAULT_WARMUP;
        }
    }

    private static String print(final PrintWriter stdout, final String line)
    {
        stdout.println(line);
        stdout.flush();
        return line;
    }

    private List<String> select()
    {
        final List<String> selected = new ArrayList<>();
        for (final String name : workloads)
        {
            if ("all".equalsIgnoreCase(name))
            {
                selected.addAll(WORKLOADS);
                continue;
            }
            if (Sharded.ID.equalsIgnoreCase(name))
            {
                selected.add(Sharded.ID);
                continue;
            }
            final String id = WORKLOADS.stream().filter(name::equalsIgnoreCase).findFirst().orElseThrow(
                () -> new CommandLine.ParameterException(spec.commandLine(),
                    "unknown workload '" + name + "': this build has " + String.join(", ", WORKLOADS) + ", all or " +
                    Sharded.ID));
            selected.add(id);
        }
        return selected;
    }
}
