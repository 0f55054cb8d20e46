package io.karyon.supervisor;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import static io.karyon.supervisor.RestartTableDescriptor.CHILD_COUNT_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.FIRST_CHILD_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.GIVE_UP_COUNT_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.INTENSITY_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.LAST_CHILD_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.NULL_ENTRY;
import static io.karyon.supervisor.RestartTableDescriptor.NULL_ROW;
import static io.karyon.supervisor.RestartTableDescriptor.PARENT_ENTRY_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.PARENT_ROW_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.PERIOD_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.RESTART_COUNT_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.ROW_LENGTH;
import static io.karyon.supervisor.RestartTableDescriptor.ROW_RUNNING;
import static io.karyon.supervisor.RestartTableDescriptor.ROW_STATUS_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.STRATEGY_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.WINDOW_CAPACITY_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.WINDOW_HEAD_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.WINDOW_INDEX_OFFSET;
import static io.karyon.supervisor.RestartTableDescriptor.WINDOW_SIZE_OFFSET;

/**
 * The supervisor rows of a {@link RestartTable}: one off-heap row per supervisor, laid out by
 * {@link RestartTableDescriptor}, in a buffer that doubles when full. Accessors are named after the row's fields and
 * take the row id and check nothing; the table checks its callers' rows once, with the check methods here.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker.
 */
final class SupervisorRows
{
    private UnsafeBuffer rows;
    private int capacity;
    private int count;

    /**
     * @param initialRows rows before the buffer grows, > 0.
     */
    SupervisorRows(final int initialRows)
    {
        capacity = initialRows;
        rows = OffHeapAreas.allocate(capacity * ROW_LENGTH);
    }

    /**
     * Makes room for one more row, before anything else is changed, so that a failure to grow leaves the table as it
     * was.
     */
    void ensureRoomForOne()
    {
        if (count == capacity)
        {
            final int newCapacity = OffHeapAreas.grownCapacity("rows", capacity, ROW_LENGTH);
            rows = OffHeapAreas.grow(rows, capacity * ROW_LENGTH, newCapacity * ROW_LENGTH);
            capacity = newCapacity;
        }
    }

    /**
     * Adds a running row with no children and an empty window; call {@link #ensureRoomForOne()} first.
     *
     * @return the new row id.
     */
    int add(
        final int strategyCode,
        final int intensity,
        final int windowCapacity,
        final long period,
        final int parentRow,
        final int parentEntry,
        final int windowIndex)
    {
        final int row = count++;
        final int offset = offset(row);
        rows.putInt(offset + STRATEGY_OFFSET, strategyCode);
        rows.putInt(offset + ROW_STATUS_OFFSET, ROW_RUNNING);
        rows.putInt(offset + INTENSITY_OFFSET, intensity);
        rows.putInt(offset + WINDOW_CAPACITY_OFFSET, windowCapacity);
        rows.putLong(offset + PERIOD_OFFSET, period);
        rows.putInt(offset + PARENT_ROW_OFFSET, parentRow);
        rows.putInt(offset + PARENT_ENTRY_OFFSET, parentEntry);
        rows.putInt(offset + FIRST_CHILD_OFFSET, NULL_ENTRY);
        rows.putInt(offset + LAST_CHILD_OFFSET, NULL_ENTRY);
        rows.putInt(offset + CHILD_COUNT_OFFSET, 0);
        rows.putInt(offset + WINDOW_INDEX_OFFSET, windowIndex);
        rows.putInt(offset + WINDOW_HEAD_OFFSET, 0);
        rows.putInt(offset + WINDOW_SIZE_OFFSET, 0);
        rows.putInt(offset + RESTART_COUNT_OFFSET, 0);
        rows.putInt(offset + GIVE_UP_COUNT_OFFSET, 0);
        return row;
    }

    int count()
    {
        return count;
    }

    int strategyCode(final int row)
    {
        return rows.getInt(offset(row) + STRATEGY_OFFSET);
    }

    int status(final int row)
    {
        return rows.getInt(offset(row) + ROW_STATUS_OFFSET);
    }

    void status(final int row, final int status)
    {
        rows.putInt(offset(row) + ROW_STATUS_OFFSET, status);
    }

    boolean isRunning(final int row)
    {
        return ROW_RUNNING == rows.getInt(offset(row) + ROW_STATUS_OFFSET);
    }

    int intensity(final int row)
    {
        return rows.getInt(offset(row) + INTENSITY_OFFSET);
    }

    int windowCapacity(final int row)
    {
        return rows.getInt(offset(row) + WINDOW_CAPACITY_OFFSET);
    }

    void windowCapacity(final int row, final int capacity)
    {
        rows.putInt(offset(row) + WINDOW_CAPACITY_OFFSET, capacity);
    }

    long period(final int row)
    {
        return rows.getLong(offset(row) + PERIOD_OFFSET);
    }

    int parentRow(final int row)
    {
        return rows.getInt(offset(row) + PARENT_ROW_OFFSET);
    }

    int parentEntry(final int row)
    {
        return rows.getInt(offset(row) + PARENT_ENTRY_OFFSET);
    }

