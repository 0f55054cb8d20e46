package io.karyon.supervisor;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import static io.karyon.supervisor.RestartTableDescriptor.CHILD_FREE;
import static io.karyon.supervisor.RestartTableDescriptor.CHILD_ROW_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.CHILD_RUNNING;
import static io.karyon.supervisor.RestartTableDescriptor.CHILD_STATUS_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.ENTRY_LENGTH;
import static io.karyon.supervisor.RestartTableDescriptor.FLAGS_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.FLAG_DYNAMIC;
import static io.karyon.supervisor.RestartTableDescriptor.FLAG_SUPERVISOR;
import static io.karyon.supervisor.RestartTableDescriptor.HANDLE_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.LAST_EXIT_REASON_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.NEXT_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.NULL_ENTRY;
import static io.karyon.supervisor.RestartTableDescriptor.NULL_ROW;
import static io.karyon.supervisor.RestartTableDescriptor.OWNER_ROW_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.PREV_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.TYPE_OFFSET;

/**
 * The child entries of a {@link RestartTable}: one off-heap entry per child, laid out by
 * {@link RestartTableDescriptor}, in a buffer that doubles when full. Each supervisor's entries form a doubly linked
 * list in start order, headed by its row's first and last child (kept in {@link SupervisorRows}); free entries are
 * chained through Next and reused most recently freed first. Accessors are named after the entry's fields and check
 * nothing; the table checks its callers' entries once, with the check methods here.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker.
 */
final class ChildEntries
{
    private final SupervisorRows rows;
    private UnsafeBuffer entries;
    private int capacity;
    private int highWater;
    private int freeHead = NULL_ENTRY;
    private int liveCount;

    /**
     * @param rows           whose child lists the entries form.
     * @param initialEntries entries before the buffer grows, > 0.
     */
    ChildEntries(final SupervisorRows rows, final int initialEntries)
    {
        this.rows = rows;
        capacity = initialEntries;
        entries = OffHeapAreas.allocate(capacity * ENTRY_LENGTH);
    }

    /**
     * Entries ever used: every entry number below it has been handed out at least once.
     */
    int highWater()
    {
        return highWater;
    }

    /**
     * Entries in use.
     */
    int liveCount()
    {
        return liveCount;
    }

    /**
     * Takes an entry and puts it last in a row's child list, running.
     *
     * @param row      that owns the child.
     * @param handle   of the child cell, or {@link RestartTableDescriptor#NULL_HANDLE} for a child supervisor.
     * @param typeCode of the child's {@link RestartType}.
     * @param childRow the child supervisor's row, or {@link RestartTableDescriptor#NULL_ROW} for a cell.
     * @param dynamic  whether the child is a dynamic child of a simple_one_for_one supervisor.
     * @return the entry.
     */
    int append(final int row, final long handle, final int typeCode, final int childRow, final boolean dynamic)
    {
        final int entry = allocate();
        final int last = rows.lastChild(row);
        final int offset = offset(entry);
        entries.putLong(offset + HANDLE_OFFSET, handle);
        entries.putInt(offset + OWNER_ROW_OFFSET, row);
        entries.putInt(offset + NEXT_OFFSET, NULL_ENTRY);
        entries.putInt(offset + PREV_OFFSET, last);
        entries.putByte(offset + TYPE_OFFSET, (byte)typeCode);
        entries.putByte(offset + CHILD_STATUS_OFFSET, CHILD_RUNNING);
        entries.putByte(offset + FLAGS_OFFSET,
            (byte)((NULL_ROW != childRow ? FLAG_SUPERVISOR : 0) | (dynamic ? FLAG_DYNAMIC : 0)));
        entries.putInt(offset + LAST_EXIT_REASON_OFFSET, RestartTable.REASON_NORMAL);
        entries.putInt(offset + CHILD_ROW_OFFSET, childRow);
        if (NULL_ENTRY == last)
        {
            rows.firstChild(row, entry);
        }
        else
        {
            next(last, entry);
        }
        rows.lastChild(row, entry);
        rows.addToChildCount(row, 1);
        return entry;
    }

    /**
     * Takes an entry out of its row's child list and frees it.
     *
     * @param entry in use.
     */
    void unlinkAndFree(final int entry)
    {
        final int offset = offset(entry);
        final int row = entries.getInt(offset + OWNER_ROW_OFFSET);
        final int prev = entries.getInt(offset + PREV_OFFSET);
        final int next = entries.getInt(offset + NEXT_OFFSET);
        if (NULL_ENTRY == prev)
        {
            rows.firstChild(row, next);
        }
        else
        {
            next(prev, next);
        }
        if (NULL_ENTRY == next)
        {
            rows.lastChild(row, prev);
        }
        else
        {
            entries.putInt(offset(next) + PREV_OFFSET, prev);
        }
        rows.addToChildCount(row, -1);

        entries.putByte(offset + CHILD_STATUS_OFFSET, CHILD_FREE);
        entries.putInt(offset + OWNER_ROW_OFFSET, NULL_ROW);
        entries.putInt(offset + PREV_OFFSET, NULL_ENTRY);
        entries.putInt(offset + NEXT_OFFSET, freeHead);
        freeHead = entry;
        liveCount--;
    }

