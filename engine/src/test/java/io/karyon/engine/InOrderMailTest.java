package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.cell.Handle;
import io.karyon.scheduler.ThreadingMode;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An inbox in target order is delivered by reading it in turn, not linked through the mail bitmaps: tokens on a ring
 * in slot order, with cells that get two messages, die and are restarted (stale handles, freed slots), become ticking
 * behaviours in chunks that had none (the switch to the visit of every word in the middle of a chunk), and forward
 * past the last cell to handles above the high-water mark or in no chunk. The run is the same, bit for bit, with the
 * in-order delivery switched off and for 1, 2 and 3 workers.
 */
class InOrderMailTest
{
    private static final CellLayout LAYOUT = MailWordsTest.LAYOUT;
    private static final int PEER = MailWordsTest.PEER;
    private static final int SUM = MailWordsTest.SUM;
    private static final int TTL = MailWordsTest.TTL;
    private static final int CELLS = 3_000;
    private static final int TICKS = 120;

    /**
     * The digest of the run and the counters that could differ, and how the workers' inboxes were delivered.
     */
    private record Outcome(long digest, long alive, long delivered, long deadLetters, long deaths, long restarts,
        long updates, long inOrderTicks, long switches)
    {
        boolean sameRun(final Outcome other)
        {
            return digest == other.digest && alive == other.alive && delivered == other.delivered &&
                deadLetters == other.deadLetters && deaths == other.deaths && restarts == other.restarts &&
                updates == other.updates;
        }
    }

    private static Outcome run(final int workers, final long seed, final boolean inOrder)
    {
        try (Organism organism = Organism.launch(new Context().workerCount(workers)
            .threadingMode(ThreadingMode.INVOKER).chunkShift(8).seed(seed)))
        {
            for (final Slice slice : organism.workforce.slices())
            {
                slice.mailboxes.inOrderDelivery = inOrder;
            }
            final int tired = organism.exitReason("tired");
            final short[] ids = new short[2];
            ids[0] = organism.registerBehaviour("relay", new Behaviour()
            {
                public void onTick(final CellFlyweight cell, final CellContext context)
                {
                }

                public void onMessage(final CellFlyweight cell, final CellContext context, final long sender,
                    final int type, final long payload)
                {
                    cell.putLong(SUM, cell.getLong(SUM) * 31 + payload);
                    final long r = context.nextLong() & 4095;
                    if (r < 8)
                    {
                        context.die(tired);
                        return;
                    }
                    if (r < 12)
                    {
                        cell.putLong(TTL, 1 + (r & 3));
                        context.become(ids[1]);
                    }
                    final long peer = cell.getLong(PEER);
                    context.send(peer, 1, payload + 1);
                    if (r > 3900)
                    {
                        // Two messages for one cell.
                        context.send(peer, 1, payload + 2);
                    }
                }

                public boolean hasTick()
                {
                    return false;
                }
            });
            ids[1] = organism.registerBehaviour("ticker", MailWordsTest.ticker(ids));
            final Genotype genotype = organism.genotype("relay", LAYOUT, "relay");
            final long[] cells = new long[CELLS];
            for (int s = 0; s < 10; s++)
            {
                final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 1_000_000, 10);
                for (int c = 0; c < CELLS / 10; c++)
                {
                    cells[s * (CELLS / 10) + c] = organism.spawn(genotype, supervisor, RestartType.PERMANENT);
                }
            }
            // The ring in slot order, so that one worker's sends are in target order; the last cell forwards past
            // the end: above its chunk's high-water mark, or to a chunk that does not exist.
            final long[] ring = Arrays.stream(cells).boxed()
                .sorted((a, b) -> Integer.compare(Handle.slot(a), Handle.slot(b)))
                .mapToLong(Long::longValue).toArray();
            for (int i = 0; i < CELLS - 1; i++)
            {
                organism.cell(ring[i]).putLong(PEER, ring[i + 1]);
            }
            final int last = Handle.slot(ring[CELLS - 1]);
            organism.cell(ring[CELLS - 1]).putLong(PEER, 0 == seed % 2 ? Handle.of(last + 1, 1) :
                Handle.of(last + (1 << 20), 1));
            for (int t = 0; t < 400; t++)
            {
                organism.send(ring[(t * 7) % CELLS], 1, t);
            }
            for (int tick = 0; tick < TICKS; tick++)
            {
                if (40 == tick)
                {
                    for (int t = 0; t < 100; t++)
                    {
                        organism.send(ring[(t * 29) % CELLS], 1, t);
                    }
                }
                organism.run(1);
            }
            long inOrderTicks = 0;
            long switches = 0;
            for (final Slice slice : organism.workforce.slices())
            {
                inOrderTicks += slice.mailboxes.mailWords.inOrderTicks;
                switches += slice.mailboxes.mailWords.switches;
            }
            final Stats stats = organism.stats();
            return new Outcome(organism.digest(), stats.alive(), stats.delivered(), stats.deadLetters(),
                stats.deaths(), stats.restarts(), stats.updates(), inOrderTicks, switches);
        }
    }

    @Test
    @Timeout(60)
    void shouldDeliverAnInboxInOrderAsTheLinkedOne()
    {
        for (final long seed : new long[]{ 4, 5 })
        {
            final Outcome inOrder = run(1, seed, true);
            final Outcome linked = run(1, seed, false);
            assertTrue(inOrder.inOrderTicks() > TICKS / 2, "most ticks' inboxes are in order: " + inOrder);
            assertTrue(inOrder.switches() > 0, "a chunk switched to the visit of every word: " + inOrder);
            assertEquals(0, linked.inOrderTicks(), "switched off: " + linked);
            assertTrue(inOrder.delivered() > 20_000, "messages: " + inOrder);
            assertTrue(inOrder.restarts() > 10, "restarts: " + inOrder);
            assertTrue(inOrder.deadLetters() > 50, "stale handles and past the end: " + inOrder);
            assertTrue(inOrder.updates() > 100, "ticking cells: " + inOrder);
            assertTrue(inOrder.sameRun(linked), inOrder + " vs " + linked);
            for (final int workers : new int[]{ 2, 3 })
            {
                assertTrue(inOrder.sameRun(run(workers, seed, true)), workers + " workers, seed " + seed);
            }
        }
        assertNotEquals(run(1, 4, true).digest(), run(1, 6, true).digest(), "another seed, another run");
    }

    @Test
    void shouldFindEachChunksFirstRecordAsAScanWould()
    {
        final Random random = new Random(16);
        for (int trial = 0; trial < 500; trial++)
        {
            // Slots in order, in runs of any length (one record up to hundreds), some slots repeated.
            final int count = 1 + random.nextInt(trial < 100 ? 8 : 600);
            final int[] slots = new int[count];
            int slot = random.nextInt(1_000);
            for (int r = 0; r < count; r++)
            {
                slot += random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(random.nextBoolean() ? 3 : 5_000);
                slots[r] = slot;
            }
            final MessageQueue inbox = new MessageQueue(count);
            for (final int s : slots)
            {
                assertTrue(inbox.offer(Handle.of(s, 1), 0, 0, 0));
            }
            final int last = random.nextInt(count);
            final int firstSlot = slots[last] - random.nextInt(1 + slots[last] - slots[0] + 2);
            int expected = last;
            while (expected > 0 && slots[expected - 1] >= firstSlot)
            {
                expected--;
            }
            assertEquals(expected, MailWords.chunkStart(inbox, last, firstSlot),
                "trial " + trial + ": " + Arrays.toString(slots) + ", last " + last + ", from slot " + firstSlot);
        }
    }
}
