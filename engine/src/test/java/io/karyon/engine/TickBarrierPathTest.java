package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.checkpoint.CheckpointMeta;
import io.karyon.engine.checkpoint.Checkpoints;
import io.karyon.scheduler.ThreadingMode;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD;

/**
 * The tick barrier as users meet it, through {@link TickAgent} in a running organism: every worker runs its share of
 * every tick phase and every tick, no worker starts a tick (or its phase) before every worker finished the one
 * before, so that a message sent in tick t is delivered in tick t + 1, a worker whose cell throws or dawdles holds
 * the others back rather than letting them run ahead, and a worker that fails during a tick stops them all.
 * <p>
 * The cells record what they saw in their own state; what crosses workers (how many cells finished each tick, the
 * highest tick any cell started, each worker's phases) goes to counters of the test's own, checked by every cell and
 * every phase as it runs. A dawdling cell waits for another worker to start the next tick, which happens at once
 * when the barrier is broken and never when it holds: the wait then ends at its timeout, whose length decides only
 * how likely a broken barrier is caught, never whether a sound one passes.
 */
@Timeout(value = 120, threadMode = SEPARATE_THREAD)
class TickBarrierPathTest
{
    private static final CellLayout LAYOUT = CellLayout.builder()
        .longField("index")
        .longField("target")
        .longField("last")
        .longField("ticked")
        .longField("missed")
        .longField("received")
        .longField("late")
        .longField("throwAt")
        .build();
    private static final int INDEX = LAYOUT.offset("index");
    private static final int TARGET = LAYOUT.offset("target");
    private static final int LAST = LAYOUT.offset("last");
    private static final int TICKED = LAYOUT.offset("ticked");
    private static final int MISSED = LAYOUT.offset("missed");
    private static final int RECEIVED = LAYOUT.offset("received");
    private static final int LATE = LAYOUT.offset("late");
    private static final int THROW_AT = LAYOUT.offset("throwAt");
    private static final int TICKS = 16;
    private static final int CELLS_PER_WORKER = 20;
    private static final long DAWDLE_MS = 100;
    // Ticks in which one cell dawdles: the cell of index t % workers, so on a different worker each time.
    private static final long[] SLOW_TICKS = { 2, 5, 9, 12 };

    @TempDir
    Path folder;

    /**
     * What crosses workers: cells finished per tick, the highest tick started, phases run per worker and tick, and
     * the first broken rule seen.
     */
    private static final class Recorder implements TickPhase
    {
        private final int workers;
        private final long ticks;
        private final AtomicLongArray finishedIn;
        private final AtomicIntegerArray phases;
        private final AtomicLong maxStarted = new AtomicLong(-1);
        private final CountDownLatch[] started;
        private final AtomicLong violations = new AtomicLong();
        private final AtomicReference<String> firstViolation = new AtomicReference<>();
        private long ringCells;
        private long firstTick;
        private long throwers;
        private long throwTick = Long.MAX_VALUE;
        private long phaseThrowTick = -1;
        private int phaseThrowWorker = -1;
        private boolean phased;
        private boolean dawdle = true;

        Recorder(final int workers, final long ticks)
        {
            this.workers = workers;
            this.ticks = ticks;
            this.finishedIn = new AtomicLongArray((int)ticks);
            this.phases = new AtomicIntegerArray(workers * (int)ticks);
            this.started = new CountDownLatch[(int)ticks + 1];
            for (int t = 0; t <= ticks; t++)
            {
                started[t] = new CountDownLatch(1);
            }
        }

        /**
         * Cells that run a tick: the ring, and the throwers up to the tick they throw in.
         */
        long expected(final long tick)
        {
            return ringCells + (tick <= throwTick ? throwers : 0);
        }

        void violation(final String what)
        {
            violations.incrementAndGet();
            firstViolation.compareAndSet(null, what);
        }

        public void run(final int worker, final int workerCount, final long tick)
        {
            if (workerCount != workers)
            {
                violation("phase told " + workerCount + " workers, not " + workers);
            }
            phases.incrementAndGet(worker * (int)ticks + (int)tick);
            checkFinished("worker " + worker + " ran the phase of", tick);
            if (maxStarted.get() >= tick)
            {
                violation("worker " + worker + " ran the phase of tick " + tick + " after a cell started it");
            }
            if (tick == phaseThrowTick && worker == phaseThrowWorker)
            {
                // Give the other workers the time to run the tick's cells, which they must not do before every
                // phase is done.
                await(started[(int)tick]);
                throw new IllegalStateException("phase failed on worker " + worker + " at tick " + tick);
            }
        }