    long handle(final int entry)
    {
        return entries.getLong(offset(entry) + HANDLE_OFFSET);
    }

    void handle(final int entry, final long handle)
    {
        entries.putLong(offset(entry) + HANDLE_OFFSET, handle);
    }

    int ownerRow(final int entry)
    {
        return entries.getInt(offset(entry) + OWNER_ROW_OFFSET);
    }

    int next(final int entry)
    {
        return entries.getInt(offset(entry) + NEXT_OFFSET);
    }

    int prev(final int entry)
    {
        return entries.getInt(offset(entry) + PREV_OFFSET);
    }

    int typeCode(final int entry)
    {
        return entries.getByte(offset(entry) + TYPE_OFFSET);
    }

    byte status(final int entry)
    {
        return entries.getByte(offset(entry) + CHILD_STATUS_OFFSET);
    }

    void status(final int entry, final byte status)
    {
        entries.putByte(offset(entry) + CHILD_STATUS_OFFSET, status);
    }

    byte flags(final int entry)
    {
        return entries.getByte(offset(entry) + FLAGS_OFFSET);
    }

    boolean isDynamic(final int entry)
    {
        return 0 != (entries.getByte(offset(entry) + FLAGS_OFFSET) & FLAG_DYNAMIC);
    }

    boolean isSupervisor(final int entry)
    {
        return 0 != (entries.getByte(offset(entry) + FLAGS_OFFSET) & FLAG_SUPERVISOR);
    }

    int lastExitReason(final int entry)
    {
        return entries.getInt(offset(entry) + LAST_EXIT_REASON_OFFSET);
    }

    void lastExitReason(final int entry, final int reasonCode)
    {
        entries.putInt(offset(entry) + LAST_EXIT_REASON_OFFSET, reasonCode);
    }

    int childRow(final int entry)
    {
        return entries.getInt(offset(entry) + CHILD_ROW_OFFSET);
    }

    /**
     * Checks an entry number.
     *
     * @param entry to be checked.
     * @throws IllegalArgumentException if the entry is out of range or free.
     */
    void checkInUse(final int entry)
    {
        if (entry < 0 || entry >= highWater || CHILD_FREE == status(entry))
        {
            throw new IllegalArgumentException("entry must be a child entry in use: entry=" + entry);
        }
    }

    /**
     * Checks that an entry is in use and a child of a row.
     *
     * @param row   the entry must belong to.
     * @param entry to be checked.
     * @throws IllegalArgumentException if the entry is out of range, free, or another row's.
     */
    void checkChildOf(final int row, final int entry)
    {
        checkInUse(entry);
        final int owner = ownerRow(entry);
        if (owner != row)
        {
            throw new IllegalArgumentException(
                "entry must be a child of the given row: entry=" + entry + " belongs to row=" + owner + ", not row=" +
                row);
        }
    }

    void close()
    {
        BufferUtil.free(entries);
    }

    /**
     * Writes the entries for a checkpoint.
     */
    void write(final DataOutput out) throws IOException
    {
        out.writeInt(capacity);
        out.writeInt(highWater);
        out.writeInt(freeHead);
        out.writeInt(liveCount);
        OffHeapAreas.write(out, entries, highWater * ENTRY_LENGTH);
    }

    /**
     * Replaces the entries with what {@link #write(DataOutput)} wrote.
     */
    void read(final DataInput in) throws IOException
    {
        final int newCapacity = in.readInt();
        final int newHighWater = in.readInt();
        final int newFreeHead = in.readInt();
        final int newLiveCount = in.readInt();
        final UnsafeBuffer read = OffHeapAreas.read(in, newHighWater * ENTRY_LENGTH, newCapacity * ENTRY_LENGTH);
        BufferUtil.free(entries);
        entries = read;
        capacity = newCapacity;
        highWater = newHighWater;
        freeHead = newFreeHead;
        liveCount = newLiveCount;
    }

    private void next(final int entry, final int next)
    {
        entries.putInt(offset(entry) + NEXT_OFFSET, next);
    }

    private int allocate()
    {
        final int entry;
        if (NULL_ENTRY != freeHead)
        {
            entry = freeHead;
            freeHead = entries.getInt(offset(entry) + NEXT_OFFSET);
        }
        else
        {
            if (highWater == capacity)
            {
                final int newCapacity = OffHeapAreas.grownCapacity("entries", capacity, ENTRY_LENGTH);
                entries = OffHeapAreas.grow(entries, capacity * ENTRY_LENGTH, newCapacity * ENTRY_LENGTH);
                capacity = newCapacity;
            }
            entry = highWater++;
        }
        liveCount++;
        return entry;
    }

    /**
     * The entries' buffer, for a hot path that reads and writes several fields of an entry (replaced when the entries
     * grow, so not kept past a call that may append).
     */
    UnsafeBuffer buffer()
    {
        return entries;
    }

    static int offset(final int entry)
    {
        return entry * ENTRY_LENGTH;
    }
}
