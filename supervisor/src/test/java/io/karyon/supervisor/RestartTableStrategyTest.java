package io.karyon.supervisor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static io.karyon.supervisor.RestartTableDescriptor.CHILD_REMOVED;
import static io.karyon.supervisor.RestartTableDescriptor.CHILD_RUNNING;
import static io.karyon.supervisor.RestartTableDescriptor.CHILD_STARTING;
import static io.karyon.supervisor.RestartTableDescriptor.CHILD_STOPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Strategy x restart type x exit kind, written out as in the OTP supervisor documentation.
 * <p>
 * Each supervisor has four children in start order: A permanent, B (the one that exits, of the row's type),
 * C temporary, D transient. OTP: permanent always restarts; transient restarts only after an abnormal exit;
 * temporary never restarts and is dropped when a sibling's exit terminates it; one_for_all terminates all others in
 * reverse start order and restarts all; rest_for_one terminates those after B and restarts B and them.
 */
class RestartTableStrategyTest
{
    private static final String[] NAMES = { "A", "B", "C", "D" };

    private final RestartTable table = new RestartTable(2, 2, 2);
    private final RestartDecision decision = new RestartDecision(2);

    @AfterEach
    void close()
    {
        table.close();
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3} {4} terminate=[{5}] restart=[{6}]")
    @CsvSource(delimiter = '|', value = {
        // strategy         | B's type  | exit     | kind    | outcome   | terminated | restarted
        "ONE_FOR_ONE        | PERMANENT | normal   | RESTART | RESTARTED |            | B",
        "ONE_FOR_ONE        | PERMANENT | abnormal | RESTART | RESTARTED |            | B",
        "ONE_FOR_ONE        | TRANSIENT | normal   | NONE    | STOPPED   |            | ",
        "ONE_FOR_ONE        | TRANSIENT | shutdown | NONE    | STOPPED   |            | ",
        "ONE_FOR_ONE        | TRANSIENT | abnormal | RESTART | RESTARTED |            | B",
        "ONE_FOR_ONE        | TEMPORARY | normal   | NONE    | REMOVED   |            | ",
        "ONE_FOR_ONE        | TEMPORARY | abnormal | NONE    | REMOVED   |            | ",
        "ONE_FOR_ALL        | PERMANENT | normal   | RESTART | RESTARTED | D C A      | A B D",
        "ONE_FOR_ALL        | PERMANENT | abnormal | RESTART | RESTARTED | D C A      | A B D",
        "ONE_FOR_ALL        | TRANSIENT | normal   | NONE    | STOPPED   |            | ",
        "ONE_FOR_ALL        | TRANSIENT | shutdown | NONE    | STOPPED   |            | ",
        "ONE_FOR_ALL        | TRANSIENT | abnormal | RESTART | RESTARTED | D C A      | A B D",
        "ONE_FOR_ALL        | TEMPORARY | normal   | NONE    | REMOVED   |            | ",
        "ONE_FOR_ALL        | TEMPORARY | abnormal | NONE    | REMOVED   |            | ",
        "REST_FOR_ONE       | PERMANENT | normal   | RESTART | RESTARTED | D C        | B D",
        "REST_FOR_ONE       | PERMANENT | abnormal | RESTART | RESTARTED | D C        | B D",
        "REST_FOR_ONE       | TRANSIENT | normal   | NONE    | STOPPED   |            | ",
        "REST_FOR_ONE       | TRANSIENT | shutdown | NONE    | STOPPED   |            | ",
        "REST_FOR_ONE       | TRANSIENT | abnormal | RESTART | RESTARTED | D C        | B D",
        "REST_FOR_ONE       | TEMPORARY | normal   | NONE    | REMOVED   |            | ",
        "REST_FOR_ONE       | TEMPORARY | abnormal | NONE    | REMOVED   |            | ",
        "SIMPLE_ONE_FOR_ONE | PERMANENT | normal   | RESTART | RESTARTED |            | B",
        "SIMPLE_ONE_FOR_ONE | PERMANENT | abnormal | RESTART | RESTARTED |            | B",
        "SIMPLE_ONE_FOR_ONE | TRANSIENT | normal   | NONE    | REMOVED   |            | ",
        "SIMPLE_ONE_FOR_ONE | TRANSIENT | shutdown | NONE    | REMOVED   |            | ",
        "SIMPLE_ONE_FOR_ONE | TRANSIENT | abnormal | RESTART | RESTARTED |            | B",
        "SIMPLE_ONE_FOR_ONE | TEMPORARY | normal   | NONE    | REMOVED   |            | ",
        "SIMPLE_ONE_FOR_ONE | TEMPORARY | abnormal | NONE    | REMOVED   |            | ",
    })
    void shouldDecideAsOtpForEachStrategyTypeAndExit(
        final RestartStrategy strategy,
        final RestartType typeOfB,
        final String exit,
        final String kind,
        final String outcome,
        final String terminated,
        final String restarted)
    {
        final int row = table.createSupervisor(strategy, 5, 100);
        final int[] entries = addFourChildren(row, strategy, typeOfB);
        final int reason = "shutdown".equals(exit) ? RestartTable.REASON_SHUTDOWN : "normal".equals(exit) ? 0 : 42;
        final boolean abnormal = !"normal".equals(exit);

        final int result = table.onChildExit(row, entries[1], reason, abnormal, 10, decision);

        assertEquals(kind, RestartDecision.kindName(result), decision::toString);
        assertEquals(kind, RestartDecision.kindName(decision.kind()));
        assertEquals(outcome, outcomeName(decision.outcome()));
        assertEquals(null == terminated ? "" : terminated, terminatedNames(entries), decision::toString);
        assertEquals(null == restarted ? "" : restarted, restartedNames(entries), decision::toString);
        assertEquals("abnormal".equals(exit), decision.isAbnormal());
        for (int i = 0; i < decision.terminateCount(); i++)
        {
            assertEquals(handleOf(indexOf(entries, decision.terminateEntry(i))), decision.terminateHandle(i));
        }
        if ("RESTART".equals(kind))
        {
            assertEquals(1, table.restartCount(row));
            assertEquals(1, table.windowSize(row));
        }
        else
        {
            assertEquals(0, table.windowSize(row), "a child that is not restarted costs no intensity");
        }
    }

    @Test
    void shouldRestartAStoppedTransientChildWhenASiblingTakesTheGroupDown()
    {
        // OTP start_children/2 starts every child in the list, including one whose pid is undefined.
        final int row = table.createSupervisor(RestartStrategy.ONE_FOR_ALL, 5, 100);
        final int[] entries = addFourChildren(row, RestartStrategy.ONE_FOR_ALL, RestartType.PERMANENT);
        table.onChildExit(row, entries[3], 0, false, 1, decision);
        assertEquals(CHILD_STOPPED, table.childStatus(entries[3]));

        table.onChildExit(row, entries[0], 9, true, 2, decision);

        assertEquals("C B", terminatedNames(entries), "D is stopped: nothing to terminate");
        assertEquals("A B D", restartedNames(entries));
        assertEquals(CHILD_REMOVED, table.childStatus(entries[2]));
        assertEquals(CHILD_STARTING, table.childStatus(entries[3]));
    }

    @Test
    void shouldIgnoreTheExitOfAChildThatIsNotRunning()
    {
        final int row = table.createSupervisor(RestartStrategy.ONE_FOR_ONE, 5, 100);
        final int entry = table.addChild(row, 7, RestartType.TRANSIENT);
        table.onChildExit(row, entry, 0, false, 1, decision);

        assertEquals(RestartDecision.NONE, table.onChildExit(row, entry, 5, true, 2, decision));
        assertEquals(RestartDecision.OUTCOME_IGNORED, decision.outcome());
        assertEquals(1, table.ignoredExits());
    }

    @Test
    void shouldTreatMarkedReasonsAsNormalForTransientChildren()
    {
        final int row = table.createSupervisor(RestartStrategy.ONE_FOR_ONE, 5, 100);
        final int first = table.addChild(row, 1, RestartType.TRANSIENT);
        final int second = table.addChild(row, 2, RestartType.TRANSIENT);
        final int shutdownWithTerm = 77;
        table.markNormalReason(shutdownWithTerm);

        assertEquals(RestartDecision.NONE, table.onChildExit(row, first, shutdownWithTerm, true, 1, decision));
        assertEquals(RestartDecision.RESTART, table.onChildExit(row, second, 78, true, 1, decision));
        assertEquals(shutdownWithTerm, table.lastExitReason(first));
        assertEquals(78, table.lastExitReason(second));
    }

    @Test
    void shouldFindAChildByHandleAndIgnoreAStaleGeneration()
    {
        final int row = table.createSupervisor(RestartStrategy.ONE_FOR_ONE, 5, 100);
        final long oldHandle = (3L << 32) | 1000;
        final int entry = table.addChild(row, oldHandle, RestartType.PERMANENT);
        assertEquals(entry, table.entryOf(oldHandle));

        assertEquals(RestartDecision.RESTART, table.onCellExit(oldHandle, 9, true, 1, decision));
        assertEquals(-1, table.entryOf(oldHandle), "a child waiting for its restart has no live handle");
        final long newHandle = (4L << 32) | 1000;
        assertTrue(table.updateHandle(entry, newHandle));
        assertFalse(table.updateHandle(entry, newHandle), "already running");

        assertEquals(RestartDecision.NONE, table.onCellExit(oldHandle, 9, true, 2, decision));
        assertEquals(RestartDecision.OUTCOME_IGNORED, decision.outcome());
        assertEquals(entry, table.entryOf(newHandle));
        assertEquals(CHILD_RUNNING, table.childStatus(entry));
    }

    @Test
    void shouldNotAllocateOnTheExitAndRestartPath()
    {
        final int row = table.createSupervisor(RestartStrategy.ONE_FOR_ALL, 63, 1);
        final int[] entries = addFourChildren(row, RestartStrategy.ONE_FOR_ALL, RestartType.PERMANENT);
        final com.sun.management.ThreadMXBean bean =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        long now = 0;
        for (int i = 0; i < 20_000; i++)
        {
            now = cycle(entries, now);
        }
        // Not a byte budget but none at all: code that allocates per exit allocates in every window of 20,000 exits,
        // while a window that catches the JIT swapping code (a deoptimised method allocating what escape analysis had
        // removed) is retried, up to five.
        final List<Long> windows = new ArrayList<>();
        for (int w = 0; w < 5; w++)
        {
            final long before = bean.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20_000; i++)
            {
                now = cycle(entries, now);
            }
            final long allocated = bean.getCurrentThreadAllocatedBytes() - before;
            if (0 == allocated)
            {
                return;
            }
            windows.add(allocated);
        }
        fail("allocated bytes in every window of 20,000 exits: " + windows);
    }

    private long cycle(final int[] entries, final long now)
    {
        final long time = now + 2;
        table.onCellExit(table.handle(entries[0]), 9, true, time, decision);
        for (int i = 0; i < decision.restartCount(); i++)
        {
            final int entry = decision.restartEntry(i);
            table.updateHandle(entry, table.handle(entry) + (1L << 32));
        }
        return time;
    }

    private int[] addFourChildren(final int row, final RestartStrategy strategy, final RestartType typeOfB)
    {
        final RestartType[] types = { RestartType.PERMANENT, typeOfB, RestartType.TEMPORARY, RestartType.TRANSIENT };
        final int[] entries = new int[4];
        for (int i = 0; i < 4; i++)
        {
            entries[i] = RestartStrategy.SIMPLE_ONE_FOR_ONE == strategy ?
                table.startChild(row, handleOf(i), types[i]) : table.addChild(row, handleOf(i), types[i]);
        }
        return entries;
    }

    private static long handleOf(final int index)
    {
        return 100 + index;
    }

    private String terminatedNames(final int[] entries)
    {
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < decision.terminateCount(); i++)
        {
            names.add(NAMES[indexOf(entries, decision.terminateEntry(i))]);
        }
        return String.join(" ", names);
    }

    private String restartedNames(final int[] entries)
    {
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < decision.restartCount(); i++)
        {
            names.add(NAMES[indexOf(entries, decision.restartEntry(i))]);
        }
        return String.join(" ", names);
    }

    private static int indexOf(final int[] entries, final int entry)
    {
        for (int i = 0; i < entries.length; i++)
        {
            if (entries[i] == entry)
            {
                return i;
            }
        }
        throw new AssertionError("unknown entry " + entry);
    }

    static String outcomeName(final int outcome)
    {
        switch (outcome)
        {
            case RestartDecision.OUTCOME_IGNORED:
                return "IGNORED";
            case RestartDecision.OUTCOME_RESTARTED:
                return "RESTARTED";
            case RestartDecision.OUTCOME_STOPPED:
                return "STOPPED";
            case RestartDecision.OUTCOME_REMOVED:
                return "REMOVED";
            default:
                return "?" + outcome;
        }
    }
}
