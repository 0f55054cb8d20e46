package io.karyon.engine;

import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * Layout of one timer record in a {@link Timers} pool: the message to send when the timer fires, and how to find and
 * cancel it.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        Target Handle                          |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Sender Handle                          |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                           Payload                             | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Timer Id (slot, tick, sequence)               | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Wheel Timer Id (DeadlineTimerWheel)           | 32
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                            Type                               | 40
 *  +---------------------------------------------------------------+
 *  |              Kind (message or call timeout)                   | 44
 *  +---------------------------------------------------------------+
 *  |                 Next (free list, while free)                  | 48
 *  +---------------------------------------------------------------+
 *  |                     12 bytes reserved                        ... 52
 *  +---------------------------------------------------------------+
 * </pre>
 * The record is padded to 64 bytes: 52 are used, the rest is room for a later field without moving the others.
 */
final class TimerDescriptor
{
    /**
     * Offset of the handle (long) the timer's message is for.
     */
    static final int TARGET_OFFSET = 0;

    /**
     * Offset of the handle (long) that set the timer.
     */
    static final int SENDER_OFFSET = TARGET_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the message's payload (long); for a call timeout, the call id.
     */
    static final int PAYLOAD_OFFSET = SENDER_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the timer id (long), see {@link Timers#timerId(int, long, int)}.
     */
    static final int ID_OFFSET = PAYLOAD_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the id (long) the timer wheel gave the deadline, to cancel it.
     */
    static final int WHEEL_ID_OFFSET = ID_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the message's type (int).
     */
    static final int TYPE_OFFSET = WHEEL_ID_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the kind (int): {@link #KIND_MESSAGE} or {@link #KIND_CALL_TIMEOUT}.
     */
    static final int KIND_OFFSET = TYPE_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the int a free record links the pool's free list through.
     */
    static final int NEXT_OFFSET = KIND_OFFSET + SIZE_OF_INT;

    /**
     * Length of one record: one cache line.
     */
    static final int RECORD_LENGTH = 64;

    /**
     * Kind of a timer set by a cell: its message is a timer message.
     */
    static final int KIND_MESSAGE = 0;

    /**
     * Kind of a call's timeout: its message tells the caller the call timed out.
     */
    static final int KIND_CALL_TIMEOUT = 1;

    private TimerDescriptor()
    {
    }
}
