package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellStorage;
import io.karyon.engine.cell.Handle;
import io.karyon.engine.internal.Arena;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

import static io.karyon.engine.PopulateTest.DRAW;
import static io.karyon.engine.PopulateTest.INDEX;
import static io.karyon.engine.PopulateTest.INIT;
import static io.karyon.engine.PopulateTest.LAYOUT;
import static io.karyon.engine.PopulateTest.TICKS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spawning on the workers ({@link Organism#populate(Genotype, long, CellInitializer)}) against the driver's serial
 * spawn it replaces: the same handles, initial state and digest for 1, 2 and 3 workers; an initializer that throws
 * leaves no cell of its cohort; a memory budget refuses before any cell is spawned.
 */
class ParallelSpawnTest
{
    private static final long SEED = 99;
    /** Not a multiple of the 64 slots of a chunk: the last family is part full. */
    private static final int COUNT = 1000;

    /**
     * The serial spawn on one worker: one cell at a time from the driver (fill placement, the default), initialised
     * with the same stream a cohort's cell gets (cohort 0, keyed by index).
     */
    private static long[] serialSpawn(final Organism organism, final Genotype genotype, final int count)
    {
        final long[] handles = new long[count];
        final SetupRandom random = new SetupRandom(SEED);
        for (int i = 0; i < count; i++)
        {
            handles[i] = organism.spawn(genotype);
            random.key(0, i);
            INIT.init(i, organism.cell(handles[i]), random);
        }
        return handles;
    }

    private static Context context(final int workers)
    {
        return PopulateTest.context(workers).seed(SEED);
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 3 })
    void shouldSpawnTheSameHandlesStateAndDigestAsTheSerialSpawnForAnyWorkerCount(final int workers)
    {
        shouldSpawnAsTheSerialSpawn(workers, CellStorage.ROW);
    }

    /**
     * A cohort's fresh chunks are written a header word at a time: in columnar storage the second word is a column
     * away from the first, and every field must still read as the serial spawn's.
     */
    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 3 })
    void shouldSpawnTheSameHandlesStateAndDigestAsTheSerialSpawnInColumnarStorage(final int workers)
    {
        shouldSpawnAsTheSerialSpawn(workers, CellStorage.COLUMNAR);
    }

    private static void shouldSpawnAsTheSerialSpawn(final int workers, final CellStorage storage)
    {
        final long[] serialHandles;
        final long[][] serialState = new long[COUNT][];
        final long serialDigest;
        final long serialDigestAfterRun;
        final long serialNext;
        try (Organism serial = Organism.launch(context(1).cellStorage(storage)))
        {
            serial.registerBehaviour("counter", new PopulateTest.Counter(true));
            final Genotype genotype = serial.genotype("counter", LAYOUT, "counter");
            serialHandles = serialSpawn(serial, genotype, COUNT);
            for (int i = 0; i < COUNT; i++)
            {
                serialState[i] = state(serial.cell(serialHandles[i]));
            }
            serialDigest = serial.digest();
            serial.run(3);
            serialDigestAfterRun = serial.digest();
            serialNext = serial.spawn(genotype);
        }
        try (Organism parallel = Organism.launch(context(workers).cellStorage(storage)))
        {
            parallel.registerBehaviour("counter", new PopulateTest.Counter(true));
            final Genotype genotype = parallel.genotype("counter", LAYOUT, "counter");
            final Cohort cohort = parallel.populate(genotype, COUNT, INIT);
            for (int i = 0; i < COUNT; i++)
            {
                assertEquals(serialHandles[i], cohort.handle(i), "handle of " + i);
                assertArrayEquals(serialState[i], state(parallel.cell(cohort.handle(i))), "state of " + i);
            }
            assertEquals(COUNT, parallel.stats().spawned());
            assertEquals(COUNT, parallel.stats().alive());
            assertEquals(COUNT, parallel.countOf((short)0));
            assertEquals(serialDigest, parallel.digest(), "digest after spawning");
            parallel.run(3);
            assertEquals(serialDigestAfterRun, parallel.digest(), "digest after 3 ticks");
            // The chunks' counts were kept: the next spawn takes the slot after the cohort's, as the serial one's.
            assertEquals(serialNext, parallel.spawn(genotype), "the spawn after the cohort");
        }
    }

    @Test
    void shouldMatchAScalarRecomputationOfTheInitialState()
    {
        try (Organism organism = Organism.launch(context(2)))
        {
            organism.registerBehaviour("counter", new PopulateTest.Counter(false));
            final Genotype genotype = organism.genotype("counter", LAYOUT, "counter");
            final Cohort cohort = organism.populate(genotype, COUNT, INIT);
            final SetupRandom random = new SetupRandom(SEED);
            for (int i = 0; i < COUNT; i++)
            {
                random.key(0, i);
                final long draw = random.nextLong() ^ random.nextInt(1000) ^ (long)(random.nextDouble() * 1e9);
                final CellFlyweight cell = organism.cell(cohort.handle(i));
                assertEquals(i, cell.getLong(INDEX));
                assertEquals(draw, cell.getLong(DRAW), "draw of " + i);
                assertEquals(0, cell.getLong(TICKS));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 3 })
    void shouldLeaveNoCellOfACohortWhoseInitializerThrew(final int workers)
    {
        try (Organism organism = Organism.launch(context(workers)))
        {
            organism.registerBehaviour("counter", new PopulateTest.Counter(true));
            final Genotype genotype = organism.genotype("counter", LAYOUT, "counter");
            final long before = organism.spawn(genotype);
            final int familiesBefore = organism.familyCount();
            final KaryonException ex = assertThrows(KaryonException.class, () -> organism.populate(genotype, COUNT,
                (index, cell, random) ->
                {
                    INIT.init(index, cell, random);
                    if (700 == index)
                    {
                        throw new IllegalArgumentException("bad cell " + index);
                    }
                }));
            final int owner = ((familiesBefore + 700 / 64) % Arena.FAMILY_CLASSES) % workers;
            assertEquals("worker karyon-worker-" + owner + " failed a job: java.lang.IllegalArgumentException: " +
                "bad cell 700", ex.getMessage());
            assertEquals(1, organism.stats().alive(), "only the cell spawned before");
            assertEquals(1, organism.stats().spawned());
            assertEquals(1, organism.countOf((short)0));
            for (int i = 0; i < COUNT; i++)
            {
                final long handle = Handle.of(((familiesBefore + i / 64) * 32 * 64) + i % 64, 1);
                assertThrows(IllegalArgumentException.class, () -> organism.cell(handle), "cell " + i);
            }
            assertEquals(0, organism.cell(before).getLong(TICKS));
            final Cohort cohort = organism.populate(genotype, 100, INIT);
            organism.run(1);
            assertEquals(101, organism.stats().alive());
            assertEquals(1, organism.cell(cohort.handle(99)).getLong(TICKS));
            assertEquals(1, organism.cell(before).getLong(TICKS));
        }
    }

    @Test
    void shouldDigestTheSameAfterAFailedCohortForAnyWorkerCount()
    {
        final long one = afterFailedCohort(1);
        assertEquals(one, afterFailedCohort(2));
        assertEquals(one, afterFailedCohort(3));
    }

    private static long afterFailedCohort(final int workers)
    {
        try (Organism organism = Organism.launch(context(workers)))
        {
            organism.registerBehaviour("counter", new PopulateTest.Counter(true));
            final Genotype genotype = organism.genotype("counter", LAYOUT, "counter");
            assertThrows(KaryonException.class, () -> organism.populate(genotype, 300, (index, cell, random) ->
            {
                if (70 == index)
                {
                    throw new IllegalStateException("a cell of the second family fails");
                }
            }));
            assertEquals(5, organism.familyCount(), "every family of the failed cohort made, whichever worker threw");
            organism.populate(genotype, 300, INIT);
            for (int i = 0; i < 50; i++)
            {
                organism.spawn(genotype);
            }
            organism.run(4);
            final long alive = organism.stats().alive();
            assertTrue(alive > 300 && alive < 350, "cells with index % 97 == 3 die on tick 2: " + alive + " alive");
            return organism.digest();
        }
    }

    @Test
    void shouldRefuseACohortPastTheMemoryBudgetBeforeSpawningAnyCell()
    {
        try (Organism organism = Organism.launch(context(2).maxMemory(directBytes() + (1L << 20) + (64L << 10))))
        {
            organism.registerBehaviour("counter", new PopulateTest.Counter(true));
            final Genotype genotype = organism.genotype("counter", LAYOUT, "counter");
            final int[] initialised = new int[1];
            final MemoryBudget.Exceeded ex = assertThrows(MemoryBudget.Exceeded.class,
                () -> organism.populate(genotype, 1_000_000, (index, cell, random) -> initialised[0]++));
            assertTrue(ex.getMessage().startsWith("out of memory: the memory budget (--max-memory "), ex.getMessage());
            assertTrue(ex.getMessage().contains("arena chunk"), ex.getMessage());
            assertEquals(0, initialised[0], "no cell was initialised");
            assertEquals(0, organism.stats().alive());
            assertEquals(0, organism.stats().spawned());
        }
    }

    private static long directBytes()
    {
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
        {
            if ("direct".equals(pool.getName()))
            {
                return pool.getMemoryUsed();
            }
        }
        return 0;
    }

    private static long[] state(final CellFlyweight cell)
    {
        return new long[] { cell.getLong(INDEX), cell.getLong(DRAW), cell.getLong(TICKS), cell.behaviourId(),
            cell.generation(), cell.status(), cell.flags(), cell.supervisorRow(), cell.link() };
    }
}
