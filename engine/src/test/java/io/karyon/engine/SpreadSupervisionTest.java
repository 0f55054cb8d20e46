package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.scheduler.ThreadingMode;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One tree spread over supervision homes, and so over workers: a child supervisor in another home than its parent
 * escalates to it, and is restarted or terminated by it, one tick later.
 */
class SpreadSupervisionTest
{
    private static final CellLayout LAYOUT = CellLayout.builder().longField("doom").build();
    private static final int DOOM = LAYOUT.offset("doom");
    private static final int CHILDREN = 10;

    private final Organism organism = Organism.launch(
        new Context().workerCount(2).threadingMode(ThreadingMode.INVOKER).chunkShift(8).supervisionHomes(4));
    private final Genotype genotype;

    SpreadSupervisionTest()
    {
        organism.registerBehaviour("mortal", new Behaviour()
        {
            public void onTick(final CellFlyweight cell, final CellContext context)
            {
                if (cell.getLong(DOOM) == context.tick())
                {
                    throw new IllegalStateException("doomed");
                }
            }

            public void onMessage(final CellFlyweight cell, final CellContext context, final long sender,
                final int type, final long payload)
            {
            }
        });
        genotype = organism.genotype("mortal", LAYOUT, "mortal").putLong(DOOM, -1);
    }

    @AfterEach
    void close()
    {
        organism.close();
    }

    private long[][] tree(final Supervisor top, final int supervisors)
    {
        final long[][] children = new long[supervisors][CHILDREN];
        for (int s = 0; s < supervisors; s++)
        {
            final Supervisor supervisor =
                organism.supervisor(top, RestartStrategy.ONE_FOR_ONE, 0, 100, RestartType.PERMANENT, true);
            for (int c = 0; c < CHILDREN; c++)
            {
                children[s][c] = organism.spawn(genotype, supervisor, RestartType.PERMANENT);
            }
        }
        return children;
    }

    @Test
    void shouldSpreadOneTreeOverTheWorkersAndRestartAGivingUpChildSupervisorFromItsParent()
    {
        final Supervisor top = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 10, 100);
        final long[][] children = tree(top, 4);
        organism.run(1);
        assertEquals(2L * CHILDREN, organism.stats(0).alive(), "homes 1 and 3 are on worker 1, 0 and 2 on 0");
        assertEquals(2L * CHILDREN, organism.stats(1).alive());

        organism.cell(children[2][4]).putLong(DOOM, 1);
        organism.run(1);
        assertEquals(1, organism.stats().escalations(), "the child supervisor gave up in tick 1");
        assertEquals(4L * CHILDREN - CHILDREN, organism.stats().alive(), "and terminated its children");
        organism.run(1);
        assertEquals(0, organism.stats().restarts(), "its parent restarts it in tick 2, it restarts them in tick 3");
        organism.run(1);
        assertEquals(CHILDREN, organism.stats().restarts());
        assertEquals(4L * CHILDREN, organism.stats().alive());
        assertEquals(1L, organism.stats().deathsByReason().get("exception"));
        assertEquals(CHILDREN - 1L, organism.stats().deathsByReason().get("shutdown"));
        for (final int s : new int[]{ 0, 1, 3 })
        {
            for (final long child : children[s])
            {
                assertTrue(organism.isAlive(child), "other supervisors' children untouched");
            }
        }
        assertFalse(organism.isAlive(children[2][0]), "restarted with new handles");
    }

    @Test
    void shouldTerminateAndRestartARemoteSiblingOneForAll()
    {
        final Supervisor top = organism.supervisor(RestartStrategy.ONE_FOR_ALL, 10, 100);
        final long[][] children = tree(top, 2);
        organism.cell(children[0][0]).putLong(DOOM, 1);
        organism.run(5);
        final Stats stats = organism.stats();
        assertEquals(2L * CHILDREN, stats.restarts(), "both subtrees restarted");
        assertEquals(2L * CHILDREN, stats.alive());
        assertEquals(2L * CHILDREN - 1, stats.deathsByReason().get("shutdown"));
        for (final long[] subtree : children)
        {
            for (final long child : subtree)
            {
                assertFalse(organism.isAlive(child));
            }
        }
    }

    @Test
    void shouldStopTheOrganismWhenTheTopGivesUpOverAChildSupervisorInAnotherHome()
    {
        final Supervisor top = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 0, 100);
        final long[][] children = tree(top, 3);
        organism.cell(children[1][0]).putLong(DOOM, 1);
        final KaryonException ex = assertThrows(KaryonException.class, () -> organism.run(3));
        final String gaveUp = "supervisor " + top.id() + " (supervision home 0, row 0) gave up at tick 2";
        assertTrue(ex.getMessage().contains(gaveUp) &&
            ex.getMessage().contains("a child supervisor in another home with reason shutdown"), ex.getMessage());
    }

    @Test
    void shouldRefuseASpreadChildSupervisorInFreeRunningMode()
    {
        try (Organism free = Organism.launch(new Context().workerCount(1).threadingMode(ThreadingMode.INVOKER)
            .freeRunning(true)))
        {
            final Supervisor top = free.supervisor(RestartStrategy.ONE_FOR_ONE, 1, 100);
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> free.supervisor(top, RestartStrategy.ONE_FOR_ONE, 1, 100, RestartType.PERMANENT, true));
            assertTrue(ex.getMessage().startsWith("a supervisor in another home than its parent needs tick mode"));
        }
    }
}
