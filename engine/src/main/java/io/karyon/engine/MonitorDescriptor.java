package io.karyon.engine;

import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * Layout of one monitor or link record in a {@link Monitors} pool: one watcher of one watched cell, chained per
 * watched slot.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |             Watcher Handle (or the link's partner)            |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Monitor Reference (0 for a link)              |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |     Next (next record of the slot's chain, or free list)      | 16
 *  +---------------------------------------------------------------+
 *  |                   Kind (monitor or link)                      | 20
 *  +---------------------------------------------------------------+
 *  |                       8 bytes reserved                        | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 * The record is 32 bytes, a power of two, so that record {@code r} is at {@code r << RECORD_SHIFT}.
 */
final class MonitorDescriptor
{
    /**
     * Offset of the watcher's handle (long): the monitoring cell, or the partner of a link.
     */
    static final int WATCHER_OFFSET = 0;

    /**
     * Offset of the monitor's reference (long), which its DOWN message carries; 0 for a link.
     */
    static final int REF_OFFSET = WATCHER_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the next record (int) in the watched slot's chain, or in the pool's free list while free.
     */
    static final int NEXT_OFFSET = REF_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the kind (int): {@link #KIND_MONITOR} or {@link #KIND_LINK}.
     */
    static final int KIND_OFFSET = NEXT_OFFSET + SIZE_OF_INT;

    /**
     * log2 of {@link #RECORD_LENGTH}.
     */
    static final int RECORD_SHIFT = 5;

    /**
     * Length of one record.
     */
    static final int RECORD_LENGTH = 1 << RECORD_SHIFT;

    /**
     * Kind of a monitor: the watcher is told DOWN when the watched cell dies.
     */
    static final int KIND_MONITOR = 1;

    /**
     * Kind of a link: the partner is told EXIT (or dies with it) when the watched cell dies.
     */
    static final int KIND_LINK = 2;

    private MonitorDescriptor()
    {
    }
}
