package io.karyon.perf;

import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.Context;
import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.Placement;
import io.karyon.engine.cell.CellFlyweight;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opentest4j.AssertionFailedError;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The hot path allocates nothing: W2 (messages within and across workers) and W3 (a tick step on every cell) run on
 * an organism with 2 workers, and after warm-up the worker threads' allocated bytes, as the JVM counts them per
 * thread, do not grow over a window of many ticks. A window may catch the JIT swapping code (a deoptimised method
 * allocates what escape analysis had removed), so the test takes up to {@link #WINDOWS} windows and needs one to be
 * clean; code that allocates per message or per cell allocates in every window.
 */
class AllocationGuardTest
{
    private static final int CELLS = 10_000;
    private static final int WARM_UP_ROUNDS = 30;
    private static final int WINDOWS = 5;
    private static final String WORKER_PREFIX = "karyon-worker-";

    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    /**
     * Runs one round of a workload on the organism.
     */
    interface Round
    {
        void run();
    }

    @Test
    @Timeout(120)
    void shouldNotAllocateOnWorkersWhileTokensGoRoundTheRing()
    {
        final Context context = new Context().workerCount(2).seed(42).idleStrategy("backoff")
            .placement(Placement.ROUND_ROBIN);
        try (Organism organism = Organism.launch(context))
        {
            organism.registerBehaviour("ring", new W2Ring.RingCell());
            final Genotype genotype = organism.genotype("ring", W2Ring.LAYOUT, "ring");
            final int next = W2Ring.LAYOUT.offset("next");
            final long[] ring = new long[CELLS];
            for (int i = 0; i < CELLS; i++)
            {
                ring[i] = organism.spawn(genotype);
            }
            for (int i = 0; i < CELLS; i++)
            {
                organism.cell(ring[i]).putLong(next, ring[(i + 1) % CELLS]);
            }
            final int tokens = 100;
            final long hopsPerToken = 1_000;
            final Round round = () ->
            {
                for (int t = 0; t < tokens; t++)
                {
                    organism.send(ring[t * (CELLS / tokens)], 1, hopsPerToken);
                }
                organism.run(hopsPerToken);
            };

            assertWorkersAllocateNothing(organism, round, "W2");
            assertTrue(organism.stats().crossWorker() > 0, "no hop crossed workers: the test would miss that path");
            assertEquals(0, organism.stats().pending());
        }
    }

    @Test
    @Timeout(120)
    void shouldNotAllocateOnWorkersWhileTicking()
    {
        try (Organism organism = Organism.launch(new Context().workerCount(2).seed(42).idleStrategy("backoff")))
        {
            organism.registerBehaviour("logistic", new W3Tick.Logistic());
            final Genotype genotype = organism.genotype("logistic", W3Tick.LAYOUT, "logistic");
            final int x = W3Tick.LAYOUT.offset("x");
            for (int i = 0; i < CELLS; i++)
            {
                final CellFlyweight cell = organism.cell(organism.spawn(genotype));
                cell.putDouble(x, BenchParams.unitOpen(42, i));
            }

            assertWorkersAllocateNothing(organism, () -> organism.run(100), "W3");
            assertEquals(CELLS, organism.stats().alive());
        }
    }

    /**
     * The guard itself: a behaviour that allocates one small array per step must be caught.
     */
    @Test
    @Timeout(120)
    void shouldCatchABehaviourThatAllocates()
    {
        try (Organism organism = Organism.launch(new Context().workerCount(2).seed(42).idleStrategy("backoff")))
        {
            organism.registerBehaviour("allocating", new Allocating());
            final Genotype genotype = organism.genotype("allocating", W3Tick.LAYOUT, "allocating");
            for (int i = 0; i < CELLS; i++)
            {
                organism.spawn(genotype);
            }

            final AssertionFailedError error = assertThrows(AssertionFailedError.class,
                () -> assertWorkersAllocateNothing(organism, () -> organism.run(10), "W3"));
            assertTrue(error.getMessage().contains("allocated on the heap in every steady-state window"),
                error.getMessage());
        }
    }

    /**
     * Allocates a small array on every step and keeps the last one, so escape analysis cannot remove it.
     */
    static final class Allocating implements Behaviour
    {
        volatile long[] last;

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            last = new long[4];
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
        }
    }

    private static void assertWorkersAllocateNothing(final Organism organism, final Round round, final String workload)
    {
        final long[] workers = workerThreadIds();
        assertEquals(2, workers.length, "worker threads named " + WORKER_PREFIX + "*");
        for (int r = 0; r < WARM_UP_ROUNDS; r++)
        {
            round.run();
        }
        final List<String> windows = new ArrayList<>();
        for (int w = 0; w < WINDOWS; w++)
        {
            final long[] before = allocatedBytes(workers);
            for (int r = 0; r < 10; r++)
            {
                round.run();
            }
            final long[] after = allocatedBytes(workers);
            final long[] grown = new long[workers.length];
            long total = 0;
            for (int i = 0; i < workers.length; i++)
            {
                grown[i] = after[i] - before[i];
                total += grown[i];
            }
            if (0 == total)
            {
                return;
            }
            windows.add(Arrays.toString(grown));
        }
        fail(workload + ": the worker threads allocated on the heap in every steady-state window, bytes per worker " +
            "in each window: " + windows + " (find where with scripts/profile alloc bench " + workload + ")");
    }

    private static long[] workerThreadIds()
    {
        final List<Long> ids = new ArrayList<>();
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.getName().startsWith(WORKER_PREFIX))
            {
                ids.add(thread.getId());
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    private static long[] allocatedBytes(final long[] threads)
    {
        final long[] bytes = new long[threads.length];
        for (int i = 0; i < threads.length; i++)
        {
            bytes[i] = THREADS.getThreadAllocatedBytes(threads[i]);
            assertTrue(bytes[i] >= 0, "allocated bytes of thread " + threads[i] + " are not measured");
        }
        return bytes;
    }
}
