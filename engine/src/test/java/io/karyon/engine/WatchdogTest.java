package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.cell.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD;

/**
 * The watchdog: a behaviour that never returns is reported within the deadline, naming the worker, the cell's handle,
 * its behaviour and genotype, and the tick; the report is the same for any number of workers; close() returns.
 * <p>
 * The stuck behaviours spin on a volatile flag that each test releases at its end, so the abandoned threads end.
 */
@Timeout(value = 120, threadMode = SEPARATE_THREAD)
class WatchdogTest
{
    private static final CellLayout LAYOUT = CellLayout.builder().longField("stuckAt").longField("ticks").build();
    private static final int STUCK_AT = LAYOUT.offset("stuckAt");
    private static final int TICKS = LAYOUT.offset("ticks");
    private static final long DEADLINE_NS = TimeUnit.MILLISECONDS.toNanos(300);
    private static final int CELLS = 600;
    private static final int STUCK_CELL = 433;

    private static volatile boolean released;
    private static volatile boolean spinning;

    private final List<Organism> organisms = new ArrayList<>();
    private final List<String> warnings = new CopyOnWriteArrayList<>();

    /**
     * Counts its ticks; spins, until released, in the tick its {@code stuckAt} field names (1-based).
     */
    static final class Spinner implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            final long ticks = cell.getLong(TICKS) + 1;
            cell.putLong(TICKS, ticks);
            if (ticks == cell.getLong(STUCK_AT))
            {
                spin();
            }
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
            if (1 == type)
            {
                spin();
            }
        }
    }

    /**
     * Has no tick; spins, until released, on a message of type 1.
     */
    static final class Listener implements Behaviour
    {
        public boolean hasTick()
        {
            return false;
        }

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
            if (1 == type)
            {
                spin();
            }
        }
    }

    /**
     * Sends a message of type 1 to the cell its {@code stuckAt} field names, in its first tick.
     */
    static final class Sender implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            final long ticks = cell.getLong(TICKS) + 1;
            cell.putLong(TICKS, ticks);
            if (1 == ticks)
            {
                context.send(cell.getLong(STUCK_AT), 1, 0);
            }
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
        }
    }

    /**
     * Busy for about a millisecond each tick, then returns.
     */
    static final class Busy implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            final long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
            while (System.nanoTime() - until < 0)
            {
                Thread.onSpinWait();
            }
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
        }
    }

    private static void spin()
    {
        spinning = true;
        while (!released)
        {
            Thread.onSpinWait();
        }
    }

    @AfterEach
    void release()
    {
        released = true;
        for (final Organism organism : organisms)
        {
            organism.close();
        }
    }

    private Organism launch(final int workers, final boolean freeRunning)
    {
        released = false;
        spinning = false;
        final Organism organism = Organism.launch(new Context()
            .workerCount(workers)
            .chunkShift(6)
            .idleStrategy("backoff")
            .pin(false)
            .freeRunning(freeRunning)
            .watchdogNs(DEADLINE_NS)
            .warnings(warnings::add));
        organisms.add(organism);
        organism.registerBehaviour("spinner", new Spinner());
        organism.registerBehaviour("busy", new Busy());
        organism.registerBehaviour("listener", new Listener());
        organism.registerBehaviour("sender", new Sender());
        return organism;
    }

    private static long[] spawn(final Organism organism, final Genotype genotype)
    {
        final long[] handles = new long[CELLS];
        for (int i = 0; i < CELLS; i++)
        {
            handles[i] = organism.spawn(genotype);
        }
        return handles;
    }

    @Test
    void shouldReportACellStuckInItsTickTheSameForAnyNumberOfWorkers()
    {
        String expected = null;
        for (int workers = 1; workers <= 3; workers++)
        {
            final Organism organism = launch(workers, false);
            final Genotype genotype = organism.genotype("spinning", LAYOUT, "spinner");
            final long[] handles = spawn(organism, genotype);
            organism.cell(handles[STUCK_CELL]).putLong(STUCK_AT, 3);

            final long startNs = System.nanoTime();
            final KaryonException ex = assertThrows(KaryonException.class, () -> organism.run(10));
            final long tookNs = System.nanoTime() - startNs;

            final String message = ex.getMessage();
            assertTrue(message.startsWith("watchdog: karyon-worker-"), message);
            final String line = message.replaceFirst("karyon-worker-\\d+", "karyon-worker-W");
            assertTrue(line.startsWith("watchdog: karyon-worker-W has not finished tick 2 within 0.3 s: cell " +
                Handle.toString(handles[STUCK_CELL]) + " is in onTick (" + Spinner.class.getName() + ".onTick("),
                line);
            assertTrue(line.contains(", behaviour 'spinner', genotype 'spinning'; organism stopped, the worker's " +
                "thread abandoned (Java cannot stop a running behaviour)"), line);
            assertTrue(!line.contains("\n"), line);
            // Reported once the deadline passed, and well before a second deadline would have.
            assertTrue(tookNs >= DEADLINE_NS, "took " + tookNs + " ns");
            if (null != expected)
            {
                assertEquals(expected, line, "the report for " + workers + " workers");
            }
            expected = line;

            assertInstanceOf(Watchdog.WorkerStack.class, ex.getCause());
            assertTrue(hasFrame(ex.getCause().getStackTrace(), Spinner.class.getName(), "onTick"),
                "the cause carries the worker's stack");
            final List<String> errors = new ArrayList<>();
            organism.readErrors((count, first, last, text) -> errors.add(text));
            assertEquals(1, errors.size());
            assertTrue(errors.get(0).contains(message) && errors.get(0).contains(Spinner.class.getName() + ".onTick"),
                errors.get(0));

            final IllegalStateException again = assertThrows(IllegalStateException.class, () -> organism.run(1));
            assertTrue(again.getMessage().contains(message), again.getMessage());

            warnings.clear();
            organism.close();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).startsWith("close: abandoned karyon-worker-"), warnings.get(0));
            released = true;
        }
    }

    @Test
    void shouldReportACellStuckHandlingAMessage()
    {
        final Organism organism = launch(2, false);
        final Genotype genotype = organism.genotype("spinning", LAYOUT, "spinner");
        final long[] handles = spawn(organism, genotype);
        organism.run(2);
        organism.send(handles[7], 1, 0);

        assertStuckInOnMessage(organism, 2, handles[7], "behaviour 'spinner', genotype 'spinning'");
    }

    @Test
    void shouldReportACellWithNoTickStuckHandlingAMessageFromAnotherCell()
    {
        // The mail of cells with no tick, sent by cells, is visited in the order it was sent (Visit.visitInOrder).
        final Organism organism = launch(2, false);
        final Genotype genotype = organism.genotype("listening", LAYOUT, "listener");
        final long[] handles = spawn(organism, genotype);
        organism.run(2);
        final long sender = organism.spawn(organism.genotype("sending", LAYOUT, "sender"));
        organism.cell(sender).putLong(STUCK_AT, handles[7]);

        assertStuckInOnMessage(organism, 3, handles[7], "behaviour 'listener', genotype 'listening'");
    }

    /**
     * The next run's ticks end in the watchdog's report of {@code cell} stuck in onMessage in {@code tick}.
     */
    private static void assertStuckInOnMessage(final Organism organism, final int tick, final long cell,
        final String kind)
    {
        final KaryonException ex = assertThrows(KaryonException.class, () -> organism.run(3));
        assertTrue(ex.getMessage().contains(" has not finished tick " + tick + " within 0.3 s: cell " +
            Handle.toString(cell) + " is in onMessage ("), ex.getMessage());
        assertTrue(ex.getMessage().contains(kind), ex.getMessage());
    }

    @Test
    void shouldNameEveryGenotypeACellMayHaveComeFrom()
    {
        final Organism organism = launch(1, false);
        final Genotype genotype = organism.genotype("spinning", LAYOUT, "spinner");
        organism.genotype("whirling", LAYOUT, "spinner");
        final long[] handles = spawn(organism, genotype);
        organism.cell(handles[3]).putLong(STUCK_AT, 1);

        final KaryonException ex = assertThrows(KaryonException.class, () -> organism.run(1));
        assertTrue(ex.getMessage().contains("genotype one of 'spinning', 'whirling'"), ex.getMessage());
    }

    @Test
    void shouldReportAWorkerStuckInItsBatchWhenFreeRunningIsStopped()
    {
        final Organism organism = launch(2, true);
        final Genotype genotype = organism.genotype("spinning", LAYOUT, "spinner");
        final long[] handles = spawn(organism, genotype);
        organism.cell(handles[STUCK_CELL]).putLong(STUCK_AT, 2);

        organism.start();
        final KaryonException ex = assertThrows(KaryonException.class, () ->
        {
            // Until the stuck cell's second step has begun: a stop then waits on its batch.
            while (true)
            {
                organism.stop();
                organism.start();
            }
        });
        assertTrue(ex.getMessage().matches("watchdog: karyon-worker-\\d has not finished its batch in pass \\d+ " +
            "within 0.3 s: cell " + Handle.toString(handles[STUCK_CELL]) + " is in onTick .*"), ex.getMessage());
        organism.close();
        assertTrue(warnings.get(warnings.size() - 1).startsWith("close: abandoned "), warnings.toString());
    }

    @Test
    void shouldCloseWithinABoundedTimeWhileAWorkerIsStuckRunningFree()
    {
        final Organism organism = launch(2, true);
        final Genotype genotype = organism.genotype("spinning", LAYOUT, "spinner");
        final long[] handles = spawn(organism, genotype);
        organism.cell(handles[STUCK_CELL]).putLong(STUCK_AT, 1);
        organism.start();
        while (!spinning)
        {
            Thread.onSpinWait();
        }

        // Never stopped: close itself waits up to the deadline for the stuck worker, then abandons it.
        organism.close();

        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).matches("close: abandoned karyon-worker-\\d, still running \\(Java cannot stop a " +
            "running behaviour\\); kept allocated until the process exits, as it may still touch them: the arena " +
            "\\(\\d+ bytes of cells\\) and the workers' queues and barriers"), warnings.get(0));
    }

    @Test
    void shouldNotFireOnARunLongerThanTheDeadlineWhoseTicksAreNot()
    {
        final Organism organism = launch(2, false);
        final Genotype genotype = organism.genotype("busy", LAYOUT, "busy");
        for (int i = 0; i < 4; i++)
        {
            organism.spawn(genotype);
        }
        // About 2 ms a tick on each worker, 600 ms in all: twice the deadline.
        organism.run(300);
        assertEquals(300, organism.ticks());
    }

    @Test
    void shouldRefuseANegativeDeadlineOrABadProperty()
    {
        final ConfigurationException negative = assertThrows(ConfigurationException.class,
            () -> new Context().watchdogNs(-1).conclude());
        assertEquals("karyon.engine.watchdog must be >= 0 (0 for off): watchdogNs=-1", negative.getMessage());
        System.setProperty(Configuration.WATCHDOG_PROP_NAME, "soon");
        try
        {
            final ConfigurationException bad = assertThrows(ConfigurationException.class,
                () -> new Context().conclude());
            assertEquals("karyon.engine.watchdog must be a duration such as 30s or 500ms: karyon.engine.watchdog=soon",
                bad.getMessage());
            System.setProperty(Configuration.WATCHDOG_PROP_NAME, "250ms");
            assertEquals(TimeUnit.MILLISECONDS.toNanos(250), new Context().conclude().watchdogNs());
        }
        finally
        {
            System.clearProperty(Configuration.WATCHDOG_PROP_NAME);
        }
        assertEquals(Configuration.WATCHDOG_DEFAULT_NS, new Context().conclude().watchdogNs());
        assertEquals(0, new Context().watchdogNs(0).conclude().watchdogNs());
    }

    private static boolean hasFrame(final StackTraceElement[] stack, final String className, final String method)
    {
        for (final StackTraceElement frame : stack)
        {
            if (className.equals(frame.getClassName()) && method.equals(frame.getMethodName()))
            {
                return true;
            }
        }
        return false;
    }
}
