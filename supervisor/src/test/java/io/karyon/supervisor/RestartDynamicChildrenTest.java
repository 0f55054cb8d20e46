package io.karyon.supervisor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.karyon.supervisor.RestartTableDescriptor.CHILD_STARTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dynamic children of a simple_one_for_one supervisor, as Elixir's DynamicSupervisor: added and removed at run
 * time, including in the middle of a burst of exits.
 */
class RestartDynamicChildrenTest
{
    private final RestartTable table = new RestartTable(1, 8, 8);
    private final RestartDecision decision = new RestartDecision(4);

    @AfterEach
    void close()
    {
        table.close();
    }

    @Test
    void shouldAddAndRemoveDynamicChildrenAndReuseTheirEntries()
    {
        final int pool = table.createSupervisor(RestartStrategy.SIMPLE_ONE_FOR_ONE, 10, 100);
        final int[] entries = new int[1000];
        for (int i = 0; i < entries.length; i++)
        {
            entries[i] = table.startChild(pool, i, RestartType.TRANSIENT);
        }
        assertEquals(1000, table.childCount(pool));
        for (int i = 0; i < entries.length; i += 2)
        {
            table.removeChild(pool, entries[i], decision);
            assertEquals(1, decision.terminateCount());
            assertEquals(i, decision.terminateHandle(0));
        }
        assertEquals(500, table.childCount(pool));
        assertEquals(500, table.entryCount());
        assertEquals(-1, table.entryOf(0));

        final int reused = table.startChild(pool, 5000, RestartType.PERMANENT);
        assertEquals(entries[998], reused, "the most recently freed entry is reused first");
        assertEquals(reused, table.entryOf(5000));
    }

    @Test
    void shouldRestartCrashedChildrenAndDropNormalExitsDuringABurst()
    {
        final int pool = table.createSupervisor(RestartStrategy.SIMPLE_ONE_FOR_ONE, 63, 10);
        final int[] entries = new int[200];
        for (int i = 0; i < entries.length; i++)
        {
            entries[i] = table.startChild(pool, i, RestartType.TRANSIENT);
        }
        int restarted = 0;
        for (int i = 0; i < entries.length; i++)
        {
            final boolean crash = 0 == i % 3;
            final int kind = table.onCellExit(i, crash ? 9 : RestartTable.REASON_NORMAL, crash, i, decision);
            if (crash)
            {
                assertEquals(RestartDecision.RESTART, kind);
                restarted++;
            }
            else
            {
                assertEquals(RestartDecision.NONE, kind);
                assertEquals(RestartDecision.OUTCOME_REMOVED, decision.outcome());
            }
            if (5 == i % 7)
            {
                table.startChild(pool, 10_000 + i, RestartType.PERMANENT);
            }
        }
        assertEquals(restarted, 67);
        assertEquals(67 + 28, table.childCount(pool));

        // a crashed child is removed while its restart is still pending: its new handle is refused
        final int pending = entries[3];
        assertEquals(CHILD_STARTING, table.childStatus(pending));
        table.removeChild(pool, pending, decision);
        assertEquals(0, decision.terminateCount(), "nothing runs in that entry yet");
        assertFalse(table.updateHandle(pending, 77));
        assertTrue(table.updateHandle(entries[6], (1L << 32) | 6));
    }

    @Test
    void shouldTerminateAllDynamicChildrenInReverseOrderWhenThePoolGivesUp()
    {
        final int pool = table.createSupervisor(RestartStrategy.SIMPLE_ONE_FOR_ONE, 1, 10);
        for (int i = 0; i < 5; i++)
        {
            table.startChild(pool, i, RestartType.PERMANENT);
        }
        table.onCellExit(2, 9, true, 0, decision);
        assertTrue(table.updateHandle(decision.restartEntry(0), 12));

        assertEquals(RestartDecision.GIVE_UP, table.onCellExit(12, 9, true, 1, decision));
        assertEquals(4, decision.terminateCount());
        assertEquals(4, decision.terminateHandle(0));
        assertEquals(3, decision.terminateHandle(1));
        assertEquals(1, decision.terminateHandle(2));
        assertEquals(0, decision.terminateHandle(3));
        assertEquals(0, table.childCount(pool));
        assertEquals(0, table.entryCount());
    }
}
