package io.karyon.supervisor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Bad input at the edge: one exception naming the parameter, the rule and the value.
 */
class RestartTableValidationTest
{
    private final RestartTable table = new RestartTable();
    private final RestartDecision decision = new RestartDecision();

    @AfterEach
    void close()
    {
        table.close();
    }

    @Test
    void shouldRejectANegativeIntensity()
    {
        assertMessage("intensity must be >= 0: intensity=-1",
            () -> table.createSupervisor(RestartStrategy.ONE_FOR_ONE, -1, 5));
    }

    @Test
    void shouldRejectAWindowTooLarge()
    {
        assertMessage("intensity + 1 must be <= MAX_WINDOW_CAPACITY (1048576): intensity=1048576",
            () -> table.createSupervisor(RestartStrategy.ONE_FOR_ONE, 1 << 20, 5));
    }

    @Test
    void shouldRejectANonPositivePeriod()
    {
        assertMessage("period must be > 0: period=0", () -> table.createSupervisor(RestartStrategy.ONE_FOR_ONE, 1, 0));
        assertMessage("period must be > 0: period=-5",
            () -> table.createSupervisor(RestartStrategy.ONE_FOR_ONE, 1, -5));
    }

    @Test
    void shouldRejectAnUnknownRow()
    {
        table.createSupervisor(RestartStrategy.ONE_FOR_ONE, 1, 5);
        assertMessage("row must be a row of this table in [0, 1): row=3",
            () -> table.onChildExit(3, 0, 0, true, 0, decision));
        assertMessage("row must be a row of this table in [0, 1): row=-1",
            () -> table.addChild(-1, 1, RestartType.PERMANENT));
        assertMessage("row must be a row of this table in [0, 1): row=9",
            () -> table.createSupervisor(RestartStrategy.ONE_FOR_ONE, 1, 5, 9, RestartType.PERMANENT));
    }

    @Test
    void shouldRejectAnUnknownChild()
    {
        final int row = table.createSupervisor(RestartStrategy.ONE_FOR_ONE, 1, 5);
        table.addChild(row, 1, RestartType.PERMANENT);
        assertMessage("entry must be a child entry in use: entry=7",
            () -> table.onChildExit(row, 7, 0, true, 0, decision));
        assertMessage("entry must be a child entry of this table in [0, 1): entry=7", () -> table.updateHandle(7, 1));
    }

    @Test
    void shouldRejectAChildOfAnotherRow()
    {
        final int first = table.createSupervisor(RestartStrategy.ONE_FOR_ONE, 1, 5);
        final int second = table.createSupervisor(RestartStrategy.ONE_FOR_ONE, 1, 5);
        final int entry = table.addChild(first, 1, RestartType.PERMANENT);
        assertMessage("entry must be a child of the given row: entry=0 belongs to row=0, not row=1",
            () -> table.onChildExit(second, entry, 0, true, 0, decision));
    }

    @Test
    void shouldRejectAStaticChildOnASimpleOneForOneSupervisor()
    {
        final int row = table.createSupervisor(RestartStrategy.SIMPLE_ONE_FOR_ONE, 1, 5);
        assertMessage("addChild adds static children; a SIMPLE_ONE_FOR_ONE supervisor takes only dynamic children " +
            "(use startChild): row=0", () -> table.addChild(row, 1, RestartType.PERMANENT));
    }

    @Test
    void shouldRejectDynamicChildrenOnAStaticSupervisor()
    {
        final int row = table.createSupervisor(RestartStrategy.REST_FOR_ONE, 1, 5);
        final int entry = table.addChild(row, 1, RestartType.PERMANENT);
        assertMessage("startChild is only for dynamic children of a SIMPLE_ONE_FOR_ONE supervisor: row=0, " +
            "strategy=REST_FOR_ONE", () -> table.startChild(row, 2, RestartType.PERMANENT));
        assertMessage("removeChild is only for dynamic children of a SIMPLE_ONE_FOR_ONE supervisor: row=0, " +
            "strategy=REST_FOR_ONE", () -> table.removeChild(row, entry, decision));
    }

    @Test
    void shouldRejectANegativeSlotAndNulls()
    {
        final int row = table.createSupervisor(RestartStrategy.ONE_FOR_ONE, 1, 5);
        assertMessage("handle's slot (low 32 bits) must be >= the table's slot base 0: handle=4294967295, slot=-1",
            () -> table.addChild(row, 0xFFFF_FFFFL, RestartType.PERMANENT));
        assertMessage("restartType must not be null: restartType=null", () -> table.addChild(row, 1, null));
        assertMessage("strategy must not be null: strategy=null", () -> table.createSupervisor(null, 1, 5));
    }

    @Test
    void shouldRejectAChildForATerminatedSupervisorAndRefuseAHandleForAChildSupervisor()
    {
        final int top = table.createSupervisor(RestartStrategy.ONE_FOR_ONE, 0, 5);
        final int sub = table.createSupervisor(RestartStrategy.ONE_FOR_ONE, 0, 5, top, RestartType.PERMANENT);
        final int cell = table.addChild(top, 1, RestartType.PERMANENT);
        table.onChildExit(top, cell, 9, true, 0, decision);
        final IllegalStateException ex =
            assertThrows(IllegalStateException.class, () -> table.addChild(top, 2, RestartType.PERMANENT));
        assertEquals("row must be running to take a new child: row=0 is terminated", ex.getMessage());

        final int top2 = table.createSupervisor(RestartStrategy.ONE_FOR_ONE, 5, 5);
        final int sub2 = table.createSupervisor(RestartStrategy.ONE_FOR_ONE, 5, 5, top2, RestartType.PERMANENT);
        table.onChildExit(top2, table.parentEntry(sub2), 9, true, 0, decision);
        final int entry = table.parentEntry(sub2);
        assertEquals(false, table.updateHandle(entry, 5), "a child supervisor has no handle");
        assertEquals(false, table.isRunning(sub));
    }

    @Test
    void shouldMapSlotsFromItsBaseAndRejectSlotsBelowIt()
    {
        try (RestartTable based = new RestartTable(1, 1, 1, 1 << 21))
        {
            final int row = based.createSupervisor(RestartStrategy.ONE_FOR_ONE, 1, 5);
            final long handle = 7L << 32 | (1 << 21) + 5;
            final int entry = based.addChild(row, handle, RestartType.PERMANENT);
            assertEquals(entry, based.entryOf(handle));
            assertEquals(RestartTableDescriptor.NULL_ENTRY, based.entryOf(7L << 32 | 5), "a slot below the base");
            assertMessage("handle's slot (low 32 bits) must be >= the table's slot base 2097152: handle=5, slot=5",
                () -> based.addChild(row, 5, RestartType.PERMANENT));
        }
        assertMessage("slotBase must be >= 0: -1", () -> new RestartTable(1, 1, 1, -1));
    }

    @Test
    void shouldRejectBadCodesAndSizes()
    {
        assertMessage("code must be a RestartStrategy code in [0, 3]: code=4", () -> RestartStrategy.get(4));
        assertMessage("code must be a RestartType code in [0, 2]: code=-1", () -> RestartType.get(-1));
        assertMessage("initialRows must be > 0: initialRows=0", () -> new RestartTable(0, 1, 1));
        assertMessage("capacity must be > 0: capacity=0", () -> new RestartDecision(0));
    }

    private static void assertMessage(final String expected, final Executable executable)
    {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, executable).getMessage());
    }
}
