package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.cell.Handle;
import io.karyon.scheduler.ThreadingMode;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A supervised run with deaths of every kind, restarts paced by a small budget, escalations (within a home and
 * between homes), messages to stale handles, monitors of dying cells and broadcasts to a group whose members die is
 * the same, bit for bit, for any number of workers.
 */
class SupervisedDeterminismTest
{
    private static final CellLayout LAYOUT = CellLayout.builder().longField("peer").longField("sum").build();
    private static final int PEER = LAYOUT.offset("peer");
    private static final int SUM = LAYOUT.offset("sum");
    private static final RestartStrategy[] STRATEGIES = {
        RestartStrategy.ONE_FOR_ONE, RestartStrategy.ONE_FOR_ALL, RestartStrategy.REST_FOR_ONE,
        RestartStrategy.SIMPLE_ONE_FOR_ONE };
    private static final RestartType[] TYPES = { RestartType.PERMANENT, RestartType.TRANSIENT, RestartType.TEMPORARY };

    /**
     * The digest of the run and every counter that could differ.
     */
    private record Outcome(long digest, long alive, long deaths, String byReason, long restarts, long escalations,
        long deadLetters, long delivered, long maxPending)
    {
    }

    private static Outcome run(final int workers, final long seed)
    {
        try (Organism organism = Organism.launch(new Context().workerCount(workers)
            .threadingMode(ThreadingMode.INVOKER).chunkShift(8).seed(seed).restartBudget(3)))
        {
            final int poisoned = organism.exitReason("poisoned");
            final int group = organism.groups().id("fickle");
            organism.registerBehaviour("fickle", new Behaviour()
            {
                public void onTick(final CellFlyweight cell, final CellContext context)
                {
                    final long r = context.nextLong() & 1023;
                    if (r < 4)
                    {
                        throw new IllegalStateException("fickle");
                    }
                    if (r < 8)
                    {
                        context.die(poisoned);
                    }
                    else if (r < 10)
                    {
                        context.die(ExitReasons.NORMAL);
                    }
                    else if (r < 60)
                    {
                        context.send(cell.getLong(PEER), 1, context.nextLong() & 0xFF);
                    }
                    else if (r < 64)
                    {
                        context.monitor(cell.getLong(PEER));
                    }
                    else if (r < 70)
                    {
                        context.join(group);
                    }
                    else if (r == 70)
                    {
                        context.broadcast(group, 2, context.self());
                    }
                }

                public void onMessage(final CellFlyweight cell, final CellContext context, final long sender,
                    final int type, final long payload)
                {
                    cell.putLong(SUM, cell.getLong(SUM) * 31 + payload);
                    cell.putLong(PEER, sender);
                }
            });
            final Genotype genotype = organism.genotype("fickle", LAYOUT, "fickle").putLong(PEER, Handle.NULL_HANDLE);
            final List<Long> cells = new ArrayList<>();
            for (int t = 0; t < 20; t++)
            {
                final Supervisor top = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 1_000_000, 10);
                for (int s = 0; s < 2; s++)
                {
                    final RestartStrategy strategy = STRATEGIES[(t + s) % STRATEGIES.length];
                    final Supervisor supervisor =
                        organism.supervisor(top, strategy, 2 + s, 5, TYPES[t % TYPES.length], 1 == s);
                    for (int c = 0; c < 40; c++)
                    {
                        final long cell = organism.spawn(genotype, supervisor, TYPES[(t + c) % TYPES.length]);
                        if (!cells.isEmpty())
                        {
                            organism.cell(cell).putLong(PEER, cells.get((c * 7919) % cells.size()));
                        }
                        cells.add(cell);
                    }
                }
            }
            long maxPending = 0;
            for (int tick = 0; tick < 60; tick++)
            {
                organism.run(1);
                maxPending = Math.max(maxPending, organism.stats().pendingRestarts());
            }
            final Stats stats = organism.stats();
            return new Outcome(organism.digest(), stats.alive(), stats.deaths(), stats.deathsByReason().toString(),
                stats.restarts(), stats.escalations(), stats.deadLetters(), stats.delivered(), maxPending);
        }
    }

    @Test
    @Timeout(60)
    void shouldGiveTheSameSupervisedRunForAnyNumberOfWorkers()
    {
        final Outcome expected = run(1, 11);
        assertTrue(expected.restarts() > 100, "restarts: " + expected);
        assertTrue(expected.escalations() > 0, "escalations: " + expected);
        assertTrue(expected.maxPending() > 3, "the budget must carry restarts over: " + expected);
        assertTrue(expected.deadLetters() > 0, "messages to restarted cells' old handles: " + expected);
        for (final int workers : new int[]{ 2, 3, 4, 8 })
        {
            assertEquals(expected, run(workers, 11), workers + " workers");
        }
        assertNotEquals(expected, run(2, 12), "another seed, another run");
    }
}