    void parentEntry(final int row, final int entry)
    {
        rows.putInt(offset(row) + PARENT_ENTRY_OFFSET, entry);
    }

    int firstChild(final int row)
    {
        return rows.getInt(offset(row) + FIRST_CHILD_OFFSET);
    }

    void firstChild(final int row, final int entry)
    {
        rows.putInt(offset(row) + FIRST_CHILD_OFFSET, entry);
    }

    int lastChild(final int row)
    {
        return rows.getInt(offset(row) + LAST_CHILD_OFFSET);
    }

    void lastChild(final int row, final int entry)
    {
        rows.putInt(offset(row) + LAST_CHILD_OFFSET, entry);
    }

    int childCount(final int row)
    {
        return rows.getInt(offset(row) + CHILD_COUNT_OFFSET);
    }

    void addToChildCount(final int row, final int delta)
    {
        final int offset = offset(row);
        rows.putInt(offset + CHILD_COUNT_OFFSET, rows.getInt(offset + CHILD_COUNT_OFFSET) + delta);
    }

    int windowIndex(final int row)
    {
        return rows.getInt(offset(row) + WINDOW_INDEX_OFFSET);
    }

    void windowIndex(final int row, final int index)
    {
        rows.putInt(offset(row) + WINDOW_INDEX_OFFSET, index);
    }

    int windowHead(final int row)
    {
        return rows.getInt(offset(row) + WINDOW_HEAD_OFFSET);
    }

    void windowHead(final int row, final int head)
    {
        rows.putInt(offset(row) + WINDOW_HEAD_OFFSET, head);
    }

    int windowSize(final int row)
    {
        return rows.getInt(offset(row) + WINDOW_SIZE_OFFSET);
    }

    void windowSize(final int row, final int size)
    {
        rows.putInt(offset(row) + WINDOW_SIZE_OFFSET, size);
    }

    int restartCount(final int row)
    {
        return rows.getInt(offset(row) + RESTART_COUNT_OFFSET);
    }

    void countRestart(final int row)
    {
        final int offset = offset(row);
        rows.putInt(offset + RESTART_COUNT_OFFSET, rows.getInt(offset + RESTART_COUNT_OFFSET) + 1);
    }

    void countGiveUp(final int row)
    {
        final int offset = offset(row);
        rows.putInt(offset + GIVE_UP_COUNT_OFFSET, rows.getInt(offset + GIVE_UP_COUNT_OFFSET) + 1);
    }

    /**
     * Checks a row id.
     *
     * @param row to be checked.
     * @throws IllegalArgumentException if no such row was created.
     */
    void checkRow(final int row)
    {
        if (row < 0 || row >= count)
        {
            throw new IllegalArgumentException(
                "row must be a row of this table in [0, " + count + "): row=" + row);
        }
    }

    /**
     * Checks that a row, already checked, may take a new child.
     *
     * @param row to be checked.
     * @throws IllegalStateException if the row has terminated.
     */
    void checkRunning(final int row)
    {
        if (!isRunning(row))
        {
            throw new IllegalStateException("row must be running to take a new child: row=" + row + " is terminated");
        }
    }

    /**
     * Checks that a row, already checked, is a simple_one_for_one supervisor.
     *
     * @param row       to be checked.
     * @param operation that needs it, for the error.
     * @throws IllegalArgumentException if the row has another strategy.
     */
    void checkSimple(final int row, final String operation)
    {
        final int code = strategyCode(row);
        if (RestartStrategy.SIMPLE_ONE_FOR_ONE.code() != code)
        {
            throw new IllegalArgumentException(
                operation + " is only for dynamic children of a SIMPLE_ONE_FOR_ONE supervisor: row=" + row +
                ", strategy=" + RestartStrategy.get(code));
        }
    }

    /**
     * Checks that a row exists and has no parent in this table.
     *
     * @param row to be checked.
     * @throws IllegalArgumentException if no such row was created or it has a parent row.
     */
    void checkTopLevel(final int row)
    {
        checkRow(row);
        if (NULL_ROW != parentRow(row))
        {
            throw new IllegalArgumentException("row must be a top-level supervisor: row=" + row + " has parent row " +
                parentRow(row));
        }
    }

    void close()
    {
        BufferUtil.free(rows);
    }

    /**
     * Writes the rows for a checkpoint.
     */
    void write(final DataOutput out) throws IOException
    {
        out.writeInt(capacity);
        out.writeInt(count);
        OffHeapAreas.write(out, rows, count * ROW_LENGTH);
    }

    /**
     * Replaces the rows with what {@link #write(DataOutput)} wrote.
     */
    void read(final DataInput in) throws IOException
    {
        final int newCapacity = in.readInt();
        final int newCount = in.readInt();
        final UnsafeBuffer read = OffHeapAreas.read(in, newCount * ROW_LENGTH, newCapacity * ROW_LENGTH);
        BufferUtil.free(rows);
        rows = read;
        capacity = newCapacity;
        count = newCount;
    }

    /**
     * The rows' buffer, for a hot path that reads several fields of one row (replaced when the rows grow, which no
     * decision does).
     */
    UnsafeBuffer buffer()
    {
        return rows;
    }

    static int offset(final int row)
    {
        return row * ROW_LENGTH;
    }
}
