package io.karyon.matrix;

import org.agrona.BufferUtil;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

import static org.agrona.BitUtil.SIZE_OF_DOUBLE;

/**
 * The workers' copy of every concentration in dense off-heap buffers of {@code sites * substances} doubles,
 * site-major, which reads and tick phases use instead of the records: 8 bytes a value in one array, which a cache
 * holds far better than records scattered over the map's entries.
 * <p>
 * A dynamic matrix has two buffers and ticks from one into the other, phase by phase ({@link #buffer(int)} with the
 * phase's parity); a static one in memory has one, which both parities name. The records catch up when the matrix
 * publishes a buffer into them.
 * <p>
 * <b>Note:</b> values are written only in tick phases (each part its own sites) or, between them, by
 * {@link #add(int, int, int, double)}; {@link #free()} once, after the workers.
 */
final class FlatCopy
{
    private final int substances;
    private final ByteBuffer[] memory;
    private final int lengthBytes;
    private final UnsafeBuffer[] buffers;
    private final long[] addresses;

    /**
     * Allocates the buffers and loads the records' current values into the first.
     *
     * @param records    the sites' records, as opened.
     * @param sites      of the matrix.
     * @param substances per site.
     * @param twoPhases  whether the matrix ticks from one buffer into another (a dynamic matrix).
     */
    FlatCopy(final SiteRecords records, final int sites, final int substances, final boolean twoPhases)
    {
        this.substances = substances;
        final int length = sites * substances * SIZE_OF_DOUBLE;
        this.lengthBytes = length;
        this.memory = twoPhases ?
            new ByteBuffer[] { ByteBuffer.allocateDirect(length), ByteBuffer.allocateDirect(length) } :
            new ByteBuffer[] { ByteBuffer.allocateDirect(length) };
        final UnsafeBuffer first = new UnsafeBuffer(memory[0]);
        // One buffer: both phases' "front" is the one copy.
        this.buffers = new UnsafeBuffer[] { first, twoPhases ? new UnsafeBuffer(memory[1]) : first };
        this.addresses = new long[] { buffers[0].addressOffset(), buffers[1].addressOffset() };
        records.copyInto(first);
    }

    /**
     * The buffer a phase parity names: the values as of that phase, or where the phase writes.
     *
     * @param parity 0 or 1.
     * @return the buffer.
     */
    UnsafeBuffer buffer(final int parity)
    {
        return buffers[parity];
    }

    /**
     * A value in the buffer a phase parity names.
     *
     * @param parity    0 or 1: the front buffer.
     * @param site      0 to sites - 1, checked by the caller.
     * @param substance 0 to substances - 1, checked by the caller.
     * @return the concentration.
     */
    double read(final int parity, final int site, final int substance)
    {
        // The caller checked site and substance: no second bounds check.
        return UnsafeApi.getDouble(addresses[parity] + (long)(site * substances + substance) * SIZE_OF_DOUBLE);
    }

    /**
     * One substance summed over every site of the buffer a phase parity names, in site order from 0.0: the same
     * additions in the same order as a loop of {@link #read(int, int, int)}, so the same bits.
     *
     * @param parity    0 or 1: the front buffer.
     * @param sites     of the matrix.
     * @param substance 0 to substances - 1, checked by the caller.
     * @return the sum.
     */
    double total(final int parity, final int sites, final int substance)
    {
        final long stride = (long)substances * SIZE_OF_DOUBLE;
        long address = addresses[parity] + (long)substance * SIZE_OF_DOUBLE;
        double sum = 0.0;
        for (int site = 0; site < sites; site++, address += stride)
        {
            sum += UnsafeApi.getDouble(address);
        }
        return sum;
    }

    /**
     * Adds to a value in the buffer a phase parity names.
     *
     * @param parity    0 or 1: the front buffer.
     * @param site      0 to sites - 1.
     * @param substance 0 to substances - 1.
     * @param amount    added.
     */
    void add(final int parity, final int site, final int substance, final double amount)
    {
        final UnsafeBuffer front = buffers[parity];
        final int index = (site * substances + substance) * SIZE_OF_DOUBLE;
        front.putDouble(index, front.getDouble(index) + amount);
    }

    /**
     * A static in-memory matrix's tick: one part's sorted deposits (its whole segments) go into the one buffer.
     *
     * @param deposits the part's deposits, merged.
     */
    void apply(final DepositMerger deposits)
    {
        final int count = deposits.count;
        final long[] keys = deposits.keys;
        final double[] amounts = deposits.amounts;
        final UnsafeBuffer values = buffers[0];
        for (int d = 0; d < count; d++)
        {
            final int index = (int)keys[d] * SIZE_OF_DOUBLE;
            values.putDouble(index, values.getDouble(index) + amounts[d]);
        }
    }

    /**
     * A sharded run with a reach: keeps only the values of sites [firstSite, endSite) (this process's window) in both
     * buffers, and frees the rest. The buffers keep their site addressing: each is re-wrapped at the window's memory
     * less the window's offset, with the whole grid's capacity, so that every index (the kernel's, the frames', a
     * read's) stays {@code (site * substances + substance) * 8} and nothing on a tick's path changes. Memory outside
     * the window is not this buffer's: callers touch only sites of the window (reads are bounded by it, whole-matrix
     * views refused, the records no longer published from these buffers). Called once, while the workers wait.
     *
     * @param firstSite first site held.
     * @param endSite   one past the last.
     */
    void holdOnly(final long firstSite, final long endSite)
    {
        final int first = (int)firstSite * substances * SIZE_OF_DOUBLE;
        final int length = (int)(endSite - firstSite) * substances * SIZE_OF_DOUBLE;
        final ByteBuffer[] kept = new ByteBuffer[memory.length];
        for (int b = 0; b < memory.length; b++)
        {
            kept[b] = ByteBuffer.allocateDirect(length);
            final UnsafeBuffer window = new UnsafeBuffer(kept[b]);
            window.putBytes(0, buffers[b], first, length);
            final long shifted = window.addressOffset() - first;
            buffers[b].wrap(shifted, lengthBytes);
            addresses[b] = shifted;
            BufferUtil.free(memory[b]);
            memory[b] = kept[b];
        }
    }

    /**
     * Frees the buffers; they must not be used again.
     */
    void free()
    {
        buffers[0].wrap(0, 0);
        buffers[1].wrap(0, 0);
        for (final ByteBuffer buffer : memory)
        {
            BufferUtil.free(buffer);
        }
    }
}
