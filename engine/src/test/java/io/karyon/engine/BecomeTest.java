package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.cell.Handle;
import io.karyon.scheduler.ThreadingMode;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CellContext#become(short)}: only cells whose current behaviour has a tick step are stepped, a switch takes
 * effect from the next callback (the next tick for the step), and {@link Organism#countOf(short)} follows births,
 * deaths, restarts and switches; and an SIR epidemic built with populate, connect, become and messages along edges
 * gives the same digest and counts for 1, 2 and 3 workers.
 */
class BecomeTest
{
    static final CellLayout LAYOUT = CellLayout.builder().longField("ticks").longField("messages").longField("since")
        .build();
    static final int TICKS = LAYOUT.offset("ticks");
    static final int MESSAGES = LAYOUT.offset("messages");
    static final int SINCE = LAYOUT.offset("since");
    static final int WAKE = 1;
    static final int SLEEP = 2;
    static final int CRASH = 3;

    /**
     * Idle until woken (becomes the ticker); the ticker sleeps (becomes idle again) on a message.
     */
    static final class Switching implements Behaviour
    {
        private final boolean ticks;
        private short other = -1;

        Switching(final boolean ticks)
        {
            this.ticks = ticks;
        }

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            assertTrue(ticks, "an idle behaviour is never stepped");
            cell.putLong(TICKS, cell.getLong(TICKS) + 1);
        }

        public void onMessage(final CellFlyweight cell, final CellContext context, final long sender, final int type,
            final long payload)
        {
            cell.putLong(MESSAGES, cell.getLong(MESSAGES) + (ticks ? 100 : 1));
            if (CRASH == type)
            {
                context.become((short)999);
            }
            if ((WAKE == type && !ticks) || (SLEEP == type && ticks))
            {
                context.become(other);
            }
        }

        public boolean hasTick()
        {
            return ticks;
        }
    }

    static Context context(final int workers)
    {
        return new Context().workerCount(workers).threadingMode(ThreadingMode.INVOKER).chunkShift(6)
            .stateLength(LAYOUT.stateLength()).seed(11);
    }

    @Test
    void shouldStepOnlyCellsWhoseCurrentBehaviourTicksFromTheNextTick()
    {
        try (Organism organism = Organism.launch(context(2)))
        {
            final Switching idle = new Switching(false);
            final Switching ticker = new Switching(true);
            final short idleId = organism.registerBehaviour("idle", idle);
            final short tickerId = organism.registerBehaviour("ticker", ticker);
            idle.other = tickerId;
            ticker.other = idleId;
            assertEquals(idleId, organism.behaviourId("idle"));
            assertEquals(tickerId, organism.behaviourId("ticker"));
            final Genotype genotype = organism.genotype("idle", LAYOUT, "idle");
            final Cohort cohort = organism.populate(genotype, 300, null);
            organism.run(2);
            assertEquals(0, organism.stats().updates(), "idle cells cost nothing");
            final long cell = cohort.handle(150);
            organism.send(cell, WAKE, 0);
            organism.send(cell, WAKE, 0);
            organism.run(1);
            assertEquals(0, organism.cell(cell).getLong(TICKS), "woken in this tick: stepped from the next");
            assertEquals(101, organism.cell(cell).getLong(MESSAGES), "the second message went to the new behaviour");
            assertEquals(1, organism.countOf(tickerId));
            assertEquals(299, organism.countOf(idleId));
            organism.run(3);
            assertEquals(3, organism.cell(cell).getLong(TICKS));
            assertEquals(3, organism.stats().updates());
            organism.send(cell, SLEEP, 0);
            organism.run(3);
            assertEquals(3, organism.cell(cell).getLong(TICKS), "slept in its visit: no step that tick or after");
            assertEquals(3, organism.stats().updates());
            assertEquals(0, organism.countOf(tickerId));
            organism.become(cohort.handle(7), tickerId);
            organism.become(cohort.handle(7), tickerId);
            organism.run(2);
            assertEquals(2, organism.cell(cohort.handle(7)).getLong(TICKS), "became ticking from the driver");
            assertEquals(1, organism.countOf(tickerId));
        }
    }

    @Test
    void shouldCountBehavioursThroughBirthsDeathsAndRestarts()
    {
        try (Organism organism = Organism.launch(context(3)))
        {
            final Switching idle = new Switching(false);
            final Switching ticker = new Switching(true);
            final short idleId = organism.registerBehaviour("idle", idle);
            final short tickerId = organism.registerBehaviour("ticker", ticker);
            idle.other = tickerId;
            ticker.other = idleId;
            final Genotype genotype = organism.genotype("idle", LAYOUT, "idle");
            final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 100, 100);
            final long supervised = organism.spawn(genotype, supervisor, RestartType.PERMANENT);
            final long loose = organism.spawn(genotype);
            organism.populate(genotype, 100, null);
            assertEquals(102, organism.countOf(idleId));
            organism.send(supervised, WAKE, 0);
            organism.send(loose, WAKE, 0);
            organism.run(1);
            assertEquals(2, organism.countOf(tickerId));
            organism.send(supervised, CRASH, 0);
            organism.kill(loose);
            assertEquals(1, organism.countOf(tickerId));
            organism.run(3);
            assertEquals(0, organism.countOf(tickerId), "restarted with its genotype's behaviour");
            assertEquals(101, organism.countOf(idleId));
            assertEquals(1L, organism.stats().restarts());
            assertEquals(1L, organism.stats().deathsByReason().get("exception"), "become with no such id throws");
            assertEquals(organism.stats().alive(), organism.countOf(idleId) + organism.countOf(tickerId));
        }
    }

    @Test
    void shouldRejectUnknownBehaviours()
    {
        try (Organism organism = Organism.launch(context(1)))
        {
            organism.registerBehaviour("idle", new Switching(false));
            final Genotype genotype = organism.genotype("idle", LAYOUT, "idle");
            final long cell = organism.spawn(genotype);
            assertEquals("unknown behaviour 'sick': registered=[idle]",
                assertThrows(IllegalArgumentException.class, () -> organism.behaviourId("sick")).getMessage());
            assertEquals("countOf: no behaviour has id 1 (1 registered)",
                assertThrows(IllegalArgumentException.class, () -> organism.countOf((short)1)).getMessage());
            assertThrows(IllegalArgumentException.class, () -> organism.countOf((short)-1));
            assertEquals("become: no behaviour has id 5 (1 registered)",
                assertThrows(IllegalArgumentException.class, () -> organism.become(cell, (short)5)).getMessage());
            assertThrows(IllegalArgumentException.class, () -> organism.become(Handle.of(Handle.slot(cell), 9),
                (short)0));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The consumer: an SIR epidemic on a contact network.
    // ---------------------------------------------------------------------------------------------------------------

    static final int INFECT = 1;
    static final double BETA = 0.3;
    static final long INFECTIOUS_TICKS = 3;

    /**
     * S and R are idle; I ticks, infecting each contact with probability BETA, and recovers after INFECTIOUS_TICKS.
     */
    static final class Sir implements Behaviour
    {
        final char state;
        short infected;
        short recovered;

        Sir(final char state)
        {
            this.state = state;
        }

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            for (int i = 0, count = context.edgeCount(); i < count; i++)
            {
                if (context.nextDouble() < BETA)
                {
                    context.send(context.edge(i), INFECT, 0);
                }
            }
            if (context.tick() - cell.getLong(SINCE) >= INFECTIOUS_TICKS)
            {
                context.become(recovered);
            }
        }

        public void onMessage(final CellFlyweight cell, final CellContext context, final long sender, final int type,
            final long payload)
        {
            if ('S' == state)
            {
                cell.putLong(SINCE, context.tick());
                context.become(infected);
            }
        }

        public boolean hasTick()
        {
            return 'I' == state;
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 2, 3 })
    void shouldRunAnEpidemicOnEdgesToTheSameDigestForAnyWorkerCount(final int workers)
    {
        final long[] one = epidemic(1);
        final long[] many = epidemic(workers);
        assertEquals(one[0], many[0], "digest");
        for (int i = 1; i < one.length; i++)
        {
            assertEquals(one[i], many[i], "figure " + i);
        }
        assertTrue(one[3] > 100, "the epidemic spread: recovered=" + one[3]);
        assertEquals(0, one[2], "it ran until nobody was infected");
    }

    /**
     * Digest, ticks, then S, I, R at the end.
     */
    private static long[] epidemic(final int workers)
    {
        try (Organism organism = Organism.launch(context(workers)))
        {
            final Sir s = new Sir('S');
            final Sir i = new Sir('I');
            final Sir r = new Sir('R');
            final short sId = organism.registerBehaviour("S", s);
            final short iId = organism.registerBehaviour("I", i);
            final short rId = organism.registerBehaviour("R", r);
            for (final Sir sir : new Sir[]{ s, i, r })
            {
                sir.infected = iId;
                sir.recovered = rId;
            }
            final int people = 2000;
            final Genotype person = organism.genotype("person", LAYOUT, "S");
            final Cohort cohort = organism.populate(person, people, (index, cell, random) ->
            {
                if (random.nextInt(100) == 0)
                {
                    cell.behaviourId(iId);
                }
            });
            organism.connect(cohort, (index, cell, sink, random) ->
            {
                for (int c = 0; c < 4; c++)
                {
                    sink.add(cohort.handle(random.nextInt(people)));
                }
            });
            final long initiallyInfected = organism.countOf(iId);
            assertTrue(initiallyInfected > 5 && initiallyInfected < 60, "infected: " + initiallyInfected);
            final long[] seen = new long[3];
            final long ticks = organism.runUntil(1000, (o, tick) ->
            {
                final long infected = o.countOf(iId);
                assertEquals(people, o.countOf(sId) + infected + o.countOf(rId), "people stay people");
                return 0 == infected;
            });
            organism.survey((family, cell) ->
            {
                synchronized (seen)
                {
                    seen[cell.behaviourId()]++;
                }
            });
            assertEquals(seen[sId], organism.countOf(sId), "counts agree with a walk over the cells");
            assertEquals(seen[rId], organism.countOf(rId));
            return new long[]{ organism.digest(), ticks, organism.countOf(iId), organism.countOf(rId),
                organism.countOf(sId), organism.stats().delivered(), organism.stats().updates() };
        }
    }

    /**
     * Ticks, sends along a random edge, and switches between two ticking behaviours on every message.
     */
    static final class Gossip implements Behaviour
    {
        short other;

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            final int count = context.edgeCount();
            context.send(context.edge((int)(context.nextLong() >>> 33) % count), 0, context.tick());
            cell.putLong(TICKS, cell.getLong(TICKS) + 1);
        }

        public void onMessage(final CellFlyweight cell, final CellContext context, final long sender, final int type,
            final long payload)
        {
            cell.putLong(MESSAGES, cell.getLong(MESSAGES) + payload);
            context.become(other);
        }
    }

    @Test
    void shouldAllocateNothingPerCellPerTickWhenReadingEdgesSendingAndBecoming()
    {
        try (Organism organism = Organism.launch(context(2)))
        {
            final Gossip a = new Gossip();
            final Gossip b = new Gossip();
            final short aId = organism.registerBehaviour("a", a);
            final short bId = organism.registerBehaviour("b", b);
            a.other = bId;
            b.other = aId;
            final Genotype genotype = organism.genotype("a", LAYOUT, "b");
            final Cohort cohort = organism.populate(genotype, 2000, null);
            organism.connect(cohort, (index, cell, sink, random) ->
            {
                for (int e = 0; e < 5; e++)
                {
                    sink.add(cohort.handle(random.nextInt(2000)));
                }
            });
            organism.run(200);
            final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
            final long before = threads.getCurrentThreadAllocatedBytes();
            organism.run(50);
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            final long steps = 2000L * 50;
            // In invoker mode the ticks run on this thread: one object per cell step would be >= 16 bytes a step.
            assertTrue(allocated < steps, "allocated " + allocated + " bytes over " + steps + " cell steps");
            assertEquals(2000L * 250, organism.stats().updates());
            assertTrue(organism.countOf(aId) > 0 && organism.countOf(aId) < 2000, "cells switched back and forth");
        }
    }
}
