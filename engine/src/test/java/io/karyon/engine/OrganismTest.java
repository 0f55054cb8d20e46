package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.cell.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrganismTest
{
    static final CellLayout LAYOUT = CellLayout.builder()
        .longField("count")
        .longField("last")
        .longField("target")
        .longField("flag")
        .longField("seen")
        .array("rest", long.class, 3)
        .build();
    static final int COUNT = LAYOUT.offset("count");
    static final int LAST = LAYOUT.offset("last");
    static final int TARGET = LAYOUT.offset("target");
    static final int FLAG = LAYOUT.offset("flag");
    static final int SEEN = LAYOUT.offset("seen");

    private final Organism organism = Organism.launch(new Context().seed(7).chunkShift(8));

    @AfterEach
    void close()
    {
        organism.close();
    }

    /**
     * Sends `flag` messages per tick to `target` with payloads 0, 1, 2, ... continuing across ticks.
     */
    static final class Sender implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            for (int i = 0; i < cell.getLong(FLAG); i++)
            {
                final long sequence = cell.getLong(COUNT);
                context.send(cell.getLong(TARGET), 3, sequence);
                cell.putLong(COUNT, sequence + 1);
            }
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
        }
    }

    /**
     * Counts messages; `seen` stays 1 only while every payload is one more than the last from the same sender.
     */
    static final class Receiver implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
            if (cell.getLong(COUNT) != payload)
            {
                cell.putLong(SEEN, 0);
            }
            cell.putLong(COUNT, cell.getLong(COUNT) + 1);
            cell.putLong(LAST, payload);
            if (1 == cell.getLong(FLAG))
            {
                context.die(cell.getInt(TARGET));
            }
        }

        public boolean hasTick()
        {
            return false;
        }
    }

    @Test
    void shouldDeliverMessagesInTheNextTickInSendOrder()
    {
        organism.registerBehaviour("sender", new Sender());
        organism.registerBehaviour("receiver", new Receiver());
        final Genotype receiverType = organism.genotype("receiver", LAYOUT, "receiver").putLong(SEEN, 1);
        final long receiver = organism.spawn(receiverType);
        final long sender = organism.spawn(organism.genotype("sender", LAYOUT, "sender")
            .putLong(TARGET, receiver).putLong(FLAG, 5));

        organism.tick();
        assertEquals(0, organism.cell(receiver).getLong(COUNT), "nothing arrives in the tick it was sent");
        assertEquals(5, organism.stats().pending());

        organism.tick();
        assertEquals(5, organism.cell(receiver).getLong(COUNT));
        organism.run(10);
        final CellFlyweight cell = organism.cell(receiver);
        assertEquals(55, cell.getLong(COUNT));
        assertEquals(54, cell.getLong(LAST));
        assertEquals(1, cell.getLong(SEEN), "payloads arrived in send order");
        assertEquals(60, organism.cell(sender).getLong(COUNT));
        assertEquals(55, organism.stats().delivered());
        assertEquals(60, organism.stats().sent());
    }

    @Test
    void shouldDeliverOutsideMessagesInTheNextTick()
    {
        organism.registerBehaviour("receiver", new Receiver());
        final long receiver = organism.spawn(organism.genotype("receiver", LAYOUT, "receiver").putLong(SEEN, 1));
        for (int i = 0; i < 3; i++)
        {
            assertEquals(CellContext.SENT, organism.send(receiver, 1, i));
        }
        assertEquals(0, organism.cell(receiver).getLong(COUNT));
        organism.tick();
        assertEquals(3, organism.cell(receiver).getLong(COUNT));
        assertEquals(1, organism.cell(receiver).getLong(SEEN));
        assertEquals(0, organism.stats().updates(), "a cell with no tick step is only touched by its mail");
    }

    @Test
    void shouldCountMessageToStaleHandleAsDeadLetterNeverDeliveredToNewOccupant()
    {
        organism.registerBehaviour("receiver", new Receiver());
        final Genotype genotype = organism.genotype("receiver", LAYOUT, "receiver");
        final long old = organism.spawn(genotype);
        assertTrue(organism.kill(old));
        final long reborn = organism.spawn(genotype);
        assertEquals(Handle.slot(old), Handle.slot(reborn), "the slot is reused");
        assertNotEquals(Handle.generation(old), Handle.generation(reborn));

        organism.send(old, 1, 0);
        organism.send(Handle.NULL_HANDLE, 1, 0);
        organism.send(Handle.of(1 << 20, 1), 1, 0);
        organism.tick();

        assertEquals(0, organism.cell(reborn).getLong(COUNT));
        assertEquals(3, organism.stats().deadLetters());
        assertEquals(0, organism.stats().delivered());
        assertFalse(organism.isAlive(old));
        assertFalse(organism.kill(old), "killing a stale handle does nothing");
        assertEquals(1, organism.stats().deathsByReason().get("killed"));
    }

    @Test
    void shouldKillOnlyTheCellWhoseBehaviourThrows()
    {
        organism.registerBehaviour("fragile", new Behaviour()
        {
            public void onTick(final CellFlyweight cell, final CellContext context)
            {
                if (1 == cell.getLong(FLAG))
                {
                    throw new IllegalStateException("corrupt membrane");
                }
                cell.putLong(COUNT, cell.getLong(COUNT) + 1);
            }

            public void onMessage(final CellFlyweight cell, final CellContext context, final long sender,
                final int type, final long payload)
            {
            }
        });
        final Genotype genotype = organism.genotype("fragile", LAYOUT, "fragile");
        final List<Long> handles = new ArrayList<>();
        for (int i = 0; i < 100; i++)
        {
            final long handle = organism.spawn(genotype);
            organism.cell(handle).putLong(FLAG, i % 10 == 3 ? 1 : 0);
            handles.add(handle);
        }
        organism.run(3);

        final Stats stats = organism.stats();
        assertEquals(90, stats.alive());
        assertEquals(10, stats.deaths());
        assertEquals(10L, stats.deathsByReason().get("exception"));
        for (int i = 0; i < 100; i++)
        {
            if (i % 10 == 3)
            {
                assertFalse(organism.isAlive(handles.get(i)));
            }
            else
            {
                assertEquals(3, organism.cell(handles.get(i)).getLong(COUNT));
            }
        }
        final long[] observations = new long[1];
        final int distinct = organism.readErrors((count, first, last, text) ->
        {
            observations[0] += count;
            assertTrue(text.contains("corrupt membrane"), text);
        });
        assertEquals(1, distinct, "one distinct stack trace, however many cells threw it");
        assertEquals(10, observations[0]);
    }

    @Test
    void shouldTurnMailLeftToADyingCellIntoDeadLettersAndCountItsReason()
    {
        final int poisoned = organism.exitReason("poisoned");
        organism.registerBehaviour("receiver", new Receiver());
        final long cell = organism.spawn(organism.genotype("receiver", LAYOUT, "receiver")
            .putLong(FLAG, 1).putLong(TARGET, poisoned).putLong(SEEN, 1));
        for (int i = 0; i < 3; i++)
        {
            organism.send(cell, 1, i);
        }
        organism.tick();

        final Stats stats = organism.stats();
        assertFalse(organism.isAlive(cell));
        assertEquals(1, stats.delivered());
        assertEquals(2, stats.deadLetters());
        assertEquals(1L, stats.deathsByReason().get("poisoned"));
        assertEquals(0, stats.alive());
    }

    @Test
    void shouldDoWorkOnlyForTokensInFlightOnARingOfIdleCells()
    {
        final int cells = 100_000;
        final int tokens = 10;
        final long[] ring = TokenRing.spawn(organism, LAYOUT, "count", "target", cells);
        for (int t = 0; t < tokens; t++)
        {
            organism.send(ring[t * (cells / tokens)], 1, 50);
        }
        organism.run(60);

        final Stats stats = organism.stats();
        assertEquals(0, stats.updates());
        assertEquals(tokens * 50L, stats.delivered(), "each token hops 50 times, then stops");
        long hops = 0;
        for (int i = 0; i < cells; i++)
        {
            hops += organism.cell(ring[i]).getLong(COUNT);
        }
        assertEquals(tokens * 50L, hops);
        assertEquals(0, stats.deadLetters());
    }

    @Test
    void shouldAdvanceASpawnedChildFromTheNextTickBesideItsParent()
    {
        final Genotype[] child = new Genotype[1];
        organism.registerBehaviour("parent", new Behaviour()
        {
            public void onTick(final CellFlyweight cell, final CellContext context)
            {
                cell.putLong(COUNT, cell.getLong(COUNT) + 1);
                if (0 == cell.getLong(TARGET))
                {
                    cell.putLong(TARGET, context.spawn(child[0]));
                }
            }

            public void onMessage(final CellFlyweight cell, final CellContext context, final long sender,
                final int type, final long payload)
            {
            }
        });
        child[0] = organism.genotype("child", LAYOUT, "parent").putLong(TARGET, -1);
        final long parent = organism.spawn(organism.genotype("parent", LAYOUT, "parent"));

        organism.tick();
        final long childHandle = organism.cell(parent).getLong(TARGET);
        assertTrue(organism.isAlive(childHandle), "the child's handle is usable at once");
        assertEquals(0, organism.cell(childHandle).getLong(COUNT), "not advanced in the tick it was born");
        assertEquals(Handle.slot(parent) >>> 8, Handle.slot(childHandle) >>> 8, "same chunk as its parent");

        organism.tick();
        assertEquals(1, organism.cell(childHandle).getLong(COUNT));
        assertEquals(2, organism.cell(parent).getLong(COUNT));
        assertEquals(2, organism.stats().spawned());
    }

    @Test
    void shouldTellWhereAWorkersPagesAreOnlyOnceItHasAChunk()
    {
        final IllegalStateException ex =
            assertThrows(IllegalStateException.class, () -> organism.workers().pageNodes(0));
        assertTrue(ex.getMessage().startsWith("worker 0 has no chunk yet"), ex.getMessage());
        final IllegalArgumentException bad =
            assertThrows(IllegalArgumentException.class, () -> organism.workers().pageNodes(organism.workerCount()));
        assertEquals("worker must be in 0.." + (organism.workerCount() - 1) + ": worker=" + organism.workerCount(),
            bad.getMessage());
    }

    @Test
    void shouldNotGrowTheArenaUnderSpawnKillChurn()
    {
        organism.registerBehaviour("receiver", new Receiver());
        final Genotype genotype = organism.genotype("receiver", LAYOUT, "receiver");
        final int live = 10_000;
        final long[] handles = new long[live];
        for (int i = 0; i < live; i++)
        {
            handles[i] = organism.spawn(genotype);
        }
        final int chunks = organism.arena().chunkCount();
        for (int round = 0; round < 400; round++)
        {
            for (int i = round & 1; i < live; i += 2)
            {
                assertTrue(organism.kill(handles[i]));
                handles[i] = organism.spawn(genotype);
            }
            organism.tick();
        }
        assertEquals(chunks, organism.arena().chunkCount(), "freed slots are reused: the arena stays the same size");
        assertEquals(live, organism.stats().alive());
        assertEquals(live + 400L * live / 2, organism.stats().spawned());
        assertEquals(400L * live / 2, organism.stats().deaths());
    }

    @Test
    void shouldMatchAScalarRecomputationOfTheLogisticMap()
    {
        organism.registerBehaviour("logistic", new Behaviour()
        {
            public void onTick(final CellFlyweight cell, final CellContext context)
            {
                final double x = cell.getDouble(LAST);
                cell.putDouble(LAST, 3.9 * x * (1.0 - x));
            }

            public void onMessage(final CellFlyweight cell, final CellContext context, final long sender,
                final int type, final long payload)
            {
            }
        });
        final Genotype genotype = organism.genotype("logistic", LAYOUT, "logistic");
        final int cells = 5_000;
        final long[] handles = new long[cells];
        final double[] x = new double[cells];
        for (int i = 0; i < cells; i++)
        {
            handles[i] = organism.spawn(genotype);
            x[i] = (i + 0.5) / cells;
            organism.cell(handles[i]).putDouble(LAST, x[i]);
        }
        organism.run(25);
        for (int i = 0; i < cells; i++)
        {
            for (int t = 0; t < 25; t++)
            {
                x[i] = 3.9 * x[i] * (1.0 - x[i]);
            }
            assertEquals(Double.doubleToRawLongBits(x[i]),
                Double.doubleToRawLongBits(organism.cell(handles[i]).getDouble(LAST)), "cell " + i);
        }
        assertEquals(25L * cells, organism.stats().updates());
    }

    @Test
    void shouldDrawTheSameRandomStreamForTheSameSeedSlotGenerationAndTick()
    {
        final long a = randomDraws(11);
        assertEquals(a, randomDraws(11));
        assertNotEquals(a, randomDraws(12));
    }

    private static long randomDraws(final long seed)
    {
        try (Organism organism = Organism.launch(new Context().seed(seed)))
        {
            organism.registerBehaviour("dice", new Behaviour()
            {
                public void onTick(final CellFlyweight cell, final CellContext context)
                {
                    cell.putLong(COUNT, cell.getLong(COUNT) * 31 + context.nextLong());
                    final double u = context.nextDouble();
                    if (u < 0.0 || u >= 1.0)
                    {
                        throw new AssertionError("nextDouble out of [0, 1): " + u);
                    }
                }

                public void onMessage(final CellFlyweight cell, final CellContext context, final long sender,
                    final int type, final long payload)
                {
                }
            });
            final Genotype genotype = organism.genotype("dice", LAYOUT, "dice");
            for (int i = 0; i < 1000; i++)
            {
                organism.spawn(genotype);
            }
            organism.run(10);
            assertEquals(1000, organism.stats().alive());
            return organism.digest();
        }
    }

    @Test
    void shouldNameWhatIsWrongWithAGenotype()
    {
        organism.registerBehaviour("receiver", new Receiver());
        assertEquals("genotype 'g' names unknown behaviour 'nope': registered=[receiver]",
            assertThrows(IllegalArgumentException.class, () -> organism.genotype("g", LAYOUT, "nope")).getMessage());

        final CellLayout big = CellLayout.builder().array("v", long.class, 9).build();
        assertEquals("genotype 'big' has a layout of 72 bytes, more than the slot's state length 64 " +
            "(karyon.engine.state.length)",
            assertThrows(IllegalArgumentException.class, () -> organism.genotype("big", big, "receiver")).getMessage());

        organism.genotype("g", LAYOUT, "receiver");
        assertEquals("genotype 'g' is declared already",
            assertThrows(IllegalArgumentException.class,
                () -> organism.genotype("g", LAYOUT, "receiver")).getMessage());
        assertEquals("behaviour 'receiver' is registered already",
            assertThrows(IllegalArgumentException.class,
                () -> organism.registerBehaviour("receiver", new Receiver())).getMessage());
    }

    @Test
    void shouldNameAStaleHandle()
    {
        organism.registerBehaviour("receiver", new Receiver());
        final long handle = organism.spawn(organism.genotype("g", LAYOUT, "receiver"));
        organism.kill(handle);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> organism.cell(handle));
        assertEquals("handle 0@1 is stale: slot 0 holds generation 2 with status 0", ex.getMessage());
        assertEquals("handle 9@1 names no cell: slot 9 was never used",
            assertThrows(IllegalArgumentException.class, () -> organism.cell(Handle.of(9, 1))).getMessage());
    }

    @Test
    void shouldRejectUseAfterClose()
    {
        organism.close();
        assertEquals("organism is closed", assertThrows(IllegalStateException.class, organism::tick).getMessage());
    }
}
