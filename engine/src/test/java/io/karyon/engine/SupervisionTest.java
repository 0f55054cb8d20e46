package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.cell.Handle;
import io.karyon.scheduler.ThreadingMode;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Supervised cells: apoptosis reported to the supervisor, rebirth from the genotype, OTP strategies, escalation,
 * giving up, and the per-tick restart budget.
 */
class SupervisionTest
{
    static final CellLayout LAYOUT = CellLayout.builder().longField("doom").longField("age").longField("seed").build();
    static final int DOOM = LAYOUT.offset("doom");
    static final int AGE = LAYOUT.offset("age");
    static final int SEED = LAYOUT.offset("seed");

    private final Organism organism = Organism.launch(
        new Context().workerCount(2).threadingMode(ThreadingMode.INVOKER).chunkShift(8).restartBudget(100));
    private final Genotype genotype;

    SupervisionTest()
    {
        organism.registerBehaviour("mortal", new Behaviour()
        {
            public void onTick(final CellFlyweight cell, final CellContext context)
            {
                cell.putLong(AGE, cell.getLong(AGE) + 1);
                if (cell.getLong(DOOM) == context.tick())
                {
                    throw new IllegalStateException("doomed");
                }
            }

            public void onMessage(final CellFlyweight cell, final CellContext context, final long sender,
                final int type, final long payload)
            {
                cell.putLong(DOOM, payload);
            }
        });
        genotype = organism.genotype("mortal", LAYOUT, "mortal").putLong(DOOM, -1).putLong(SEED, 7);
    }

    @AfterEach
    void close()
    {
        organism.close();
    }

    @Test
    void shouldRebirthACellThatThrowsFromItsGenotypeWithANewHandle()
    {
        final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 5, 10);
        final long child = organism.spawn(genotype, supervisor, RestartType.PERMANENT);
        organism.cell(child).putLong(DOOM, 2).putLong(SEED, 99);
        organism.run(4);

