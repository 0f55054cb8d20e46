package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.cell.Handle;
import io.karyon.engine.internal.Arena;
import io.karyon.engine.sim.Tissue;
import io.karyon.numa.BindType;
import io.karyon.numa.NumaBinding;
import io.karyon.scheduler.ThreadingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many workers: determinism across worker counts, message order and back-pressure between workers, stale handles
 * across workers, stopping, faults and oversubscription.
 */
class WorkersTest
{
    static final CellLayout LAYOUT = CellLayout.builder()
        .longField("count")
        .longField("target")
        .longField("toSend")
        .longField("inOrder")
        .array("last", long.class, 4)
        .build();
    static final int COUNT = LAYOUT.offset("count");
    static final int TARGET = LAYOUT.offset("target");
    static final int TO_SEND = LAYOUT.offset("toSend");
    static final int IN_ORDER = LAYOUT.offset("inOrder");
    static final int LAST = LAYOUT.offset("last");

    private static Context invoker(final int workers)
    {
        return new Context().workerCount(workers).threadingMode(ThreadingMode.INVOKER).chunkShift(8).seed(2026);
    }

    private static long tissueDigest(final Context context, final int cells, final int ticks)
    {
        try (Organism organism = Organism.launch(context))
        {
            Tissue.seed(organism, cells);
            organism.run(ticks);
            final Stats stats = organism.stats();
            assertTrue(stats.deaths() > 0 && stats.spawned() > cells, "the run must see births and deaths: " + stats);
            return organism.digest() ^ Arrays.hashCode(new long[]{ stats.alive(), stats.delivered(),
                stats.deadLetters(), stats.deaths(), stats.spawned(), stats.updates() });
        }
    }

