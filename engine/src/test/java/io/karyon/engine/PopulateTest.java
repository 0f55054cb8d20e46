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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bulk parallel set-up: cohorts spawned by the workers, their arithmetic handles, the set-up random streams, the
 * initializer's choice of behaviour, supervised cohorts, and bad input.
 */
class PopulateTest
{
    static final CellLayout LAYOUT = CellLayout.builder().longField("index").longField("draw").longField("ticks")
        .build();
    static final int INDEX = LAYOUT.offset("index");
    static final int DRAW = LAYOUT.offset("draw");
    static final int TICKS = LAYOUT.offset("ticks");

    static final class Counter implements Behaviour
    {
        private final boolean ticks;

        Counter(final boolean ticks)
        {
            this.ticks = ticks;
        }

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            cell.putLong(TICKS, cell.getLong(TICKS) + 1);
            if (cell.getLong(INDEX) % 97 == 3 && context.tick() == 2)
            {
                throw new IllegalStateException("dies to be restarted");
            }
        }

        public void onMessage(final CellFlyweight cell, final CellContext context, final long sender, final int type,
            final long payload)
        {
        }

        public boolean hasTick()
        {
            return ticks;
        }
    }

    static Context context(final int workers)
    {
        return new Context().workerCount(workers).threadingMode(ThreadingMode.INVOKER).chunkShift(6)
            .stateLength(LAYOUT.stateLength()).seed(99);
    }

    static final CellInitializer INIT = (index, cell, random) ->
    {
        cell.putLong(INDEX, index);
        cell.putLong(DRAW, random.nextLong() ^ random.nextInt(1000) ^ (long)(random.nextDouble() * 1e9));
    };

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 3 })
    void shouldSpawnACohortWhoseHandlesAreArithmeticAndTheSameForAnyWorkerCount(final int workers)
    {
        try (Organism organism = Organism.launch(context(workers)))
        {
            organism.registerBehaviour("counter", new Counter(true));
            final Genotype genotype = organism.genotype("counter", LAYOUT, "counter");
            organism.spawn(genotype);
            final Cohort cohort = organism.populate(genotype, 1000, INIT);
            assertEquals(1000, cohort.size());
            assertEquals(1001, organism.stats().alive());
            assertEquals(1001, organism.stats().spawned());
            assertEquals(1 + 16, organism.familyCount(), "a fresh family per 64 cells, after the one spawn's");
            for (long i = 0; i < cohort.size(); i++)
            {
                final long handle = cohort.handle(i);
                assertEquals((1 + i / 64) * 64 * 32 + i % 64, Handle.slot(handle), "slot of " + i);
                assertEquals(i, cohort.index(handle));
                assertEquals(i, organism.cell(handle).getLong(INDEX));
            }
            organism.run(2);
            assertEquals(2, organism.cell(cohort.handle(999)).getLong(TICKS), "stepped from the first tick");
            assertEquals(1001 * 2, organism.stats().updates());
        }
    }

    @Test
    void shouldDrawTheSameSetUpNumbersForAnyWorkerCountAndDifferentOnesPerCohortAndSeed()
    {
        final long one = draws(context(1));
        assertEquals(one, draws(context(2)));
        assertEquals(one, draws(context(3)));
        assertNotEquals(one, draws(context(2).seed(100)));
    }

    private static long draws(final Context context)
    {
        try (Organism organism = Organism.launch(context))
        {
            organism.registerBehaviour("counter", new Counter(true));
            final Genotype genotype = organism.genotype("counter", LAYOUT, "counter");
            final Cohort first = organism.populate(genotype, 300, INIT);
            final Cohort second = organism.populate(genotype, 300, INIT);
            final long fifth = organism.cell(first.handle(5)).getLong(DRAW);
            assertNotEquals(fifth, organism.cell(second.handle(5)).getLong(DRAW));
            assertNotEquals(fifth, organism.cell(first.handle(6)).getLong(DRAW));
            return organism.digest();
        }
    }

    @Test
    void shouldAnswerMinusOneForHandlesNotOfTheCohort()
    {
        try (Organism organism = Organism.launch(context(2)))
        {
            organism.registerBehaviour("counter", new Counter(true));
            final Genotype genotype = organism.genotype("counter", LAYOUT, "counter");
            final Cohort first = organism.populate(genotype, 70, null);
            final Cohort second = organism.populate(genotype, 10, null);
            final long loose = organism.spawn(genotype);
            assertEquals(-1, first.index(second.handle(0)));
            assertEquals(-1, second.index(first.handle(69)));
            assertEquals(-1, first.index(loose), "a spawn in the cohort's last chunk is not of the cohort");
            assertEquals(-1, first.index(Handle.NULL_HANDLE));
            assertEquals(-1, first.index(Handle.of(first.handle(3) == 0 ? 0 : Handle.slot(first.handle(3)), 2)),
                "another generation of the slot");
            assertEquals(-1, first.index(-1L));
            assertEquals("cohort index must be in 0..69: index=70",
                assertThrows(IndexOutOfBoundsException.class, () -> first.handle(70)).getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> first.handle(-1));
            organism.kill(first.handle(3));
            assertFalse(organism.isAlive(first.handle(3)));
        }
    }

    @Test
    void shouldLetTheInitializerChooseTheBehaviourAndCountIt()
    {
        try (Organism organism = Organism.launch(context(3)))
        {
            final short ticking = organism.registerBehaviour("ticking", new Counter(true));
            final short idle = organism.registerBehaviour("idle", new Counter(false));
            final Genotype genotype = organism.genotype("idle", LAYOUT, "idle");
            final Cohort cohort = organism.populate(genotype, 500, (index, cell, random) ->
            {
                cell.putLong(INDEX, index);
                if (index % 5 == 0)
                {
                    cell.behaviourId(ticking);
                }
            });
            assertEquals(100, organism.countOf(ticking));
            assertEquals(400, organism.countOf(idle));
            organism.run(3);
            assertEquals(300, organism.stats().updates(), "only the cells made ticking are stepped");
            assertEquals(3, organism.cell(cohort.handle(10)).getLong(TICKS));
            assertEquals(0, organism.cell(cohort.handle(11)).getLong(TICKS));
        }
    }

    @Test
    void shouldRejectBadInput()
    {
        try (Organism organism = Organism.launch(context(2)); Organism other = Organism.launch(context(1)))
        {
            organism.registerBehaviour("counter", new Counter(true));
            final Genotype genotype = organism.genotype("counter", LAYOUT, "counter");
            other.registerBehaviour("counter", new Counter(true));
            final Genotype foreign = other.genotype("counter", LAYOUT, "counter");
            assertEquals("populate: count must be >= 0: count=-1", assertThrows(IllegalArgumentException.class,
                () -> organism.populate(genotype, -1, null)).getMessage());
            assertTrue(assertThrows(IllegalArgumentException.class, () -> organism.populate(foreign, 1, null))
                .getMessage().startsWith("populate: genotype Genotype{name='counter'"));
            assertThrows(IllegalArgumentException.class, () -> organism.populate(null, 1, null));
            final IllegalStateException full = assertThrows(IllegalStateException.class,
                () -> organism.populate(genotype, 1L << 40, null));
            assertTrue(full.getMessage().startsWith("populate: 1099511627776 cells need"), full.getMessage());
            assertEquals(0, organism.familyCount(), "nothing taken");
            final Cohort other1 = other.populate(foreign, 3, null);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> organism.connect(other1, (i, c, s, r) -> { }))
                .getMessage().startsWith("connect: cohort Cohort{"));
            final Cohort empty = organism.populate(genotype, 0, null);
            assertEquals(0, empty.size());
            assertThrows(IndexOutOfBoundsException.class, () -> empty.handle(0));
        }
    }

    @Test
    void shouldReportAnInitializerThatThrowsWithItsWorker()
    {
        try (Organism organism = Organism.launch(context(2)))
        {
            organism.registerBehaviour("counter", new Counter(true));
            final Genotype genotype = organism.genotype("counter", LAYOUT, "counter");
            final KaryonException ex = assertThrows(KaryonException.class, () -> organism.populate(genotype, 200,
                (index, cell, random) ->
                {
                    if (150 == index)
                    {
                        throw new IllegalArgumentException("bad person " + index);
                    }
                }));
            assertEquals("worker karyon-worker-0 failed a job: java.lang.IllegalArgumentException: bad person 150",
                ex.getMessage(), "index 150 is in the third family, worker 0's");
            final short bad = 77;
            final KaryonException unknown = assertThrows(KaryonException.class,
                () -> organism.populate(genotype, 10, (index, cell, random) -> cell.behaviourId(bad)));
            assertTrue(unknown.getMessage().endsWith("become: no behaviour has id 77 (1 registered)"),
                unknown.getMessage());
            organism.run(1);
            assertEquals(organism.stats().alive(), organism.countOf((short)0), "counts stayed consistent");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 3 })
    void shouldSpawnASupervisedCohortInItsSupervisorsHomeAndRestartItsCells(final int workers)
    {
        try (Organism organism = Organism.launch(context(workers)))
        {
            organism.registerBehaviour("counter", new Counter(true));
            final Genotype genotype = organism.genotype("counter", LAYOUT, "counter");
            final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 1000, 10);
            final Cohort cohort = organism.populate(genotype, 300, supervisor, RestartType.PERMANENT, INIT);
            assertEquals(300, supervisor.children().length);
            for (long i = 0; i < 300; i++)
            {
                assertEquals(i, cohort.index(cohort.handle(i)));
                assertEquals(64 + i, Handle.slot(cohort.handle(i)), "from the home's first unused chunk on");
            }
            organism.run(5);
            assertEquals(4, organism.stats().restarts(), "indices 3, 100, 197 and 294 died in tick 2");
            assertEquals(300, organism.stats().alive());
            assertFalse(organism.isAlive(cohort.handle(3)), "restarted in a fresh slot, with a new handle");
            assertEquals(300, organism.countOf((short)0));
            assertThrows(IllegalArgumentException.class,
                () -> organism.populate(genotype, 64 * 32, supervisor, RestartType.PERMANENT, null));
        }
    }

    @Test
    void shouldDigestASupervisedCohortTheSameForAnyWorkerCount()
    {
        final long one = supervisedDigest(1);
        assertEquals(one, supervisedDigest(2));
        assertEquals(one, supervisedDigest(3));
    }

    private static long supervisedDigest(final int workers)
    {
        try (Organism organism = Organism.launch(context(workers)))
        {
            organism.registerBehaviour("counter", new Counter(true));
            final Genotype genotype = organism.genotype("counter", LAYOUT, "counter");
            final Supervisor a = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 1000, 10);
            final Supervisor b = organism.supervisor(RestartStrategy.ONE_FOR_ALL, 1000, 10);
            organism.populate(genotype, 200, a, RestartType.PERMANENT, INIT);
            organism.populate(genotype, 150, b, RestartType.TRANSIENT, INIT);
            organism.populate(genotype, 400, INIT);
            organism.run(6);
            return organism.digest() ^ organism.stats().restarts();
        }
    }
}
