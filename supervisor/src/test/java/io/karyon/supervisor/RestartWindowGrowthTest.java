package io.karyon.supervisor;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Restart windows cost memory in proportion to the restarts they hold, not to the intensity asked for, and decide
 * exactly as OTP's add_restart/3 whatever their growth: compared with a plain model over seeded random crashes of many
 * supervisors at once, so windows grow, move and reuse each other's parts while they are compared.
 */
class RestartWindowGrowthTest
{
    @Test
    void shouldNotReserveTheIntensityUpFront()
    {
        try (RestartTable table = new RestartTable())
        {
            for (int s = 0; s < 1000; s++)
            {
                table.createSupervisor(RestartStrategy.ONE_FOR_ONE, RestartTableDescriptor.MAX_WINDOW_CAPACITY - 1,
                    10);
            }
            // Before: (intensity + 1) * 8 bytes each, 8 GiB for these; now four times each, doubled at most once.
            assertTrue(table.windowBytes() <= 1000L * RestartTableDescriptor.FIRST_WINDOW_CAPACITY * Long.BYTES * 2,
                "windows take " + table.windowBytes() + " bytes");
        }
    }

    @Test
    void shouldGrowAWindowOnlyAsFarAsTheRestartsItHolds()
    {
        try (RestartTable table = new RestartTable())
        {
            final RestartDecision decision = new RestartDecision();
            final int row = table.createSupervisor(RestartStrategy.ONE_FOR_ONE, 1_000_000, 100);
            final int entry = table.addChild(row, 1, RestartType.PERMANENT);
            final long before = table.windowBytes();
            for (int i = 0; i < 1000; i++)
            {
                assertEquals(RestartDecision.RESTART, table.onChildExit(row, entry, 13, true, i / 10, decision));
                table.updateHandle(entry, table.handle(entry) + (1L << 32));
            }
            // At most 1,001 restarts inside a period of 100 ticks at ten a tick: a window of 1,024, not of 1,000,001.
            assertTrue(table.windowSize(row) <= 1001);
            assertTrue(table.windowBytes() - before <= 4 * 1024 * Long.BYTES, "windows take " + table.windowBytes());
        }
    }

    @Test
    void shouldDecideAsAPlainModelWhileWindowsGrowAndMove()
    {
        final Random random = new Random(17);
        for (int round = 0; round < 20; round++)
        {
            try (RestartTable table = new RestartTable())
            {
                final RestartDecision decision = new RestartDecision();
                final int supervisors = 1 + random.nextInt(8);
                final int[] rows = new int[supervisors];
                final int[] entries = new int[supervisors];
                final int[] intensities = new int[supervisors];
                final long[] periods = new long[supervisors];
                final Model[] models = new Model[supervisors];
                for (int s = 0; s < supervisors; s++)
                {
                    intensities[s] = random.nextInt(200);
                    periods[s] = 1 + random.nextInt(50);
                    rows[s] = table.createSupervisor(RestartStrategy.ONE_FOR_ONE, intensities[s], periods[s]);
                    entries[s] = table.addChild(rows[s], 1 + s, RestartType.PERMANENT);
                    models[s] = new Model(intensities[s], periods[s]);
                }
                long now = 0;
                for (int crash = 0; crash < 3000; crash++)
                {
                    now += random.nextInt(3);
                    final int s = random.nextInt(supervisors);
                    if (!table.isRunning(rows[s]))
                    {
                        continue;
                    }
                    final boolean allowed = models[s].addRestart(now);
                    final int kind = table.onChildExit(rows[s], entries[s], 13, true, now, decision);
                    assertEquals(allowed ? RestartDecision.RESTART : RestartDecision.GIVE_UP, kind,
                        "round " + round + " crash " + crash + " of supervisor " + s);
                    if (allowed)
                    {
                        assertEquals(models[s].size(), table.windowSize(rows[s]));
                        table.updateHandle(entries[s], table.handle(entries[s]) + (1L << 32));
                    }
                    else
                    {
                        assertEquals(models[s].size(), decision.windowSize());
                        assertEquals(now, decision.windowTime(decision.windowSize() - 1));
                        assertEquals(models[s].oldest(), decision.windowTime(0));
                    }
                }
            }
        }
    }

    /**
     * OTP add_restart/3 over a plain queue.
     */
    private static final class Model
    {
        private final ArrayDeque<Long> times = new ArrayDeque<>();
        private final int intensity;
        private final long period;

        Model(final int intensity, final long period)
        {
            this.intensity = intensity;
            this.period = period;
        }

        boolean addRestart(final long now)
        {
            while (!times.isEmpty() && times.peekFirst() < now - period)
            {
                times.pollFirst();
            }
            times.addLast(now);
            return times.size() <= intensity;
        }

        int size()
        {
            return times.size();
        }

        long oldest()
        {
            return times.peekFirst();
        }
    }
}
