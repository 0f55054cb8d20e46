package io.karyon.perf;

import io.karyon.cli.Json;
import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.ExitReasons;
import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.Stats;
import io.karyon.engine.Supervisor;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;
import org.HdrHistogram.Histogram;

import java.util.Locale;

/**
 * W5, apoptosis: N cells under supervisors (one_for_one, 1,000 children each, intensity high enough not to trip);
 * at once a fraction F of all cells detect corrupt state and die; they are restarted from their genotype. Headline
 * figures: time from the deaths to the last restart, restarts per second, and the cells answering a message
 * afterwards (must be N). Supervisors are dealt to the organism's supervision homes, and restarts are spread over the
 * ticks by each home's restart budget ({@code restart_budget} per home per tick, {@code supervision_homes} homes); the
 * tick latencies of the recovery are reported too: over all its ticks ({@code tick_p99_us}, {@code tick_max_us}), the
 * tick the cells die in ({@code death_tick_us}, bounded by the deaths), and the ticks that restart them, each bounded
 * by the budget ({@code restart_tick_p50_us}, {@code restart_tick_max_us}).
 */
final class W5Apoptosis
{
    static final String ID = "W5";
    static final int CHILDREN_PER_SUPERVISOR = 1_000;
    /**
     * Warm-up rounds when {@code --warmup} is not given: a round of 1M deaths and restarts takes ~70 ms once the JIT
     * has compiled the death, supervision and restart paths, which takes several rounds (measured: rounds 1-3 take
     * 190-560 ms, from the fourth on 55-75 ms), so with fewer the figure measured the compiler, not the engine.
     */
    static final int WARMUP = 6;
    static final CellLayout LAYOUT = CellLayout.builder()
        .longField("corrupt")
        .longField("answered")
        .array("rest", long.class, 6)
        .build();
    static final int CORRUPT = LAYOUT.offset("corrupt");
    private static final int ANSWERED = LAYOUT.offset("answered");
    private static final int PING = 1;

