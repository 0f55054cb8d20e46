package io.karyon.supervisor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-tick restart budget: FIFO order, exactly the budget per tick, nothing lost.
 */
class RestartBudgetTest
{
    private long expected;
    private long delivered;
    private boolean inOrder = true;

    @Test
    void shouldDrainAStormOfAMillionExitsAtExactlyTheBudgetPerTickInOrder()
    {
        final int storm = 1_000_000;
        final int budgetPerTick = 4096;
        final RestartBudget budget = new RestartBudget(budgetPerTick, 16);
        for (int i = 0; i < storm; i++)
        {
            budget.offer(i & 0xFF, i);
        }
        assertEquals(storm, budget.pending());

        final RestartBudget.RestartHandler handler = this::onRestart;
        int ticks = 0;
        while (budget.pending() > 0)
        {
            budget.startTick();
            final int count = budget.poll(handler);
            assertEquals(0, budget.poll(handler), "the budget is spent for this tick");
            ticks++;
            final int expectedCount = budget.pending() > 0 ? budgetPerTick : storm - (ticks - 1) * budgetPerTick;
            assertEquals(expectedCount, count, "tick " + ticks);
        }

        assertEquals((storm + budgetPerTick - 1) / budgetPerTick, ticks);
        assertEquals(storm, delivered);
        assertTrue(inOrder);
        assertEquals(storm, budget.offeredCount());
        assertEquals(storm, budget.polledCount());
    }

    @Test
    void shouldKeepFifoOrderWhenOffersArriveWhileDraining()
    {
        final RestartBudget budget = new RestartBudget(3, 4);
        final RestartBudget.RestartHandler handler = this::onRestart;
        long next = 0;
        for (int tick = 0; tick < 1000; tick++)
        {
            budget.startTick();
            for (int i = 0; i < 5 && next < 2000; i++)
            {
                budget.offer(7, (int)next++);
            }
            final int expectedCount = Math.min(3, budget.pending());
            assertEquals(expectedCount, budget.poll(handler));
        }
        while (budget.pending() > 0)
        {
            budget.startTick();
            budget.poll(handler);
        }
        assertEquals(2000, delivered);
        assertTrue(inOrder);
        assertTrue(budget.carriedOverCount() > 0);
    }

    @Test
    void shouldRejectANonPositiveBudget()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new RestartBudget(0));
        assertEquals("budgetPerTick must be > 0: budgetPerTick=0", ex.getMessage());
    }

    private void onRestart(final int row, final int entry)
    {
        if (entry != expected || row != (entry & 0xFF) && row != 7)
        {
            inOrder = false;
        }
        expected++;
        delivered++;
    }
}
