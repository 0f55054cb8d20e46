package io.karyon.matrix;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.agrona.BitUtil.SIZE_OF_DOUBLE;

/**
 * A matrix's state as a checkpoint holds it (see {@link Matrix#writeState(DataOutput)}): the values in chunks of raw
 * doubles in the platform's byte order, then the pending deposits in a canonical order.
 * <p>
 * Deposits are written writer by writer, part by part, each bucket in issue order, and all read back into the first
 * writer in that order. A tick phase adds a value's deposits sorted by order key, stably: deposits with one order key
 * (one cell) come from one writer in issue order, so they keep it, and the sum comes out the same for any number of
 * writers on either side.
 * <p>
 * <b>Note:</b> not threadsafe; between ticks, on the driver.
 */
final class MatrixState
{
    private static final int CHUNK = 64 * 1024;

    private MatrixState()
    {
    }

    private static void writeZeros(final DataOutput out, final byte[] zeros, final int bytes) throws IOException
    {
        Arrays.fill(zeros, (byte)0);
        for (int at = 0; at < bytes; at += zeros.length)
        {
            out.write(zeros, 0, Math.min(zeros.length, bytes - at));
        }
    }

    static void write(
        final Matrix matrix,
        final UnsafeBuffer flatFront,
        final long heldFirst,
        final long heldEnd,
        final SiteRecords records,
        final MatrixWriter[] writers,
        final DataOutput out) throws IOException
    {
        final int sites = (int)matrix.sites();
        final int substances = matrix.substances();
        out.writeInt(sites);
        out.writeInt(substances);
        UnsafeBuffer values = flatFront;
        if (null == values)
        {
            values = new UnsafeBuffer(ByteBuffer.allocateDirect(sites * substances * SIZE_OF_DOUBLE));
            records.copyInto(values);
        }
        final byte[] chunk = new byte[CHUNK];
        final int first = (int)heldFirst * substances * SIZE_OF_DOUBLE;
        final int heldBytes = (int)heldEnd * substances * SIZE_OF_DOUBLE;
        final int length = sites * substances * SIZE_OF_DOUBLE;
        writeZeros(out, chunk, first);
        for (int at = first; at < heldBytes; at += CHUNK)
        {
            final int n = Math.min(CHUNK, heldBytes - at);
            values.getBytes(at, chunk, 0, n);
            out.write(chunk, 0, n);
        }
        // Beyond a sharded run's window (a reach): not held here, written as 0.0.
        writeZeros(out, new byte[CHUNK], length - heldBytes);
        int deposits = 0;
        for (int w = 0; null != writers && w < writers.length; w++)
        {
            deposits += writers[w].pending();
        }
        out.writeInt(deposits);
        for (int w = 0; null != writers && w < writers.length; w++)
        {
            final MatrixWriter writer = writers[w];
            for (int p = 0; p < writer.parts(); p++)
            {
                for (int i = 0, end = writer.count(p); i < end; i++)
                {
                    out.writeLong(writer.keys[p][i]);
                    out.writeLong(writer.orderKeys[p][i]);
                    out.writeDouble(writer.amounts[p][i]);
                }
            }
        }
    }

    static void read(
        final Matrix matrix,
        final UnsafeBuffer flatFront,
        final SiteRecords records,
        final MatrixWriter[] writers,
        final DataInput in) throws IOException
    {
        final int sites = in.readInt();
        final int substances = in.readInt();
        if (sites != matrix.sites() || substances != matrix.substances())
        {
            throw new IOException(matrix.name() + ": the checkpoint's matrix has " + sites + " sites of " + substances +
                " substances, this one " + matrix.sites() + " of " + matrix.substances());
        }
        final int length = sites * substances * SIZE_OF_DOUBLE;
        final UnsafeBuffer values = null != flatFront ? flatFront :
            new UnsafeBuffer(ByteBuffer.allocateDirect(length));
        final byte[] chunk = new byte[CHUNK];
        for (int at = 0; at < length; at += CHUNK)
        {
            final int n = Math.min(CHUNK, length - at);
            in.readFully(chunk, 0, n);
            values.putBytes(at, chunk, 0, n);
        }
        final int deposits = in.readInt();
        if (deposits < 0 || deposits > 0 && null == writers)
        {
            throw new IOException(matrix.name() + ": the checkpoint holds " + deposits + " deposits not yet applied, " +
                "but this matrix has " + (deposits < 0 ? "no such count" : "no writers (tick mode is not set up)"));
        }
        for (int w = 0; null != writers && w < writers.length; w++)
        {
            for (int p = 0; p < writers[w].parts(); p++)
            {
                writers[w].count(p, 0);  // what the set-up deposited is replaced too
            }
        }
        for (int d = 0; d < deposits; d++)
        {
            final long key = in.readLong();
            final long orderKey = in.readLong();
            final double amount = in.readDouble();
            if (key < 0 || key >= (long)sites * substances)
            {
                throw new IOException(matrix.name() + ": deposit " + d + " of " + deposits + " names value " + key +
                    ", outside 0.." + ((long)sites * substances - 1));
            }
            writers[0].deposit(key / substances, (int)(key % substances), amount, orderKey);
        }
        records.publish(values, 0, 1, 0, 1);
    }
}
