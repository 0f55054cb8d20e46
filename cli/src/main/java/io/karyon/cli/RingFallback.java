package io.karyon.cli;

import io.karyon.engine.Context;
import io.karyon.engine.Organism;
import io.karyon.engine.Stats;
import io.karyon.engine.Supervisor;
import io.karyon.engine.sim.Tissue;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/**
 * The ring ({@link Tissue}: the engine's simulation that {@code karyon run} ran before models) run as it always was,
 * for as long as no {@code ring} model is on the class path: {@code karyon run} and {@code karyon run ring} with the
 * run flags (cells, ticks, seed, workers, supervision) but no scenario, {@code --set} or {@code --out}. Once the
 * built-in models ({@code karyon-models}) are a dependency of the command, the {@code ring} model runs instead and
 * this class can go.
 */
final class RingFallback
{
    private static final long PROGRESS_INTERVAL_NS = 1_000_000_000L;

    private final RunCommand run;

    RingFallback(final RunCommand run)
    {
        this.run = run;
    }

    int call()
    {
        final CommandLine.Model.CommandSpec spec = run.spec;
        Cli.range(spec, "--supervisors", run.supervisors, 0, run.cells);
        Cli.range(spec, "--intensity", run.intensity, 0, (1 << 20) - 1);
        Cli.range(spec, "--fanout", run.fanout, 1, (1 << 20) - 1);
        Cli.range(spec, "--period", run.period, 1, Long.MAX_VALUE);
        final RestartStrategy supervisorStrategy = choice(spec, "--strategy", run.strategy,
            RestartStrategy.ONE_FOR_ONE, RestartStrategy.ONE_FOR_ALL, RestartStrategy.REST_FOR_ONE);
        final RestartType restartType = choice(spec, "--restart", run.restart, RestartType.values());

        final PrintWriter out = spec.commandLine().getOut();
        final Context context = run.workerOptions.applyTo(new Context().seed(run.seed));
        try (Organism organism = Organism.launch(context))
        {
            Tissue.seed(organism, (int)run.cells, supervise(organism, supervisorStrategy), restartType);

            final long startNs = System.nanoTime();
            runTicks(organism, spec.commandLine().getErr());
            final double seconds = (System.nanoTime() - startNs) / 1e9;
            final Stats stats = organism.stats();
            final long digest = organism.digest();
            final int distinctErrors = organism.readErrors((count, first, last, text) -> { });
            if (run.json)
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
        final long ticks = run.ticks;
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
            if (!run.quiet && nowNs - lastReportNs >= PROGRESS_INTERVAL_NS)
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
            .field("cells", run.cells)
            .field("workers", workerCount)
            .field("seed", run.seed)
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
            .field("digest", RunCommand.digestText(digest))
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
            run.cells, stats.ticks(), run.seed, workerCount);
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
        out.printf(Locale.ROOT, "  digest           %s%n", RunCommand.digestText(digest));
    }

    /**
     * The supervisors to deal founders to: {@code --supervisors} of them, in groups of {@code --fanout} under
     * top-level parents that restart a supervisor which gives up.
     */
    private Supervisor[] supervise(final Organism organism, final RestartStrategy strategy)
    {
        final Supervisor[] ids = new Supervisor[run.supervisors];
        Supervisor parent = null;
        for (int s = 0; s < run.supervisors; s++)
        {
            if (0 == s % run.fanout)
            {
                parent = organism.supervisor(RestartStrategy.ONE_FOR_ONE, run.fanout, 1);
            }
            ids[s] = organism.supervisor(parent, strategy, run.intensity, run.period, RestartType.PERMANENT,
                run.spread);
        }
        return ids;
    }

    @SafeVarargs
    private static <E extends Enum<E>> E choice(
        final CommandLine.Model.CommandSpec spec, final String option, final String value, final E... allowed)
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
}
