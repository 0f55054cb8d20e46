package io.karyon.cli;

import io.karyon.engine.Context;
import io.karyon.engine.Organism;
import io.karyon.engine.Stats;
import io.karyon.engine.Supervisor;
import io.karyon.engine.sim.Tissue;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code karyon run}: the default simulation ({@link Tissue}), with progress on stderr and a summary on stdout.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
        "Runs the default simulation: a ring of cells passing energy to their neighbours, dividing and starving.",
        "Progress goes to stderr; the summary (or, with --json, one JSON object) to stdout."
    })
public final class RunCommand implements Callable<Integer>
{
    private static final long PROGRESS_INTERVAL_NS = 1_000_000_000L;

    @Spec
    CommandSpec spec;

    @Option(names = "--cells", paramLabel = "N", description = "cells to seed (default: ${DEFAULT-VALUE})")
    long cells = 500_000;

    @Option(names = "--ticks", paramLabel = "N", description = "ticks to run (default: ${DEFAULT-VALUE})")
    long ticks = 100;

    @Option(names = ConfigurationDefaults.SEED, paramLabel = "N",
        description = "seed of the run (default: ${DEFAULT-VALUE})")
    long seed;

    @Mixin
    WorkerOptions workerOptions;

    @Option(names = "--supervisors", paramLabel = "N",
        description = "supervise the founders under N supervisors, themselves under one top-level supervisor per " +
            "--fanout (default: ${DEFAULT-VALUE}, unsupervised)")
    int supervisors;

    @Option(names = "--fanout", paramLabel = "K",
        description = "supervisors under each top-level supervisor (default: ${DEFAULT-VALUE})")
    int fanout = 100;

    @Option(names = "--spread",
        description = "put each supervisor in the next supervision home rather than its parent's, so that one tree " +
            "spreads over the workers; escalations then take a tick to reach the parent")
    boolean spread;

    @Option(names = "--strategy", paramLabel = "NAME",
        description = "the supervisors' strategy: one_for_one, one_for_all, rest_for_one (default: ${DEFAULT-VALUE})")
    String strategy = "one_for_one";

    @Option(names = "--intensity", paramLabel = "N",
        description = "restarts a supervisor allows within --period before giving up (default: ${DEFAULT-VALUE})")
    int intensity = 100;

    @Option(names = "--period", paramLabel = "TICKS",
        description = "the intensity's window (default: ${DEFAULT-VALUE})")
    long period = 10;

    @Option(names = "--restart", paramLabel = "TYPE",
        description = "founders' restart type: permanent, transient, temporary (default: ${DEFAULT-VALUE})")
    String restart = "permanent";

    @Option(names = "--json", description = "print the summary as one JSON object")
    boolean json;

    @Option(names = "--quiet", description = "no progress on stderr")
    boolean quiet;

    /**
     * {@inheritDoc}
     */
    public Integer call()
    {
        Cli.range(spec, "--cells", cells, 1, Integer.MAX_VALUE);
        Cli.range(spec, "--ticks", ticks, 0, Long.MAX_VALUE);
        workerOptions.check(spec);
        Cli.range(spec, "--supervisors", supervisors, 0, cells);
        Cli.range(spec, "--intensity", intensity, 0, (1 << 20) - 1);
        Cli.range(spec, "--fanout", fanout, 1, (1 << 20) - 1);
        Cli.range(spec, "--period", period, 1, Long.MAX_VALUE);
        final RestartStrategy supervisorStrategy = choice("--strategy", strategy,
            RestartStrategy.ONE_FOR_ONE, RestartStrategy.ONE_FOR_ALL, RestartStrategy.REST_FOR_ONE);
        final RestartType restartType = choice("--restart", restart, RestartType.values());

        final PrintWriter out = spec.commandLine().getOut();
        final Context context = workerOptions.applyTo(new Context().seed(seed));
        try (Organism organism = Organism.launch(context))
        {
            Tissue.seed(organism, (int)cells, supervise(organism, supervisorStrategy), restartType);

            final long startNs = System.nanoTime();
            runTicks(organism, spec.commandLine().getErr());
            final double seconds = (System.nanoTime() - startNs) / 1e9;
            final Stats stats = organism.stats();
            final long digest = organism.digest();
            final int distinctErrors = organism.readErrors((count, first, last, text) -> { });
            if (json)
            {
                out.println(summaryJson(organism.workerCount(), seconds, stats, digest, distinctErrors));
            }
            else
            {
                printSummary(out, organism.workerCount(), seconds, stats, digest, distinctErrors);
            }
            out.flush();
        }
        return Cli.EXIT_OK;
    }

