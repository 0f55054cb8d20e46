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
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;
import org.HdrHistogram.Histogram;

import java.util.Arrays;
import java.util.Locale;

/**
 * W5x, escalation: as W5, cells under supervisors of 1,000 children each (one_for_one, intensity 3 in 10 ticks), the
 * supervisors under top-level parents (100 each); in each round the children of one supervisor die more often than
 * its intensity allows (4 at once). That supervisor must give up and be restarted by its parent exactly once per
 * excess, and every other supervisor's children must be untouched (same handles). The cells wait for messages, as
 * the peers' do (and Erlang processes blocked in {@code receive}): each round the driver marks the victims' state
 * corrupt and tells them to check it, so a tick costs the cells that have work, not a visit to every cell.
 * {@code escalation_ms} runs from telling the cells to check to the last new cell's start.
 */
final class W5xEscalation
{
    static final String ID = "W5x";
    static final int INTENSITY = 3;
    static final int PERIOD = 10;
    static final int SUPERVISORS_PER_PARENT = 100;
    /**
     * Warm-up rounds when {@code --warmup} is not given: a round takes milliseconds and its give-up, termination and
     * restart paths once each, so the JIT has compiled them only after several rounds (measured here: the first five
     * to eight rounds take 1.5-5 ms, the rest 0.6-1 ms).
     */
    static final int WARMUP = 10;
    private static final int CHECK = 1;

