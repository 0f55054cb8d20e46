package io.karyon.engine.cell;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class HandleTest
{
    @ParameterizedTest
    @CsvSource({ "0,0", "0,1", "1,-1", "2147483647,2147483647", "2147483647,-2147483648", "12345,1" })
    void shouldRoundTripEdgeCases(final int slot, final int generation)
    {
        final long handle = Handle.of(slot, generation);
        assertEquals(slot, Handle.slot(handle));
        assertEquals(generation, Handle.generation(handle));
    }

    @Test
    void shouldRoundTripRandomSlotsAndGenerations()
    {
        final SplittableRandom random = new SplittableRandom(20261125L);
        for (int i = 0; i < 100_000; i++)
        {
            final int slot = random.nextInt(Integer.MAX_VALUE);
            final int generation = random.nextInt();
            final long handle = Handle.of(slot, generation);
            assertEquals(slot, Handle.slot(handle), "slot of " + handle);
            assertEquals(generation, Handle.generation(handle), "generation of " + handle);
            assertNotEquals(handle, Handle.of(slot, generation + 1), "a new generation is a new handle");
        }
    }

    @Test
    void shouldNeverMakeTheNullHandleForALiveCell()
    {
        assertNotEquals(Handle.NULL_HANDLE, Handle.of(0, 1));
        assertEquals("17@3", Handle.toString(Handle.of(17, 3)));
    }
}
