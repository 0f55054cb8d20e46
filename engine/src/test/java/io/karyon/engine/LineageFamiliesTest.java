package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.cell.Handle;
import io.karyon.engine.checkpoint.CheckpointMeta;
import io.karyon.engine.checkpoint.Checkpoints;
import io.karyon.engine.internal.Arena;
import io.karyon.scheduler.ThreadingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lineages that outgrow their family go on into further families of the family's class, on the same worker: no
 * spawn fails below the memory budget, and a run is the same, bit for bit, for 1, 2 and 3 workers. Families here
 * hold 2,048 cells (2^6 slots a chunk, 32 chunks), so a lineage of 2^13 cells needs four; three lineages, in three
 * families of three classes, grow at once while their cells message their parents and die.
 */
@Timeout(120)
class LineageFamiliesTest
{
    private static final CellLayout LAYOUT = CellLayout.builder().longField("depth").longField("parent")
        .longField("sum").build();
    private static final int DEPTH = LAYOUT.offset("depth");
    private static final int PARENT = LAYOUT.offset("parent");
    private static final int SUM = LAYOUT.offset("sum");
    private static final int CHUNK_SHIFT = 6;
    private static final int FAMILY_CELLS = Arena.FAMILY_CHUNKS << CHUNK_SHIFT;
    private static final int FOUNDERS = 3;
    private static final int SPACING = 1 << CHUNK_SHIFT;

    /**
     * Divides while its depth is below the limit; tells its parent of its birth; with a death rate, dies at random.
     */
    private static final class Dividing implements Behaviour
    {
        private final int depth;
        private final int deathsPer1024;
        private Genotype genotype;

        Dividing(final int depth, final int deathsPer1024)
        {
            this.depth = depth;
            this.deathsPer1024 = deathsPer1024;
        }

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            if ((context.nextLong() & 1023) < deathsPer1024)
            {
                context.die(ExitReasons.NORMAL);
                return;
            }
            final long d = cell.getLong(DEPTH);
            if (d < depth)
            {
                final long child = context.spawn(genotype);
                cell.putLong(DEPTH, d + 1);
                context.send(child, 1, d + 1);
            }
        }

        public void onMessage(final CellFlyweight cell, final CellContext context, final long sender, final int type,
            final long payload)
        {
            if (1 == type)
            {
                cell.putLong(DEPTH, payload);
                cell.putLong(PARENT, sender);
                context.send(sender, 2, Handle.slot(context.self()));
            }
            else
            {
                cell.putLong(SUM, cell.getLong(SUM) + payload);
            }
        }
    }

    private record Outcome(long digest, long alive, long deaths, String byReason, int families, long delivered)
    {
    }

    private static Outcome run(final int workers, final int depth, final int deathsPer1024, final long ticks)
    {
        try (Organism organism = setUp(workers, depth, deathsPer1024))
        {
            organism.run(ticks);
            return outcome(organism);
        }
    }

    private static Organism setUp(final int workers, final int depth, final int deathsPer1024)
    {
        final Organism organism = Organism.launch(new Context().workerCount(workers)
            .threadingMode(ThreadingMode.INVOKER).chunkShift(CHUNK_SHIFT).stateLength(LAYOUT.stateLength())
            .seed(11));
        final Dividing dividing = new Dividing(depth, deathsPer1024);
        organism.registerBehaviour("dividing", dividing);
        organism.registerBehaviour("idle", new Behaviour()
        {
            public void onTick(final CellFlyweight cell, final CellContext context)
            {
            }

            public void onMessage(final CellFlyweight cell, final CellContext context, final long sender,
                final int type, final long payload)
            {
            }

            public boolean hasTick()
            {
                return false;
            }
        });
        dividing.genotype = organism.genotype("dividing", LAYOUT, "dividing");
        final Genotype idle = organism.genotype("idle", LAYOUT, "idle");
        // A founder at the start of each of the first three families (one chunk of 64 cells each when filled).
        for (int i = 0; i < FOUNDERS * SPACING; i++)
        {
            organism.spawn(0 == i % SPACING ? dividing.genotype : idle);
        }
        return organism;
    }

    private static Outcome outcome(final Organism organism)
    {
        assertNull(organism.stats().deathsByReason().get("exception"), organism.stats().deathsByReason()::toString);
        final Stats stats = organism.stats();
        return new Outcome(organism.digest(), stats.alive(), stats.deaths(), stats.deathsByReason().toString(),
            organism.familyCount(), stats.delivered());
    }

    @Test
    void shouldGrowEachLineageIntoFurtherFamiliesOfItsClassWithoutAFailedSpawn()
    {
        final int depth = 13;
        final Outcome outcome = run(2, depth, 0, depth + 3);

        // Every founder's lineage doubles each tick: 2^13 cells each, four families' worth, and every spawn made it.
        assertEquals(FOUNDERS * (1L << depth) + FOUNDERS * (SPACING - 1), outcome.alive());
        assertEquals(0, outcome.deaths());
        // The lineages went on into families 64, 65, 66, 128, ... (their classes), past the three the driver added.
        assertTrue(outcome.families() > 3 * Arena.FAMILY_CLASSES, "families: " + outcome.families());
        assertTrue(FOUNDERS * (1L << depth) > 3L * FAMILY_CELLS);
    }

    @ParameterizedTest
    @ValueSource(ints = { 0, 8 })
    void shouldBeTheSameForOneTwoAndThreeWorkers(final int deathsPer1024)
    {
        final Outcome one = run(1, 13, deathsPer1024, 20);
        final Outcome two = run(2, 13, deathsPer1024, 20);
        final Outcome three = run(3, 13, deathsPer1024, 20);

        assertEquals(one, two);
        assertEquals(one, three);
        assertTrue(one.alive() > 3L * FAMILY_CELLS, "alive: " + one.alive());
    }

    /**
     * A checkpoint carries the chains of families lineages grew into: resumed on another worker count, the lineages
     * go on filling the same families, and the run ends as the unbroken one does.
     */
    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 3 })
    void shouldResumeLineagesThatOutgrewTheirFamiliesOnAnyWorkerCount(final int resumeWorkers,
        @TempDir final Path folder) throws IOException
    {
        final Path file = folder.resolve("tick-14.kcp");
        final Outcome unbroken;
        try (Organism organism = setUp(2, 15, 8))
        {
            organism.run(14);
            assertTrue(organism.familyCount() > 3 * Arena.FAMILY_CLASSES, "families: " + organism.familyCount());
            Checkpoints.write(organism, file, new CheckpointMeta("lineages", Map.of(), 11, null), List.of());
            organism.run(8);
            unbroken = outcome(organism);
        }
        try (Organism organism = setUp(resumeWorkers, 15, 8))
        {
            Checkpoints.restore(organism, file, List.of());
            organism.run(8);
            assertEquals(unbroken, outcome(organism));
        }
    }
}