    /**
     * Has no tick step: checks its state when told to, and dies if it finds it corrupt.
     */
    static final class Probed implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
            if (0 != cell.getLong(W5Apoptosis.CORRUPT))
            {
                context.die(ExitReasons.CORRUPT);
            }
        }

        public boolean hasTick()
        {
            return false;
        }
    }

    private W5xEscalation()
    {
    }

    static String run(final BenchParams params)
    {
        final Escalations escalations = new Escalations(params);
        try (Organism organism = Organism.launch(params.context().seed(params.seed())))
        {
            escalations.workers = organism.workerCount();
            final Supervisor[] ids = populate(organism, params.cells(), escalations.supervisors);
            organism.run(1);
            final long[][] handles = new long[escalations.supervisors][];
            for (int r = -params.warmup(); r < params.rounds(); r++)
            {
                round(organism, ids, handles, params, r, escalations);
            }
        }
        return escalations.json(params);
    }

    /**
     * Spawns the parents, the supervisors under them and n probed cells under the supervisors.
     */
    private static Supervisor[] populate(final Organism organism, final int n, final int supervisors)
    {
        final int children = W5Apoptosis.CHILDREN_PER_SUPERVISOR;
        organism.registerBehaviour("probed", new Probed());
        final Genotype genotype = organism.genotype("probed", W5Apoptosis.LAYOUT, "probed");
        final Supervisor[] ids = new Supervisor[supervisors];
        Supervisor parent = null;
        for (int s = 0, spawned = 0; s < supervisors; s++)
        {
            if (0 == s % SUPERVISORS_PER_PARENT)
            {
                parent = organism.supervisor(RestartStrategy.ONE_FOR_ONE, SUPERVISORS_PER_PARENT, 1);
            }
            ids[s] = organism.supervisor(parent, RestartStrategy.ONE_FOR_ONE, INTENSITY, PERIOD,
                RestartType.PERMANENT);
            for (int c = 0; c < children && spawned < n; c++, spawned++)
            {
                organism.spawn(genotype, ids[s], RestartType.PERMANENT);
            }
        }
        return ids;
    }

    /**
     * One round: more children of a seeded supervisor die than its intensity allows; timed from telling them to
     * check to the last restart, then checked (one escalation, the other supervisors' children untouched, all alive)
     * and recorded.
     */
    private static void round(
        final Organism organism,
        final Supervisor[] ids,
        final long[][] handles,
        final BenchParams params,
        final int r,
        final Escalations escalations)
    {
        final int supervisors = ids.length;
        final int victim = (int)((BenchParams.generate(params.seed(), r + 1000L) >>> 1) % supervisors);
        for (int s = 0; s < supervisors; s++)
        {
            handles[s] = ids[s].children();
        }
        final int dying = Math.min(INTENSITY + 1, handles[victim].length);
        for (int k = 0; k < dying; k++)
        {
            organism.cell(handles[victim][k]).putLong(W5Apoptosis.CORRUPT, 1);
        }
        final Stats before = organism.stats();
        organism.resetTickLatencies();
        final long startNs = System.nanoTime();
        for (int k = 0; k < dying; k++)
        {
            organism.send(handles[victim][k], CHECK, 0);
        }
        // The deaths and the supervisor's give-up take a tick, its restart by its parent the next: two ticks
        // in one run, so the workers do not park between them; more if restarts are still pending.
        organism.run(2);
        while (organism.stats().pendingRestarts() > 0)
        {
            organism.run(1);
        }
        final long elapsedNs = System.nanoTime() - startNs;
        final long roundEscalations = organism.stats().escalations() - before.escalations();
        final boolean roundUntouched = untouched(ids, handles, victim);
        if (1 != roundEscalations || !roundUntouched)
        {
            throw new WorkloadCheckException(ID, "supervisor " + victim + " escalated " + roundEscalations +
                " times (expected once); other supervisors untouched: " + roundUntouched);
        }
        if (organism.stats().alive() != params.cells())
        {
            throw new WorkloadCheckException(ID, organism.stats().alive() + " alive after recovery, expected "
                + params.cells());
        }
        final Histogram ticks = organism.tickLatencies();
        params.progress(String.format(Locale.ROOT,
            "W5x %s round: supervisor %d gave up, %d escalation(s), recovered in %.2f ms over %d ticks " +
            "(%.2f ms in them, the longest %.0f us), others untouched: %s", r < 0 ? "warm-up" : "measured",
            victim, roundEscalations, elapsedNs / 1e6, ticks.getTotalCount(),
            ticks.getMean() * ticks.getTotalCount() / 1e6, ticks.getMaxValue() / 1e3, roundUntouched));
        if (r >= 0)
        {
            escalations.record(r, roundEscalations, roundUntouched, elapsedNs, ticks);
        }
    }

    /**
     * Whether every supervisor but the victim still has the children it had before the round (same handles).
     */
    private static boolean untouched(final Supervisor[] ids, final long[][] handles, final int victim)
    {
        boolean untouched = true;
        for (int s = 0; s < ids.length; s++)
        {
            if (s != victim && !Arrays.equals(handles[s], ids[s].children()))
            {
                untouched = false;
            }
        }
        return untouched;
    }

    /**
     * The figures of the measured rounds, and the JSON line that reports them.
     */
    private static final class Escalations
    {
        private final int n;
        private final int supervisors;
        private final double[] escalationMs;
        private final LatencyRounds tickLatencies;
        private long escalations;
        private boolean untouched = true;
        private int workers;

        Escalations(final BenchParams params)
        {
            n = params.cells();
            supervisors = (n + W5Apoptosis.CHILDREN_PER_SUPERVISOR - 1) / W5Apoptosis.CHILDREN_PER_SUPERVISOR;
            escalationMs = new double[params.rounds()];
            tickLatencies = new LatencyRounds(params.rounds(), LatencyRounds.HIGHEST_TICK_NS);
        }

        void record(
            final int r, final long roundEscalations, final boolean roundUntouched, final long elapsedNs,
            final Histogram ticks)
        {
            escalations += roundEscalations;
            untouched &= roundUntouched;
            escalationMs[r] = elapsedNs / 1e6;
            tickLatencies.record(r, ticks);
        }

        String json(final BenchParams params)
        {
            return new Json()
                .field("workload", ID)
                .field("engine", "karyon")
                .field("cells", n)
                .field("workers", workers)
                .field("supervisors", supervisors)
                .field("rounds", params.rounds())
                .field("seconds", Rounds.median(escalationMs) / 1e3)
                .field("escalations", escalations)
                .field("expected_escalations", params.rounds())
                .field("untouched_ok", untouched)
                .field("escalation_ms", Rounds.median(escalationMs))
                .field("tick_max_us", tickLatencies.maxUs())
                .field("hgrm", Histograms.write(params.out(), ID, tickLatencies.all()).toString())
                .toString();
        }
    }
}
