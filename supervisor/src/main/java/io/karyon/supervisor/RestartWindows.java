package io.karyon.supervisor;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * The window area of a {@link RestartTable}: one off-heap array of restart times (longs) in which each supervisor
 * row reserves {@code intensity + 1} slots when it is created, used as a ring of its recent restarts (the row keeps
 * where its part starts, its ring's head and size). The array doubles when a new row needs more room; a row's part
 * is never moved within it or given back.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker.
 */
final class RestartWindows
{
    private UnsafeBuffer windows;
    private int capacity;
    private int used;

    /**
     * @param initialTimes restart times the array holds before it grows, > 0.
     */
    RestartWindows(final int initialTimes)
    {
        capacity = initialTimes;
        windows = OffHeapAreas.allocate(capacity * SIZE_OF_LONG);
    }

    /**
     * Makes room for a new row's window, before anything else is changed, so that a failure to grow leaves the table
     * as it was.
     *
     * @param times the window's capacity.
     */
    void ensureRoom(final int times)
    {
        if (used + times > capacity)
        {
            int newCapacity = capacity;
            while (used + times > newCapacity)
            {
                newCapacity = OffHeapAreas.grownCapacity("windows", newCapacity, SIZE_OF_LONG);
            }
            windows = OffHeapAreas.grow(windows, capacity * SIZE_OF_LONG, newCapacity * SIZE_OF_LONG);
            capacity = newCapacity;
        }
    }

    /**
     * Reserves a new row's window; call {@link #ensureRoom(int)} first.
     *
     * @param times the window's capacity.
     * @return the index of the window's first time.
     */
    int reserve(final int times)
    {
        final int index = used;
        used += times;
        return index;
    }

    long time(final int index)
    {
        return windows.getLong(index * SIZE_OF_LONG);
    }

    void time(final int index, final long time)
    {
        windows.putLong(index * SIZE_OF_LONG, time);
    }

    void close()
    {
        BufferUtil.free(windows);
    }

    /**
     * Writes the windows for a checkpoint.
     */
    void write(final DataOutput out) throws IOException
    {
        out.writeInt(capacity);
        out.writeInt(used);
        OffHeapAreas.write(out, windows, used * SIZE_OF_LONG);
    }

    /**
     * Replaces the windows with what {@link #write(DataOutput)} wrote.
     */
    void read(final DataInput in) throws IOException
    {
        final int newCapacity = in.readInt();
        final int newUsed = in.readInt();
        final UnsafeBuffer read = OffHeapAreas.read(in, newUsed * SIZE_OF_LONG, newCapacity * SIZE_OF_LONG);
        BufferUtil.free(windows);
        windows = read;
        capacity = newCapacity;
        used = newUsed;
    }
}