        /**
         * Every cell that runs the tick before finished it.
         */
        private void checkFinished(final String who, final long tick)
        {
            final long done = tick > firstTick ? finishedIn.get((int)tick - 1) : 0;
            if (tick > firstTick && done != expected(tick - 1))
            {
                violation(who + " tick " + tick + " with " + done + " of " + expected(tick - 1) +
                    " cells done with tick " + (tick - 1));
            }
        }

        void enter(final int worker, final long tick)
        {
            maxStarted.accumulateAndGet(tick, Math::max);
            started[(int)tick].countDown();
            checkFinished("a cell on worker " + worker + " started", tick);
            for (int w = 0; phased && w < workers; w++)
            {
                if (1 != phases.get(w * (int)ticks + (int)tick))
                {
                    violation("a cell on worker " + worker + " started tick " + tick + " before worker " + w +
                        " ran its phase");
                }
            }
        }

        void leave(final long tick)
        {
            finishedIn.incrementAndGet((int)tick);
        }

        boolean isSlow(final long index, final long tick)
        {
            if (!dawdle || index != tick % workers)
            {
                return false;
            }
            for (final long slow : SLOW_TICKS)
            {
                if (slow == tick)
                {
                    return true;
                }
            }
            return false;
        }

        /**
         * Waits for another cell to start the next tick (at once if the barrier is broken), then checks none did.
         */
        void dawdle(final int worker, final long tick)
        {
            await(started[(int)tick + 1]);
            if (maxStarted.get() > tick)
            {
                violation("a cell started tick " + maxStarted.get() + " while one on worker " + worker +
                    " was still in tick " + tick);
            }
        }

