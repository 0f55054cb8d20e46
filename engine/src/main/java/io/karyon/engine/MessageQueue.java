package io.karyon.engine;

import org.agrona.ExpandableDirectByteBuffer;

import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * A growable off-heap array of fixed-size message records: the messages a worker sends in one tick, in send order.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        Target Handle                          |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Sender Handle                          |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                           Payload                             |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                            Type                               |
 *  +---------------------------------------------------------------+
 *  |      Next (index of the target's next message this tick)      |
 *  +---------------------------------------------------------------+
 * </pre>
 * The buffer grows by doubling and never shrinks, so a run allocates only until it reaches its busiest tick.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker.
 */
final class MessageQueue
{
    static final int TARGET_OFFSET = 0;
    static final int SENDER_OFFSET = TARGET_OFFSET + SIZE_OF_LONG;
    static final int PAYLOAD_OFFSET = SENDER_OFFSET + SIZE_OF_LONG;
    static final int TYPE_OFFSET = PAYLOAD_OFFSET + SIZE_OF_LONG;
    static final int NEXT_OFFSET = TYPE_OFFSET + 4;
    static final int RECORD_LENGTH = 32;
    static final int RECORD_SHIFT = 5;

    private final ExpandableDirectByteBuffer buffer;
    private int count;

    MessageQueue(final int initialCapacity)
    {
        buffer = new ExpandableDirectByteBuffer(Math.max(1, initialCapacity) * RECORD_LENGTH);
    }

    void append(final long target, final long sender, final int type, final long payload)
    {
        final int offset = count << RECORD_SHIFT;
        if (offset + RECORD_LENGTH > buffer.capacity())
        {
            buffer.checkLimit(offset + RECORD_LENGTH);
        }
        buffer.putLong(offset + TARGET_OFFSET, target);
        buffer.putLong(offset + SENDER_OFFSET, sender);
        buffer.putLong(offset + PAYLOAD_OFFSET, payload);
        buffer.putInt(offset + TYPE_OFFSET, type);
        count++;
    }

    int count()
    {
        return count;
    }

    void clear()
    {
        count = 0;
    }

    long target(final int index)
    {
        return buffer.getLong((index << RECORD_SHIFT) + TARGET_OFFSET);
    }

    long sender(final int index)
    {
        return buffer.getLong((index << RECORD_SHIFT) + SENDER_OFFSET);
    }

    long payload(final int index)
    {
        return buffer.getLong((index << RECORD_SHIFT) + PAYLOAD_OFFSET);
    }

    int type(final int index)
    {
        return buffer.getInt((index << RECORD_SHIFT) + TYPE_OFFSET);
    }

    int next(final int index)
    {
        return buffer.getInt((index << RECORD_SHIFT) + NEXT_OFFSET);
    }

    void next(final int index, final int next)
    {
        buffer.putInt((index << RECORD_SHIFT) + NEXT_OFFSET, next);
    }

    int capacityBytes()
    {
        return buffer.capacity();
    }
}
