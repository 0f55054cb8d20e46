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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chunks without tick steps are visited by the mail words that linking noted, chunks with some by every word of
 * their bitmaps: cells that become ticking behaviours and back, die and are restarted, move chunks from one way to
 * the other in the middle of a run, and the run is the same, bit for bit, for any number of workers.
 */
class MailWordsTest
{
    static final CellLayout LAYOUT =
        CellLayout.builder().longField("peer").longField("sum").longField("ttl").build();
    static final int PEER = LAYOUT.offset("peer");
    static final int SUM = LAYOUT.offset("sum");
    static final int TTL = LAYOUT.offset("ttl");
    private static final int CELLS = 3_000;

    /**
     * The digest of the run and the counters that could differ.
     */
    private record Outcome(long digest, long alive, long delivered, long deadLetters, long deaths, long restarts,
        long updates, long maxTicking)
    {
    }

    /**
     * The ticking behaviour both mail tests' relays become for a few ticks: counts its time to live down, sends its
     * peer the count each tick and becomes the relay ({@code ids[0]}) again at zero; sums what it is sent.
     */
    static Behaviour ticker(final short[] ids)
    {
        return new Behaviour()
        {
            public void onTick(final CellFlyweight cell, final CellContext context)
            {
                final long ttl = cell.getLong(TTL) - 1;
                cell.putLong(TTL, ttl);
                if (0 == ttl)
                {
                    context.become(ids[0]);
                }
                context.send(cell.getLong(PEER), 1, ttl);
            }

            public void onMessage(final CellFlyweight cell, final CellContext context, final long sender,
                final int type, final long payload)
            {
                cell.putLong(SUM, cell.getLong(SUM) * 17 + payload);
            }
        };
    }

    private static Outcome run(final int workers, final long seed)
    {
        try (Organism organism = Organism.launch(new Context().workerCount(workers)
            .threadingMode(ThreadingMode.INVOKER).chunkShift(8).seed(seed)))
        {
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
                    final long r = context.nextLong() & 1023;
                    if (r < 3)
                    {
                        context.die(tired);
                        return;
                    }
                    if (r < 60)
                    {
                        cell.putLong(TTL, 1 + (r & 3));
                        context.become(ids[1]);
                    }
                    context.send(cell.getLong(PEER), 1, payload + 1);
                    if (r > 1000)
                    {
                        context.send(sender, 1, payload);
                    }
                }

                public boolean hasTick()
                {
                    return false;
                }
            });
            ids[1] = organism.registerBehaviour("ticker", ticker(ids));
            final Genotype genotype = organism.genotype("relay", LAYOUT, "relay");
            final long[] cells = new long[CELLS];
            for (int s = 0; s < 30; s++)
            {
                final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 1_000_000, 10);
                for (int c = 0; c < CELLS / 30; c++)
                {
                    cells[s * (CELLS / 30) + c] = organism.spawn(genotype, supervisor, RestartType.PERMANENT);
                }
            }
            for (int i = 0; i < CELLS; i++)
            {
                // Mostly near peers (the same mail word), some far (another chunk, another worker).
                final int peer = 0 == i % 5 ? (int)((i * 7919L) % CELLS) : (i + 1 + i % 3) % CELLS;
                organism.cell(cells[i]).putLong(PEER, cells[peer]);
            }
            for (int t = 0; t < 300; t++)
            {
                organism.send(cells[(t * 37) % CELLS], 1, t);
            }
            long maxTicking = 0;
            for (int tick = 0; tick < 80; tick++)
            {
                organism.run(1);
                maxTicking = Math.max(maxTicking, organism.countOf(ids[1]));
            }
            final Stats stats = organism.stats();
            return new Outcome(organism.digest(), stats.alive(), stats.delivered(), stats.deadLetters(),
                stats.deaths(), stats.restarts(), stats.updates(), maxTicking);
        }
    }

    @Test
    @Timeout(60)
    void shouldGiveTheSameRunForAnyNumberOfWorkers()
    {
        final Outcome expected = run(1, 5);
        assertTrue(expected.delivered() > 20_000, "messages: " + expected);
        assertTrue(expected.restarts() > 10, "restarts: " + expected);
        assertTrue(expected.deadLetters() > 0, "messages to restarted cells' old handles: " + expected);
        assertTrue(expected.maxTicking() > 50 && expected.updates() > 100, "ticking cells come and go: " + expected);
        for (final int workers : new int[]{ 2, 3 })
        {
            assertEquals(expected, run(workers, 5), workers + " workers");
        }
        assertNotEquals(expected, run(2, 6), "another seed, another run");
    }
}
