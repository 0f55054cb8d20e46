package io.karyon.supervisor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.karyon.supervisor.RestartTableDescriptor.CHILD_RUNNING;
import static io.karyon.supervisor.RestartTableDescriptor.CHILD_STOPPED;
import static io.karyon.supervisor.RestartTableDescriptor.NULL_HANDLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Escalation up a tree of supervisors: a child supervisor that gives up exits with reason shutdown, and its parent
 * handles that as the exit of a child.
 */
class RestartEscalationTest
{
    private final RestartTable table = new RestartTable(1, 1, 1);
    private final RestartDecision decision = new RestartDecision(1);
    private final List<String> reports = new ArrayList<>();

    @AfterEach
    void close()
    {
        table.close();
    }

    @Test
    void shouldEscalateUpThreeLevelsUntilTheTopLevelGivesUp()
    {
        final int top = table.createSupervisor(RestartStrategy.ONE_FOR_ONE, 1, 100);
        final int topCell = table.addChild(top, 1, RestartType.PERMANENT);
        final int middle = table.createSupervisor(RestartStrategy.ONE_FOR_ALL, 1, 100, top, RestartType.PERMANENT);
        final int middleCell = table.addChild(middle, 2, RestartType.PERMANENT);
        final int leaf = table.createSupervisor(RestartStrategy.ONE_FOR_ONE, 0, 100, middle, RestartType.PERMANENT);
        final int leafCell = table.addChild(leaf, 3, RestartType.PERMANENT);

        // 1: the leaf gives up at once (intensity 0); the middle one restarts all (one_for_all).
        assertEquals(RestartDecision.RESTART, crashUp(leafCell, 10));
        assertEquals(List.of(
            "ESCALATE row=" + leaf + " window=[10] to row=" + middle,
            "RESTART row=" + middle + " terminate=[" + middleCell + "] restart=[" + middleCell + ", " +
                table.parentEntry(leaf) + ", " + leafCell + "]"), reports);
        assertTrue(table.isRunning(leaf));
        assertEquals(0, table.windowSize(leaf), "a restarted supervisor starts with a fresh window");

        // 2: again: the middle one has now restarted twice within its period and gives up; the top restarts it.
        reports.clear();
        assertEquals(RestartDecision.RESTART, crashUp(leafCell, 11));
        assertEquals(List.of(
            "ESCALATE row=" + leaf + " window=[11] to row=" + middle,
            "ESCALATE row=" + middle + " window=[10, 11] to row=" + top,
            "RESTART row=" + top + " terminate=[] restart=[" + table.parentEntry(middle) + ", " + middleCell +
                ", " + table.parentEntry(leaf) + ", " + leafCell + "]"), reports);

        // 3: twice more: the restarted middle one gives up again, and the top one exceeds its intensity too. The
        // middle one already terminated its subtree when it gave up, so the top one only terminates its own cell.
        reports.clear();
        crashUp(leafCell, 12);
        reports.clear();
        assertEquals(RestartDecision.GIVE_UP, crashUp(leafCell, 13));
        assertEquals(List.of(
            "ESCALATE row=" + leaf + " window=[13] to row=" + middle,
            "ESCALATE row=" + middle + " window=[12, 13] to row=" + top,
            "GIVE_UP row=" + top + " window=[11, 13] terminate=[" + topCell + "]"), reports);
        assertFalse(table.isRunning(top));
        assertFalse(table.isRunning(middle));
        assertFalse(table.isRunning(leaf));
        assertEquals(1, table.giveUps());
        assertEquals(RestartTable.REASON_SHUTDOWN, table.lastExitReason(table.parentEntry(middle)));
        assertTrue(decision.toString().contains("kind=GIVE_UP"), decision::toString);
    }

