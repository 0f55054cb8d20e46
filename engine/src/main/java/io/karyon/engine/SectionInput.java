package io.karyon.engine;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.DataInput;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One section of a checkpoint as it is read: a {@link DataInput} over its bytes (a mapped part of the file), with
 * raw copies into off-heap memory for what {@link SectionOutput} copied raw. Reading past the section's end throws
 * {@link EOFException}.
 * <p>
 * <b>Note:</b> not threadsafe; each reader has its own, over a buffer others may read too.
 */
final class SectionInput implements DataInput
{
    private final UnsafeBuffer buffer;
    private int position;

    /**
     * @param section the section's bytes, from its position to its limit.
     */
    SectionInput(final ByteBuffer section)
    {
        this.buffer = new UnsafeBuffer(section, section.position(), section.remaining());
    }

    int position()
    {
        return position;
    }

    void position(final int position)
    {
        this.position = position;
    }

    int length()
    {
        return buffer.capacity();
    }

    private int take(final int length) throws EOFException
    {
        if (length < 0 || length > buffer.capacity() - position)
        {
            throw new EOFException("ends early: " + length + " bytes wanted at " + position + " of " +
                buffer.capacity());
        }
        final int at = position;
        position += length;
        return at;
    }

    /**
     * Copies bytes as they are into (off-heap) memory.
     */
    void getRaw(final MutableDirectBuffer target, final int index, final int length) throws EOFException
    {
        target.putBytes(index, buffer, take(length), length);
    }

    /**
     * {@inheritDoc}
     */
    public void readFully(final byte[] b) throws IOException
    {
        readFully(b, 0, b.length);
    }

    /**
     * {@inheritDoc}
     */
    public void readFully(final byte[] b, final int off, final int len) throws IOException
    {
        buffer.getBytes(take(len), b, off, len);
    }

    /**
     * {@inheritDoc}
     */
    public int skipBytes(final int n)
    {
        final int skipped = Math.max(0, Math.min(n, buffer.capacity() - position));
        position += skipped;
        return skipped;
    }

    /**
     * {@inheritDoc}
     */
    public boolean readBoolean() throws IOException
    {
        return 0 != readByte();
    }

    /**
     * {@inheritDoc}
     */
    public byte readByte() throws IOException
    {
        return buffer.getByte(take(1));
    }

    /**
     * {@inheritDoc}
     */
    public int readUnsignedByte() throws IOException
    {
        return readByte() & 0xFF;
    }

    /**
     * {@inheritDoc}
     */
    public short readShort() throws IOException
    {
        return buffer.getShort(take(2), ByteOrder.BIG_ENDIAN);
    }

    /**
     * {@inheritDoc}
     */
    public int readUnsignedShort() throws IOException
    {
        return readShort() & 0xFFFF;
    }

    /**
     * {@inheritDoc}
     */
    public char readChar() throws IOException
    {
        return (char)readShort();
    }

    /**
     * {@inheritDoc}
     */
    public int readInt() throws IOException
    {
        return buffer.getInt(take(4), ByteOrder.BIG_ENDIAN);
    }

    /**
     * {@inheritDoc}
     */
    public long readLong() throws IOException
    {
        return buffer.getLong(take(8), ByteOrder.BIG_ENDIAN);
    }

    /**
     * {@inheritDoc}
     */
    public float readFloat() throws IOException
    {
        return Float.intBitsToFloat(readInt());
    }

    /**
     * {@inheritDoc}
     */
    public double readDouble() throws IOException
    {
        return Double.longBitsToDouble(readLong());
    }

    /**
     * {@inheritDoc}
     */
    public String readLine()
    {
        throw new UnsupportedOperationException("readLine: a checkpoint section has no lines");
    }

    /**
     * {@inheritDoc}
     */
    public String readUTF() throws IOException
    {
        return DataInputStream.readUTF(this);
    }
}
