package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.scheduler.ThreadingMode;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Free-running mode has no ticks: supervisors' intensity windows are measured in milliseconds.
 */
class FreeRunningSupervisionTest
{
    private static final CellLayout LAYOUT = CellLayout.builder().longField("x").build();
    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);

    private static Organism launch()
    {
        final Organism organism = Organism.launch(new Context().workerCount(1).threadingMode(ThreadingMode.INVOKER)
            .freeRunning(true));
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
        return organism;
    }

    private static long child(final Supervisor supervisor)
    {
        return supervisor.children()[0];
    }

    private static void pause(final long nanos)
    {
        final long until = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = until - System.nanoTime())
        {
            LockSupport.parkNanos(left);
        }
    }

    @Test
    void shouldForgetRestartsOlderThanThePeriodInMilliseconds()
    {
        try (Organism organism = launch())
        {
            final Genotype genotype = organism.genotype("idle", LAYOUT, "idle");
            final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 1, 20);
            organism.spawn(genotype, supervisor, RestartType.PERMANENT);
            for (int i = 0; i < 4; i++)
            {
                assertTrue(organism.kill(child(supervisor)));
                assertTrue(organism.awaitQuiescence(10 * SECOND_NS));
                pause(TimeUnit.MILLISECONDS.toNanos(40));
            }
            assertEquals(4, organism.stats().restarts(), "one restart per 20 ms window is within the intensity");
            assertEquals(1, organism.stats().alive());
        }
    }

    @Test
    void shouldGiveUpWhenRestartsExceedTheIntensityWithinThePeriod()
    {
        try (Organism organism = launch())
        {
            final Genotype genotype = organism.genotype("idle", LAYOUT, "idle");
            final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 1, 60_000);
            organism.spawn(genotype, supervisor, RestartType.PERMANENT);
            assertTrue(organism.kill(child(supervisor)));
            assertTrue(organism.awaitQuiescence(10 * SECOND_NS));
            assertEquals(1, organism.stats().restarts());
            assertTrue(organism.kill(child(supervisor)));
            final KaryonException ex =
                assertThrows(KaryonException.class, () -> organism.awaitQuiescence(10 * SECOND_NS));
            assertTrue(ex.getMessage().contains("gave up at millisecond ") &&
                ex.getMessage().contains("more than 1 restarts within 60000 milliseconds"), ex.getMessage());
        }
    }
}