    @Test
    void shouldTerminateAGivingUpSupervisorsSubtreeBeforeItAndChildrenInReverseStartOrder()
    {
        final int top = table.createSupervisor(RestartStrategy.ONE_FOR_ONE, 0, 100);
        final int first = table.addChild(top, 1, RestartType.PERMANENT);
        final int sub = table.createSupervisor(RestartStrategy.REST_FOR_ONE, 5, 100, top, RestartType.PERMANENT);
        final int subFirst = table.addChild(sub, 2, RestartType.PERMANENT);
        final int subSecond = table.addChild(sub, 3, RestartType.TEMPORARY);
        final int last = table.addChild(top, 4, RestartType.PERMANENT);

        assertEquals(RestartDecision.GIVE_UP, table.onChildExit(top, first, 9, true, 0, decision));

        assertEquals(4, decision.terminateCount());
        assertEquals(last, decision.terminateEntry(0));
        assertEquals(4, decision.terminateHandle(0));
        assertEquals(subSecond, decision.terminateEntry(1));
        assertEquals(subFirst, decision.terminateEntry(2));
        assertEquals(table.parentEntry(sub), decision.terminateEntry(3));
        assertEquals(NULL_HANDLE, decision.terminateHandle(3));
        assertEquals(sub, decision.terminateChildRow(3));
        assertEquals(CHILD_STOPPED, table.childStatus(first));
    }

    @Test
    void shouldOnlyStopATransientChildSupervisorThatGaveUpBecauseItsReasonIsShutdown()
    {
        final int top = table.createSupervisor(RestartStrategy.ONE_FOR_ONE, 5, 100);
        final int sub = table.createSupervisor(RestartStrategy.ONE_FOR_ONE, 0, 100, top, RestartType.TRANSIENT);
        final int cell = table.addChild(sub, 1, RestartType.PERMANENT);

        assertEquals(RestartDecision.ESCALATE, table.onChildExit(sub, cell, 9, true, 0, decision));
        assertEquals(RestartTable.REASON_SHUTDOWN, decision.escalationReason());
        assertEquals(RestartDecision.NONE, table.onChildExit(
            decision.escalateRow(), decision.escalateEntry(), decision.escalationReason(), true, 0, decision));
        assertEquals(RestartDecision.OUTCOME_STOPPED, decision.outcome());
        assertTrue(table.isRunning(top));
        assertFalse(table.isRunning(sub));
    }

    @Test
    void shouldRestartASimpleOneForOneChildSupervisorWithoutItsDynamicChildren()
    {
        final int top = table.createSupervisor(RestartStrategy.ONE_FOR_ONE, 5, 100);
        final int pool = table.createSupervisor(
            RestartStrategy.SIMPLE_ONE_FOR_ONE, 0, 100, top, RestartType.PERMANENT);
        final int a = table.startChild(pool, 1, RestartType.PERMANENT);
        table.startChild(pool, 2, RestartType.PERMANENT);

        assertEquals(RestartDecision.ESCALATE, table.onChildExit(pool, a, 9, true, 0, decision));
        assertEquals(1, decision.terminateCount());
        assertEquals(2, decision.terminateHandle(0));
        assertEquals(0, table.childCount(pool));
        assertEquals(RestartDecision.RESTART, table.onChildExit(
            top, decision.escalateEntry(), RestartTable.REASON_SHUTDOWN, false, 0, decision));
        assertEquals(1, decision.restartCount());
        assertEquals(CHILD_RUNNING, table.childStatus(table.parentEntry(pool)));
        assertTrue(table.isRunning(pool));
        assertEquals(0, table.entryCount() - 1, "only the pool's own entry is left");
    }

