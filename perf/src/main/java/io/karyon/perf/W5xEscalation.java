package io.karyon.perf;

import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.Stats;
import io.karyon.engine.cli.Json;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartTable;
import io.karyon.supervisor.RestartTableDescriptor;
import io.karyon.supervisor.RestartType;

import java.util.Arrays;
import java.util.Locale;

/**
 * W5x, escalation: as W5, cells under supervisors of 1,000 children each (one_for_one, intensity 3 in 10 ticks), the
 * supervisors under top-level parents (100 each); in each round the children of one supervisor die more often than
 * its intensity allows (4 at once). That supervisor must give up and be restarted by its parent exactly once per
 * excess, and every other supervisor's children must be untouched (same handles).
 */
final class W5xEscalation
{
    static final String ID = "W5x";
    static final int INTENSITY = 3;
    static final int PERIOD = 10;
    static final int SUPERVISORS_PER_PARENT = 100;

    private W5xEscalation()
    {
    }

    static String run(final BenchParams params)
    {
        final int n = params.cells();
        final int children = W5Apoptosis.CHILDREN_PER_SUPERVISOR;
        final int supervisors = (n + children - 1) / children;
        final int excesses = params.warmup() + params.rounds();
        final double[] escalationMs = new double[params.rounds()];
        long escalations = 0;
        boolean untouched = true;
        final int workers;
        try (Organism organism = Organism.launch(params.context().seed(params.seed())))
        {
            workers = organism.workerCount();
            organism.registerBehaviour("checked", new W5Apoptosis.Checked());
            final Genotype genotype = organism.genotype("checked", W5Apoptosis.LAYOUT, "checked");
            final int[] ids = new int[supervisors];
            int parent = -1;
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
            organism.run(1);
            final long[][] handles = new long[supervisors][];

            for (int r = -params.warmup(); r < params.rounds(); r++)
            {
                final int victim = (int)((BenchParams.generate(params.seed(), r + 1000L) >>> 1) % supervisors);
                for (int s = 0; s < supervisors; s++)
                {
                    handles[s] = handlesOf(organism, ids[s]);
                }
                for (int k = 0; k <= INTENSITY && k < handles[victim].length; k++)
                {
                    organism.cell(handles[victim][k]).putLong(W5Apoptosis.CORRUPT, 1);
                }
                final Stats before = organism.stats();
                final long startNs = System.nanoTime();
                organism.run(1);
                while (organism.stats().pendingRestarts() > 0)
                {
                    organism.run(1);
                }
                final long elapsedNs = System.nanoTime() - startNs;
                final long roundEscalations = organism.stats().escalations() - before.escalations();
                boolean roundUntouched = true;
                for (int s = 0; s < supervisors; s++)
                {
                    if (s != victim && !Arrays.equals(handles[s], handlesOf(organism, ids[s])))
                    {
                        roundUntouched = false;
                    }
                }
                if (1 != roundEscalations || !roundUntouched)
                {
                    throw new WorkloadCheckException(ID, "supervisor " + victim + " escalated " + roundEscalations +
                        " times (expected once); other supervisors untouched: " + roundUntouched);
                }
                if (organism.stats().alive() != n)
                {
                    throw new WorkloadCheckException(ID, organism.stats().alive() + " alive after recovery, expected " + n);
                }
                params.progress(String.format(Locale.ROOT,
                    "W5x %s round: supervisor %d gave up, %d escalation(s), recovered in %.1f ms, others untouched: %s",
                    r < 0 ? "warm-up" : "measured", victim, roundEscalations, elapsedNs / 1e6, roundUntouched));
                if (r >= 0)
                {
                    escalations += roundEscalations;
                    untouched &= roundUntouched;
                    escalationMs[r] = elapsedNs / 1e6;
                }
            }
        }
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
            .toString();
    }

    private static long[] handlesOf(final Organism organism, final int supervisor)
    {
        final RestartTable table = organism.restartTable(supervisor);
        final int row = Organism.supervisorRow(supervisor);
        final long[] handles = new long[table.childCount(row)];
        int i = 0;
        for (int e = table.firstChild(row); RestartTableDescriptor.NULL_ENTRY != e; e = table.nextChild(e))
        {
            handles[i++] = table.handle(e);
        }
        return handles;
    }
}
