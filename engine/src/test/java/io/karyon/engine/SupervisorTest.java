package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.cell.Handle;
import io.karyon.scheduler.ThreadingMode;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The supervisor handle: which home and row a supervisor gets, its id in reports, the read-only view of its
 * children and state, and its refusal to serve another organism or a closed one.
 */
class SupervisorTest
{
    private static final CellLayout LAYOUT = CellLayout.builder().longField("doom").build();
    private static final int DOOM = LAYOUT.offset("doom");

    private final Organism organism = launch();
    private final Genotype genotype = organism.genotype("mortal", LAYOUT, "mortal");

    private static Organism launch()
    {
        final Organism organism = Organism.launch(new Context().workerCount(2).threadingMode(ThreadingMode.INVOKER)
            .chunkShift(8).supervisionHomes(3));
        organism.registerBehaviour("mortal", new Behaviour()
        {
            public void onTick(final CellFlyweight cell, final CellContext context)
            {
                if (1 == cell.getLong(DOOM))
                {
                    throw new IllegalStateException("doomed");
                }
            }

            public void onMessage(final CellFlyweight cell, final CellContext context, final long sender,
                final int type, final long payload)
            {
            }
        });
        return organism;
    }

    @AfterEach
    void close()
    {
        organism.close();
    }

    @Test
    void shouldDealTopLevelSupervisorsToTheHomesInTurnAndNestChildrenInTheirParentsHome()
    {
        final Supervisor[] tops = new Supervisor[4];
        for (int s = 0; s < tops.length; s++)
        {
            tops[s] = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 1, 10);
        }
        final Supervisor child =
            organism.supervisor(tops[1], RestartStrategy.ONE_FOR_ONE, 1, 10, RestartType.PERMANENT);

        final int[][] homeAndRow = { { 0, 0 }, { 1, 0 }, { 2, 0 }, { 0, 1 } };
        for (int s = 0; s < tops.length; s++)
        {
            assertEquals(homeAndRow[s][0], tops[s].home(), "supervisor " + s);
            assertEquals(homeAndRow[s][1], tops[s].row(), "supervisor " + s);
            assertEquals(tops[s].home() << 24 | tops[s].row(), tops[s].id(), "supervisor " + s);
        }
        assertEquals(1, child.home(), "a child supervisor lives in its parent's home");
        assertEquals(1, child.row());
        assertEquals("Supervisor{id=16777217, home=1, row=1}", child.toString());
    }

    @Test
    void shouldListChildrenInStartOrderWithANullHandleForAChildSupervisor()
    {
        final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 5, 10);
        final long first = organism.spawn(genotype, supervisor, RestartType.PERMANENT);
        final long second = organism.spawn(genotype, supervisor, RestartType.PERMANENT);
        organism.supervisor(supervisor, RestartStrategy.ONE_FOR_ONE, 1, 10, RestartType.PERMANENT);
        final long third = organism.spawn(genotype, supervisor, RestartType.TEMPORARY);

        assertArrayEquals(new long[] { first, second, Handle.NULL_HANDLE, third }, supervisor.children());
        final long[] two = { -1, -1, -1 };
        assertEquals(4, supervisor.children(new long[0]));
        assertEquals(4, supervisor.children(two), "counts every child, copies those that fit");
        assertArrayEquals(new long[] { first, second, Handle.NULL_HANDLE }, two);
        assertTrue(supervisor.isRunning());
    }

    @Test
    void shouldListARestartedChildUnderItsNewHandle()
    {
        final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 5, 10);
        final long child = organism.spawn(genotype, supervisor, RestartType.PERMANENT);
        organism.cell(child).putLong(DOOM, 1);
        organism.run(2);

        final long reborn = supervisor.children()[0];
        assertNotEquals(child, reborn);
        assertTrue(organism.isAlive(reborn));
        assertFalse(organism.isAlive(child));
    }

    @Test
    void shouldRejectASupervisorOfAnotherOrganism()
    {
        final Supervisor mine = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 1, 10);
        try (Organism other = launch())
        {
            final Supervisor theirs = other.supervisor(RestartStrategy.ONE_FOR_ONE, 1, 10);
            assertNotEquals(mine, theirs, "the same home and row in two organisms are two supervisors");
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> organism.spawn(genotype, theirs, RestartType.PERMANENT));
            assertEquals("supervisor of another organism: Supervisor{id=0, home=0, row=0}", ex.getMessage());
            assertThrows(IllegalArgumentException.class,
                () -> organism.supervisor(theirs, RestartStrategy.ONE_FOR_ONE, 1, 10, RestartType.PERMANENT));
        }
        assertEquals(mine, mine);
        assertThrows(IllegalArgumentException.class, () -> organism.spawn(genotype, null, RestartType.PERMANENT));
    }

    @Test
    void shouldRefuseToReadASupervisorOnceItsOrganismIsClosed()
    {
        final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 1, 10);
        organism.close();
        final IllegalStateException ex = assertThrows(IllegalStateException.class, supervisor::isRunning);
        assertEquals("organism is closed", ex.getMessage());
        assertThrows(IllegalStateException.class, supervisor::children);
    }
}
