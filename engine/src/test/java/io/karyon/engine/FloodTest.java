package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.scheduler.ThreadingMode;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Floods contained: a cell that sends more than the mailbox limit in one visit fails alone with reason
 * {@code mailbox_overflow}, the organism carries on, the queues give their memory back after the flood, and the
 * counters always add up: sent = delivered + pending + dead letters.
 */
class FloodTest
{
    static final CellLayout LAYOUT = CellLayout.builder()
        .longField("flood").longField("target").longField("handled").longField("ticks").longField("refused").build();
    static final int FLOOD = LAYOUT.offset("flood");
    static final int TARGET = LAYOUT.offset("target");
    static final int HANDLED = LAYOUT.offset("handled");
    static final int TICKS = LAYOUT.offset("ticks");
    static final int REFUSED = LAYOUT.offset("refused");

    /**
     * Sends {@code flood} messages to {@code target} in one tick (then none), keeps going after a refusal and counts
     * the refusals; counts the ticks it lived and the messages it handled; pings its target once a tick.
     */
    static final class Flooder implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            cell.putLong(TICKS, cell.getLong(TICKS) + 1);
            final long flood = cell.getLong(FLOOD);
            final long target = cell.getLong(TARGET);
            cell.putLong(FLOOD, 0);
            long refused = 0;
            for (long i = 0; i < flood; i++)
            {
                if (CellContext.OVERFLOW == context.send(target, 1, i))
                {
                    refused++;
                }
            }
            cell.putLong(REFUSED, cell.getLong(REFUSED) + refused);
            if (0 != target)
            {
                context.send(target, 2, 0);
            }
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
            cell.putLong(HANDLED, cell.getLong(HANDLED) + 1);
        }
    }

    private Organism organism;

    private Organism launch(final int workers, final int mailboxLimit)
    {
        organism = Organism.launch(new Context().workerCount(workers).threadingMode(ThreadingMode.INVOKER)
            .chunkShift(8).stateLength(LAYOUT.stateLength()).mailboxLimit(mailboxLimit));
        organism.registerBehaviour("flooder", new Flooder());
        return organism;
    }

    @AfterEach
    void close()
    {
        if (null != organism)
        {
            organism.close();
        }
    }

    private static void assertCountersAddUp(final Stats stats)
    {
        assertEquals(stats.sent(), stats.delivered() + stats.pending() + stats.deadLetters(),
            "sent = delivered + pending + dead letters: " + stats);
    }

    @Test
    void shouldKillOnlyTheSenderOfTenMillionMessagesInATick()
    {
        launch(2, 1_000);
        final Genotype genotype = organism.genotype("flooder", LAYOUT, "flooder");
        final long sink = organism.spawn(genotype);
        final long bystander = organism.spawn(genotype);
        organism.cell(bystander).putLong(TARGET, sink);
        final long flooder = organism.spawn(genotype);
        organism.cell(flooder).putLong(TARGET, sink).putLong(FLOOD, 10_000_000);

        organism.run(1);

        Stats stats = organism.stats();
        assertEquals(1L, stats.deathsByReason().get("mailbox_overflow"), stats.deathsByReason().toString());
        assertEquals(2, stats.alive());
        assertEquals(1_000 + 1, stats.sent(), "the flooder's first 1,000 and the bystander's ping");
        assertCountersAddUp(stats);
        organism.run(5);
        stats = organism.stats();
        assertCountersAddUp(stats);
        assertEquals(1, stats.pending(), "the last tick's ping");
        assertEquals(1_000 + 5, organism.cell(sink).getLong(HANDLED), "the flood's first 1,000 and 5 pings");
        assertEquals(6, organism.cell(bystander).getLong(TICKS), "the organism kept running");
        assertEquals(1L, organism.stats().deathsByReason().get("mailbox_overflow"));
    }

    @Test
    void shouldRefuseEverySendPastTheLimitInTheSameVisit()
    {
        launch(1, 10);
        final Genotype genotype = organism.genotype("flooder", LAYOUT, "flooder");
        final long sink = organism.spawn(genotype);
        final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 5, 10);
        final long flooder = organism.spawn(genotype, supervisor, RestartType.PERMANENT);
        organism.cell(flooder).putLong(TARGET, sink).putLong(FLOOD, 25);
        // What the flooder counted is gone with it: run one tick and read the counters.
        organism.run(1);
        final Stats stats = organism.stats();
        assertEquals(10, stats.sent(), "exactly the limit went out; the 15 refused and the ping were not sent");
        assertEquals(1L, stats.deathsByReason().get("mailbox_overflow"));
        assertCountersAddUp(stats);
        organism.run(2);
        assertEquals(1L, organism.stats().restartsByReason().get("mailbox_overflow"), "restarted: supervised");
        assertEquals(2, organism.stats().alive());
        assertCountersAddUp(organism.stats());
    }

    @Test
    void shouldGiveEachCellItsOwnLimitEachTick()
    {
        launch(3, 100);
        final Genotype genotype = organism.genotype("flooder", LAYOUT, "flooder");
        final long sink = organism.spawn(genotype);
        final long[] senders = new long[50];
        for (int i = 0; i < senders.length; i++)
        {
            senders[i] = organism.spawn(genotype);
        }
        for (int tick = 0; tick < 5; tick++)
        {
            for (final long sender : senders)
            {
                organism.cell(sender).putLong(TARGET, sink).putLong(FLOOD, 99);
            }
            organism.run(1);
            assertCountersAddUp(organism.stats());
        }
        final Stats stats = organism.stats();
        assertNull(stats.deathsByReason().get("mailbox_overflow"), "99 + 1 ping is each cell's limit exactly");
        assertEquals(50L * 100 * 5, stats.sent());
    }

    @Test
    void shouldGiveQueueMemoryBackAfterAFlood()
    {
        launch(2, Configuration.MAILBOX_LIMIT_DEFAULT);
        final Genotype genotype = organism.genotype("flooder", LAYOUT, "flooder");
        final long sink = organism.spawn(genotype);
        final long flooder = organism.spawn(genotype);
        organism.run(1);
        final long quiet = queueBytes();
        organism.cell(flooder).putLong(TARGET, sink).putLong(FLOOD, 2_000_000);

        organism.run(2);

        final long flooded = queueBytes();
        // One copy: the sender's queue is the receiver's inbox when it alone holds the tick's messages.
        assertTrue(flooded > 64L * 1_000_000, "2M 32-byte records at least: " + flooded);
        assertEquals(2_000_000 + 1, organism.cell(sink).getLong(HANDLED), "the flood and its ping");
        assertNull(organism.stats().deathsByReason().get("mailbox_overflow"));
        // An outbox is cleared every other tick, and the look that follows the flood may still see it.
        organism.run(4 * MessageQueue.SHRINK_PERIOD + 4);
        final long after = queueBytes();
        assertTrue(after <= 2 * quiet, "back to the quiet size: quiet " + quiet + ", flooded " + flooded + ", after " +
            after);
        assertCountersAddUp(organism.stats());
    }

    @Test
    void shouldKeepTheCountersExactUnderMixedTraffic()
    {
        long expected = 0;
        for (int workers = 1; workers <= 3; workers++)
        {
            launch(workers, 500);
            final Genotype genotype = organism.genotype("flooder", LAYOUT, "flooder");
            final long[] cells = new long[100];
            for (int i = 0; i < cells.length; i++)
            {
                cells[i] = organism.spawn(genotype);
            }
            for (int i = 0; i < cells.length; i++)
            {
                organism.cell(cells[i]).putLong(TARGET, cells[(i * 37 + 11) % cells.length])
                    .putLong(FLOOD, i % 10 == 0 ? 1_000 : i * 3);
            }
            organism.kill(cells[50]);
            for (int t = 0; t < 4; t++)
            {
                organism.run(1);
                assertCountersAddUp(organism.stats());
            }
            final Stats stats = organism.stats();
            assertEquals(9L, stats.deathsByReason().get("mailbox_overflow"), "cells 0, 10, ..., 90 but 50, killed");
            if (1 == workers)
            {
                expected = organism.digest();
            }
            else
            {
                assertEquals(expected, organism.digest(), workers + " workers");
            }
            organism.close();
            organism = null;
        }
    }

    @Test
    void shouldRefuseARecordOnceTheQueueCannotGrowAndLeaveItUnchanged()
    {
        final MessageQueue queue = new MessageQueue(4);
        try
        {
            final int full = MessageDescriptor.MAX_QUEUE_LENGTH / MessageDescriptor.RECORD_LENGTH;
            queue.count = full;
            assertFalse(queue.offer(1, 2, 3, 4), "2^25 records is the most a queue holds");
            assertEquals(full, queue.count());
            assertEquals(4 * MessageDescriptor.RECORD_LENGTH, queue.capacityBytes());
            assertThrows(KaryonException.class, () -> queue.append(1, 2, 3, 4), "the engine's own appends still fail");
            queue.clear();
            assertTrue(queue.offer(1, 2, 3, 4));
            assertEquals(1, queue.target(0));
        }
        finally
        {
            queue.close();
        }
    }

    @Test
    void shouldRefuseOffersPastTheQueuesLimitWithoutGrowingPastIt()
    {
        final MessageQueue queue = new MessageQueue(2);
        try
        {
            queue.offerLimit(9);
            for (int i = 0; i < 9; i++)
            {
                assertTrue(queue.offer(i, 2, 3, 4), "record " + i);
            }
            assertFalse(queue.offer(9, 2, 3, 4), "the tenth record is past the limit");
            assertEquals(9, queue.count());
            assertEquals(9 * MessageDescriptor.RECORD_LENGTH, queue.capacityBytes(), "grown to the limit, not past it");
            assertEquals(8, queue.target(8));
        }
        finally
        {
            queue.close();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 3 })
    void shouldShareTheInboxBetweenTheWorkersSoThatNoMergeCanPassIt(final int workers)
    {
        organism = Organism.launch(new Context().threadingMode(ThreadingMode.INVOKER).workerCount(workers));
        final int share = MessageDescriptor.MAX_QUEUE_LENGTH / MessageDescriptor.RECORD_LENGTH / (workers + 1);
        for (final Slice slice : organism.workforce.slices())
        {
            for (int w = 0; w < workers; w++)
            {
                assertEquals(share * MessageDescriptor.RECORD_LENGTH, slice.mailboxes.outbox(0, w).offerLimit);
                assertEquals(share * MessageDescriptor.RECORD_LENGTH, slice.mailboxes.outbox(1, w).offerLimit);
            }
        }
        assertTrue((long)share * workers < MessageDescriptor.MAX_QUEUE_LENGTH / MessageDescriptor.RECORD_LENGTH,
            "every worker's full queue for one worker, merged, leaves room for signals and the driver's mail");
    }

    @Test
    void shouldRefuseAMailboxLimitBelowOne()
    {
        assertThrows(ConfigurationException.class, () -> new Context().mailboxLimit(0).conclude());
        assertThrows(ConfigurationException.class, () -> new Context().verifyEvery(-1).conclude());
    }

    private long queueBytes()
    {
        long bytes = 0;
        for (final Slice slice : organism.workforce.slices())
        {
            bytes += slice.mailboxes.queueBytes();
        }
        return bytes;
    }
}
