package io.karyon.engine;

import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * Layout of one message record: the unit a {@link MessageQueue} holds and a {@link io.karyon.scheduler.Channel}
 * carries between workers.
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
 *  |                            Type                               | 24
 *  +---------------------------------------------------------------+
 *  |      Next (index of the target's next message this tick)      | 28
 *  +---------------------------------------------------------------+
 * </pre>
 * Next is written by the receiving worker when it chains a target's messages for delivery. The record is 32 bytes, a
 * power of two, so that record {@code i} is at {@code i << RECORD_SHIFT}: a shift, not a multiply, per message.
 */
final class MessageDescriptor
{
    /**
     * Offset of the handle (long) of the cell the message is for.
     */
    static final int TARGET_OFFSET = 0;

    /**
     * Offset of the handle (long) of the cell that sent it.
     */
    static final int SENDER_OFFSET = TARGET_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the payload (long).
     */
    static final int PAYLOAD_OFFSET = SENDER_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the message type (int); engine types are negative, see {@link Signals}.
     */
    static final int TYPE_OFFSET = PAYLOAD_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the index (int) of the target's next message in the same queue, while the receiver delivers.
     */
    static final int NEXT_OFFSET = TYPE_OFFSET + SIZE_OF_INT;

    /**
     * log2 of {@link #RECORD_LENGTH}: record {@code i} starts at {@code i << RECORD_SHIFT}.
     */
    static final int RECORD_SHIFT = 5;

    /**
     * Length of one record: the fields above, {@code NEXT_OFFSET + SIZE_OF_INT}, exactly.
     */
    static final int RECORD_LENGTH = 1 << RECORD_SHIFT;

    /**
     * Most bytes one queue may hold: 2^25 messages in one tick.
     */
    static final int MAX_QUEUE_LENGTH = 1 << 30;

    private MessageDescriptor()
    {
    }

    /**
     * Checks that a queue may grow to a length.
     *
     * @param required length in bytes, to be checked; negative after an int overflow.
     * @throws KaryonException (fatal) naming the limit if required is negative or above {@link #MAX_QUEUE_LENGTH}.
     */
    static void checkQueueLength(final int required)
    {
        if (required < 0 || required > MAX_QUEUE_LENGTH)
        {
            throw new KaryonException(KaryonException.Category.FATAL, "a worker's message queue would pass " +
                MAX_QUEUE_LENGTH + " bytes (" + (MAX_QUEUE_LENGTH / RECORD_LENGTH) + " messages in one tick)", null);
        }
    }
}
