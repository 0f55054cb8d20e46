package io.karyon.supervisor;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
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
     * Writes the first bytes of a buffer, eight at a time where it can.
     *
     * @param out    to write to.
     * @param buffer to write from.
     * @param length bytes to write.
     * @throws IOException if writing fails.
     */
    static void write(final DataOutput out, final UnsafeBuffer buffer, final int length) throws IOException
    {
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            out.writeLong(buffer.getLong(i));
        }
        for (; i < length; i++)
        {
            out.writeByte(buffer.getByte(i));
        }
    }

    /**
     * Reads what {@link #write(DataOutput, UnsafeBuffer, int)} wrote into a new zeroed buffer of a capacity.
     *
     * @param in       to read from.
     * @param length   bytes to read.
     * @param capacity of the new buffer, >= length.
     * @return the new buffer.
     * @throws IOException if reading fails or the lengths are impossible.
     */
    static UnsafeBuffer read(final DataInput in, final int length, final int capacity) throws IOException
    {
        if (length < 0 || capacity < length || capacity <= 0)
        {
            throw new IOException("bad off-heap area: length=" + length + ", capacity=" + capacity);
        }
        final UnsafeBuffer buffer = allocate(capacity);
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            buffer.putLong(i, in.readLong());
        }
        for (; i < length; i++)
        {
            buffer.putByte(i, in.readByte());
        }
        return buffer;
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