        private void await(final CountDownLatch latch)
        {
            try
            {
                latch.await(DAWDLE_MS, TimeUnit.MILLISECONDS);
            }
            catch (final InterruptedException ex)
            {
                violation("interrupted while dawdling");
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Each tick: checks that the tick before was finished everywhere, sends the tick's number to its target, and
     * counts the messages that carry the tick before (on time) and any other (late or early).
     */
    private static final class Stepper implements Behaviour
    {
        private final Recorder recorder;

        Stepper(final Recorder recorder)
        {
            this.recorder = recorder;
        }

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            final long tick = context.tick();
            recorder.enter(context.worker(), tick);
            try
            {
                if (cell.getLong(LAST) + 1 != tick)
                {
                    cell.putLong(MISSED, cell.getLong(MISSED) + 1);
                }
                cell.putLong(LAST, tick);
                cell.putLong(TICKED, cell.getLong(TICKED) + 1);
                if (recorder.isSlow(cell.getLong(INDEX), tick) || tick + 1 == cell.getLong(THROW_AT))
                {
                    recorder.dawdle(context.worker(), tick);
                }
                if (tick + 1 == cell.getLong(THROW_AT))
                {
                    if (cell.getLong(INDEX) < 0)
                    {
                        throw new InternalError("worker failed at tick " + tick);
                    }
                    throw new IllegalStateException("cell failed at tick " + tick);
                }
                if (0 != cell.getLong(TARGET))
                {
                    context.send(cell.getLong(TARGET), 1, tick);
                }
            }
            finally
            {
                recorder.leave(tick);
            }
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
            final int field = payload + 1 == context.tick() ? RECEIVED : LATE;
            cell.putLong(field, cell.getLong(field) + 1);
        }
    }

    private static Context context(final int workers, final ThreadingMode mode)
    {
        return new Context().workerCount(workers).threadingMode(mode).idleStrategy("backoff").pin(false)
            .placement(Placement.ROUND_ROBIN).chunkShift(8).seed(24);
    }

    /**
     * A ring of cells, placed round-robin so that each cell's target (the next) is on the next worker.
     */
    private static long[] ring(final Organism organism, final Genotype genotype, final Recorder recorder)
    {
        final long[] cells = new long[recorder.workers * CELLS_PER_WORKER];
        for (int i = 0; i < cells.length; i++)
        {
            cells[i] = organism.spawn(genotype);
            organism.cell(cells[i]).putLong(INDEX, i).putLong(LAST, -1);
        }
        for (int i = 0; i < cells.length; i++)
        {
            organism.cell(cells[i]).putLong(TARGET, cells[(i + 1) % cells.length]);
        }
        recorder.ringCells = cells.length;
        return cells;
    }

    private static void assertNoViolation(final Recorder recorder)
    {
        assertNull(recorder.firstViolation.get(), "first of " + recorder.violations.get() + " broken rules");
    }

    /**
     * Every ring cell ran every tick and got, from the second tick on, exactly one message per tick, on time.
     */
    private static void assertRingInStep(
        final Organism organism, final long[] ring, final long ticks, final long otherUpdates)
    {
        for (int i = 0; i < ring.length; i++)
        {
            final CellFlyweight cell = organism.cell(ring[i]);
            assertEquals(ticks, cell.getLong(TICKED), "ticks run by cell " + i);
            assertEquals(0, cell.getLong(MISSED), "ticks skipped by cell " + i);
            assertEquals(ticks - 1, cell.getLong(RECEIVED), "messages on time at cell " + i);
            assertEquals(0, cell.getLong(LATE), "messages late or early at cell " + i);
        }
        final Stats stats = organism.stats();
        assertEquals(ring.length * (ticks - 1), stats.delivered(), "every message of every tick but the last");
        assertEquals(ring.length, stats.pending(), "the last tick's messages, for the next");
        assertEquals(ring.length * ticks + otherUpdates, stats.updates());
        assertEquals(stats.sent(), stats.crossWorker(), "every message crossed workers");
    }

    static Stream<Arguments> modes()
    {
        return Stream.of(
            Arguments.of(2, ThreadingMode.DEDICATED, true),
            Arguments.of(3, ThreadingMode.DEDICATED, true),
            Arguments.of(2, ThreadingMode.DEDICATED, false),
            Arguments.of(3, ThreadingMode.DEDICATED, false),
            Arguments.of(3, ThreadingMode.SHARED, true),
            Arguments.of(2, ThreadingMode.INVOKER, true));
    }

    @ParameterizedTest
    @MethodSource("modes")
    void shouldRunEveryPhaseAndTickOnEveryWorkerInStep(final int workers, final ThreadingMode mode,
        final boolean phased)
    {
        final Recorder recorder = new Recorder(workers, TICKS);
        recorder.phased = phased;
        // Dawdling needs another thread to run ahead on: a shared thread or the driver would only wait it out.
        recorder.dawdle = ThreadingMode.DEDICATED == mode;
        try (Organism organism = Organism.launch(context(workers, mode).tickPhase(phased ? recorder : null)))
        {
            organism.registerBehaviour("stepper", new Stepper(recorder));
            final long[] ring = ring(organism, organism.genotype("stepper", LAYOUT, "stepper"), recorder);
            organism.run(TICKS / 2);
            organism.run(TICKS / 2);
            assertNoViolation(recorder);
            for (int w = 0; w < workers; w++)
            {
                for (int t = 0; t < TICKS; t++)
                {
                    assertEquals(phased ? 1 : 0, recorder.phases.get(w * TICKS + t),
                        "phases of worker " + w + " in tick " + t);
                }
            }
            assertRingInStep(organism, ring, TICKS, 0);
            assertEquals(TICKS, organism.tickLatencies().getTotalCount(), "the leader records each tick once");
            assertEquals(TICKS, organism.ticks());
        }
    }

    @ParameterizedTest
    @CsvSource({ "2, 1", "3, 0", "3, 2" })
    void shouldHoldTheOthersBackWhileACellThatThrowsDawdlesAndGoOnAfterIt(final int workers, final int throwing)
    {
        final Recorder recorder = new Recorder(workers, TICKS);
        recorder.throwTick = 6;
        try (Organism organism = Organism.launch(context(workers, ThreadingMode.DEDICATED)))
        {
            organism.registerBehaviour("stepper", new Stepper(recorder));
            final Genotype genotype = organism.genotype("stepper", LAYOUT, "stepper");
            final long[] ring = ring(organism, genotype, recorder);
            // Round-robin placement goes on from the ring: a whole round more puts the thrower on its worker.
            final long[] throwers = new long[workers];
            for (int w = 0; w < workers; w++)
            {
                throwers[w] = organism.spawn(genotype);
                organism.cell(throwers[w]).putLong(INDEX, Integer.MAX_VALUE).putLong(LAST, -1)
                    .putLong(THROW_AT, w == throwing ? recorder.throwTick + 1 : 0);
            }
            recorder.throwers = 1;
            recorder.ringCells = ring.length + workers - 1;
            organism.run(TICKS);
            assertNoViolation(recorder);
            // The throwers that do not throw run every tick, the one that does runs up to its tick, 6.
            assertRingInStep(organism, ring, TICKS, (workers - 1) * TICKS + recorder.throwTick + 1);
            assertEquals(1, organism.stats().deaths(), "the thrower died, alone");
            assertFalse(organism.isAlive(throwers[throwing]));
            assertEquals(1, organism.readErrors((count, first, last, error) ->
                assertTrue(error.contains("cell failed at tick 6"), error)));
            assertEquals(TICKS, organism.ticks());
        }
    }

    @ParameterizedTest
    @CsvSource({ "2, 1", "3, 0", "3, 2" })
    void shouldStopEveryWorkerWhenOneFailsDuringATick(final int workers, final int failing)
    {
        final Recorder recorder = new Recorder(workers, TICKS);
        final long failTick = 7;
        recorder.dawdle = false;
        final Organism organism = Organism.launch(context(workers, ThreadingMode.DEDICATED));
        try
        {
            organism.registerBehaviour("stepper", new Stepper(recorder));
            final long[] ring = ring(organism, organism.genotype("stepper", LAYOUT, "stepper"), recorder);
            // A negative index makes the throw a VirtualMachineError: the worker's failure, not the cell's.
            organism.cell(ring[failing]).putLong(INDEX, -1).putLong(THROW_AT, failTick + 1);
            final KaryonException ex = assertThrows(KaryonException.class, () -> organism.run(TICKS));
            assertEquals("worker karyon-worker-" + failing + " failed, organism stopped: java.lang.InternalError: " +
                "worker failed at tick " + failTick, ex.getMessage());
            assertEquals(KaryonException.Category.FATAL, ex.category());
            assertEquals(0, organism.workers().liveThreads(), "every worker ended");
            assertNoViolation(recorder);
            assertEquals(failTick, recorder.maxStarted.get(), "no cell started the tick after the failure");
            assertThrows(IllegalStateException.class, () -> organism.run(1));
        }
        finally
        {
            organism.close();
        }
        assertEquals(0, organism.workers().liveThreads());
    }

    @ParameterizedTest
    @CsvSource({ "2, 1", "3, 0", "3, 2" })
    void shouldStopEveryWorkerWhenAPhaseFailsBeforeAnyCellRunsItsTick(final int workers, final int failing)
    {
        final Recorder recorder = new Recorder(workers, TICKS);
        recorder.phased = true;
        recorder.dawdle = false;
        recorder.phaseThrowTick = 5;
        recorder.phaseThrowWorker = failing;
        final Organism organism = Organism.launch(context(workers, ThreadingMode.DEDICATED).tickPhase(recorder));
        try
        {
            organism.registerBehaviour("stepper", new Stepper(recorder));
            ring(organism, organism.genotype("stepper", LAYOUT, "stepper"), recorder);
            final KaryonException ex = assertThrows(KaryonException.class, () -> organism.run(TICKS));
            assertEquals("worker karyon-worker-" + failing + " failed, organism stopped: " +
                "java.lang.IllegalStateException: phase failed on worker " + failing + " at tick 5", ex.getMessage());
            assertEquals(0, organism.workers().liveThreads(), "every worker ended");
            assertNoViolation(recorder);
            assertEquals(4, recorder.maxStarted.get(), "no cell started the tick whose phase failed");
        }
        finally
        {
            organism.close();
        }
        assertEquals(0, organism.workers().liveThreads());
    }

    @ParameterizedTest
    @ValueSource(ints = { 2, 3 })
    void shouldGoOnInStepFromARestoredCheckpoint(final int workers) throws IOException
    {
        // The workers jump to the checkpoint's tick by a job (TickAgent.runJob): on dedicated threads, with a phase
        // and dawdlers, the run goes on as if unbroken, the messages in flight at the checkpoint delivered on time.
        final long at = 7;
        final Path file = folder.resolve("ring.kcp");
        final Recorder before = new Recorder(workers, TICKS);
        before.phased = true;
        final long[] ring;
        try (Organism organism = Organism.launch(context(workers, ThreadingMode.DEDICATED).tickPhase(before)))
        {
            organism.registerBehaviour("stepper", new Stepper(before));
            ring = ring(organism, organism.genotype("stepper", LAYOUT, "stepper"), before);
            organism.run(at);
            assertNoViolation(before);
            Checkpoints.write(organism, file, new CheckpointMeta("barrier-ring", Map.of(), 24, null), List.of());
        }
        final Recorder after = new Recorder(workers, TICKS);
        after.phased = true;
        after.firstTick = at;
        after.ringCells = ring.length;
        try (Organism organism = Organism.launch(context(workers, ThreadingMode.DEDICATED).tickPhase(after)))
        {
            organism.registerBehaviour("stepper", new Stepper(after));
            organism.genotype("stepper", LAYOUT, "stepper");
            Checkpoints.restore(organism, file, List.of());
            assertEquals(at, organism.ticks());
            organism.run(TICKS - at);
            assertNoViolation(after);
            for (int w = 0; w < workers; w++)
            {
                for (int t = 0; t < TICKS; t++)
                {
                    assertEquals(t < at ? 0 : 1, after.phases.get(w * TICKS + t),
                        "phases of worker " + w + " in tick " + t + " after the restore");
                }
            }
            assertEquals(1, after.started[(int)at - 1].getCount(), "no tick before the checkpoint's ran again");
            assertRingInStep(organism, ring, TICKS, 0);
            assertEquals(TICKS - at, organism.tickLatencies().getTotalCount());
            assertEquals(TICKS, organism.ticks());
        }
    }
}
