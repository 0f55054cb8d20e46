package io.karyon.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TickBarrierDescriptorTest
{
    @Test
    void shouldSpaceEveryFieldTwoCacheLinesApart()
    {
        assertEquals(128, TickBarrierDescriptor.FIELD_STRIDE);
        assertEquals(0, TickBarrierDescriptor.TARGET_OFFSET);
        assertEquals(128, TickBarrierDescriptor.COMPLETED_OFFSET);
        assertEquals(256, TickBarrierDescriptor.sequenceOffset(0));
        assertEquals(256 + 3 * 128, TickBarrierDescriptor.sequenceOffset(3));
        assertEquals(128 * (4 + 2), TickBarrierDescriptor.length(4));
    }

    @ParameterizedTest
    @ValueSource(ints = { 0, -1, Integer.MIN_VALUE })
    void shouldRejectABarrierForNoWorkers(final int parties)
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> new TickBarrier(parties));
        assertEquals("parties must be > 0: parties=" + parties, ex.getMessage());
    }
}
