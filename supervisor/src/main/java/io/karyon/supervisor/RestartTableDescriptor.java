package io.karyon.supervisor;

import static org.agrona.BitUtil.SIZE_OF_BYTE;
import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * Layout of the four off-heap areas of a {@link RestartTable}: supervisor rows ({@link SupervisorRows}), child
 * entries ({@link ChildEntries}), restart windows ({@link RestartWindows}) and the slot map ({@link ChildSlotMap}).
 * <p>
 * A <b>row</b> (64 bytes, one per supervisor, indexed by row id):
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                           Strategy                            |  0
 *  +---------------------------------------------------------------+
 *  |                         Row Status                            |  4
 *  +---------------------------------------------------------------+
 *  |                     Intensity (MaxR)                          |  8
 *  +---------------------------------------------------------------+
 *  |       Window Capacity (grows up to intensity + 1)             | 12
 *  +---------------------------------------------------------------+
 *  |                    Period (MaxT, 64 bits)                     | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Parent Row  (-1: top level)                   | 24
 *  +---------------------------------------------------------------+
 *  |         Parent Entry (this row's entry in the parent)         | 28
 *  +---------------------------------------------------------------+
 *  |                First Child Entry (start order)                | 32
 *  +---------------------------------------------------------------+
 *  |                      Last Child Entry                         | 36
 *  +---------------------------------------------------------------+
 *  |                         Child Count                           | 40
 *  +---------------------------------------------------------------+
 *  |           Window Index (first long in window area)            | 44
 *  +---------------------------------------------------------------+
 *  |              Window Head (ring index of newest)               | 48
 *  +---------------------------------------------------------------+
 *  |                 Window Size (restarts held)                   | 52
 *  +---------------------------------------------------------------+
 *  |                 Restart Count (since creation)                | 56
 *  +---------------------------------------------------------------+
 *  |                 Give-up Count (since creation)                | 60
 *  +---------------------------------------------------------------+
 * </pre>
 * A <b>child entry</b> (32 bytes, indexed by entry id; a row's entries form a doubly linked list in start order,
 * free entries are chained through Next):
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Handle (64 bits: generation, slot)           |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          Owner Row                            |  8
 *  +---------------------------------------------------------------+
 *  |                        Next Entry                             | 12
 *  +---------------------------------------------------------------+
 *  |                        Prev Entry                             | 16
 *  +---------------+---------------+---------------+---------------+
 *  | Restart Type  | Child Status  |     Flags     |   Reserved    | 20
 *  +---------------+---------------+---------------+---------------+
 *  |                     Last Exit Reason                          | 24
 *  +---------------------------------------------------------------+
 *  |          Child Row (a child supervisor's row, else -1)        | 28
 *  +---------------------------------------------------------------+
 * </pre>
 * The <b>window area</b> is an array of longs; each row owns {@code Window Capacity} of them from
 * {@code Window Index}, used as a ring of the restart times inside the current period. A row's window starts at
 * {@link #FIRST_WINDOW_CAPACITY} and moves to a part twice as long when it is full of restarts inside the period, up
 * to {@code intensity + 1}; the part it left is reused by the next window that grows to that length. The
 * <b>slot map</b> is an array of ints indexed by a cell's slot (the low 32 bits of its handle) holding the entry of
 * the running child in that slot, or {@link #NULL_ENTRY}: it makes an exit reported by handle an O(1) lookup.
 */
public final class RestartTableDescriptor
{
    /**
     * Offset of the row's strategy code (int), see {@link RestartStrategy#code()}.
     */
    public static final int STRATEGY_OFFSET = 0;

    /**
     * Offset of the row status (int): {@link #ROW_RUNNING} or {@link #ROW_TERMINATED}.
     */
    public static final int ROW_STATUS_OFFSET = STRATEGY_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the intensity (int): the most restarts allowed within one period.
     */
    public static final int INTENSITY_OFFSET = ROW_STATUS_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the window capacity (int): intensity + 1 longs in the window area.
     */
    public static final int WINDOW_CAPACITY_OFFSET = INTENSITY_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the period (long), in the caller's time unit.
     */
    public static final int PERIOD_OFFSET = WINDOW_CAPACITY_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the parent row (int), {@link #NULL_ROW} for a top-level supervisor.
     */
    public static final int PARENT_ROW_OFFSET = PERIOD_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the entry (int) that stands for this supervisor in its parent's children, or {@link #NULL_ENTRY}.
     */
    public static final int PARENT_ENTRY_OFFSET = PARENT_ROW_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the first child entry (int) in start order.
     */
    public static final int FIRST_CHILD_OFFSET = PARENT_ENTRY_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the last child entry (int) in start order.
     */
    public static final int LAST_CHILD_OFFSET = FIRST_CHILD_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the number of entries (int) in the row's child list.
     */
    public static final int CHILD_COUNT_OFFSET = LAST_CHILD_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the index (int) of the row's first long in the window area.
     */
    public static final int WINDOW_INDEX_OFFSET = CHILD_COUNT_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the ring index (int) of the newest restart time in the window.
     */
    public static final int WINDOW_HEAD_OFFSET = WINDOW_INDEX_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the number of restart times (int) held in the window.
     */
    public static final int WINDOW_SIZE_OFFSET = WINDOW_HEAD_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the count of restarts (int) the row has decided since it was created.
     */
    public static final int RESTART_COUNT_OFFSET = WINDOW_SIZE_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the count of times (int) the row gave up since it was created.
     */
    public static final int GIVE_UP_COUNT_OFFSET = RESTART_COUNT_OFFSET + SIZE_OF_INT;

    /**
     * Length of one row.
     */
    public static final int ROW_LENGTH = GIVE_UP_COUNT_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the child's current handle (long).
     */
    public static final int HANDLE_OFFSET = 0;

    /**
     * Offset of the row (int) the child belongs to, {@link #NULL_ROW} while the entry is free.
     */
    public static final int OWNER_ROW_OFFSET = HANDLE_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the next entry (int) in start order, or in the free list.
     */
    public static final int NEXT_OFFSET = OWNER_ROW_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the previous entry (int) in start order.
     */
    public static final int PREV_OFFSET = NEXT_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the restart type code (byte), see {@link RestartType#code()}.
     */
    public static final int TYPE_OFFSET = PREV_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the child status (byte): {@link #CHILD_FREE}, {@link #CHILD_RUNNING}, {@link #CHILD_STARTING},
     * {@link #CHILD_STOPPED} or {@link #CHILD_REMOVED}.
     */
    public static final int CHILD_STATUS_OFFSET = TYPE_OFFSET + SIZE_OF_BYTE;

    /**
     * Offset of the flags (byte): {@link #FLAG_SUPERVISOR}, {@link #FLAG_DYNAMIC}.
     */
    public static final int FLAGS_OFFSET = CHILD_STATUS_OFFSET + SIZE_OF_BYTE;

    /**
     * Offset of the last exit reason code (int).
     */
    public static final int LAST_EXIT_REASON_OFFSET = FLAGS_OFFSET + 2 * SIZE_OF_BYTE;

    /**
     * Offset of the child supervisor's row (int), {@link #NULL_ROW} for a child cell.
     */
    public static final int CHILD_ROW_OFFSET = LAST_EXIT_REASON_OFFSET + SIZE_OF_INT;

    /**
     * Length of one child entry.
     */
    public static final int ENTRY_LENGTH = CHILD_ROW_OFFSET + SIZE_OF_INT;

    /**
     * Largest window a row may have: intensity + 1 must not exceed it. A window costs 8 bytes per restart it holds,
     * so an intensity of 1,000 (a supervisor of 1,000 children that may all die at once) costs at most 8 KiB.
     */
    public static final int MAX_WINDOW_CAPACITY = 1 << 20;

    /**
     * Restart times a row's window holds when the row is created (or intensity + 1, if smaller). A window doubles, up
     * to intensity + 1, only when the restarts inside its period fill it: so its memory follows the restarts actually
     * held, and a thousand supervisors of intensity 1,048,575 cost 32 KiB of windows until their children die.
     */
    public static final int FIRST_WINDOW_CAPACITY = 4;

    /**
     * No row: the parent of a top-level supervisor, the child row of a cell.
     */
    public static final int NULL_ROW = -1;

    /**
     * No entry: the end of a list, an unmapped slot.
     */
    public static final int NULL_ENTRY = -1;

    /**
     * No handle: a child supervisor's handle, a child that is not running.
     */
    public static final long NULL_HANDLE = -1L;

    /**
     * The supervisor is running.
     */
    public static final int ROW_RUNNING = 1;

    /**
     * The supervisor has terminated its children and itself.
     */
    public static final int ROW_TERMINATED = 2;

    /**
     * The entry is free.
     */
    public static final byte CHILD_FREE = 0;

    /**
     * The child is running under its current handle.
     */
    public static final byte CHILD_RUNNING = 1;

    /**
     * A restart was decided and the caller has not yet given the new handle (OTP's {@code {restarting, Pid}}).
     */
    public static final byte CHILD_STARTING = 2;

    /**
     * The child's specification is kept but no child runs (OTP's {@code pid = undefined}): a transient child that
     * exited normally, or a child of a terminated supervisor. A group restart starts it again.
     */
    public static final byte CHILD_STOPPED = 3;

    /**
     * A temporary static child that exited or was terminated: out of its supervisor's live children until the
     * supervisor itself is restarted (OTP deletes its specification; the supervisor's init brings it back).
     */
    public static final byte CHILD_REMOVED = 4;

    /**
     * Flag: the child is a supervisor (its row is at {@link #CHILD_ROW_OFFSET}).
     */
    public static final byte FLAG_SUPERVISOR = 1;

    /**
     * Flag: the child was added dynamically to a {@link RestartStrategy#SIMPLE_ONE_FOR_ONE} supervisor.
     */
    public static final byte FLAG_DYNAMIC = 2;

    private RestartTableDescriptor()
    {
    }

    /**
     * Checks an intensity and returns the window capacity it needs.
     *
     * @param intensity to be checked: the most restarts allowed within one period.
     * @return intensity + 1.
     * @throws IllegalArgumentException if intensity is negative or intensity + 1 exceeds
     *                                  {@link #MAX_WINDOW_CAPACITY}.
     */
    public static int checkIntensity(final int intensity)
    {
        if (intensity < 0)
        {
            throw new IllegalArgumentException("intensity must be >= 0: intensity=" + intensity);
        }
        if (intensity + 1 > MAX_WINDOW_CAPACITY)
        {
            throw new IllegalArgumentException(
                "intensity + 1 must be <= MAX_WINDOW_CAPACITY (" + MAX_WINDOW_CAPACITY + "): intensity=" + intensity);
        }
        return intensity + 1;
    }

    /**
     * Checks a period.
     *
     * @param period to be checked, in the caller's time unit.
     * @throws IllegalArgumentException if period is not positive.
     */
    public static void checkPeriod(final long period)
    {
        if (period <= 0)
        {
            throw new IllegalArgumentException("period must be > 0: period=" + period);
        }
    }

    /**
     * The slot of a handle: its low 32 bits.
     *
     * @param handle of a cell.
     * @return the slot number.
     */
    public static int slot(final long handle)
    {
        return (int)handle;
    }
}
