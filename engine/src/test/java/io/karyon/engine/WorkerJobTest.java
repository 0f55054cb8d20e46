package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.scheduler.ThreadingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jobs on every worker between ticks ({@link Organism#onWorkers(WorkerJob)}) in each threading mode and in
 * free-running mode, their failures, and the survey that runs on them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkerJobTest
{
    static final CellLayout LAYOUT = CellLayout.builder().longField("value").build();
    static final int VALUE = LAYOUT.offset("value");

    static final class Idle implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            cell.putLong(VALUE, cell.getLong(VALUE) + 1);
        }

        public void onMessage(final CellFlyweight cell, final CellContext context, final long sender, final int type,
            final long payload)
        {
        }
    }

    private static Context context(final int workers, final ThreadingMode mode)
    {
        return new Context().workerCount(workers).threadingMode(mode).idleStrategy("backoff").pin(false)
            .chunkShift(6).stateLength(LAYOUT.stateLength()).seed(7);
    }

    private static void assertEveryWorkerRanOnce(final Organism organism)
    {
        final int workers = organism.workerCount();
        final AtomicIntegerArray runs = new AtomicIntegerArray(workers);
        final ConcurrentHashMap<Integer, Integer> counts = new ConcurrentHashMap<>();
        organism.onWorkers((worker, all) ->
        {
            assertEquals(workers, all);
            runs.incrementAndGet(worker);
            counts.merge(all, 1, Integer::sum);
        });
        for (int w = 0; w < workers; w++)
        {
            assertEquals(1, runs.get(w), "worker " + w + " ran the job once");
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void shouldRunAJobOnceOnEveryWorkerBetweenTicksInEveryThreadingMode(final ThreadingMode mode)
    {
        try (Organism organism = Organism.launch(context(3, mode)))
        {
            organism.registerBehaviour("idle", new Idle());
            final Genotype genotype = organism.genotype("idle", LAYOUT, "idle");
            organism.spawn(genotype);
            assertEveryWorkerRanOnce(organism);
            organism.run(3);
            assertEveryWorkerRanOnce(organism);
            assertEveryWorkerRanOnce(organism);
            organism.run(2);
            assertEquals(5, organism.ticks());
            assertEquals(5, organism.stats().updates(), "jobs took no ticks and broke none");
        }
    }

    @Test
    void shouldRunEachWorkersJobOnItsOwnThreadWhenDedicated()
    {
        try (Organism organism = Organism.launch(context(2, ThreadingMode.DEDICATED)))
        {
            final String[] threads = new String[2];
            organism.onWorkers((worker, workers) -> threads[worker] = Thread.currentThread().getName());
            assertTrue(!threads[0].equals(threads[1]), "each worker on its own thread: " + threads[0]);
            assertTrue(!threads[0].equals(Thread.currentThread().getName()), "not on the driver");
        }
    }

    @Test
    void shouldRunJobsInFreeRunningModeWhileStoppedAndRefuseWhileStarted()
    {
        try (Organism organism = Organism.launch(context(2, ThreadingMode.DEDICATED).freeRunning(true)))
        {
            assertEveryWorkerRanOnce(organism);
            organism.start();
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> organism.onWorkers((worker, workers) -> { }));
            assertTrue(ex.getMessage().contains("stop() it first"), ex.getMessage());
            organism.stop();
            assertEveryWorkerRanOnce(organism);
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void shouldNameTheFirstFailedWorkerAndStayUsable(final ThreadingMode mode)
    {
        try (Organism organism = Organism.launch(context(3, mode)))
        {
            final KaryonException ex = assertThrows(KaryonException.class, () -> organism.onWorkers((worker, workers) ->
            {
                if (worker >= 1)
                {
                    throw new IllegalStateException("boom on " + worker);
                }
            }));
            assertEquals("worker karyon-worker-1 failed a job: java.lang.IllegalStateException: boom on 1",
                ex.getMessage());
            assertEquals(KaryonException.Category.ERROR, ex.category());
            assertEquals("boom on 1", ex.getCause().getMessage());
            organism.run(2);
            assertEveryWorkerRanOnce(organism);
            assertEquals(2, organism.ticks());
        }
    }

    @Test
    void shouldRejectANullJob()
    {
        try (Organism organism = Organism.launch(context(1, ThreadingMode.INVOKER)))
        {
            assertEquals("onWorkers: job must not be null",
                assertThrows(IllegalArgumentException.class, () -> organism.onWorkers(null)).getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void shouldSurveyEachFamilyOnItsOwnersThreadInSlotOrder(final ThreadingMode mode)
    {
        final List<List<Long>> expected = survey(context(1, ThreadingMode.INVOKER));
        assertEquals(expected, survey(context(2, mode)));
        assertEquals(expected, survey(context(3, mode)));
    }

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void shouldCallWalkedOnceOnEveryWorkerAfterItsFamilies(final ThreadingMode mode)
    {
        try (Organism organism = Organism.launch(context(3, mode)))
        {
            organism.registerBehaviour("idle", new Idle());
            organism.populate(organism.genotype("idle", LAYOUT, "idle"), 64 * 7 + 5, null);
            organism.run(1);
            final AtomicIntegerArray visits = new AtomicIntegerArray(3);
            final AtomicIntegerArray visitsWhenWalked = new AtomicIntegerArray(3);
            final AtomicIntegerArray walks = new AtomicIntegerArray(3);
            organism.survey(new CellSurvey()
            {
                public void visit(final int family, final CellFlyweight cell)
                {
                    visits.incrementAndGet(Families.ownerOfFamily(family, 3));
                }

                public void walked(final int worker, final int workers)
                {
                    assertEquals(3, workers);
                    walks.incrementAndGet(worker);
                    visitsWhenWalked.set(worker, visits.get(worker));
                }
            });
            int cells = 0;
            for (int w = 0; w < 3; w++)
            {
                assertEquals(1, walks.get(w), "worker " + w + " walked once");
                assertEquals(visits.get(w), visitsWhenWalked.get(w), "worker " + w + " walked after its families");
                cells += visits.get(w);
            }
            assertEquals(64 * 7 + 5, cells);
        }
    }

    /**
     * The handles each family's survey saw, in the order it saw them, from cells spread over six families.
     */
    private static List<List<Long>> survey(final Context context)
    {
        try (Organism organism = Organism.launch(context))
        {
            organism.registerBehaviour("idle", new Idle());
            final Genotype genotype = organism.genotype("idle", LAYOUT, "idle");
            organism.populate(genotype, 64 * 5 - 7, null);
            for (int i = 0; i < 40; i++)
            {
                organism.spawn(genotype);
            }
            organism.run(1);
            final List<List<Long>> byFamily = new ArrayList<>();
            for (int f = 0; f < organism.familyCount(); f++)
            {
                byFamily.add(new ArrayList<>());
            }
            final Thread[] threadOfFamily = new Thread[organism.familyCount()];
            organism.survey((family, cell) ->
            {
                synchronized (byFamily)
                {
                    byFamily.get(family).add(cell.handle());
                    if (null == threadOfFamily[family])
                    {
                        threadOfFamily[family] = Thread.currentThread();
                    }
                    assertSame(threadOfFamily[family], Thread.currentThread(), "one thread per family");
                }
            });
            for (final List<Long> handles : byFamily)
            {
                for (int i = 1; i < handles.size(); i++)
                {
                    assertTrue(Long.compareUnsigned(handles.get(i - 1) & 0xFFFF_FFFFL,
                        handles.get(i) & 0xFFFF_FFFFL) < 0, "slot order");
                }
            }
            return byFamily;
        }
    }
}
