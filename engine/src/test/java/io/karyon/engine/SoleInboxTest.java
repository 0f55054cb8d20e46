package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.scheduler.ThreadingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A worker's inbox is the one queue that holds all its messages of a tick, not a copy of it, and a merged copy when
 * several queues, the driver or signals add to it: tokens on a ring spread over chunks and workers, some ticks with
 * one sender, some with several and with the driver's mail. Every hop is delivered exactly once, and the run is the
 * same, bit for bit, for 1, 2 and 3 workers.
 */
class SoleInboxTest
{
    private static final CellLayout LAYOUT = CellLayout.builder().longField("next").longField("sum").build();
    private static final int NEXT = LAYOUT.offset("next");
    private static final int SUM = LAYOUT.offset("sum");
    private static final int CELLS = 200;
    private static final int HOPS = 20;
    private static final int[] TOKEN_TICKS = { 0, 5, 9, 9, 30 };

    /**
     * The digest, the deliveries and the sum of the payloads the cells saw.
     */
    private record Outcome(long digest, long delivered, long sum)
    {
    }

    private static Outcome run(final int workers)
    {
        try (Organism organism = Organism.launch(new Context().workerCount(workers)
            .threadingMode(ThreadingMode.INVOKER).chunkShift(6).seed(3)))
        {
            organism.registerBehaviour("ring", new Behaviour()
            {
                public void onTick(final CellFlyweight cell, final CellContext context)
                {
                }

                public void onMessage(final CellFlyweight cell, final CellContext context, final long sender,
                    final int type, final long payload)
                {
                    cell.putLong(SUM, cell.getLong(SUM) + payload);
                    if (payload > 1)
                    {
                        context.send(cell.getLong(NEXT), 1, payload - 1);
                    }
                }

                public boolean hasTick()
                {
                    return false;
                }
            });
            final Genotype genotype = organism.genotype("ring", LAYOUT, "ring");
            final long[] cells = new long[CELLS];
            for (int i = 0; i < CELLS; i++)
            {
                cells[i] = organism.spawn(genotype);
            }
            for (int i = 0; i < CELLS; i++)
            {
                organism.cell(cells[i]).putLong(NEXT, cells[(i + 1) % CELLS]);
            }
            for (int tick = 0; tick < 60; tick++)
            {
                for (int t = 0; t < TOKEN_TICKS.length; t++)
                {
                    if (TOKEN_TICKS[t] == tick)
                    {
                        organism.send(cells[(t * 71) % CELLS], 1, HOPS);
                    }
                }
                organism.run(1);
            }
            long sum = 0;
            for (final long cell : cells)
            {
                sum += organism.cell(cell).getLong(SUM);
            }
            return new Outcome(organism.digest(), organism.stats().delivered(), sum);
        }
    }

    @Test
    @Timeout(60)
    void shouldDeliverEveryHopOnceAndTheSameForAnyNumberOfWorkers()
    {
        final Outcome expected = run(1);
        assertEquals((long)TOKEN_TICKS.length * HOPS, expected.delivered(), "every hop once: " + expected);
        assertEquals((long)TOKEN_TICKS.length * HOPS * (HOPS + 1) / 2, expected.sum(), "payloads: " + expected);
        for (final int workers : new int[]{ 2, 3 })
        {
            assertEquals(expected, run(workers), workers + " workers");
        }
    }
}
