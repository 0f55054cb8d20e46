package io.karyon.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pins the byte layout of the engine's off-heap records: a digest, a checkpoint or a ring written by one build must
 * read the same in the next, so a field that moves is a test failure, not a silent change.
 */
class RecordDescriptorTest
{
    @Test
    void shouldKeepTheMessageRecordLayout()
    {
        assertEquals(0, MessageDescriptor.TARGET_OFFSET);
        assertEquals(8, MessageDescriptor.SENDER_OFFSET);
        assertEquals(16, MessageDescriptor.PAYLOAD_OFFSET);
        assertEquals(24, MessageDescriptor.TYPE_OFFSET);
        assertEquals(28, MessageDescriptor.NEXT_OFFSET);
        assertEquals(32, MessageDescriptor.RECORD_LENGTH);
        assertEquals(MessageDescriptor.NEXT_OFFSET + SIZE_OF_INT, MessageDescriptor.RECORD_LENGTH);
        assertEquals(1 << MessageDescriptor.RECORD_SHIFT, MessageDescriptor.RECORD_LENGTH);
    }

    @ParameterizedTest
    @ValueSource(ints = { -1, Integer.MIN_VALUE, (1 << 30) + 1 })
    void shouldRejectAMessageQueuePastItsLimit(final int required)
    {
        final KaryonException ex = assertThrows(KaryonException.class,
            () -> MessageDescriptor.checkQueueLength(required));
        assertTrue(ex.getMessage().contains("a worker's message queue would pass 1073741824 bytes (33554432 messages"),
            ex.getMessage());
    }

    @Test
    void shouldKeepTheTimerRecordLayout()
    {
        assertEquals(0, TimerDescriptor.TARGET_OFFSET);
        assertEquals(8, TimerDescriptor.SENDER_OFFSET);
        assertEquals(16, TimerDescriptor.PAYLOAD_OFFSET);
        assertEquals(24, TimerDescriptor.ID_OFFSET);
        assertEquals(32, TimerDescriptor.WHEEL_ID_OFFSET);
        assertEquals(40, TimerDescriptor.TYPE_OFFSET);
        assertEquals(44, TimerDescriptor.KIND_OFFSET);
        assertEquals(48, TimerDescriptor.NEXT_OFFSET);
        assertEquals(64, TimerDescriptor.RECORD_LENGTH);
        assertTrue(TimerDescriptor.NEXT_OFFSET + SIZE_OF_INT <= TimerDescriptor.RECORD_LENGTH);
    }

    @Test
    void shouldKeepTheDeadLetterRecordLayout()
    {
        assertEquals(0, DeadLetterDescriptor.TICK_OFFSET);
        assertEquals(8, DeadLetterDescriptor.TARGET_OFFSET);
        assertEquals(16, DeadLetterDescriptor.SENDER_OFFSET);
        assertEquals(24, DeadLetterDescriptor.PAYLOAD_OFFSET);
        assertEquals(32, DeadLetterDescriptor.TYPE_OFFSET);
        assertEquals(36, DeadLetterDescriptor.KIND_OFFSET);
        assertEquals(48, DeadLetterDescriptor.RECORD_LENGTH);
        assertEquals(0, DeadLetterDescriptor.RECORD_LENGTH % SIZE_OF_LONG);
    }

    @ParameterizedTest
    @ValueSource(ints = { -1, Integer.MIN_VALUE, Integer.MAX_VALUE / 48 + 1 })
    void shouldRejectADeadLetterLogOfInvalidLength(final int length)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> DeadLetterDescriptor.logLength(length));
        assertEquals("dead letter log length must be in 0.." + Integer.MAX_VALUE / 48 + ": length=" + length,
            ex.getMessage());
    }

    @Test
    void shouldKeepTheMonitorRecordLayout()
    {
        assertEquals(0, MonitorDescriptor.WATCHER_OFFSET);
        assertEquals(8, MonitorDescriptor.REF_OFFSET);
        assertEquals(16, MonitorDescriptor.NEXT_OFFSET);
        assertEquals(20, MonitorDescriptor.KIND_OFFSET);
        assertEquals(32, MonitorDescriptor.RECORD_LENGTH);
        assertTrue(MonitorDescriptor.KIND_OFFSET + SIZE_OF_INT <= MonitorDescriptor.RECORD_LENGTH);
    }
}