    /**
     * A cell that checks its state each tick and dies when it finds it corrupt; it answers pings.
     */
    static final class Checked implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            if (0 != cell.getLong(CORRUPT))
            {
                context.die(ExitReasons.CORRUPT);
            }
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
            cell.putLong(ANSWERED, cell.getLong(ANSWERED) + 1);
        }
    }

    private W5Apoptosis()
    {
    }

    static String run(final BenchParams params)
    {
        final Recovery recovery = new Recovery(params);
        try (Organism organism = Organism.launch(params.context().seed(params.seed())))
        {
            recovery.describe(organism);
            final Supervisor[] ids = populate(organism, params.cells(), recovery.supervisors);
            organism.run(1);
            for (int r = -params.warmup(); r < params.rounds(); r++)
            {
                round(organism, ids, params, r, recovery);
            }
        }
        return recovery.json(params);
    }

    /**
     * Spawns the supervisors, each with up to {@link #CHILDREN_PER_SUPERVISOR} checked cells, n cells in all.
     */
    private static Supervisor[] populate(final Organism organism, final int n, final int supervisors)
    {
        organism.registerBehaviour("checked", new Checked());
        final Genotype genotype = organism.genotype("checked", LAYOUT, "checked");
        final Supervisor[] ids = new Supervisor[supervisors];
        for (int s = 0, spawned = 0; s < supervisors; s++)
        {
            ids[s] = organism.supervisor(RestartStrategy.ONE_FOR_ONE, CHILDREN_PER_SUPERVISOR, 1);
            for (int c = 0; c < CHILDREN_PER_SUPERVISOR && spawned < n; c++, spawned++)
            {
                organism.spawn(genotype, ids[s], RestartType.PERMANENT);
            }
        }
        return ids;
    }

    /**
     * One round: corrupt a fraction of the cells, time the ticks from their deaths to the last restart, check that all
     * died and were restarted and that every cell answers afterwards, and record the round's figures.
     */
    private static void round(
        final Organism organism, final Supervisor[] ids, final BenchParams params, final int r, final Recovery recovery)
    {
        final int n = params.cells();
        final int corrupted = corrupt(organism, ids, params.seed() + r, params.fraction());
        final Stats before = organism.stats();
        organism.resetTickLatencies();
        final long startNs = System.nanoTime();
        organism.run(1);
        // The tick the cells die in is bounded by the deaths, not by the budget: kept apart.
        final Histogram ticks = organism.tickLatencies().copy();
        final long deathTickNs = ticks.getMaxValue();
        organism.resetTickLatencies();
        while (organism.stats().pendingRestarts() > 0)
        {
            organism.run(1);
        }
        final long elapsedNs = System.nanoTime() - startNs;
        final Histogram restartTicks = organism.tickLatencies();
        ticks.add(restartTicks);
        final Stats after = organism.stats();
        final long roundDeaths = after.deaths() - before.deaths();
        final long roundRestarts = after.restarts() - before.restarts();
        if (roundDeaths != corrupted || roundRestarts != corrupted || after.alive() != n)
        {
            throw new WorkloadCheckException(ID, corrupted + " corrupted, " + roundDeaths + " died, " +
                roundRestarts + " restarted, " + after.alive() + " alive of " + n);
        }
        final long answered = pingAll(organism, ids, n);

        final double ms = elapsedNs / 1e6;
        params.progress(String.format(Locale.ROOT,
            "W5 %s round: %,d of %,d cells died, all restarted in %.1f ms (%.1fM restarts/s) over %d ticks, " +
            "tick max %.1f ms; %,d answered", r < 0 ? "warm-up" : "measured", corrupted, n, ms,
            roundRestarts / (elapsedNs / 1e9) / 1e6, ticks.getTotalCount(), ticks.getMaxValue() / 1e6,
                answered));
        if (r >= 0)
        {
            recovery.record(r, ticks, restartTicks, elapsedNs, deathTickNs, roundDeaths, roundRestarts, answered);
        }
    }

    /**
     * Corrupts a seeded fraction of the cells (set-up, not timed).
     *
     * @return how many were corrupted.
     */
    private static int corrupt(final Organism organism, final Supervisor[] ids, final long seed, final double fraction)
    {
        int corrupted = 0;
        int index = 0;
        for (final Supervisor id : ids)
        {
            for (final long child : id.children())
            {
                if (BenchParams.unitOpen(seed, index++) < fraction)
                {
                    organism.cell(child).putLong(CORRUPT, 1);
                    corrupted++;
                }
            }
        }
        return corrupted;
    }

    /**
     * Every cell, reborn or not, answers a message afterwards.
     *
     * @return the cells that answered, checked to be n.
     */
    private static long pingAll(final Organism organism, final Supervisor[] ids, final int n)
    {
        final long deliveredBefore = organism.stats().delivered();
        for (final Supervisor id : ids)
        {
            for (final long child : id.children())
            {
                organism.send(child, PING, 0);
            }
        }
        organism.run(1);
        final long answered = organism.stats().delivered() - deliveredBefore;
        if (answered != n)
        {
            throw new WorkloadCheckException(ID, answered + " cells answered after recovery, expected " + n);
        }
        return answered;
    }

    /**
     * The figures of the measured rounds, and the JSON line that reports them.
     */
    private static final class Recovery
    {
        private final int n;
        private final double fraction;
        private final int supervisors;
        private final double[] recoveryMs;
        private final double[] restartsPerS;
        private final double[] p99;
        private final double[] max;
        private final double[] deathTick;
        private final double[] restartTickP50;
        private final double[] restartTickMax;
        private final Histogram all = new Histogram(3);
        private long deaths;
        private long restarts;
        private long answering;
        private int workers;
        private int budget;
        private int homes;

        Recovery(final BenchParams params)
        {
            n = params.cells();
            fraction = params.fraction();
            supervisors = (n + CHILDREN_PER_SUPERVISOR - 1) / CHILDREN_PER_SUPERVISOR;
            recoveryMs = new double[params.rounds()];
            restartsPerS = new double[params.rounds()];
            p99 = new double[params.rounds()];
            max = new double[params.rounds()];
            deathTick = new double[params.rounds()];
            restartTickP50 = new double[params.rounds()];
            restartTickMax = new double[params.rounds()];
        }

        void describe(final Organism organism)
        {
            workers = organism.workerCount();
            budget = organism.context().restartBudget();
            homes = organism.context().supervisionHomes();
        }

        void record(
            final int r,
            final Histogram ticks,
            final Histogram restartTicks,
            final long elapsedNs,
            final long deathTickNs,
            final long roundDeaths,
            final long roundRestarts,
            final long answered)
        {
            all.add(ticks);
            recoveryMs[r] = elapsedNs / 1e6;
            restartsPerS[r] = roundRestarts / (elapsedNs / 1e9);
            p99[r] = ticks.getValueAtPercentile(99) / 1e3;
            max[r] = ticks.getMaxValue() / 1e3;
            deathTick[r] = deathTickNs / 1e3;
            restartTickP50[r] = restartTicks.getValueAtPercentile(50) / 1e3;
            restartTickMax[r] = restartTicks.getMaxValue() / 1e3;
            deaths = roundDeaths;
            restarts = roundRestarts;
            answering = answered;
        }

        String json(final BenchParams params)
        {
            return new Json()
                .field("workload", ID)
                .field("engine", "karyon")
                .field("cells", n)
                .field("workers", workers)
                .field("fraction", fraction)
                .field("supervisors", supervisors)
                .field("restart_budget", budget)
                .field("supervision_homes", homes)
                .field("rounds", params.rounds())
                .field("seconds", Rounds.median(recoveryMs) / 1e3)
                .field("deaths", deaths)
                .field("restarts", restarts)
                .field("restarts_per_s", Rounds.median(restartsPerS))
                .field("recovery_ms", Rounds.median(recoveryMs))
                .field("answering", answering)
                .field("tick_p99_us", Rounds.median(p99))
                .field("tick_max_us", Rounds.median(max))
                .field("death_tick_us", Rounds.median(deathTick))
                .field("restart_tick_p50_us", Rounds.median(restartTickP50))
                .field("restart_tick_max_us", Rounds.median(restartTickMax))
                .field("hgrm", Histograms.write(params.out(), ID, all).toString())
                .toString();
        }
    }
}