    /**
     * Runs the ticks in batches sized to report progress about once a second: each {@code run()} wakes the workers,
     * which rest between runs.
     */
    private void runTicks(final Organism organism, final PrintWriter err)
    {
        long done = 0;
        long batch = 1;
        long lastReportNs = System.nanoTime();
        long lastUpdates = 0;
        while (done < ticks)
        {
            final long runTicks = Math.min(batch, ticks - done);
            final long batchStartNs = System.nanoTime();
            organism.run(runTicks);
            done += runTicks;
            final long nowNs = System.nanoTime();
            final long perTickNs = Math.max(1, (nowNs - batchStartNs) / runTicks);
            batch = Math.max(1, Math.min(PROGRESS_INTERVAL_NS / perTickNs, 2 * batch));
            if (!quiet && nowNs - lastReportNs >= PROGRESS_INTERVAL_NS)
            {
                final Stats stats = organism.stats();
                err.printf(Locale.ROOT, "karyon run: tick %,d/%,d  %.1fM cell-updates/s  cells alive %,d  deaths %,d%n",
                    done, ticks, (stats.updates() - lastUpdates) * 1e3 / (nowNs - lastReportNs),
                    stats.alive(), stats.deaths());
                err.flush();
                lastReportNs = nowNs;
                lastUpdates = stats.updates();
            }
        }
    }

    private String summaryJson(
        final int workerCount, final double seconds, final Stats stats, final long digest, final int distinctErrors)
    {
        return new Json()
            .field("engine", "karyon")
            .field("simulation", "tissue")
            .field("cells", cells)
            .field("workers", workerCount)
            .field("seed", seed)
            .field("ticks", stats.ticks())
            .field("seconds", seconds)
            .field("updates", stats.updates())
            .field("updates_per_s", stats.updates() / seconds)
            .field("cross_worker_share", stats.sent() == 0 ? 0.0 : (double)stats.crossWorker() / stats.sent())
            .field("messages", stats.delivered())
            .field("messages_per_s", stats.delivered() / seconds)
            .field("dead_letters", stats.deadLetters())
            .field("deaths", stats.deaths())
            .field("deaths_by_reason", stats.deathsByReason())
            .field("spawned", stats.spawned())
            .field("restarts", stats.restarts())
            .field("restarts_by_reason", stats.restartsByReason())
            .field("escalations", stats.escalations())
            .field("alive", stats.alive())
            .field("distinct_errors", distinctErrors)
            .field("digest", digestText(digest))
            .toString();
    }

    private void printSummary(
        final PrintWriter out,
        final int workerCount,
        final double seconds,
        final Stats stats,
        final long digest,
        final int distinctErrors)
    {
        out.printf(Locale.ROOT, "karyon run: tissue, %,d cells, %,d ticks, seed %d, %d worker(s)%n",
            cells, stats.ticks(), seed, workerCount);
        out.printf(Locale.ROOT, "  seconds          %.3f%n", seconds);
        out.printf(Locale.ROOT, "  cell-updates     %,d (%.1fM/s)%n", stats.updates(), stats.updates() / seconds / 1e6);
        out.printf(Locale.ROOT, "  messages         %,d delivered (%.1fM/s), %,d dead letters, %,d pending%n",
            stats.delivered(), stats.delivered() / seconds / 1e6, stats.deadLetters(), stats.pending());
        out.printf(Locale.ROOT, "  deaths           %,d%s%n", stats.deaths(), byReason(stats.deathsByReason()));
        out.printf(Locale.ROOT, "  births           %,d (founders and restarts included)%n", stats.spawned());
        out.printf(Locale.ROOT, "  restarts         %,d%s, escalations %,d%n", stats.restarts(),
            byReason(stats.restartsByReason()), stats.escalations());
        out.printf(Locale.ROOT, "  cells alive      %,d%n", stats.alive());
        out.printf(Locale.ROOT, "  distinct errors  %d%n", distinctErrors);
        out.printf(Locale.ROOT, "  digest           %s%n", digestText(digest));
    }

    /**
     * The supervisors to deal founders to: {@code --supervisors} of them, in groups of {@code --fanout} under
     * top-level parents that restart a supervisor which gives up.
     */
    private Supervisor[] supervise(final Organism organism, final RestartStrategy strategy)
    {
        final Supervisor[] ids = new Supervisor[supervisors];
        Supervisor parent = null;
        for (int s = 0; s < supervisors; s++)
        {
            if (0 == s % fanout)
            {
                parent = organism.supervisor(RestartStrategy.ONE_FOR_ONE, fanout, 1);
            }
            ids[s] = organism.supervisor(parent, strategy, intensity, period, RestartType.PERMANENT, spread);
        }
        return ids;
    }

    @SafeVarargs
    private <E extends Enum<E>> E choice(final String option, final String value, final E... allowed)
    {
        final StringBuilder names = new StringBuilder();
        for (final E constant : allowed)
        {
            if (constant.name().equalsIgnoreCase(value))
            {
                return constant;
            }
            names.append(names.length() > 0 ? ", " : "").append(constant.name().toLowerCase(Locale.ROOT));
        }
        throw new CommandLine.ParameterException(spec.commandLine(),
            "Invalid value for option '" + option + "': must be one of " + names + ", was '" + value + "'");
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

    private static String byReason(final Map<String, Long> deaths)
    {
        if (deaths.isEmpty())
        {
            return "";
        }
        final StringBuilder sb = new StringBuilder(" (");
        deaths.forEach((reason, count) -> sb.append(sb.length() > 2 ? ", " : "").append(reason).append(' ')
            .append(String.format(Locale.ROOT, "%,d", count)));
        return sb.append(')').toString();
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
