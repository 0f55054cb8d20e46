package io.karyon.engine;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.ByteArrayOutputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * One section of a checkpoint as it is written: a growable direct buffer that doubles when full, written as a
 * {@link DataOutput} (big-endian, as the interface says) or by raw copies of off-heap memory (the arena's chunks, in
 * the machine's order). One worker writes each.
 * <p>
 * <b>Note:</b> not threadsafe; written by one thread, then read by the driver once the job that wrote it is done.
 */
final class SectionOutput implements DataOutput, AutoCloseable
{
    private static final int MAX_LENGTH = Integer.MAX_VALUE - 64;

    private final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
    private ByteBuffer memory;
    private int position;

    /**
     * @param initialCapacity bytes before the first doubling.
     */
    SectionOutput(final long initialCapacity)
    {
        memory = ByteBuffer.allocateDirect((int)Math.max(64, Math.min(initialCapacity, MAX_LENGTH)));
        buffer.wrap(memory);
    }

    int position()
    {
        return position;
    }

    private void ensure(final int more)
    {
        final long required = (long)position + more;
        if (required <= buffer.capacity())
        {
            return;
        }
        if (required > MAX_LENGTH)
        {
            throw new IllegalStateException("a checkpoint section cannot pass 2 GiB: " + required + " bytes needed");
        }
        final long capacity = Math.min(MAX_LENGTH, Math.max(required, 2L * buffer.capacity()));
        final ByteBuffer grown = ByteBuffer.allocateDirect((int)capacity);
        buffer.getBytes(0, grown, 0, position);
        BufferUtil.free(memory);
        memory = grown;
        buffer.wrap(grown);
    }

    /**
     * Copies bytes of off-heap (or any) memory as they are.
     */
    void putRaw(final DirectBuffer source, final int index, final int length)
    {
        ensure(length);
        buffer.putBytes(position, source, index, length);
        position += length;
    }

    /**
     * The bytes written so far, as a buffer of their own (position 0, limit the length); valid until the next write.
     */
    ByteBuffer bytes()
    {
        final ByteBuffer view = memory.duplicate();
        view.position(0).limit(position);
        return view;
    }

    /**
     * The CRC32C of the bytes written so far.
     */
    int crc()
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes());
        return (int)crc.getValue();
    }

    /**
     * {@inheritDoc}
     */
    public void write(final int b)
    {
        writeByte(b);
    }

    /**
     * {@inheritDoc}
     */
    public void write(final byte[] b)
    {
        write(b, 0, b.length);
    }

    /**
     * {@inheritDoc}
     */
    public void write(final byte[] b, final int off, final int len)
    {
        ensure(len);
        buffer.putBytes(position, b, off, len);
        position += len;
    }

    /**
     * {@inheritDoc}
     */
    public void writeBoolean(final boolean v)
    {
        writeByte(v ? 1 : 0);
    }

    /**
     * {@inheritDoc}
     */
    public void writeByte(final int v)
    {
        ensure(1);
        buffer.putByte(position++, (byte)v);
    }

    /**
     * {@inheritDoc}
     */
    public void writeShort(final int v)
    {
        ensure(2);
        buffer.putShort(position, (short)v, ByteOrder.BIG_ENDIAN);
        position += 2;
    }

    /**
     * {@inheritDoc}
     */
    public void writeChar(final int v)
    {
        writeShort(v);
    }

    /**
     * {@inheritDoc}
     */
    public void writeInt(final int v)
    {
        ensure(4);
        buffer.putInt(position, v, ByteOrder.BIG_ENDIAN);
        position += 4;
    }

    /**
     * {@inheritDoc}
     */
    public void writeLong(final long v)
    {
        ensure(8);
        buffer.putLong(position, v, ByteOrder.BIG_ENDIAN);
        position += 8;
    }

    /**
     * {@inheritDoc}
     */
    public void writeFloat(final float v)
    {
        writeInt(Float.floatToRawIntBits(v));
    }

    /**
     * {@inheritDoc}
     */
    public void writeDouble(final double v)
    {
        writeLong(Double.doubleToRawLongBits(v));
    }

    /**
     * {@inheritDoc}
     */
    public void writeBytes(final String s)
    {
        for (int i = 0; i < s.length(); i++)
        {
            writeByte(s.charAt(i));
        }
    }

    /**
     * {@inheritDoc}
     */
    public void writeChars(final String s)
    {
        for (int i = 0; i < s.length(); i++)
        {
            writeChar(s.charAt(i));
        }
    }

    /**
     * {@inheritDoc}
     */
    public void writeUTF(final String s) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length() + 2);
        new DataOutputStream(bytes).writeUTF(s);
        write(bytes.toByteArray());
    }

    /**
     * Frees the buffer now rather than when the collector finds it.
     */
    public void close()
    {
        if (null != memory)
        {
            BufferUtil.free(memory);
            memory = null;
            buffer.wrap(0, 0);
        }
    }
}