        assertFalse(organism.isAlive(child), "the old handle is stale");
        final Stats stats = organism.stats();
        assertEquals(1L, stats.deathsByReason().get("exception"));
        assertEquals(1, stats.restarts());
        assertEquals(1, stats.alive());
        final long reborn = supervisor.children()[0];
        assertNotEquals(child, reborn);
        assertEquals(7, organism.cell(reborn).getLong(SEED), "state comes back from the genotype");
        assertEquals(-1, organism.cell(reborn).getLong(DOOM));
        organism.send(child, 1, 5);
        organism.run(1);
        assertEquals(1, organism.stats().deadLetters(), "a message to the old handle is a dead letter");
        assertEquals(-1, organism.cell(reborn).getLong(DOOM));
    }

    @Test
    void shouldTerminateAndRestartEverySiblingOneForAll()
    {
        final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ALL, 5, 10);
        final long[] children = new long[3];
        for (int i = 0; i < 3; i++)
        {
            children[i] = organism.spawn(genotype, supervisor, RestartType.PERMANENT);
        }
        organism.cell(children[1]).putLong(DOOM, 1);
        organism.run(3);
        final Stats stats = organism.stats();
        assertEquals(1L, stats.deathsByReason().get("exception"));
        assertEquals(2L, stats.deathsByReason().get("shutdown"));
        assertEquals(3, stats.restarts());
        assertEquals(Map.of("exception", 1L, "shutdown", 2L), stats.restartsByReason(),
            "the siblings' restarts follow their shutdown");
        assertEquals(3, stats.alive());
        for (final long child : children)
        {
            assertFalse(organism.isAlive(child));
        }
    }

    @Test
    void shouldNotRestartATemporaryChild()
    {
        final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 5, 10);
        final long child = organism.spawn(genotype, supervisor, RestartType.TEMPORARY);
        organism.cell(child).putLong(DOOM, 1);
        organism.run(3);
        assertEquals(0, organism.stats().restarts());
        assertEquals(0, organism.stats().alive());
    }

    @Test
    void shouldEscalateToTheParentWhenIntensityIsExceeded()
    {
        final Supervisor top = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 10, 100);
        final Supervisor middle = organism.supervisor(top, RestartStrategy.ONE_FOR_ONE, 1, 100, RestartType.PERMANENT);
        final long a = organism.spawn(genotype, middle, RestartType.PERMANENT);
        final long b = organism.spawn(genotype, middle, RestartType.PERMANENT);
        organism.cell(a).putLong(DOOM, 1);
        organism.cell(b).putLong(DOOM, 2);
        organism.run(5);

        final Stats stats = organism.stats();
        assertEquals(1, stats.escalations(), "the middle supervisor gave up once and its parent restarted it");
        assertEquals(2, stats.alive(), "the restarted middle supervisor started both children again");
        assertTrue(middle.isRunning());
    }

    @Test
    void shouldStopTheOrganismWhenATopLevelSupervisorGivesUp()
    {
        final Supervisor top = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 0, 100);
        final long child = organism.spawn(genotype, top, RestartType.PERMANENT);
        organism.cell(child).putLong(DOOM, 1);
        final KaryonException ex = assertThrows(KaryonException.class, () -> organism.run(3));
        assertTrue(ex.getMessage().startsWith("a top-level supervisor gave up, organism stopped: "), ex.getMessage());
        assertTrue(ex.getMessage().contains("supervisor " + top.id() +
            " (supervision home 0, row 0) gave up at tick 1: more than 0 restarts within 100 ticks, restarts at " +
            "ticks [1]; the exit that tipped it: cell " + Handle.toString(child) + " with reason exception"),
            ex.getMessage());
        assertThrows(IllegalStateException.class, () -> organism.run(1));
    }

    @Test
    void shouldCountDeathsByReasonThatAddUpToTheRestarts()
    {
        final int poisoned = organism.exitReason("poisoned");
        organism.registerBehaviour("poisonable", new Behaviour()
        {
            public void onTick(final CellFlyweight cell, final CellContext context)
            {
                if (1 == cell.getLong(DOOM))
                {
                    context.die(poisoned);
                }
                else if (2 == cell.getLong(DOOM))
                {
                    throw new IllegalStateException("boom");
                }
            }

            public void onMessage(final CellFlyweight cell, final CellContext context, final long sender,
                final int type, final long payload)
            {
            }
        });
        final Genotype poisonable = organism.genotype("poisonable", LAYOUT, "poisonable");
        final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 100, 100);
        final long[] children = new long[30];
        for (int i = 0; i < children.length; i++)
        {
            children[i] = organism.spawn(poisonable, supervisor, RestartType.PERMANENT);
            organism.cell(children[i]).putLong(DOOM, i % 3);
        }
        for (int i = 0; i < children.length; i += 3)
        {
            organism.kill(children[i]);
        }
        organism.run(3);

        final Stats stats = organism.stats();
        assertEquals(10L, stats.deathsByReason().get("killed"));
        assertEquals(10L, stats.deathsByReason().get("poisoned"));
        assertEquals(10L, stats.deathsByReason().get("exception"));
        assertEquals(30, stats.deaths());
        assertEquals(30, stats.restarts(), "every permanent child comes back, whatever the reason");
        assertEquals(stats.deathsByReason(), stats.restartsByReason(), "restarts by reason add up to the deaths");
        assertEquals(30, stats.alive());
    }

    @Test
    void shouldAddAndRemoveDynamicChildrenWhileAStormIsBeingRestarted()
    {
        final Supervisor supervisor = organism.supervisor(RestartStrategy.SIMPLE_ONE_FOR_ONE, 10_000, 100);
        final long[] children = new long[300];
        for (int i = 0; i < children.length; i++)
        {
            children[i] = organism.spawn(genotype, supervisor, RestartType.PERMANENT);
            organism.cell(children[i]).putLong(DOOM, 0);
        }
        organism.run(1);
        assertEquals(300, organism.stats().pendingRestarts());
        for (int i = 0; i < 50; i++)
        {
            organism.spawn(genotype, supervisor, RestartType.TEMPORARY);
        }
        organism.run(1);
        assertEquals(200, organism.stats().pendingRestarts(), "the budget restarts 100 a tick");
        organism.run(2);
        final Stats stats = organism.stats();
        assertEquals(300, stats.restarts());
        assertEquals(350, stats.alive());
        assertEquals(0, stats.pendingRestarts());
        assertEquals(350, supervisor.children().length);
    }

    @Test
    void shouldCatchCorruptStateBeforeAdvancingItAndRestartTheCell()
    {
        organism.registerBehaviour("checked", new Behaviour()
        {
            public void onTick(final CellFlyweight cell, final CellContext context)
            {
                cell.putLong(AGE, cell.getLong(AGE) + 1);
            }

            public void onMessage(final CellFlyweight cell, final CellContext context, final long sender,
                final int type, final long payload)
            {
                cell.putLong(AGE, cell.getLong(AGE) + 100);
            }

            public boolean checksIntegrity()
            {
                return true;
            }

            public boolean isIntact(final CellFlyweight cell)
            {
                return cell.getLong(SEED) == 7;
            }
        });
        final Genotype checked = organism.genotype("checked", LAYOUT, "checked").putLong(SEED, 7);
        final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 10, 100);
        final long healthy = organism.spawn(checked, supervisor, RestartType.PERMANENT);
        final long corrupt = organism.spawn(checked, supervisor, RestartType.PERMANENT);
        organism.run(1);
        organism.cell(corrupt).putLong(SEED, 8);
        final long age = organism.cell(corrupt).getLong(AGE);
        organism.send(corrupt, 1, 0);
        organism.run(1);

        assertFalse(organism.isAlive(corrupt), "caught before its message or step");
        assertEquals(1L, organism.stats().deathsByReason().get("corrupt"));
        assertEquals(1, organism.stats().deadLetters(), "its message was not handled");
        assertEquals(2, organism.cell(healthy).getLong(AGE));
        organism.run(1);
        assertEquals(1, organism.stats().restarts());
        assertEquals(2, organism.stats().alive());
        assertEquals(1, age);
    }

    @Test
    void shouldSpreadAStormOfRestartsOverTicksWithinTheBudget()
    {
        final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 10_000, 100);
        final long[] children = new long[1_000];
        for (int i = 0; i < children.length; i++)
        {
            children[i] = organism.spawn(genotype, supervisor, RestartType.PERMANENT);
            organism.cell(children[i]).putLong(DOOM, 0);
        }
        organism.run(1);
        assertEquals(1_000, organism.stats().deaths());
        assertEquals(0, organism.stats().restarts());
        for (int t = 1; t <= 10; t++)
        {
            organism.run(1);
            assertEquals(100L * t, organism.stats().restarts(), "at most the budget per tick, tick " + t);
            assertEquals(1_000 - 100L * t, organism.stats().pendingRestarts());
        }
        assertEquals(1_000, organism.stats().alive());
    }
}
