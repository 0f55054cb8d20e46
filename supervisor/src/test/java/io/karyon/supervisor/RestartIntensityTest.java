package io.karyon.supervisor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Intensity and period edges, as OTP add_restart/3: restarts at or after {@code now - period} count, and more than
 * {@code intensity} of them make the supervisor give up.
 */
class RestartIntensityTest
{
    private final RestartTable table = new RestartTable();
    private final RestartDecision decision = new RestartDecision();
    private int row;
    private int entry;

    @AfterEach
    void close()
    {
        table.close();
    }

    @Test
    void shouldAllowExactlyIntensityRestartsWithinThePeriod()
    {
        setUp(3, 10);

        assertEquals(RestartDecision.RESTART, crash(0));
        assertEquals(RestartDecision.RESTART, crash(1));
        assertEquals(RestartDecision.RESTART, crash(2));
        assertEquals(3, table.windowSize(row));
        assertTrue(table.isRunning(row));
    }

    @Test
    void shouldGiveUpOnOneRestartMoreWithinThePeriod()
    {
        setUp(3, 10);
        crash(0);
        crash(1);
        crash(2);

        assertEquals(RestartDecision.GIVE_UP, crash(5));
        assertFalse(table.isRunning(row));
        assertEquals(4, decision.windowSize());
        assertEquals(0, decision.windowTime(0));
        assertEquals(5, decision.windowTime(3));
        assertEquals(3, decision.intensity());
        assertEquals(10, decision.period());
        assertEquals(1, table.giveUps());
    }

    @Test
    void shouldStillCountARestartExactlyOnePeriodAgo()
    {
        setUp(3, 10);
        crash(0);
        crash(1);
        crash(2);

        assertEquals(RestartDecision.GIVE_UP, crash(10), "threshold is now - period, inclusive");
    }

    @Test
    void shouldForgetARestartJustOutsideThePeriod()
    {
        setUp(3, 10);
        crash(0);
        crash(1);
        crash(2);

        assertEquals(RestartDecision.RESTART, crash(11));
        assertEquals(3, table.windowSize(row));
        assertEquals(RestartDecision.RESTART, crash(22));
        assertEquals(1, table.windowSize(row), "all three earlier restarts slid out");
    }

    @Test
    void shouldSlideTheWindowOverAStreamOfRestarts()
    {
        setUp(2, 4);
        for (int t = 0; t < 1000; t += 3)
        {
            assertEquals(RestartDecision.RESTART, crash(t), "at t=" + t);
        }
        assertEquals(RestartDecision.GIVE_UP, crash(999 + 1));
    }

    @Test
    void shouldGiveUpOnTheFirstRestartWithIntensityZero()
    {
        setUp(0, 1);

        assertEquals(RestartDecision.GIVE_UP, crash(0));
        assertEquals(1, decision.windowSize());
    }

    @Test
    void shouldNotCountExitsThatAreNotRestarted()
    {
        setUp(1, 100);
        final int temporary = table.addChild(row, 2, RestartType.TEMPORARY);
        final int transientChild = table.addChild(row, 3, RestartType.TRANSIENT);
        table.onChildExit(row, temporary, 9, true, 0, decision);
        table.onChildExit(row, transientChild, 0, false, 0, decision);

        assertEquals(RestartDecision.RESTART, crash(1));
        assertEquals(1, table.windowSize(row));
    }

    @Test
    void shouldUseTheLargestWindow()
    {
        setUp(RestartTableDescriptor.MAX_WINDOW_CAPACITY - 1, 1000);
        for (int i = 0; i < RestartTableDescriptor.MAX_WINDOW_CAPACITY - 1; i++)
        {
            assertEquals(RestartDecision.RESTART, crash(i % 500));
        }
        assertEquals(RestartDecision.GIVE_UP, crash(700));
        assertEquals(RestartTableDescriptor.MAX_WINDOW_CAPACITY, decision.windowSize());
        assertEquals(700, decision.windowTime(RestartTableDescriptor.MAX_WINDOW_CAPACITY - 1));
    }

    private void setUp(final int intensity, final long period)
    {
        row = table.createSupervisor(RestartStrategy.ONE_FOR_ONE, intensity, period);
        entry = table.addChild(row, 1, RestartType.PERMANENT);
    }

    private int crash(final long now)
    {
        final int kind = table.onChildExit(row, entry, 13, true, now, decision);
        if (RestartDecision.RESTART == kind)
        {
            assertTrue(table.updateHandle(entry, table.handle(entry) + (1L << 32)));
        }
        return kind;
    }
}