    @Test
    void shouldRestartAndTerminateATopLevelSupervisorForAParentInAnotherTable()
    {
        final int top = table.createSupervisor(RestartStrategy.ONE_FOR_ONE, 0, 100);
        final int first = table.addChild(top, 1, RestartType.PERMANENT);
        final int sub = table.createSupervisor(RestartStrategy.ONE_FOR_ONE, 5, 100, top, RestartType.PERMANENT);
        final int subCell = table.addChild(sub, 2, RestartType.PERMANENT);
        final int temporary = table.addChild(top, 3, RestartType.TEMPORARY);

        assertEquals(RestartDecision.NONE, table.restartSupervisor(top, 5, decision), "running: left alone");
        assertEquals(0, decision.restartCount());
        assertEquals(RestartDecision.GIVE_UP, table.onChildExit(top, first, 9, true, 5, decision));
        assertFalse(table.isRunning(top));

        assertEquals(RestartDecision.RESTART, table.restartSupervisor(top, 6, decision));
        assertEquals(List.of(first, table.parentEntry(sub), subCell), restarts(),
            "static children, subtree too, not the temporary child " + temporary);
        assertTrue(table.isRunning(top));
        assertTrue(table.isRunning(sub));
        assertEquals(0, table.windowSize(top));
        assertTrue(table.updateHandle(first, 11));
        assertTrue(table.updateHandle(subCell, 12));

        assertEquals(RestartDecision.NONE, table.terminateSupervisor(top, 7, decision));
        assertEquals(3, decision.terminateCount());
        assertEquals(12, decision.terminateHandle(0), "subtree first, in reverse start order");
        assertEquals(table.parentEntry(sub), decision.terminateEntry(1));
        assertEquals(11, decision.terminateHandle(2));
        assertEquals(RestartTable.REASON_SHUTDOWN, table.lastExitReason(first));
        assertFalse(table.isRunning(top));
        assertEquals(RestartDecision.NONE, table.terminateSupervisor(top, 8, decision));
        assertEquals(0, decision.terminateCount(), "already terminated");

        final IllegalArgumentException ex =
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> table.restartSupervisor(sub, 9, decision));
        assertEquals("row must be a top-level supervisor: row=" + sub + " has parent row " + top, ex.getMessage());
    }

    private List<Integer> restarts()
    {
        final List<Integer> restarts = new ArrayList<>();
        for (int i = 0; i < decision.restartCount(); i++)
        {
            restarts.add(decision.restartEntry(i));
        }
        return restarts;
    }

    /**
     * Reports a cell's exit and follows escalations up, as a caller would, collecting a printable report per level.
     */
    private int crashUp(final int cellEntry, final long now)
    {
        int row = table.ownerRow(cellEntry);
        int entry = cellEntry;
        int reason = 9;
        boolean abnormal = true;
        while (true)
        {
            final int kind = table.onChildExit(row, entry, reason, abnormal, now, decision);
            reports.add(report());
            if (RestartDecision.ESCALATE != kind)
            {
                for (int i = 0; i < decision.restartCount(); i++)
                {
                    final int restarted = decision.restartEntry(i);
                    if (!table.isSupervisor(restarted))
                    {
                        assertTrue(table.updateHandle(restarted, table.handle(restarted) + (1L << 32)));
                    }
                }
                return kind;
            }
            row = decision.escalateRow();
            entry = decision.escalateEntry();
            reason = decision.escalationReason();
            abnormal = false;
        }
    }

    private String report()
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(RestartDecision.kindName(decision.kind())).append(" row=").append(decision.row());
        if (RestartDecision.ESCALATE == decision.kind() || RestartDecision.GIVE_UP == decision.kind())
        {
            sb.append(" window=[");
            for (int i = 0; i < decision.windowSize(); i++)
            {
                sb.append(0 == i ? "" : ", ").append(decision.windowTime(i));
            }
            sb.append(']');
        }
        if (RestartDecision.ESCALATE == decision.kind())
        {
            sb.append(" to row=").append(decision.escalateRow());
            return sb.toString();
        }
        sb.append(" terminate=[");
        for (int i = 0; i < decision.terminateCount(); i++)
        {
            sb.append(0 == i ? "" : ", ").append(decision.terminateEntry(i));
        }
        sb.append(']');
        if (RestartDecision.RESTART == decision.kind())
        {
            sb.append(" restart=[");
            for (int i = 0; i < decision.restartCount(); i++)
            {
                sb.append(0 == i ? "" : ", ").append(decision.restartEntry(i));
            }
            sb.append(']');
        }
        return sb.toString();
    }
}
