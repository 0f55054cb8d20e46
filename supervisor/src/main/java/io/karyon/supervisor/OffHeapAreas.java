package io.karyon.supervisor;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * How the restart table's off-heap stores get and grow their memory: zeroed direct buffers that double when full and
 * free the old buffer at once, so a table that has grown holds one buffer per store, not a trail of them.
 */
final class OffHeapAreas
{
    private OffHeapAreas()
    {
    }

    /**
     * A zeroed direct buffer.
     *
     * @param length in bytes.
     * @return the buffer.
     */
    static UnsafeBuffer allocate(final int length)
    {
        return new UnsafeBuffer(ByteBuffer.allocateDirect(length));
    }

    /**
     * Copies a buffer into a larger one and frees it.
     *
     * @param old       buffer, freed on return.
     * @param oldLength bytes of it to keep.
     * @param newLength of the new buffer.
     * @return the new buffer, zeroed past oldLength.
     */
    static UnsafeBuffer grow(final UnsafeBuffer old, final int oldLength, final int newLength)
    {
        final UnsafeBuffer grown = allocate(newLength);
        grown.putBytes(0, old, 0, oldLength);
        BufferUtil.free(old);
        return grown;
    }

    /**
     * Twice a capacity, checked against Agrona's 2 GiB buffer index.
     *
     * @param area     name of the store, for the error.
     * @param capacity in records now.
     * @param length   of one record in bytes.
     * @return the doubled capacity.
     * @throws IllegalStateException if the doubled store would pass 2 GiB.
     */
    static int grownCapacity(final String area, final int capacity, final int length)
    {
        final long newCapacity = (long)capacity << 1;
        if (newCapacity * length > Integer.MAX_VALUE)
        {
            throw new IllegalStateException(
                area + " cannot grow past 2 GiB: capacity=" + capacity + ", length=" + length);
        }
        return (int)newCapacity;
    }

    /**
     * Checks a size given to a constructor.
     *
     * @param name  of the parameter.
     * @param value to be checked.
     * @throws IllegalArgumentException if value is not positive.
     */
    static void checkPositive(final String name, final int value)
    {
        if (value <= 0)
        {
            throw new IllegalArgumentException(name + " must be > 0: " + name + "=" + value);
        }
    }
}
