package io.karyon.supervisor;

import org.agrona.BufferUtil;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * The window area of a {@link RestartTable}: one off-heap array of restart times (longs) in which each supervisor
 * row takes a part, used as a ring of its recent restarts (the row keeps where its part starts, its ring's head and
 * size). A row starts with {@link RestartTableDescriptor#FIRST_WINDOW_CAPACITY} times and moves to a part twice as
 * long when its restarts inside the period fill it, up to {@code intensity + 1}, so the area follows the restarts
 * held rather than the intensities asked for. A part given back is kept on a list by its length and taken by the
 * next row that asks for that length; the array doubles when no part fits.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker.
 */
final class RestartWindows
{
    private UnsafeBuffer windows;
    private int capacity;
    private int used;
    /** Parts given back, by length: a power of two (the only lengths a window leaves) at index log2(length). */
    private final IntArrayList[] given = new IntArrayList[Integer.SIZE];

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
     * Takes a part for a window: one given back of that length, else a new one at the end of the area (which grows
     * first, so a failure to grow changes nothing).
     *
     * @param times the window's capacity.
     * @return the index of the part's first time.
     */
    int take(final int times)
    {
        final IntArrayList parts = Integer.bitCount(times) == 1 ? given[Integer.numberOfTrailingZeros(times)] : null;
        if (null != parts && !parts.isEmpty())
        {
            return parts.removeAt(parts.size() - 1);
        }
        ensureRoom(times);
        return reserve(times);
    }

    /**
     * Gives back a part a window left, for the next window of that length.
     *
     * @param index of the part's first time.
     * @param times its length, a power of two.
     */
    void give(final int index, final int times)
    {
        final int log2 = Integer.numberOfTrailingZeros(times);
        if (null == given[log2])
        {
            given[log2] = new IntArrayList();
        }
        given[log2].addInt(index);
    }

    /**
     * Bytes of the area.
     *
     * @return capacity in bytes.
     */
    long bytes()
    {
        return (long)capacity * SIZE_OF_LONG;
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

    /**
     * The times' buffer, for a hot path (replaced when the area grows).
     */
    UnsafeBuffer buffer()
    {
        return windows;
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
