package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.scheduler.ThreadingMode;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stable child ids: a supervised cell keeps its child id across restarts, the driver and cells find its current
 * handle from it (or learn why there is none), bad ids are refused with one clear line, and a monitor that follows a
 * child is told its new handle.
 */
class ChildIdsTest
{
    static final CellLayout LAYOUT = CellLayout.builder().longField("id").longField("seen").build();
    static final int ID = LAYOUT.offset("id");
    static final int SEEN = LAYOUT.offset("seen");

    /**
     * A child that writes its own child id on any message, and dies normally on message type 9.
     */
    static final class Child implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
        }

        public void onMessage(final CellFlyweight cell, final CellContext context, final long sender, final int type,
            final long payload)
        {
            cell.putLong(ID, context.childId());
            if (9 == type)
            {
                context.die(ExitReasons.NORMAL);
            }
        }

        public boolean hasTick()
        {
            return false;
        }
    }

    /**
     * A cell that, on a message, looks up the child id in its payload and keeps the answer.
     */
    static final class Finder implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
        }

        public void onMessage(final CellFlyweight cell, final CellContext context, final long sender, final int type,
            final long payload)
        {
            cell.putLong(SEEN, context.child(payload));
        }

        public boolean hasTick()
        {
            return false;
        }
    }

    /**
     * On message type 1 watches the handle in the payload with a following monitor; keeps the engine's notices in
     * order: SEEN = sender of the last RESTARTED, ID = count of DOWN * 1000 + count of RESTARTED.
     */
    static final class Watcher implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
        }

        public void onMessage(final CellFlyweight cell, final CellContext context, final long sender, final int type,
            final long payload)
        {
            if (1 == type)
            {
                context.monitorChild(payload);
            }
            else if (Signals.DOWN == type)
            {
                assertTrue(Signals.ref(payload) < 0, "a following monitor's reference has its top bit set");
                cell.putLong(ID, cell.getLong(ID) + 1000);
            }
            else if (Signals.RESTARTED == type)
            {
                assertEquals(cell.getLong(ID) % 1000 + 1, cell.getLong(ID) / 1000, "a DOWN before each RESTARTED");
                cell.putLong(ID, cell.getLong(ID) + 1).putLong(SEEN, sender);
            }
        }

        public boolean hasTick()
        {
            return false;
        }
    }

    @Test
    @Timeout(30)
    void shouldTellAFollowingMonitorEachNewHandleOnAnyWorker()
    {
        for (final int workers : new int[]{ 1, 2, 3 })
        {
            try (Organism organism = launch(workers))
            {
                organism.registerBehaviour("watcher", new Watcher());
                final Genotype child = organism.genotype("child", LAYOUT, "child");
                final Genotype watcherGenotype = organism.genotype("watcher", LAYOUT, "watcher");
                final long[] watchers = new long[4];
                for (int w = 0; w < watchers.length; w++)
                {
                    organism.supervisor(RestartStrategy.ONE_FOR_ONE, 10, 10);
                    watchers[w] = organism.spawn(watcherGenotype);
                }
                final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 1000, 10);
                long handle = organism.spawn(child, supervisor, RestartType.PERMANENT);
                final long id = supervisor.childId(handle);
                for (final long watcher : watchers)
                {
                    organism.send(watcher, 1, handle);
                }
                organism.run(2);
                for (int restart = 1; restart <= 3; restart++)
                {
                    organism.kill(handle);
                    organism.run(2);
                    handle = supervisor.child(id);
                    assertTrue(handle > 0, "restarted: " + handle);
                    for (final long watcher : watchers)
                    {
                        assertEquals(restart * 1001L, organism.cell(watcher).getLong(ID), workers + " workers");
                        assertEquals(handle, organism.cell(watcher).getLong(SEEN), "told the new handle");
                    }
                }
                assertEquals(0, organism.stats().deadLetters(), "no notice went astray");
            }
        }
    }

    private static Organism launch(final int workers)
    {
        final Organism organism = Organism.launch(new Context().workerCount(workers)
            .threadingMode(ThreadingMode.INVOKER).chunkShift(8).seed(5));
        organism.registerBehaviour("child", new Child());
        organism.registerBehaviour("finder", new Finder());
        return organism;
    }

    private static long lookUp(final Organism organism, final long finder, final long childId)
    {
        organism.send(finder, 1, childId);
        organism.run(1);
        return organism.cell(finder).getLong(SEEN);
    }

    @Test
    @Timeout(30)
    void shouldFindAChildAgainAfterOneAndManyRestarts()
    {
        try (Organism organism = launch(2))
        {
            final Genotype child = organism.genotype("child", LAYOUT, "child");
            final long finder = organism.spawn(organism.genotype("finder", LAYOUT, "finder"));
            final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 1000, 10);
            organism.spawn(child, supervisor, RestartType.PERMANENT);
            long handle = organism.spawn(child, supervisor, RestartType.PERMANENT);
            final long id = supervisor.childId(handle);
            assertTrue(id >= 0, "id " + id);
            assertEquals(handle, supervisor.child(id));
            assertEquals(handle, lookUp(organism, finder, id), "a cell finds it");
            organism.send(handle, 1, 0);
            organism.run(1);
            assertEquals(id, organism.cell(handle).getLong(ID), "the child knows its own id");
            for (int restart = 1; restart <= 5; restart++)
            {
                assertTrue(organism.kill(handle));
                assertEquals(CellContext.CHILD_RESTARTING, supervisor.child(id), "restart " + restart + " queued");
                final long seen = lookUp(organism, finder, id);
                final long now = supervisor.child(id);
                assertTrue(now > 0 && now != handle && organism.isAlive(now), "restart " + restart + ": " + now);
                assertEquals(CellContext.CHILD_RESTARTING, seen, "the tick of the restart still saw it queued");
                assertEquals(now, lookUp(organism, finder, id), "the next tick sees the new handle");
                assertEquals(id, supervisor.childId(now), "the same id after restart " + restart);
                handle = now;
            }
            organism.send(handle, 1, 0);
            organism.run(1);
            assertEquals(id, organism.cell(handle).getLong(ID), "the restarted child knows the same id");
            assertEquals(CellContext.NO_CHILD, childIdOf(organism, finder), "an unsupervised cell has none");
        }
    }

    private static long childIdOf(final Organism organism, final long cell)
    {
        organism.cell(cell).putLong(ID, 42);
        organism.registerBehaviour("probe", new Child());
        organism.become(cell, organism.behaviourId("probe"));
        organism.send(cell, 1, 0);
        organism.run(1);
        return organism.cell(cell).getLong(ID);
    }

    @Test
    @Timeout(30)
    void shouldSayWhyAChildHasNoHandle()
    {
        try (Organism organism = launch(3))
        {
            final Genotype child = organism.genotype("child", LAYOUT, "child");
            final long finder = organism.spawn(organism.genotype("finder", LAYOUT, "finder"));
            final Supervisor parent = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 10, 10);
            final Supervisor fragile = organism.supervisor(parent, RestartStrategy.ONE_FOR_ONE, 0, 10,
                RestartType.TEMPORARY, false);
            final long doomed = organism.spawn(child, fragile, RestartType.PERMANENT);
            final long doomedId = fragile.childId(doomed);
            final long transientChild = organism.spawn(child, parent, RestartType.TRANSIENT);
            final long transientId = parent.childId(transientChild);
            final Supervisor pool = organism.supervisor(RestartStrategy.SIMPLE_ONE_FOR_ONE, 10, 10);
            final long dynamic = organism.spawn(child, pool, RestartType.TEMPORARY);
            final long dynamicId = pool.childId(dynamic);

            organism.kill(doomed);
            organism.send(transientChild, 9, 0);
            organism.kill(dynamic);
            organism.run(1);
            assertTrue(!fragile.isRunning(), "intensity 0: it gave up");
            assertEquals(CellContext.CHILD_SUPERVISOR_STOPPED, fragile.child(doomedId));
            assertEquals(CellContext.CHILD_SUPERVISOR_STOPPED, lookUp(organism, finder, doomedId));
            assertEquals(CellContext.CHILD_STOPPED, parent.child(transientId), "a transient child's normal exit");
            assertEquals(CellContext.CHILD_STOPPED, lookUp(organism, finder, transientId));
            assertEquals(CellContext.CHILD_GONE, pool.child(dynamicId), "a temporary dynamic child is removed");
            assertEquals(CellContext.CHILD_GONE, lookUp(organism, finder, dynamicId));
            final long next = organism.spawn(child, pool, RestartType.TEMPORARY);
            final long nextId = pool.childId(next);
            assertNotEquals(dynamicId, nextId, "a reused entry gets a new id");
            assertEquals(next, pool.child(nextId));
            assertEquals(CellContext.CHILD_GONE, pool.child(dynamicId), "the old id still names nobody");
        }
    }

    @Test
    @Timeout(30)
    void shouldRefuseBadIdsWithOneClearLine()
    {
        try (Organism organism = launch(1))
        {
            final Genotype child = organism.genotype("child", LAYOUT, "child");
            final Supervisor one = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 10, 10);
            final Supervisor two = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 10, 10);
            final Supervisor three = organism.supervisor(one, RestartStrategy.ONE_FOR_ONE, 10, 10,
                RestartType.PERMANENT, false);
            final long a = organism.spawn(child, one, RestartType.PERMANENT);
            final long c = organism.spawn(child, three, RestartType.PERMANENT);
            final long unsupervised = organism.spawn(child);
            final long id = one.childId(a);
            assertMessage("child id 0xffffffffffffffff names no supervised child: it is negative",
                () -> one.child(-1));
            assertMessage("child id 0x7f00000000000000 names no supervised child: it is of supervision home 127",
                () -> one.child(127L << 56));
            assertMessage("names no supervised child: the organism has no supervision home 127",
                () -> Supervision.child(new SupervisionHome[16], 127L << 56, 1));
            assertMessage("names no supervised child: its entry 999 was never given to a child",
                () -> one.child(id + 999 - (int)id));
            assertMessage("is past its entry's", () -> one.child(id + (5L << 32)));
            assertMessage("names no supervised child: it is of supervision home 0, not of Supervisor{id=16777216",
                () -> two.child(id));
            assertMessage("it is not a child of Supervisor{id=1,", () -> three.child(id));
            assertEquals(c, three.child(three.childId(c)));
            assertMessage("is not a running child of", () -> one.childId(unsupervised));
            assertMessage("is not a running child of", () -> one.childId(c));
        }
    }

    private static void assertMessage(final String part, final org.junit.jupiter.api.function.Executable call)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, call);
        assertTrue(ex.getMessage().contains(part), ex.getMessage());
        assertTrue(!ex.getMessage().contains("\n"), "one line: " + ex.getMessage());
    }
}
