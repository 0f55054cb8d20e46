package io.karyon.engine;

import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * Layout of one record in a {@link DeadLetters} log: a message that could not be delivered, and why.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                            Tick                               |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Target Handle                          |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Sender Handle                          | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                           Payload                             | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                            Type                               | 32
 *  +---------------------------------------------------------------+
 *  |                  Kind (why it was not delivered)              | 36
 *  +---------------------------------------------------------------+
 *  |                       8 bytes reserved                        | 40
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 * The record is padded to 48 bytes, a multiple of 8, so that every long in the ring stays 8-byte aligned.
 */
final class DeadLetterDescriptor
{
    /**
     * Offset of the tick (long) in which the message became a dead letter.
     */
    static final int TICK_OFFSET = 0;

    /**
     * Offset of the handle (long) the message was for.
     */
    static final int TARGET_OFFSET = TICK_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the handle (long) that sent it.
     */
    static final int SENDER_OFFSET = TARGET_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the message's payload (long).
     */
    static final int PAYLOAD_OFFSET = SENDER_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the message's type (int).
     */
    static final int TYPE_OFFSET = PAYLOAD_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the kind (int): {@link DeadLetters#STALE_HANDLE} and the other kinds of {@link DeadLetters}.
     */
    static final int KIND_OFFSET = TYPE_OFFSET + SIZE_OF_INT;

    /**
     * Length of one record.
     */
    static final int RECORD_LENGTH = 48;

    private DeadLetterDescriptor()
    {
    }

    /**
     * Checks the number of records a log keeps.
     *
     * @param length to be checked: records kept, 0 for no log.
     * @return the log's length in bytes.
     * @throws IllegalArgumentException if length is negative or the log would pass 2 GiB.
     */
    static int logLength(final int length)
    {
        if (length < 0 || length > Integer.MAX_VALUE / RECORD_LENGTH)
        {
            throw new IllegalArgumentException(
                "dead letter log length must be in 0.." + Integer.MAX_VALUE / RECORD_LENGTH + ": length=" + length);
        }
        return length * RECORD_LENGTH;
    }
}