    @Test
    @Timeout(120)
    void shouldGiveTheSameDigestForAnyNumberOfWorkers()
    {
        // 256-slot chunks: 6,000 cells fill 24 families, and divisions spill into overflow chunks.
        final long expected = tissueDigest(invoker(1), 6_000, 80);
        for (final int workers : new int[]{ 2, 3, 4, 8 })
        {
            assertEquals(expected, tissueDigest(invoker(workers), 6_000, 80), workers + " workers");
        }
        assertEquals(expected, tissueDigest(invoker(2).threadingMode(ThreadingMode.DEDICATED).idleStrategy("backoff"),
            6_000, 80), "two dedicated threads");
        assertNotEquals(expected, tissueDigest(invoker(2).seed(2027), 6_000, 80), "another seed, another run");
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 3 })
    void shouldMatchAScalarLogisticMapOnEveryWorker(final int workers)
    {
        try (Organism organism = Organism.launch(invoker(workers)))
        {
            organism.registerBehaviour("logistic", new Behaviour()
            {
                public void onTick(final CellFlyweight cell, final CellContext context)
                {
                    final double x = Double.longBitsToDouble(cell.getLong(COUNT));
                    cell.putLong(COUNT, Double.doubleToRawLongBits(3.9 * x * (1.0 - x)));
                }

                public void onMessage(final CellFlyweight cell, final CellContext context, final long sender,
                    final int type, final long payload)
                {
                }
            });
            final Genotype genotype = organism.genotype("logistic", LAYOUT, "logistic");
            final long[] handles = new long[3_000];
            final double[] x = new double[handles.length];
            for (int i = 0; i < handles.length; i++)
            {
                handles[i] = organism.spawn(genotype);
                x[i] = (i + 0.5) / handles.length;
                organism.cell(handles[i]).putLong(COUNT, Double.doubleToRawLongBits(x[i]));
            }
            organism.run(40);
            for (int i = 0; i < handles.length; i++)
            {
                for (int t = 0; t < 40; t++)
                {
                    x[i] = 3.9 * x[i] * (1.0 - x[i]);
                }
                assertEquals(Double.doubleToRawLongBits(x[i]), organism.cell(handles[i]).getLong(COUNT), "cell " + i);
            }
            assertEquals(40L * handles.length, organism.stats().updates());
        }
    }

    /**
     * Sends `toSend` numbered messages to `target`, `burst` per tick (or per step in free-running mode); a receiver
     * keeps, per sender index (the payload's high bits), the last number, and clears `inOrder` if one comes early.
     */
    static final class Flood implements Behaviour
    {
        private final int burst;

        Flood(final int burst)
        {
            this.burst = burst;
        }

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            final long left = cell.getLong(TO_SEND);
            final long n = Math.min(burst, left);
            final long index = cell.getLong(LAST);
            for (long i = 0; i < n; i++)
            {
                final long sequence = cell.getLong(COUNT) + 1;
                cell.putLong(COUNT, sequence);
                context.send(cell.getLong(TARGET), 1, index << 40 | sequence);
            }
            cell.putLong(TO_SEND, left - n);
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
            final int from = (int)(payload >>> 40);
            final long sequence = payload & ((1L << 40) - 1);
            final int offset = LAST + 8 * from;
            if (cell.getLong(offset) + 1 != sequence)
            {
                cell.putLong(IN_ORDER, 0);
            }
            cell.putLong(offset, sequence);
            cell.putLong(COUNT, cell.getLong(COUNT) + 1);
        }
    }

    /**
     * Four senders per receiver, spawned round-robin over the workers; with a receiver count that is no multiple of the
 * worker count, most senders sit on another worker than their receiver.
     */
    private static long[] floodPairs(final Organism organism, final int receivers, final long perSender,
        final int burst)
    {
        organism.registerBehaviour("flood", new Flood(burst));
        final Genotype genotype = organism.genotype("flood", LAYOUT, "flood");
        final long[] receiverHandles = new long[receivers];
        for (int r = 0; r < receivers; r++)
        {
            receiverHandles[r] = organism.spawn(genotype);
            organism.cell(receiverHandles[r]).putLong(IN_ORDER, 1);
        }
        for (int s = 0; s < receivers * 4; s++)
        {
            final long sender = organism.spawn(genotype);
            organism.cell(sender)
                .putLong(TARGET, receiverHandles[s % receivers])
                .putLong(TO_SEND, perSender)
                .putLong(LAST, s / receivers);
        }
        return receiverHandles;
    }

    @Test
    void shouldKeepMessagesInOrderPerSenderAcrossWorkersInTicks()
    {
        try (Organism organism = Organism.launch(invoker(3).placement(Placement.ROUND_ROBIN)))
        {
            final long[] receivers = floodPairs(organism, 31, 500, 7);
            organism.run(100);
            final Stats stats = organism.stats();
            assertEquals(31 * 4 * 500L, stats.delivered());
            assertTrue(stats.crossWorker() > stats.sent() / 2, "most messages crossed workers: " + stats);
            for (final long receiver : receivers)
            {
                assertEquals(1, organism.cell(receiver).getLong(IN_ORDER), "FIFO per sender");
                assertEquals(4 * 500L, organism.cell(receiver).getLong(COUNT));
            }
        }
    }

    @Test
    @Timeout(60)
    void shouldSpillNotDropWhenTinyRingsFillInBothDirections()
    {
        final Context context = new Context().workerCount(2).idleStrategy("backoff").freeRunning(true)
            .ringCapacity(1024).placement(Placement.ROUND_ROBIN).chunkShift(8);
        try (Organism organism = Organism.launch(context))
        {
            final long[] receivers = floodPairs(organism, 21, 5_000, 200);
            assertTrue(organism.awaitQuiescence(TimeUnit.SECONDS.toNanos(30)), "all messages delivered in time");
            final Stats stats = organism.stats();
            assertEquals(21 * 4 * 5_000L, stats.sent());
            assertTrue(stats.crossWorker() >= stats.sent() / 2, "half the messages crossed workers: " + stats);
            assertEquals(stats.sent(), stats.delivered(), "nothing lost");
            assertEquals(0, stats.deadLetters());
            assertEquals(0, stats.pending());
            assertTrue(stats.spilled() > 0, "1 KiB rings must have spilled: " + stats);
            final Stats first = organism.stats(0);
            final Stats second = organism.stats(1);
            assertEquals(stats.delivered(), first.delivered() + second.delivered(), "per-worker counters add up");
            assertEquals(stats.spilled(), first.spilled() + second.spilled());
            assertEquals(stats.alive(), first.alive() + second.alive());
            assertTrue(first.spilled() > 0 && second.spilled() > 0, "both directions spilled: " + first + " " + second);
            for (final long receiver : receivers)
            {
                assertEquals(1, organism.cell(receiver).getLong(IN_ORDER), "FIFO per sender through the spill");
                assertEquals(4 * 5_000L, organism.cell(receiver).getLong(COUNT));
            }
        }
    }

    @Test
    void shouldNeverDeliverToTheNewOccupantOfAStaleHandleOnAnotherWorker()
    {
        try (Organism organism = Organism.launch(invoker(2).placement(Placement.ROUND_ROBIN)))
        {
            organism.registerBehaviour("flood", new Flood(1));
            final Genotype genotype = organism.genotype("flood", LAYOUT, "flood");
            final long sender = organism.spawn(genotype);     // worker 0
            final long victim = organism.spawn(genotype);     // worker 1
            assertTrue(organism.kill(victim));
            organism.spawn(genotype);                         // worker 0
            final long reborn = organism.spawn(genotype);     // worker 1, the victim's slot
            assertEquals(Handle.slot(victim), Handle.slot(reborn));
            organism.cell(sender).putLong(TARGET, victim).putLong(TO_SEND, 3);
            organism.run(4);
            assertEquals(0, organism.cell(reborn).getLong(COUNT));
            assertEquals(3, organism.stats().deadLetters());
            assertEquals(3, organism.stats().crossWorker());
        }
    }

    @Test
    @Timeout(60)
    void shouldPinWorkersByTheBindTypeAndPutTheirChunksOnTheirNode()
    {
        final Context context = new Context().workerCount(2).idleStrategy("backoff").chunkShift(10);
        try (Organism organism = Organism.launch(context))
        {
            final int[] planned = BindType.TNNPS.plan(Organism.machine(), 2);
            organism.registerBehaviour("flood", new Flood(1));
            final Genotype genotype = organism.genotype("flood", LAYOUT, "flood");
            for (int i = 0; i < 2 * 1024; i++)
            {
                organism.spawn(genotype);
            }
            organism.run(1);
            for (int w = 0; w < 2; w++)
            {
                assertEquals(planned[w], organism.workers().cpu(w));
                final int node = Organism.machine().nodeOfCpu(planned[w]);
                assertEquals(node, organism.workers().node(w));
                final int chunk = w << Arena.FAMILY_SHIFT;
                final long start = organism.arena().chunk(chunk).addressOffset() & -4096L;
                for (final int pageNode : NumaBinding.nodesOfPages(start, 8 * 4096))
                {
                    assertEquals(node, pageNode, "worker " + w + "'s slots sit on its node");
                }
                assertEquals(node, organism.workers().pageNodes(w)[0],
                    "the public view of worker " + w + "'s pages agrees");
            }
        }
    }

    @Test
    @Timeout(60)
    void shouldEndEveryWorkerThreadOnCloseOverAThousandLaunches()
    {
        // No bound on how long a close takes (OrganismCloseBenchmark reports it): what a caller relies on is that
        // close returns with the workers' threads ended, every time, and that none piles up over many launches.
        for (int i = 0; i < 1_000; i++)
        {
            final Organism organism = Organism.launch(new Context().workerCount(2).idleStrategy("backoff"));
            organism.run(1);
            organism.close();
            assertEquals(0, organism.workers().liveThreads(), "launch " + i);
        }
        final List<String> left = new ArrayList<>();
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.getName().startsWith("karyon-worker"))
            {
                left.add(thread.getName());
            }
        }
        assertEquals(List.of(), left, "worker threads still alive");
    }

    @Test
    @Timeout(60)
    void shouldStopTheOrganismNamingTheWorkerWhenAWorkerFails()
    {
        final Organism organism = Organism.launch(new Context().workerCount(2).idleStrategy("backoff")
            .placement(Placement.ROUND_ROBIN));
        try
        {
            organism.registerBehaviour("doomed", new Behaviour()
            {
                public void onTick(final CellFlyweight cell, final CellContext context)
                {
                    if (1 == cell.getLong(TO_SEND) && context.tick() == 2)
                    {
                        // A VirtualMachineError is the worker's own failure, not the cell's: it is not apoptosis.
                        throw new OutOfMemoryError("simulated");
                    }
                }

                public void onMessage(final CellFlyweight cell, final CellContext context, final long sender,
                    final int type, final long payload)
                {
                }
            });
            final Genotype genotype = organism.genotype("doomed", LAYOUT, "doomed");
            organism.spawn(genotype);
            organism.cell(organism.spawn(genotype)).putLong(TO_SEND, 1);   // on worker 1
            final KaryonException ex = assertThrows(KaryonException.class, () -> organism.run(10));
            assertEquals("worker karyon-worker-1 failed, organism stopped: java.lang.OutOfMemoryError: simulated",
                ex.getMessage());
            assertEquals(KaryonException.Category.FATAL, ex.category());
            assertEquals(0, organism.workers().liveThreads());
            assertThrows(IllegalStateException.class, () -> organism.run(1));
        }
        finally
        {
            organism.close();
        }
    }

    @Test
    @Timeout(120)
    void shouldFinishWithEightOversubscribedWorkersOnAFewCores()
    {
        final long expected = tissueDigest(invoker(1), 3_000, 40);
        assertEquals(expected, tissueDigest(invoker(8).threadingMode(ThreadingMode.DEDICATED).idleStrategy("backoff"),
            3_000, 40));
    }

    @Test
    @Timeout(60)
    void shouldRunTokensAroundARingInFreeRunningMode()
    {
        final Context context = new Context().workerCount(2).idleStrategy("backoff").freeRunning(true)
            .placement(Placement.ROUND_ROBIN);
        try (Organism organism = Organism.launch(context))
        {
            final long[] ring = TokenRing.spawn(organism, LAYOUT, "count", "target", 1_000);
            for (int t = 0; t < 10; t++)
            {
                organism.send(ring[t * 100], 1, 10_000);
            }
            assertThrows(IllegalStateException.class, () -> organism.run(1), "no ticks in free-running mode");
            organism.start();
            assertThrows(IllegalStateException.class, () -> organism.send(ring[0], 1, 1), "stop before sending");
            assertTrue(organism.awaitQuiescence(TimeUnit.SECONDS.toNanos(30)));
            assertFalse(organism.isStarted());
            final Stats stats = organism.stats();
            assertEquals(100_000, stats.delivered());
            assertEquals(0, stats.deadLetters());
            long hops = 0;
            for (final long cell : ring)
            {
                hops += organism.cell(cell).getLong(COUNT);
            }
            assertEquals(100_000, hops);
        }
    }
}
