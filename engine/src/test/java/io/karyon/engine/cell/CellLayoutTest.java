package io.karyon.engine.cell;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.karyon.engine.cell.CellDescriptor.MAX_STATE_LENGTH;
import static io.karyon.engine.cell.CellDescriptor.slotLength;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CellLayoutTest
{
    @Test
    void shouldAlignEachFieldToItsSizeInDeclaredOrder()
    {
        final CellLayout layout = CellLayout.builder()
            .byteField("b")
            .longField("l")
            .intField("i")
            .doubleField("d")
            .array("bytes", byte.class, 3)
            .array("ints", int.class, 2)
            .build();

        assertEquals(0, layout.offset("b"));
        assertEquals(8, layout.offset("l"));
        assertEquals(16, layout.offset("i"));
        assertEquals(24, layout.offset("d"));
        assertEquals(32, layout.offset("bytes"));
        assertEquals(36, layout.offset("ints"));
        assertEquals(40, layout.field("ints").offset(1));
        assertEquals(48, layout.stateLength());
    }

    @Test
    void shouldRoundStateUpToEightBytes()
    {
        assertEquals(8, CellLayout.builder().byteField("only").build().stateLength());
        assertEquals(64, CellLayout.builder().array("v", long.class, 8).build().stateLength());
    }

    @Test
    void shouldKeepHeaderSmallAndStateAligned()
    {
        assertEquals(16, CellDescriptor.HEADER_LENGTH);
        assertEquals(80, slotLength(64));
    }

    @Test
    void shouldRejectDuplicateField()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> CellLayout.builder().longField("x").doubleField("x"));
        assertEquals("duplicate field 'x'", ex.getMessage());
    }

    @Test
    void shouldRejectEmptyLayout()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> CellLayout.builder().build());
        assertEquals("layout must declare at least one field", ex.getMessage());
    }

    @Test
    void shouldRejectUnsupportedTypeNamingTheField()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> CellLayout.builder().field("name", String.class));
        assertEquals("field 'name' has unsupported type java.lang.String: use long, double, int or byte",
            ex.getMessage());
    }

    @Test
    void shouldRejectFieldThatOverflowsTheMaximumNamingIt()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> CellLayout.builder(64).array("v", long.class, 8).byteField("flag"));
        assertEquals("field 'flag' ends at byte 65, past the maximum state length 64", ex.getMessage());
    }

    @Test
    void shouldRejectNonPositiveArrayLength()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> CellLayout.builder().array("v", long.class, 0));
        assertEquals("field 'v' must have length > 0: length=0", ex.getMessage());
    }

    @Test
    void shouldNameMissingField()
    {
        final CellLayout layout = CellLayout.builder().longField("x").build();
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> layout.offset("y"));
        assertEquals("layout has no field 'y': fields=[x]", ex.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = { -8, 0, 12, MAX_STATE_LENGTH + 8 })
    void shouldRejectInvalidStateLength(final int stateLength)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> slotLength(stateLength));
        assertEquals("stateLength must be a positive multiple of 8 <= " + MAX_STATE_LENGTH + ": stateLength=" +
            stateLength, ex.getMessage());
    }
}
